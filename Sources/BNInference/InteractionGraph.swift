import BNCore

/// The undirected interaction graph of a set of factors: one node per variable, an edge
/// between two variables that share a factor. For the CPTs of a Bayesian network this is
/// the moral graph (parents married, directions dropped).
///
/// Nodes are dense integers `0..<count` with a `label` each (the variable id) and a
/// cardinality; adjacency is a row of 64-bit words per node, so elimination and fill-in
/// tests are word operations, never `Set` lookups.
struct InteractionGraph {
    /// The variable id of each node.
    let labels: [Int]
    let cardinalities: [Int]
    let words: Int
    /// `adjacency[v * words + w]`: bit `b` set when `v` and `64·w + b` are adjacent.
    var adjacency: [UInt64]

    var count: Int { labels.count }

    /// The graph over `labels` whose cliques include every scope in `denseScopes`, given as
    /// node ids `0..<labels.count`.
    init(labels: [Int], cardinalities: [Int], denseScopes: [[Int]]) {
        self.labels = labels
        self.cardinalities = cardinalities
        words = max(1, (labels.count + 63) / 64)
        adjacency = [UInt64](repeating: 0, count: labels.count * words)
        for scope in denseScopes { for a in scope { for b in scope where a != b { addEdge(a, b) } } }
    }

    /// The moral graph of a network (all variables; node `v` is variable `v`, so the
    /// families are dense scopes already).
    init(moralGraphOf network: BayesianNetwork) {
        self.init(labels: Array(0..<network.count), cardinalities: network.cardinalities, denseScopes: network.families)
    }

    @inline(__always)
    mutating func addEdge(_ a: Int, _ b: Int) {
        adjacency[a &* words &+ (b >> 6)] |= 1 << UInt64(b & 63)
        adjacency[b &* words &+ (a >> 6)] |= 1 << UInt64(a & 63)
    }
}
