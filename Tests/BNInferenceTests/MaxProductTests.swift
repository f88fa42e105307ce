import Testing
import BNCore
@testable import BNInference

@Suite("MPE and MAP against brute force")
struct MaxProductTests {
    @Test("most probable explanation", arguments: EliminationHeuristic.allCases)
    func mpe(heuristic: EliminationHeuristic) throws {
        for seed in UInt64(100)...130 {
            let net = RandomNetworks.make(seed: seed, variables: 4 + Int(seed % 5))
            let ve = VariableElimination(net, heuristic: heuristic)
            let e = RandomNetworks.evidence(net, seed: seed, hard: Int(seed % 3), soft: Int(seed % 2),
                                            interventions: seed % 5 == 0 ? 1 : 0)
            let oracle = BruteForce(net: net, evidence: e)
            guard oracle.probabilityOfEvidence > 0 else { continue }
            let got = try ve.mostProbableExplanation(given: e)
            let best = oracle.mpe()
            #expect(abs(got.probability - best.value) <= 1e-12 * best.value, "seed \(seed)")
            #expect(best.best.contains(got.states), "seed \(seed): \(got.states) not among \(best.best)")
            #expect(abs(oracle.weight(got.states) - best.value) <= 1e-12 * best.value)
            #expect(abs(got.posterior - best.value / oracle.probabilityOfEvidence) < 1e-12)
        }
    }

    @Test("maximum a posteriori over subsets", arguments: [EliminationHeuristic.minFill, .minWeight])
    func map(heuristic: EliminationHeuristic) throws {
        for seed in UInt64(200)...230 {
            let net = RandomNetworks.make(seed: seed, variables: 5 + Int(seed % 4))
            let ve = VariableElimination(net, heuristic: heuristic)
            var rng = SplitMix64(seed: seed)
            let vars = Array((0..<net.count).shuffled(using: &rng).prefix(1 + Int(seed % 3)))
            let e = RandomNetworks.evidence(net, seed: seed, hard: Int(seed % 3), soft: Int(seed % 2), avoid: vars)
            let oracle = BruteForce(net: net, evidence: e)
            let got = try ve.maximumAPosteriori(of: vars, given: e)
            let best = oracle.map(vars)
            #expect(got.variables == vars)
            #expect(abs(got.probability - best.value) <= 1e-12 * best.value, "seed \(seed)")
            #expect(best.best.contains(got.states), "seed \(seed): \(got.states) not among \(best.best)")
            #expect(abs(got.posterior - best.value / oracle.probabilityOfEvidence) < 1e-12)
        }
    }

    @Test("MPE of impossible evidence is an error")
    func impossible() throws {
        var net = BayesianNetwork(name: "zero")
        let a = try net.addVariable(Variable(name: "A", states: ["x", "y"]))
        let b = try net.addVariable(Variable(name: "B", states: ["u", "v"]))
        try net.addEdge(from: a, to: b)
        try net.setCPT(b, Factor(scope: net.familyScope(of: b), values: [1, 0, 1, 0]))
        let ve = VariableElimination(net)
        #expect(throws: InferenceError.impossibleEvidence(["B=v"])) {
            _ = try ve.mostProbableExplanation(given: Evidence(hard: [b: 1]))
        }
    }
}
