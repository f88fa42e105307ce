/// Comparing a learned structure with a true one.
///
/// Score-equivalent scores (BIC, AIC, BDeu) cannot tell apart DAGs of one Markov
/// equivalence class, so a learner is judged on the class: the CPDAG (completed partially
/// directed acyclic graph, Chickering 1995), where an edge is directed when every DAG of
/// the class agrees on its direction (it is *compelled*) and undirected otherwise. The CPDAG
/// keeps the v-structures `a → c ← b` (a, b not adjacent) of the DAG and orients the rest
/// by Meek's (1995) rules R1–R3 until nothing changes:
///
/// - R1: `c → a — b`, c and b not adjacent ⇒ `a → b` (no new v-structure);
/// - R2: `a → c → b` and `a — b` ⇒ `a → b` (no cycle);
/// - R3: `a — c → b`, `a — d → b`, c and d not adjacent, `a — b` ⇒ `a → b`.
///
/// The structural Hamming distance (Tsamardinos, Brown & Aliferis 2006; bnlearn's `shd()`)
/// counts the node pairs whose edge differs between the two CPDAGs: missing, extra, or
/// with another orientation (directed vs undirected, or reversed). `dagDistance` is the
/// same count on the DAGs themselves, where a reversed edge also counts 1.
public enum StructuralHammingDistance {
    /// The state of the pair (a, b), a < b, in a partially directed graph.
    enum Mark: Equatable { case none, forward, backward, undirected }

    /// A partially directed graph as a mark per ordered pair: `directed[a][b]` for `a → b`,
    /// `undirected[a][b] == undirected[b][a]` for `a — b`.
    public struct PDAG: Equatable, Sendable {
        public var directed: [Set<Int>]
        public var undirected: [Set<Int>]

        func mark(_ a: Int, _ b: Int) -> Mark {
            if directed[a].contains(b) { return .forward }
            if directed[b].contains(a) { return .backward }
            if undirected[a].contains(b) { return .undirected }
            return .none
        }

        func adjacent(_ a: Int, _ b: Int) -> Bool { mark(a, b) != .none }

        /// The number of directed and undirected edges.
        public var edgeCounts: (directed: Int, undirected: Int) {
            (directed.reduce(0) { $0 + $1.count }, undirected.reduce(0) { $0 + $1.count } / 2)
        }
    }

    /// The CPDAG of the DAG given by parent lists.
    public static func cpdag(parents: [[Int]]) -> PDAG {
        let n = parents.count
        var g = PDAG(directed: [Set<Int>](repeating: [], count: n), undirected: [Set<Int>](repeating: [], count: n))
        for c in 0..<n { for p in parents[c] { g.undirected[p].insert(c); g.undirected[c].insert(p) } }
        func orient(_ a: Int, _ b: Int) {
            g.undirected[a].remove(b)
            g.undirected[b].remove(a)
            g.directed[a].insert(b)
        }
        // V-structures of the DAG.
        for c in 0..<n {
            let ps = parents[c]
            for i in ps.indices {
                for j in ps.indices where j > i {
                    let a = ps[i], b = ps[j]
                    if !parents[a].contains(b) && !parents[b].contains(a) {
                        orient(a, c)
                        orient(b, c)
                    }
                }
            }
        }
        // Meek's rules R1–R3 to a fixed point.
        var changed = true
        while changed {
            changed = false
            for a in 0..<n {
                for b in g.undirected[a] {
                    // R1: some c → a with c not adjacent to b.
                    let r1 = (0..<n).contains { c in g.directed[c].contains(a) && c != b && !g.adjacent(c, b) }
                    // R2: a → c → b.
                    let r2 = g.directed[a].contains { c in g.directed[c].contains(b) }
                    // R3: a — c → b and a — d → b with c, d not adjacent.
                    var r3 = false
                    if !r1 && !r2 {
                        let cs = g.undirected[a].filter { $0 != b && g.directed[$0].contains(b) }
                        outer: for c in cs { for d in cs where d != c && !g.adjacent(c, d) { r3 = true; break outer } }
                    }
                    if r1 || r2 || r3 {
                        orient(a, b)
                        changed = true
                        break
                    }
                }
            }
        }
        return g
    }

    /// SHD between the equivalence classes (CPDAGs) of two DAGs over the same nodes.
    public static func distance(_ a: [[Int]], _ b: [[Int]]) -> Int {
        precondition(a.count == b.count)
        let ga = cpdag(parents: a), gb = cpdag(parents: b)
        var d = 0
        for x in 0..<a.count { for y in (x + 1)..<a.count where ga.mark(x, y) != gb.mark(x, y) { d += 1 } }
        return d
    }

    /// SHD between the DAGs themselves: pairs whose edge is missing, extra or reversed.
    public static func dagDistance(_ a: [[Int]], _ b: [[Int]]) -> Int {
        precondition(a.count == b.count)
        var d = 0
        for x in 0..<a.count {
            for y in (x + 1)..<a.count {
                let ma = a[y].contains(x) ? 1 : (a[x].contains(y) ? -1 : 0)
                let mb = b[y].contains(x) ? 1 : (b[x].contains(y) ? -1 : 0)
                if ma != mb { d += 1 }
            }
        }
        return d
    }
}
