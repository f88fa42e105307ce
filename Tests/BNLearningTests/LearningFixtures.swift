import BNCore
@testable import BNLearning

/// Small networks and data for the learning tests.
enum Fixtures {
    /// A → B → C with binary variables and strong dependencies.
    static func chain() throws -> BayesianNetwork {
        var net = BayesianNetwork(name: "chain")
        let a = try net.addVariable(Variable(name: "A", states: ["a0", "a1"]))
        let b = try net.addVariable(Variable(name: "B", states: ["b0", "b1"]))
        let c = try net.addVariable(Variable(name: "C", states: ["c0", "c1", "c2"]))
        try net.addEdge(from: a, to: b)
        try net.addEdge(from: b, to: c)
        try net.setCPT(a, Factor(scope: net.familyScope(of: a), values: [0.3, 0.7]))
        try net.setCPT(b, Factor(scope: net.familyScope(of: b), values: [0.9, 0.1, 0.2, 0.8]))
        try net.setCPT(c, Factor(scope: net.familyScope(of: c), values: [0.7, 0.2, 0.1, 0.1, 0.3, 0.6]))
        return net
    }

    /// A class C with features X1, X2, X3 (C → each, and X1 → X2, so TAN can find a feature
    /// arc); with `noise`, a fifth variable N independent of everything.
    static func classifier(noise: Bool = false) throws -> BayesianNetwork {
        var net = BayesianNetwork(name: "cls")
        let c = try net.addVariable(Variable(name: "C", states: ["yes", "no"]))
        let x1 = try net.addVariable(Variable(name: "X1", states: ["a", "b"]))
        let x2 = try net.addVariable(Variable(name: "X2", states: ["a", "b"]))
        let x3 = try net.addVariable(Variable(name: "X3", states: ["a", "b", "c"]))
        try net.addEdge(from: c, to: x1); try net.addEdge(from: c, to: x2); try net.addEdge(from: c, to: x3)
        try net.addEdge(from: x1, to: x2)
        try net.setCPT(c, Factor(scope: net.familyScope(of: c), values: [0.3, 0.7]))
        try net.setCPT(x1, Factor(scope: net.familyScope(of: x1), values: [0.8, 0.2, 0.3, 0.7]))
        try net.setCPT(x2, Factor(scope: net.familyScope(of: x2), values: [0.9, 0.1, 0.1, 0.9, 0.6, 0.4, 0.4, 0.6]))
        try net.setCPT(x3, Factor(scope: net.familyScope(of: x3), values: [0.5, 0.3, 0.2, 0.2, 0.3, 0.5]))
        if noise {
            let n = try net.addVariable(Variable(name: "N", states: ["p", "q", "r", "s"]))
            try net.setCPT(n, Factor(scope: net.familyScope(of: n), values: [0.25, 0.25, 0.25, 0.25]))
        }
        return net
    }

    /// Ancestral sampling, written independently of the library for the tests.
    static func sample(_ net: BayesianNetwork, rows: Int, seed: UInt64) -> Dataset {
        var rng = SplitMix64(seed: seed)
        let order = net.dag.topologicalOrder()
        var columns = [[Int32]](repeating: [Int32](repeating: 0, count: rows), count: net.count)
        for i in 0..<rows {
            for v in order {
                var row = 0
                for p in net.parents(of: v) { row = row * net.variables[p].cardinality + Int(columns[p][i]) }
                let k = net.variables[v].cardinality
                var u = rng.nextUnit()
                var s = k - 1
                for j in 0..<k {
                    u -= net.cpts[v].values[row * k + j]
                    if u < 0 { s = j; break }
                }
                columns[v][i] = Int32(s)
            }
        }
        return Dataset(names: net.names, states: net.variables.map(\.states), columns: columns)
    }
}
