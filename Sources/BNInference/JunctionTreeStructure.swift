import BNCore

/// The shape of a junction tree, built once per network structure (Lauritzen &
/// Spiegelhalter 1988; Jensen, Lauritzen & Olesen 1990).
///
/// 1. Moralise the DAG and triangulate it by eliminating variables in an order chosen by
///    an `EliminationHeuristic` (Kjaerulff 1990), by default the one of the four whose
///    triangulation has the smallest total clique state space `Σ_C ∏_{v ∈ C} |v|` (the
///    cost of one calibration); the maximal elimination cliques are the cliques of the
///    triangulated graph.
/// 2. Join the cliques by a maximum-weight spanning tree, the weight of an edge being the
///    number of variables the two cliques share (Kruskal; ties prefer the smaller
///    separator table, then lower clique numbers). Such a tree has the running
///    intersection property: the cliques containing any variable form a connected
///    subtree. Disconnected parts of the network are joined by empty separators, so the
///    result is one tree rooted at clique 0.
/// 3. Assign each CPT `P(v | pa(v))` to the smallest clique containing its family, and
///    each variable a *home*: the smallest clique containing it, where its marginal is read.
public struct JunctionTreeStructure: Sendable {
    /// The cliques, each a sorted list of variable ids.
    public let cliques: [[Int]]
    /// `∏ |v|` over each clique.
    public let cliqueEntries: [Int]
    /// The tree, rooted at clique 0: `parent[c]` is -1 for the root.
    public let parent: [Int]
    public let children: [[Int]]
    /// `separators[c] = cliques[c] ∩ cliques[parent[c]]` (sorted; empty for the root).
    public let separators: [[Int]]
    /// The clique holding each variable's CPT.
    public let familyClique: [Int]
    /// The smallest clique containing each variable.
    public let homeClique: [Int]
    /// The cliques containing each variable.
    public let cliquesContaining: [[Int]]
    /// The variables whose CPT each clique holds (`familyClique[v] == c`), ascending.
    let assignedFamilies: [[Int]]
    /// The variables homed at each clique (`homeClique[v] == c`), ascending.
    let homedVariables: [[Int]]
    /// The triangulation's cost report (order, width, clique sizes).
    public let report: EliminationOrderReport
    /// Cliques root first, parents before children.
    public let preorder: [Int]
    /// Euler-tour interval of each subtree: `d` lies in `c`'s subtree iff
    /// `entry[c] ≤ entry[d] ≤ exit[c]`.
    let entry: [Int]
    let exit: [Int]

    /// Builds the tree for `network`, triangulated with `heuristic`, or, when `heuristic`
    /// is nil (the default), with the order of `EliminationOrdering.smallestTotal(for:)`:
    /// the heuristic whose triangulation has the smallest total clique table size.
    /// - Throws: `InferenceError.memoryBudgetExceeded` when a calibration would hold more
    ///   than `MemoryBudget.current` at once (the largest clique's table and every message,
    ///   one up and one down per separator), naming the largest clique; no table is
    ///   allocated then.
    public init(_ network: BayesianNetwork, heuristic: EliminationHeuristic? = nil) throws(InferenceError) {
        let order = heuristic.map { EliminationOrdering.order(for: network, heuristic: $0) }
            ?? EliminationOrdering.smallestTotal(for: network).order
        try self.init(network, order: order)
    }

    /// Builds the tree for `network` triangulated by eliminating `order`.
    public init(_ network: BayesianNetwork, order: [Int]) throws(InferenceError) {
        let n = network.count
        let report = EliminationOrdering.report(for: network, order: order)
        self.report = report
        var cliques = report.cliques
        if cliques.isEmpty { cliques = [[]] }
        self.cliques = cliques
        let cards = network.cardinalities
        cliqueEntries = cliques.map { saturatingEntries($0.map { cards[$0] }) }
        let k = cliques.count
        let words = max(1, (n + 63) / 64)
        var bits = [UInt64](repeating: 0, count: k * words)
        for (c, clique) in cliques.enumerated() { for v in clique { bits[c * words + v >> 6] |= 1 << UInt64(v & 63) } }

        // Kruskal on separator sizes.
        var edges: [(a: Int, b: Int, shared: Int, entries: Int)] = []
        for a in 0..<k {
            for b in (a + 1)..<k {
                var shared = 0
                for w in 0..<words { shared += (bits[a * words + w] & bits[b * words + w]).nonzeroBitCount }
                if shared > 0 {
                    let sep = cliques[a].filter { v in bits[b * words + v >> 6] & (1 << UInt64(v & 63)) != 0 }
                    edges.append((a, b, shared, saturatingEntries(sep.map { cards[$0] })))
                }
            }
        }
        edges.sort { x, y in
            if x.shared != y.shared { return x.shared > y.shared }
            if x.entries != y.entries { return x.entries < y.entries }
            return (x.a, x.b) < (y.a, y.b)
        }
        var root = Array(0..<k)
        func find(_ x: Int) -> Int {
            var x = x
            while root[x] != x { root[x] = root[root[x]]; x = root[x] }
            return x
        }
        var adjacency = [[Int]](repeating: [], count: k)
        for e in edges {
            let ra = find(e.a), rb = find(e.b)
            if ra != rb {
                root[ra] = rb
                adjacency[e.a].append(e.b)
                adjacency[e.b].append(e.a)
            }
        }
        for c in 1..<max(k, 1) where find(c) != find(0) {
            root[find(c)] = find(0)
            adjacency[0].append(c)
            adjacency[c].append(0)
        }

        // Root at clique 0.
        var parent = [Int](repeating: -1, count: k)
        var children = [[Int]](repeating: [], count: k)
        var preorder: [Int] = []
        var entry = [Int](repeating: 0, count: k), exit = [Int](repeating: 0, count: k)
        var visited = [Bool](repeating: false, count: k)
        var stack: [(Int, Int)] = [(0, 0)] // (clique, next neighbour index)
        visited[0] = true
        preorder.append(0)
        var clock = 0
        entry[0] = 0
        while !stack.isEmpty {
            let (c, i) = stack[stack.count - 1]
            if i < adjacency[c].count {
                stack[stack.count - 1].1 += 1
                let d = adjacency[c][i]
                if !visited[d] {
                    visited[d] = true
                    parent[d] = c
                    children[c].append(d)
                    clock += 1
                    entry[d] = clock
                    preorder.append(d)
                    stack.append((d, 0))
                }
            } else {
                exit[c] = clock
                stack.removeLast()
            }
        }
        self.parent = parent
        self.children = children
        self.preorder = preorder
        self.entry = entry
        self.exit = exit
        separators = (0..<k).map { c in
            parent[c] < 0 ? [] : cliques[c].filter { v in bits[parent[c] * words + v >> 6] & (1 << UInt64(v & 63)) != 0 }
        }
        // A calibration holds every message (one up and one down per separator) while the
        // largest clique's tables are contracted: all of it must fit the budget.
        var held = report.largestCliqueEntries
        for sep in separators {
            let e = saturatingEntries(sep.map { cards[$0] })
            let (sum, o) = held.addingReportingOverflow(e.multipliedReportingOverflow(by: 2).overflow ? Int.max : 2 * e)
            held = o ? Int.max : sum
        }
        try Contraction.Budget.check(report.largestCliqueNames, entries: report.largestCliqueEntries, holding: held,
                                     budget: MemoryBudget.current.bytes)

        var containing = [[Int]](repeating: [], count: n)
        for (c, clique) in cliques.enumerated() { for v in clique { containing[v].append(c) } }
        cliquesContaining = containing
        let entries = cliqueEntries
        homeClique = (0..<n).map { v in containing[v].min { entries[$0] < entries[$1] || (entries[$0] == entries[$1] && $0 < $1) }! }
        familyClique = (0..<n).map { v in
            let family = network.parents(of: v) + [v]
            let holders = containing[v].filter { c in family.allSatisfy { u in bits[c * words + u >> 6] & (1 << UInt64(u & 63)) != 0 } }
            precondition(!holders.isEmpty, "triangulation lost the family of #\(v)")
            return holders.min { entries[$0] < entries[$1] || (entries[$0] == entries[$1] && $0 < $1) }!
        }
        var assigned = [[Int]](repeating: [], count: k)
        var homed = [[Int]](repeating: [], count: k)
        for v in 0..<n {
            assigned[familyClique[v]].append(v)
            homed[homeClique[v]].append(v)
        }
        assignedFamilies = assigned
        homedVariables = homed
    }

    /// Whether clique `d` lies in the subtree rooted at `c`.
    @inline(__always)
    func subtree(_ c: Int, contains d: Int) -> Bool { entry[c] <= entry[d] && entry[d] <= exit[c] }
}
