// ParseBench: times model parsing for every network in ../shared/networks (median of N
// runs, release mode) and reading a generated 1,000,000 × 20 CSV dataset.
//
//   swift build -c release --product ParseBench
//   .build/release/ParseBench [--runs N] [--networks DIR] [--csv-rows N] [--csv-columns N]
//                             [--no-csv] [--clock cpu|wall] [--json] [--output FILE]
//
// `parse_ms` is the median process CPU time by default (like Benchmarks/peers/bench_parse.py,
// which is robust on a shared machine); `--clock wall` uses the wall clock. Both medians
// are in the JSON.
import BNCore
import BNFormats
import Foundation

struct Options {
    var runs = 11
    var networks: String? = nil
    var csvRows = 1_000_000
    var csvColumns = 20
    var csv = true
    var json = false
    var output: String? = nil
    var wallClock = false
}

func usage() -> Never {
    FileHandle.standardError.write(Data("""
    usage: ParseBench [--runs N] [--networks DIR] [--csv-rows N] [--csv-columns N] [--no-csv] [--clock cpu|wall] [--json] [--output FILE]

    """.utf8))
    exit(2)
}

func parseArguments() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    func value() -> String { guard let v = args.popFirst() else { usage() }; return v }
    func int() -> Int { guard let n = Int(value()) else { usage() }; return n }
    while let a = args.popFirst() {
        switch a {
        case "--runs": o.runs = max(1, int())
        case "--networks": o.networks = value()
        case "--csv-rows": o.csvRows = max(1, int())
        case "--csv-columns": o.csvColumns = max(1, int())
        case "--no-csv": o.csv = false
        case "--json": o.json = true
        case "--output": o.output = value()
        case "--clock":
            switch value() {
            case "cpu": o.wallClock = false
            case "wall": o.wallClock = true
            default: usage()
            }
        default: usage()
        }
    }
    return o
}

/// The networks folder: the option, else ../shared/networks from the current directory or
/// from the repository root above the executable.
func networksDirectory(_ option: String?) -> String {
    if let o = option { return o }
    var candidates = [FileManager.default.currentDirectoryPath + "/../shared/networks"]
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
        candidates.append(url.appendingPathComponent("../shared/networks").path)
        url = url.deletingLastPathComponent()
    }
    for c in candidates where FileManager.default.fileExists(atPath: c) { return URL(fileURLWithPath: c).standardized.path }
    FileHandle.standardError.write(Data("ParseBench: cannot find ../shared/networks; pass --networks DIR\n".utf8))
    exit(1)
}

/// Process CPU time in seconds.
func cpuNow() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Wall and CPU seconds of one call.
func measure(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let c0 = cpuNow()
    try body()
    let c1 = cpuNow()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, c1 - c0)
}

/// The chosen clock's seconds of one call.
@MainActor func seconds(_ body: () throws -> Void) rethrows -> Double {
    let m = try measure(body)
    return options.wallClock ? m.wall : m.cpu
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

struct NetworkTiming {
    var name: String, file: String, bytes: Int, nodes: Int, edges: Int, entries: Int
    var parseMs: Double, minMs: Double, wallMs: Double, cpuMs: Double
}

let options = parseArguments()
let dir = networksDirectory(options.networks)
let files = (try? FileManager.default.contentsOfDirectory(atPath: dir))?
    .filter { ModelFormat(path: $0).map(\.isReadable) == true }
    .sorted() ?? []
var timings: [NetworkTiming] = []
for file in files {
    let path = dir + "/" + file
    var name = file
    for ext in [".bif.gz", ".bif", ".xmlbif", ".xml", ".net", ".uai", ".bn"] where name.hasSuffix(ext) {
        name = String(name.dropLast(ext.count)); break
    }
    do {
        var net = try ModelFile.read(path)            // warm-up (page cache, allocator)
        var walls: [Double] = [], cpus: [Double] = []
        for _ in 0..<options.runs {
            let m = try measure { net = try ModelFile.read(path) }
            walls.append(m.wall)
            cpus.append(m.cpu)
        }
        let times = options.wallClock ? walls : cpus
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        timings.append(NetworkTiming(name: name, file: file, bytes: size ?? 0, nodes: net.count, edges: net.dag.edgeCount,
                                     entries: net.cpts.reduce(0) { $0 + $1.values.count },
                                     parseMs: median(times) * 1000, minMs: (times.min() ?? 0) * 1000,
                                     wallMs: median(walls) * 1000, cpuMs: median(cpus) * 1000))
    } catch {
        FileHandle.standardError.write(Data("ParseBench: \(file): \(error)\n".utf8))
        exit(1)
    }
}

struct CSVTiming {
    var rows: Int, columns: Int, bytes: Int
    var boundMs: Double, schemaFreeMs: Double, writeMs: Double
}

/// A synthetic model with `columns` variables of 2…6 states and a CSV sampled uniformly
/// (5 % missing), written to a temporary file.
@MainActor func csvBenchmark(rows: Int, columns: Int, runs: Int) throws -> CSVTiming {
    var net = BayesianNetwork(name: "csvbench")
    for j in 0..<columns {
        try net.addVariable(Variable(name: "var\(j)", states: (0..<(2 + j % 5)).map { "state\($0)" }))
    }
    var rng = SplitMix64(seed: 42)
    var cols = [[Int32]](repeating: [], count: columns)
    for j in 0..<columns {
        cols[j].reserveCapacity(rows)
        let k = UInt64(net.variables[j].cardinality)
        for _ in 0..<rows { cols[j].append(rng.next() % 20 == 0 ? -1 : Int32(rng.next() % k)) }
    }
    let data = Dataset(names: net.names, states: net.variables.map(\.states), columns: cols)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("parsebench-\(getpid()).csv").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let writeTime = try seconds { try CSVWriter.write(data, to: path) }
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    var bound: [Double] = [], free: [Double] = []
    var check: Dataset? = nil
    for _ in 0..<runs {
        bound.append(try seconds { check = try CSVReader.read(path: path, network: net).dataset })
        free.append(try seconds { _ = try CSVReader.read(path: path) })
    }
    precondition(check == data, "the CSV read back differs from what was written")
    return CSVTiming(rows: rows, columns: columns, bytes: size, boundMs: median(bound) * 1000,
                     schemaFreeMs: median(free) * 1000, writeMs: writeTime * 1000)
}

var csv: CSVTiming? = nil
if options.csv {
    do { csv = try csvBenchmark(rows: options.csvRows, columns: options.csvColumns, runs: max(1, min(options.runs, 5))) }
    catch { FileHandle.standardError.write(Data("ParseBench: CSV: \(error)\n".utf8)); exit(1) }
}

@MainActor func jsonText() -> String {
    var nets: [String] = []
    for t in timings {
        nets.append("    \"\(t.name)\": {\"parse_ms\": \(t.parseMs), \"min_ms\": \(t.minMs), \"wall_median_ms\": \(t.wallMs), \"cpu_median_ms\": \(t.cpuMs), \"file\": \"\(t.file)\", \"bytes\": \(t.bytes), \"nodes\": \(t.nodes), \"edges\": \(t.edges), \"cpt_entries\": \(t.entries)}")
    }
    var s = "{\n  \"tool\": \"credence ParseBench\",\n  \"clock\": \"\(options.wallClock ? "wall" : "cpu")\",\n  \"runs\": \(options.runs),\n  \"networks\": {\n" + nets.joined(separator: ",\n") + "\n  }"
    if let c = csv {
        s += ",\n  \"csv\": {\"rows\": \(c.rows), \"columns\": \(c.columns), \"bytes\": \(c.bytes), \"read_with_model_ms\": \(c.boundMs), \"read_schema_free_ms\": \(c.schemaFreeMs), \"write_ms\": \(c.writeMs)}"
    }
    return s + "\n}\n"
}

if let out = options.output {
    do { try jsonText().write(toFile: out, atomically: true, encoding: .utf8) }
    catch { FileHandle.standardError.write(Data("ParseBench: cannot write \(out): \(error)\n".utf8)); exit(1) }
}
if options.json {
    print(jsonText(), terminator: "")
} else {
    func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
        s.count >= w ? s : (left ? s + String(repeating: " ", count: w - s.count) : String(repeating: " ", count: w - s.count) + s)
    }
    print("parse time (\(options.wallClock ? "wall clock" : "process CPU time")), median of \(options.runs) runs (release build)")
    print(pad("network", 12, left: true) + pad("bytes", 10) + pad("nodes", 7) + pad("edges", 7) + pad("entries", 9) + pad("median ms", 11) + pad("min ms", 9))
    for t in timings {
        print(pad(t.name, 12, left: true) + pad("\(t.bytes)", 10) + pad("\(t.nodes)", 7) + pad("\(t.edges)", 7) + pad("\(t.entries)", 9)
              + pad(String(format: "%.3f", t.parseMs), 11) + pad(String(format: "%.3f", t.minMs), 9))
    }
    if let c = csv {
        print("")
        print("CSV \(c.rows) rows × \(c.columns) columns (\(c.bytes / 1_000_000) MB): read with model \(String(format: "%.0f", c.boundMs)) ms, schema-free \(String(format: "%.0f", c.schemaFreeMs)) ms, write \(String(format: "%.0f", c.writeMs)) ms")
    }
}
