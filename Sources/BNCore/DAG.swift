/// A directed acyclic graph over nodes `0..<count`, with ordered parent lists (a CPT's
/// layout follows its parents' order) and cycle checks on every edge added.
public struct DAG: Hashable, Sendable {
    /// `parents[v]`: the parents of `v`, in CPT order.
    public private(set) var parents: [[Int]]
    /// `children[v]`: the children of `v`, in insertion order.
    public private(set) var children: [[Int]]

    public init(nodeCount: Int = 0) {
        parents = Array(repeating: [], count: nodeCount)
        children = Array(repeating: [], count: nodeCount)
    }

    public var count: Int { parents.count }

    /// Appends a node with no edges and returns its index.
    @discardableResult
    public mutating func addNode() -> Int {
        parents.append([]); children.append([])
        return parents.count - 1
    }

    /// Removes node `v` and its edges; nodes above `v` shift down by one.
    public mutating func removeNode(_ v: Int) {
        parents.remove(at: v); children.remove(at: v)
        func fix(_ list: [Int]) -> [Int] { list.compactMap { $0 == v ? nil : ($0 > v ? $0 - 1 : $0) } }
        parents = parents.map(fix)
        children = children.map(fix)
    }

    public func hasEdge(from a: Int, to b: Int) -> Bool { parents[b].contains(a) }

    /// A directed path `from … to`, if one exists (breadth-first, shortest).
    public func path(from a: Int, to b: Int) -> [Int]? {
        if a == b { return [a] }
        var previous = [Int](repeating: -1, count: count)
        var queue = [a]
        previous[a] = a
        var head = 0
        while head < queue.count {
            let u = queue[head]; head += 1
            for w in children[u] where previous[w] == -1 {
                previous[w] = u
                if w == b {
                    var p = [b]
                    var x = b
                    while x != a { x = previous[x]; p.append(x) }
                    return p.reversed()
                }
                queue.append(w)
            }
        }
        return nil
    }

    /// Adds `a → b` (appended to `b`'s parents). Returns the cycle `[a, b, …, a]` instead
    /// when the edge would close one, leaving the graph unchanged.
    public mutating func addEdge(from a: Int, to b: Int) -> [Int]? {
        precondition(a != b && !hasEdge(from: a, to: b))
        if let back = path(from: b, to: a) { return [a] + back }
        parents[b].append(a)
        children[a].append(b)
        return nil
    }

    public mutating func removeEdge(from a: Int, to b: Int) {
        parents[b].removeAll { $0 == a }
        children[a].removeAll { $0 == b }
    }

    /// Replaces the parent list of `v` (order matters). Returns a cycle instead when the new
    /// parents would close one, leaving the graph unchanged.
    public mutating func setParents(_ v: Int, _ newParents: [Int]) -> [Int]? {
        let old = parents[v]
        for p in old { removeEdge(from: p, to: v) }
        for p in newParents {
            if let cycle = addEdge(from: p, to: v) {
                for q in parents[v] { removeEdge(from: q, to: v) }
                for q in old { _ = addEdge(from: q, to: v) }
                return cycle
            }
        }
        return nil
    }

    /// A topological order (parents before children; ties by index, so it is deterministic).
    public func topologicalOrder() -> [Int] {
        var indegree = parents.map(\.count)
        var ready = (0..<count).filter { indegree[$0] == 0 }.reversed() as [Int]
        var order: [Int] = []
        order.reserveCapacity(count)
        while let u = ready.popLast() {
            order.append(u)
            for w in children[u].sorted(by: >) {
                indegree[w] -= 1
                if indegree[w] == 0 { ready.append(w) }
            }
            ready.sort(by: >)
        }
        return order
    }

    /// All ancestors of the given nodes, the nodes included.
    public func ancestors(of nodes: some Sequence<Int>) -> Set<Int> {
        var seen = Set<Int>()
        var stack = Array(nodes)
        while let u = stack.popLast() {
            if seen.insert(u).inserted { stack.append(contentsOf: parents[u]) }
        }
        return seen
    }

    /// The number of edges.
    public var edgeCount: Int { parents.reduce(0) { $0 + $1.count } }
}
