import Foundation
import BNCore
@testable import BNFormats

/// Paths and facts shared by the interchange and CSV tests.
enum Shipped {
    /// The repository root (two levels above this file's folder).
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let networksDir = repoRoot.appendingPathComponent("../shared/networks").standardized
    static let fixturesDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// name, file, nodes, edges, free parameters, CPT entries, max in-degree, max states (SOURCES.md).
    struct Facts: Sendable, CustomStringConvertible {
        var name: String, file: String, nodes: Int, edges: Int, free: Int, entries: Int, maxInDegree: Int, maxStates: Int
        var description: String { name }
        var path: String { Shipped.networksDir.appendingPathComponent(file).path }
    }

    static let networks: [Facts] = [
        Facts(name: "cancer", file: "cancer.bif", nodes: 5, edges: 4, free: 10, entries: 20, maxInDegree: 2, maxStates: 2),
        Facts(name: "earthquake", file: "earthquake.bif", nodes: 5, edges: 4, free: 10, entries: 20, maxInDegree: 2, maxStates: 2),
        Facts(name: "asia", file: "asia.bif", nodes: 8, edges: 8, free: 18, entries: 36, maxInDegree: 2, maxStates: 2),
        Facts(name: "survey", file: "survey.bif", nodes: 6, edges: 6, free: 21, entries: 37, maxInDegree: 2, maxStates: 3),
        Facts(name: "sachs", file: "sachs.bif", nodes: 11, edges: 17, free: 178, entries: 267, maxInDegree: 3, maxStates: 3),
        Facts(name: "child", file: "child.bif", nodes: 20, edges: 25, free: 230, entries: 344, maxInDegree: 2, maxStates: 6),
        Facts(name: "insurance", file: "insurance.bif", nodes: 27, edges: 52, free: 1008, entries: 1419, maxInDegree: 3, maxStates: 5),
        Facts(name: "water", file: "water.bif", nodes: 32, edges: 66, free: 10083, entries: 13484, maxInDegree: 5, maxStates: 4),
        Facts(name: "mildew", file: "mildew.bif.gz", nodes: 35, edges: 46, free: 540150, entries: 547158, maxInDegree: 3, maxStates: 100),
        Facts(name: "alarm", file: "alarm.bif", nodes: 37, edges: 46, free: 509, entries: 752, maxInDegree: 4, maxStates: 4),
        Facts(name: "barley", file: "barley.bif", nodes: 48, edges: 84, free: 114005, entries: 130180, maxInDegree: 4, maxStates: 67),
        Facts(name: "hailfinder", file: "hailfinder.bif", nodes: 56, edges: 66, free: 2656, entries: 3741, maxInDegree: 4, maxStates: 11),
        Facts(name: "hepar2", file: "hepar2.bif", nodes: 70, edges: 123, free: 1453, entries: 2139, maxInDegree: 6, maxStates: 4),
        Facts(name: "win95pts", file: "win95pts.bif", nodes: 76, edges: 112, free: 574, entries: 1148, maxInDegree: 7, maxStates: 2),
        Facts(name: "pathfinder", file: "pathfinder.bif", nodes: 109, edges: 195, free: 72079, entries: 97851, maxInDegree: 5, maxStates: 63),
        Facts(name: "andes", file: "andes.bif", nodes: 223, edges: 338, free: 1157, entries: 2314, maxInDegree: 6, maxStates: 2),
        Facts(name: "munin1", file: "munin1.bif", nodes: 186, edges: 273, free: 15622, entries: 19226, maxInDegree: 3, maxStates: 21),
    ]

    /// Loads a shipped network (cached per process: mildew takes a moment in debug builds).
    static func load(_ name: String) throws -> BayesianNetwork {
        let facts = networks.first { $0.name == name }!
        return try cache.get(facts.path) { try BIFReader.read(path: facts.path) }
    }

    static let cache = NetworkCache()

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("credence-formats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

final class NetworkCache: @unchecked Sendable {
    private var store: [String: BayesianNetwork] = [:]
    private let lock = NSLock()
    func get(_ key: String, _ make: () throws -> BayesianNetwork) throws -> BayesianNetwork {
        lock.lock(); defer { lock.unlock() }
        if let n = store[key] { return n }
        let n = try make()
        store[key] = n
        return n
    }
}

/// The largest absolute difference between the CPT entries of two networks with the same
/// structure (nil when the structures differ).
func maxCPTDifference(_ a: BayesianNetwork, _ b: BayesianNetwork) -> Double? {
    guard a.count == b.count, a.cardinalities == b.cardinalities else { return nil }
    var worst = 0.0
    for v in 0..<a.count {
        guard a.parents(of: v) == b.parents(of: v), a.cpts[v].values.count == b.cpts[v].values.count else { return nil }
        for (x, y) in zip(a.cpts[v].values, b.cpts[v].values) { worst = max(worst, abs(x - y)) }
    }
    return worst
}
