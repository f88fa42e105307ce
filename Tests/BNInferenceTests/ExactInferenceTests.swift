import Testing
import BNCore
@testable import BNInference

/// The engines under test, built per test (engines are not `Sendable` arguments).
enum EngineKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case variableElimination, junctionTree
    var testDescription: String { rawValue }

    func make(_ net: BayesianNetwork, _ heuristic: EliminationHeuristic = .minFill) throws -> any InferenceEngine {
        switch self {
        case .variableElimination: return VariableElimination(net, heuristic: heuristic)
        case .junctionTree: return try JunctionTree(net, heuristic: heuristic)
        }
    }
}

let tolerance = 1e-10
let allEngineHeuristicPairs: [(EngineKind, EliminationHeuristic)] =
    EngineKind.allCases.flatMap { e in EliminationHeuristic.allCases.map { (e, $0) } }

@Suite("Exact inference against brute-force enumeration")
struct ExactInferenceTests {
    @Test("posteriors of single targets, hard evidence", arguments: allEngineHeuristicPairs)
    func singleTargets(kind: EngineKind, heuristic: EliminationHeuristic) throws {
        for seed in UInt64(1)...12 {
            let net = RandomNetworks.make(seed: seed, variables: 3 + Int(seed % 6))
            let engine = try kind.make(net, heuristic)
            for q in 0..<4 {
                let e = RandomNetworks.evidence(net, seed: seed &* 31 &+ UInt64(q), hard: q)
                let oracle = BruteForce(net: net, evidence: e)
                for t in 0..<net.count {
                    let got = try engine.posterior(of: t, given: e)
                    #expect(maxAbsDiff(got, oracle.joint([t])) < tolerance, "seed \(seed) query \(q) target \(t)")
                }
                let lp = try engine.logProbabilityOfEvidence(e)
                #expect(abs(exp(lp) - oracle.probabilityOfEvidence) < tolerance, "P(e) seed \(seed) query \(q)")
            }
        }
    }

    @Test("joints of several targets", arguments: EngineKind.allCases)
    func joints(kind: EngineKind) throws {
        for seed in UInt64(20)...30 {
            let net = RandomNetworks.make(seed: seed, variables: 7)
            let engine = try kind.make(net)
            var rng = SplitMix64(seed: seed)
            for q in 0..<4 {
                let targets = Array((0..<net.count).shuffled(using: &rng).prefix(2 + q % 2))
                let e = RandomNetworks.evidence(net, seed: seed &+ 100 &* UInt64(q), hard: q % 3, avoid: targets)
                let got = try engine.joint(of: targets, given: e)
                #expect(got.scope.variables == targets)
                #expect(maxAbsDiff(got.values, BruteForce(net: net, evidence: e).joint(targets)) < tolerance,
                        "seed \(seed) targets \(targets)")
            }
        }
    }

    @Test("soft (likelihood) evidence", arguments: EngineKind.allCases)
    func softEvidence(kind: EngineKind) throws {
        for seed in UInt64(40)...52 {
            let net = RandomNetworks.make(seed: seed, variables: 6)
            let engine = try kind.make(net)
            let e = RandomNetworks.evidence(net, seed: seed, hard: Int(seed % 2), soft: 2)
            let oracle = BruteForce(net: net, evidence: e)
            for t in 0..<net.count {
                #expect(maxAbsDiff(try engine.posterior(of: t, given: e), oracle.joint([t])) < tolerance)
            }
            #expect(abs(try engine.logProbabilityOfEvidence(e) - log(oracle.probabilityOfEvidence)) < 1e-9)
        }
    }

    @Test("interventions do(X = x) by graph surgery", arguments: EngineKind.allCases)
    func interventions(kind: EngineKind) throws {
        for seed in UInt64(60)...75 {
            let net = RandomNetworks.make(seed: seed, variables: 7)
            let engine = try kind.make(net)
            let e = RandomNetworks.evidence(net, seed: seed, hard: Int(seed % 3), soft: Int(seed % 2), interventions: 1 + Int(seed % 2))
            let oracle = BruteForce(net: net, evidence: e)
            guard oracle.probabilityOfEvidence > 0 else { continue }
            for t in 0..<net.count {
                #expect(maxAbsDiff(try engine.posterior(of: t, given: e), oracle.joint([t])) < tolerance, "seed \(seed) target \(t)")
            }
            let pairs = [0, net.count - 1]
            #expect(maxAbsDiff(try engine.joint(of: pairs, given: e).values, oracle.joint(pairs)) < tolerance)
            #expect(abs(exp(try engine.logProbabilityOfEvidence(e)) - oracle.probabilityOfEvidence) < tolerance)
        }
    }

    @Test("all marginals in one call", arguments: EngineKind.allCases)
    func allMarginals(kind: EngineKind) throws {
        for seed in UInt64(80)...90 {
            let net = RandomNetworks.make(seed: seed, variables: 8)
            let engine = try kind.make(net)
            let e = RandomNetworks.evidence(net, seed: seed, hard: 2, soft: 1)
            let oracle = BruteForce(net: net, evidence: e)
            let all = try engine.allMarginals(given: e)
            for t in 0..<net.count { #expect(maxAbsDiff(all[t], oracle.joint([t])) < tolerance) }
        }
    }

    @Test("zero-probability evidence is an error naming the evidence", arguments: EngineKind.allCases)
    func impossibleEvidence(kind: EngineKind) throws {
        var net = BayesianNetwork(name: "zero")
        let a = try net.addVariable(Variable(name: "Rain", states: ["yes", "no"]))
        let b = try net.addVariable(Variable(name: "Wet", states: ["yes", "no"]))
        try net.addEdge(from: a, to: b)
        try net.setCPT(b, Factor(scope: net.familyScope(of: b), values: [1, 0, 0.5, 0.5]))
        let engine = try kind.make(net)
        let e = try Evidence(in: net, hard: ["Rain": "yes", "Wet": "no"])
        #expect(throws: InferenceError.self) { _ = try engine.posterior(of: a, given: e) }
        do {
            _ = try engine.logProbabilityOfEvidence(e)
            Issue.record("expected an error")
        } catch {
            #expect(error == .impossibleEvidence(["Rain=yes", "Wet=no"]))
            #expect(error.description.contains("Wet=no"))
        }
        // The same engine still answers possible evidence afterwards.
        let ok = try engine.posterior(of: a, given: try Evidence(in: net, hard: ["Wet": "no"]))
        #expect(abs(ok[0]) < 1e-15 && abs(ok[1] - 1) < 1e-15)
    }

    @Test("long evidence does not underflow: log P(e) stays exact", arguments: EngineKind.allCases)
    func longEvidence(kind: EngineKind) throws {
        // A chain of 400 binary variables, every one observed: P(e) ≈ 10^-200 or smaller.
        var net = BayesianNetwork(name: "chain")
        let n = 400
        for i in 0..<n { try net.addVariable(Variable(name: "X\(i)", states: ["a", "b"])) }
        for i in 1..<n {
            try net.addEdge(from: i - 1, to: i)
            try net.setCPT(i, Factor(scope: net.familyScope(of: i), values: [0.1, 0.9, 0.8, 0.2]))
        }
        try net.setCPT(0, Factor(scope: net.familyScope(of: 0), values: [0.3, 0.7]))
        var e = Evidence()
        var expected = log(0.3)
        for i in 0..<n { e.hard[i] = 0 }
        expected += Double(n - 1) * log(0.1)
        let engine = try kind.make(net)
        let lp = try engine.logProbabilityOfEvidence(e)
        #expect(abs(lp - expected) < 1e-9 * abs(expected))
        // Leave the last variable free: its posterior is the CPT row.
        e.hard[n - 1] = nil
        let post = try engine.posterior(of: n - 1, given: e)
        #expect(maxAbsDiff(post, [0.1, 0.9]) < 1e-12)
    }

    @Test("a target that is observed or intervened is a point mass", arguments: EngineKind.allCases)
    func observedTarget(kind: EngineKind) throws {
        let net = RandomNetworks.make(seed: 5, variables: 5)
        let engine = try kind.make(net)
        var e = RandomNetworks.evidence(net, seed: 9, hard: 1)
        let v = e.hard.keys.first!
        let p = try engine.posterior(of: v, given: e)
        #expect(p[e.hard[v]!] == 1 && p.reduce(0, +) == 1)
        e = Evidence(interventions: [2: 1])
        #expect(try engine.posterior(of: 2, given: e) == [Double](repeating: 0, count: net.variables[2].cardinality).enumerated().map { $0.offset == 1 ? 1 : 0 })
    }
}

#if canImport(Glibc)
import Glibc
#endif
