import BNCore
import Foundation

/// Pairs reference-query files with their networks for `credence bench`.
public enum BenchmarkSuite {
    /// A network file and its reference queries.
    public struct Item: Sendable {
        public var modelPath: String
        /// nil when the network has no reference file: queries are generated.
        public var referencePath: String?

        /// The network, its name and its queries: the reference file's, else `count` seeded generated ones.
        public func load(count: Int) throws -> (network: BayesianNetwork, name: String, reference: ReferenceQueries) {
            let (network, name) = (try ModelIO.load(path: modelPath), BenchmarkSuite.name(of: modelPath))
            return (network, name, try referencePath.map(ReferenceQueries.load) ?? ReferenceQueries.generate(for: network, name: name, count: count))
        }
    }

    /// A model or reference file's network name: its file name without extensions.
    static func name(of path: String) -> String {
        var base = (path as NSString).lastPathComponent
        for ext in [".gz", ".bif", ".xmlbif", ".xml", ".json", ".bn", ".net", ".uai"] where base.hasSuffix(ext) {
            base.removeLast(ext.count)
        }
        return base
    }

    /// Resolves the work: explicit `--queries` files (each matched to a model given on the
    /// command line by name, or found as `../networks/NAME.bif[.gz]` beside the reference
    /// folder), else models given on the command line (their reference as
    /// `../reference/NAME.json`), else every reference file in `../shared/reference`.
    public static func resolve(models: [String], queries: [String], searchRoot: String) throws -> [Item] {
        let fm = FileManager.default
        func existing(_ candidates: [String]) -> String? { candidates.first { fm.fileExists(atPath: $0) } }
        var refs = queries
        if refs.isEmpty && models.isEmpty {
            let dir = (searchRoot as NSString).appendingPathComponent("../shared/reference")
            guard let files = try? fm.contentsOfDirectory(atPath: dir) else {
                throw WorkbenchError.usage("no reference queries found in \(dir); pass --queries FILE")
            }
            refs = files.filter { $0.hasSuffix(".json") }.sorted().map { (dir as NSString).appendingPathComponent($0) }
        }
        if refs.isEmpty {
            return try models.map { m in
                let dir = ((m as NSString).deletingLastPathComponent as NSString).appendingPathComponent("../reference")
                let r = (dir as NSString).appendingPathComponent(name(of: m) + ".json")
                return Item(modelPath: m, referencePath: fm.fileExists(atPath: r) ? r : nil)
            }
        }
        return try refs.map { r in
            let n = name(of: r)
            if let m = models.first(where: { name(of: $0) == n }) { return Item(modelPath: m, referencePath: r) }
            let dir = ((r as NSString).deletingLastPathComponent as NSString).appendingPathComponent("../networks")
            let base = (dir as NSString).appendingPathComponent(n)
            guard let m = existing([base + ".bif", base + ".bif.gz", base + ".xmlbif"]) else {
                throw WorkbenchError.usage("\(r): cannot find the network '\(n)' (looked for \(base).bif and .bif.gz); give its path as MODEL")
            }
            return Item(modelPath: m, referencePath: r)
        }
    }
}
