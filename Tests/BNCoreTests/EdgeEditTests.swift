import Testing
@testable import BNCore

/// Arc reversal (Shachter 1986) and edge removal by marginalisation, on small hand-built
/// networks checked against the brute-force joint `∏_v P(v | pa(v))`.
@Suite("Edge edits keep the distribution")
struct EdgeEditTests {
    /// A network of binary variables (states `0`, `1`) given as name, parents, table values.
    static func network(_ spec: [(String, [String], [Double])]) throws -> BayesianNetwork {
        var n = BayesianNetwork(name: "t")
        for (name, _, _) in spec { try n.addVariable(Variable(name: name, states: ["0", "1"])) }
        for (name, parents, values) in spec {
            let v = n.index(of: name)!
            for p in parents { try n.addEdge(from: n.index(of: p)!, to: v) }
            try n.setCPT(v, try Factor(scope: n.familyScope(of: v), values: values))
        }
        return n
    }

    /// The full joint in variable order, by multiplying every table.
    static func joint(_ n: BayesianNetwork) throws -> [Double] {
        var f = Factor.constant(1)
        for t in n.cpts { f = try f.multiplying(t) }
        return f.reordered(to: Array(0..<n.count)).values
    }

    /// D → X → Y ← E, Y → Z: X and Y both have parents of their own. Y's row for (e=0, x=0)
    /// and (e=0, x=1) give Y=0 probability 0, so P'(Y=0 | e=0, d) = 0 for both d.
    static func family() throws -> BayesianNetwork {
        try network([
            ("D", [], [0.3, 0.7]),
            ("E", [], [0.6, 0.4]),
            ("X", ["D"], [0.2, 0.8, 0.9, 0.1]),
            ("Y", ["E", "X"], [0, 1, 0, 1, 0.25, 0.75, 0.6, 0.4]),
            ("Z", ["Y"], [0.1, 0.9, 0.7, 0.3]),
        ])
    }

    @Test func reversalKeepsTheJointAndInheritsParents() throws {
        let before = try Self.family()
        var n = before
        let (d, e, x, y) = (n.index(of: "D")!, n.index(of: "E")!, n.index(of: "X")!, n.index(of: "Y")!)
        try n.reverseEdge(from: x, to: y)
        #expect(n.parents(of: y) == [e, d])
        #expect(n.parents(of: x) == [d, e, y])
        let (p, q) = (try Self.joint(before), try Self.joint(n))
        #expect(zip(p, q).allSatisfy { abs($0 - $1) < 1e-12 })
        // P'(Y=0 | e=1, d=0) = Σ_x P(x | d=0) P(Y=0 | e=1, x) = 0.2·0.25 + 0.8·0.6 = 0.53.
        #expect(abs(n.cpts[y][[1, 0, 0]] - 0.53) < 1e-15)
        // P'(X=0 | d=0, e=1, Y=0) = 0.2·0.25 / 0.53.
        #expect(abs(n.cpts[x][[0, 1, 0, 0]] - 0.05 / 0.53) < 1e-15)
        // Y=0 cannot happen with e=0: X's row there is its old row P(X | d).
        #expect(n.cpts[x][[0, 0, 0, 0]] == 0.2 && n.cpts[x][[0, 0, 0, 1]] == 0.8)
        #expect(n.cpts[x][[1, 0, 0, 0]] == 0.9 && n.cpts[x][[1, 0, 0, 1]] == 0.1)
        // Reversing back gives the same joint again.
        try n.reverseEdge(from: y, to: x)
        #expect(zip(p, try Self.joint(n)).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    /// X → Z beside X → Y → Z: reversing X → Z would close the cycle Z → X → Y → Z.
    @Test func reversalWithAnotherPathIsRefused() throws {
        var n = try Self.family()
        try n.addEdge(from: n.index(of: "X")!, to: n.index(of: "Z")!)
        let before = n
        let refusal = ModelError.reversalCycle(from: "X", to: "Z", path: ["X", "Y", "Z"])
        #expect(throws: refusal) { try n.reverseEdge(from: n.index(of: "X")!, to: n.index(of: "Z")!) }
        #expect(n == before)
        #expect(refusal.description == "cannot reverse X -> Z: X also reaches Z through X -> Y -> Z, so Z -> X would create a cycle; "
            + "remove or reverse an edge on that path first")
    }

    /// C → A → B ← C. Removing A → B: P'(B=0 | c) = Σ_a P(a | c) P(B=0 | a, c):
    /// c=0: 0.2·0.1 + 0.8·0.8 = 0.66; c=1: 0.7·0.5 + 0.3·0.3 = 0.44 (uniform averaging would
    /// give 0.45 and 0.4). P(B=0) = 0.4·0.66 + 0.6·0.44 = 0.528 before and after.
    @Test func removingAnEdgeMarginalisesTheParentOut() throws {
        let before = try Self.network([
            ("C", [], [0.4, 0.6]),
            ("A", ["C"], [0.2, 0.8, 0.7, 0.3]),
            ("B", ["A", "C"], [0.1, 0.9, 0.5, 0.5, 0.8, 0.2, 0.3, 0.7]),
        ])
        let (c, a, b) = (before.index(of: "C")!, before.index(of: "A")!, before.index(of: "B")!)
        // The joint P(C, A), as inference on the network gives it.
        let weights = try Factor(scope: Scope([c, a], cardinalities: [2, 2]), values: [0.08, 0.32, 0.42, 0.18])
        var n = before
        try n.removeEdge(from: a, to: b, weights: weights)
        #expect(n.parents(of: b) == [c])
        let expected = [0.66, 0.34, 0.44, 0.56]
        #expect(zip(n.cpts[b].values, expected).allSatisfy { abs($0 - $1) < 1e-15 })
        func pB0(_ n: BayesianNetwork) throws -> Double {
            let j = try Self.joint(n)
            return (0..<j.count).filter { $0 & 1 == 0 }.reduce(0) { $0 + j[$1] }  // B is the last variable
        }
        let (old, new) = (try pB0(before), try pB0(n))
        #expect(abs(old - 0.528) < 1e-15 && abs(new - 0.528) < 1e-15)
        // Weights in another variable order, or not normalised, give the same table.
        var m = before
        try m.removeEdge(from: a, to: b, weights: try Factor(scope: Scope([a, c], cardinalities: [2, 2]), values: [0.2, 1.4, 0.8, 0.6]))
        #expect(zip(m.cpts[b].values, expected).allSatisfy { abs($0 - $1) < 1e-15 })
        // A configuration of the other parents with probability 0 gets uniform weights.
        var z = before
        try z.removeEdge(from: a, to: b, weights: try Factor(scope: Scope([c, a], cardinalities: [2, 2]), values: [0, 0, 0.42, 0.18]))
        #expect(abs(z.cpts[b][[0, 0]] - 0.45) < 1e-15 && abs(z.cpts[b][[1, 0]] - 0.44) < 1e-15)
        #expect(throws: ModelError.missingEdge(from: "B", to: "A")) { try n.removeEdge(from: b, to: a, weights: weights) }
    }
}
