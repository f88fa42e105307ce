import ArgumentParser
import FactorKernels
import Foundation
import Workbench

/// `credence bench`: times exact inference over reference queries and checks every answer.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time inference on networks over reference queries, checking every answer.",
        discussion: """
        With no arguments, runs every reference file in ../shared/reference with its network from ../shared/networks. Reports per network the median time per query of the single-target posterior (variable elimination and junction tree) and of all marginals (junction tree), and the largest absolute difference from the reference.

        Example: credence bench --queries ../shared/reference/alarm.json --json
        """
    )

    @Argument(help: "Model files (.bif, .bif.gz, .xmlbif).")
    var models: [String] = []

    @Option(name: .customLong("queries"), help: "A reference-query file (repeatable).")
    var queries: [String] = []

    @Option(help: "OpenBLAS threads.")
    var threads = 1

    @Option(help: "Timed runs per query and task (the median is kept).")
    var `repeat` = 3

    @Option(help: "Use at most this many queries per network.")
    var maxQueries: Int?

    @Flag(help: "Print one JSON document on stdout.")
    var json = false

    @Option(help: "wall or cpu: what the times measure (cpu is steadier on a busy machine).")
    var clock = "wall"

    @Option(help: "Folder to write generated queries to (for networks without a reference file), so peers can run the same queries.")
    var writeQueries: String?

    func run() throws {
        if let dir = writeQueries {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isFolder), isFolder.boolValue else {
                throw WorkbenchError.usage("--write-queries \(dir): no such folder; create it first")
            }
        }
        BLAS.setThreads(threads)
        let items = try BenchmarkSuite.resolve(models: models, queries: queries,
                                               searchRoot: FileManager.default.currentDirectoryPath)
        let bandwidth = MemoryBandwidth.copyBytesPerSecond()
        guard clock == "wall" || clock == "cpu" else { throw ValidationError("--clock must be wall or cpu, got '\(clock)'") }
        let bench = InferenceBenchmark(repeats: `repeat`, maxQueries: maxQueries, bandwidth: bandwidth, cpuClock: clock == "cpu")
        var results: [InferenceBenchmark.Result] = []
        if !json {
            print(InferenceBenchmark.Result.markdownHeader(bandwidth: bandwidth))
        }
        for item in items {
            FileHandle.standardError.write(Data("bench: \(item.modelPath)\n".utf8))
            let (network, name, reference) = try item.load(count: maxQueries ?? 20)
            if item.referencePath == nil {
                FileHandle.standardError.write(Data("bench: \(name) has no reference file; \(reference.queries.count) seeded queries generated, answers cross-checked between VE and the junction tree only\n".utf8))
                if let dir = writeQueries {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    try AtomicFile.write(String(decoding: try encoder.encode(reference), as: UTF8.self),
                                         to: URL(fileURLWithPath: dir).appendingPathComponent(name + ".json").path)
                }
            }
            let r = try bench.run(network: network, reference: reference)
            results.append(r)
            if !json {
                print(r.markdownRow)
            }
        }
        if json {
            struct Report: Encodable {
                var threads: Int
                var memoryBandwidthBytesPerSecond: Double
                var networks: [String: InferenceBenchmark.Result]
            }
            try printJSON(Report(threads: threads, memoryBandwidthBytesPerSecond: bandwidth, networks: Dictionary(uniqueKeysWithValues: results.map { ($0.network, $0) })))
        }
        if results.contains(where: { $0.max_abs_diff > 1e-9 }) {
            FileHandle.standardError.write(Data("bench: some answers differ from the reference by more than 1e-9\n".utf8))
            throw ExitCode(1)
        }
    }
}
