import BNCore
@testable import BNInference

/// Random small networks, seeded: variables with 2–3 states, parents drawn among earlier
/// variables (at most three), CPT entries with exact zeros sprinkled in.
enum RandomNetworks {
    static func make(seed: UInt64, variables n: Int, maxParents: Int = 3, zeroFraction: Double = 0.1) -> BayesianNetwork {
        var rng = SplitMix64(seed: seed)
        var net = BayesianNetwork(name: "random\(seed)")
        for v in 0..<n {
            let k = 2 + Int(rng.next() % 2)
            try! net.addVariable(Variable(name: "V\(v)", states: (0..<k).map { "s\($0)" }))
        }
        for v in 1..<n {
            let candidates = Array(0..<v).shuffled(using: &rng)
            let count = Int(rng.next() % UInt64(min(v, maxParents) + 1))
            for p in candidates.prefix(count) { try! net.addEdge(from: p, to: v) }
        }
        for v in 0..<n {
            let scope = net.familyScope(of: v)
            let k = scope.cardinalities.last!
            let rows = scope.cardinalities.dropLast().reduce(1, *)
            var values: [Double] = []
            for _ in 0..<rows {
                var row = (0..<k).map { _ in rng.nextUnit() < zeroFraction ? 0 : 0.05 + rng.nextUnit() }
                if row.allSatisfy({ $0 == 0 }) { row[Int(rng.next() % UInt64(k))] = 1 }
                let s = row.reduce(0, +)
                values += row.map { $0 / s }
            }
            try! net.setCPT(v, Factor(scope: scope, values: values))
        }
        return net
    }

    /// Random evidence: `hard` observed variables (states drawn from a forward sample so the
    /// evidence is possible), `soft` likelihoods and `interventions`, on distinct variables
    /// other than `avoid`.
    static func evidence(_ net: BayesianNetwork, seed: UInt64, hard: Int, soft: Int = 0, interventions: Int = 0,
                         avoid: [Int] = []) -> Evidence {
        var rng = SplitMix64(seed: seed)
        let sample = forwardSample(net, &rng)
        var free = (0..<net.count).filter { !avoid.contains($0) }.shuffled(using: &rng)
        var e = Evidence()
        for _ in 0..<hard where !free.isEmpty { let v = free.removeLast(); e.hard[v] = sample[v] }
        for _ in 0..<soft where !free.isEmpty {
            let v = free.removeLast()
            e.soft[v] = (0..<net.variables[v].cardinality).map { _ in 0.1 + rng.nextUnit() * 3 }
        }
        for _ in 0..<interventions where !free.isEmpty {
            let v = free.removeLast()
            e.interventions[v] = Int(rng.next() % UInt64(net.variables[v].cardinality))
        }
        return e
    }

    static func forwardSample(_ net: BayesianNetwork, _ rng: inout SplitMix64) -> [Int] {
        var x = [Int](repeating: 0, count: net.count)
        for v in net.dag.topologicalOrder() {
            let cpt = net.cpts[v]
            let k = net.variables[v].cardinality
            var row = 0
            for p in net.parents(of: v) { row = row * net.variables[p].cardinality + x[p] }
            let u = rng.nextUnit()
            var acc = 0.0
            x[v] = k - 1
            for s in 0..<k {
                acc += cpt.values[row * k + s]
                if u < acc { x[v] = s; break }
            }
        }
        return x
    }
}

/// Answers by enumerating every joint configuration; shares no code with the engines.
struct BruteForce {
    let net: BayesianNetwork
    let evidence: Evidence
    /// Every assignment (row-major, last variable fastest) with its weight.
    let table: [(x: [Int], w: Double)]

    init(net: BayesianNetwork, evidence: Evidence) {
        self.net = net
        self.evidence = evidence
        var rows: [(x: [Int], w: Double)] = []
        let families = (0..<net.count).map { net.parents(of: $0) + [$0] }
        let cards = net.cardinalities
        var x = [Int](repeating: 0, count: net.count)
        outer: while true {
            var w = 1.0
            for v in 0..<net.count {
                if let d = evidence.interventions[v] {
                    if x[v] != d { w = 0 }
                    continue
                }
                var index = 0
                for u in families[v] { index = index * cards[u] + x[u] }
                w *= net.cpts[v].values[index]
            }
            for (v, s) in evidence.hard where x[v] != s { w = 0 }
            for (v, l) in evidence.soft { w *= l[x[v]] }
            rows.append((x, w))
            if !advanceOdometer(&x, cards) { break outer }
        }
        table = rows
    }

    /// `∏_{v not intervened} P(x_v | x_pa) · ∏ 1[x_e = e] · ∏ λ_v(x_v) · ∏ 1[x_d = d]`.
    func weight(_ x: [Int]) -> Double {
        var w = 1.0
        for v in 0..<net.count {
            if let d = evidence.interventions[v] {
                if x[v] != d { return 0 }
                continue
            }
            var index = 0
            for (u, c) in zip(net.parents(of: v) + [v], net.familyScope(of: v).cardinalities) { index = index * c + x[u] }
            w *= net.cpts[v].values[index]
        }
        for (v, s) in evidence.hard where x[v] != s { return 0 }
        for (v, l) in evidence.soft { w *= l[x[v]] }
        return w
    }

    func forEachAssignment(_ body: ([Int]) -> Void) {
        let cards = net.cardinalities
        var x = [Int](repeating: 0, count: net.count)
        while true {
            body(x)
            var i = net.count - 1
            while i >= 0 {
                x[i] += 1
                if x[i] < cards[i] { break }
                x[i] = 0
                i -= 1
            }
            if i < 0 { return }
        }
    }

    var probabilityOfEvidence: Double { table.reduce(0) { $0 + $1.w } }

    /// `P(targets | e)`, row-major over `targets` in the given order.
    func joint(_ targets: [Int]) -> [Double] {
        let cards = targets.map { net.variables[$0].cardinality }
        var table = [Double](repeating: 0, count: cards.reduce(1, *))
        for (x, w) in self.table {
            var index = 0
            for (t, c) in zip(targets, cards) { index = index * c + x[t] }
            table[index] += w
        }
        let z = table.reduce(0, +)
        return table.map { $0 / z }
    }

    /// The largest joint weight and every assignment reaching it (ties within 1e-12 relative).
    func mpe() -> (value: Double, best: [[Int]]) {
        let m = table.map(\.w).max()!
        return (m, table.filter { abs($0.w - m) <= 1e-12 * m }.map(\.x))
    }

    /// `max_m Σ_rest weight` over the MAP variables, and its maximisers.
    func map(_ vars: [Int]) -> (value: Double, best: [[Int]]) {
        let cards = vars.map { net.variables[$0].cardinality }
        var table = [Double](repeating: 0, count: cards.reduce(1, *))
        for (x, w) in self.table {
            var index = 0
            for (t, c) in zip(vars, cards) { index = index * c + x[t] }
            table[index] += w
        }
        let m = table.max()!
        var best: [[Int]] = []
        for (i, v) in table.enumerated() where abs(v - m) <= 1e-12 * m {
            var code = i
            var states = [Int](repeating: 0, count: vars.count)
            for j in stride(from: vars.count - 1, through: 0, by: -1) { states[j] = code % cards[j]; code /= cards[j] }
            best.append(states)
        }
        return (m, best)
    }
}

func maxAbsDiff(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "length \(a.count) vs \(b.count)")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// Steps the mixed-radix counter `x` (digit `i` below `cards[i]`, last digit fastest);
/// returns false once every assignment has been visited (x is back to all zeros).
func advanceOdometer(_ x: inout [Int], _ cards: [Int]) -> Bool {
    var i = x.count - 1
    while i >= 0 {
        x[i] += 1
        if x[i] < cards[i] { return true }
        x[i] = 0
        i -= 1
    }
    return false
}
