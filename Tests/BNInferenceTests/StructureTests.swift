import Testing
import Foundation
import BNCore
@testable import BNInference

@Suite("Elimination orders, junction tree structure, relevance pruning")
struct StructureTests {
    /// A → B, A → C, B → D, C → D: the moral graph is two triangles ABC, BCD.
    func diamond() throws -> BayesianNetwork {
        var net = BayesianNetwork(name: "diamond")
        for name in ["A", "B", "C", "D"] { try net.addVariable(Variable(name: name, states: ["0", "1"])) }
        try net.addEdge(from: 0, to: 1)
        try net.addEdge(from: 0, to: 2)
        try net.addEdge(from: 1, to: 3)
        try net.addEdge(from: 2, to: 3)
        return net
    }

    @Test("every heuristic finds the two triangles of the diamond", arguments: EliminationHeuristic.allCases)
    func diamondReport(heuristic: EliminationHeuristic) throws {
        let report = EliminationOrdering.report(for: try diamond(), heuristic: heuristic)
        #expect(Set(report.order) == [0, 1, 2, 3])
        #expect(report.inducedWidth == 2)
        #expect(report.cliques.sorted { $0.lexicographicallyPrecedes($1) } == [[0, 1, 2], [1, 2, 3]])
        #expect(report.largestCliqueEntries == 8)
        #expect(report.totalCliqueEntries == 16)
    }

    @Test("an explicit order's report: four parents married into one clique")
    func explicitOrder() throws {
        // X0..X3 → X4: moralising marries the parents, so the moral graph is one clique.
        var net = BayesianNetwork(name: "star")
        for i in 0..<5 { try net.addVariable(Variable(name: "X\(i)", states: ["0", "1", "2"])) }
        for i in 0..<4 { try net.addEdge(from: i, to: 4) }
        let good = EliminationOrdering.report(for: net, order: [0, 1, 2, 3, 4])
        #expect(good.inducedWidth == 4)
        #expect(good.largestCliqueEntries == 243)
        #expect(good.largestCliqueNames == ["X0", "X1", "X2", "X3", "X4"])
        #expect(good.cliques.count == 1)
    }

    @Test("junction trees have the running intersection property and hold every family",
          arguments: EliminationHeuristic.allCases)
    func runningIntersection(heuristic: EliminationHeuristic) throws {
        for seed in UInt64(1)...25 {
            let net = RandomNetworks.make(seed: seed, variables: 4 + Int(seed % 12), maxParents: 4)
            let jt = try JunctionTreeStructure(net, heuristic: heuristic)
            let k = jt.cliques.count
            #expect(jt.parent.filter { $0 < 0 }.count == 1)
            #expect(jt.preorder.count == k)
            for v in 0..<net.count {
                let holders = Set(jt.cliquesContaining[v])
                // Connected: exactly one holder has its parent outside the holders.
                let tops = holders.filter { jt.parent[$0] < 0 || !holders.contains(jt.parent[$0]) }
                #expect(tops.count == 1, "seed \(seed) variable \(v)")
                let family = Set(net.parents(of: v) + [v])
                #expect(family.isSubset(of: Set(jt.cliques[jt.familyClique[v]])))
                #expect(jt.cliques[jt.homeClique[v]].contains(v))
            }
            for c in 0..<k where jt.parent[c] >= 0 {
                #expect(jt.separators[c] == jt.cliques[c].filter { jt.cliques[jt.parent[c]].contains($0) })
            }
        }
    }

    @Test("Bayes-ball keeps exactly the requisite CPTs")
    func bayesBall() throws {
        // Chain A → B → C.
        var chain = BayesianNetwork(name: "chain")
        for name in ["A", "B", "C"] { try chain.addVariable(Variable(name: name, states: ["0", "1"])) }
        try chain.addEdge(from: 0, to: 1)
        try chain.addEdge(from: 1, to: 2)
        #expect(RelevancePruning.requisiteNodes(chain, targets: [0], evidence: Evidence(hard: [2: 0])).top == [true, true, true])
        // B observed: C is d-separated from A.
        #expect(RelevancePruning.requisiteNodes(chain, targets: [0], evidence: Evidence(hard: [1: 0, 2: 0])).top == [true, true, false])
        // No evidence: B and C are barren.
        #expect(RelevancePruning.requisiteNodes(chain, targets: [0], evidence: Evidence()).top == [true, false, false])
        // do(B): the edge A → B is cut, so A is irrelevant to C.
        #expect(RelevancePruning.requisiteNodes(chain, targets: [2], evidence: Evidence(interventions: [1: 0])).top == [false, false, true])

        // Collider A → C ← B.
        var collider = BayesianNetwork(name: "collider")
        for name in ["A", "B", "C"] { try collider.addVariable(Variable(name: name, states: ["0", "1"])) }
        try collider.addEdge(from: 0, to: 2)
        try collider.addEdge(from: 1, to: 2)
        #expect(RelevancePruning.requisiteNodes(collider, targets: [0], evidence: Evidence()).top == [true, false, false])
        #expect(RelevancePruning.requisiteNodes(collider, targets: [0], evidence: Evidence(hard: [2: 1])).top == [true, true, true])
        // Soft evidence on C acts as an observed child of C.
        let soft = RelevancePruning.requisiteNodes(collider, targets: [0], evidence: Evidence(soft: [2: [0.3, 0.7]]))
        #expect(soft.top == [true, true, true] && soft.softRequisite == [false, false, true])
        #expect(RelevancePruning.ancestralSet(collider, targets: [0], evidence: Evidence()) == [true, false, false])
    }

    @Test("memory guard: a clique over the budget stops before allocating, naming it", arguments: EngineKind.allCases)
    func memoryGuard(kind: EngineKind) throws {
        var net = BayesianNetwork(name: "wide")
        for i in 0..<5 { try net.addVariable(Variable(name: "W\(i)", states: (0..<8).map { "s\($0)" })) }
        for i in 0..<4 { try net.addEdge(from: i, to: 4) }
        // 8^5 entries = 256 KiB; allow 64 KiB.
        let error = MemoryBudget.$current.withValue(MemoryBudget(bytes: 64 << 10)) { () -> InferenceError? in
            do {
                let engine = try kind.make(net)
                _ = try engine.posterior(of: 0, given: Evidence(hard: [4: 1, 1: 0]))
                _ = try engine.posterior(of: 4, given: Evidence())
                return nil
            } catch let e as InferenceError {
                return e
            } catch {
                return nil
            }
        }
        guard case .memoryBudgetExceeded(let clique, let entries, _, let budget)? = error else {
            Issue.record("expected memoryBudgetExceeded, got \(String(describing: error))")
            return
        }
        #expect(Set(clique) == ["W0", "W1", "W2", "W3", "W4"])
        #expect(entries == 32768 && budget == 64 << 10)
        #expect(error!.description.contains("W4"))
        // Evidence shrinks the tables: VE answers within the budget with W1..W4 observed.
        if kind == .variableElimination {
            let p = try MemoryBudget.$current.withValue(MemoryBudget(bytes: 64 << 10)) {
                try VariableElimination(net).posterior(of: 0, given: Evidence(hard: [1: 0, 2: 0, 3: 0, 4: 0]))
            }
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        }
    }

    @Test("VE answers a new query pattern directly, compiles it on its second sight and reuses the plan")
    func planCache() throws {
        let net = RandomNetworks.make(seed: 77, variables: 8)
        let ve = VariableElimination(net)
        let oracle = { (e: Evidence) in BruteForce(net: net, evidence: e).joint([0]) }
        var answers: [[Double]] = []
        for s in 0..<net.variables[3].cardinality {
            let e = Evidence(hard: [3: s])
            answers.append(try ve.posterior(of: 0, given: e))
            #expect(maxAbsDiff(answers.last!, oracle(e)) < 1e-12, "state \(s): direct, then compiled, then cached")
            #expect(ve.cachedPlanCount == (s == 0 ? 0 : 1))
        }
        _ = try ve.posterior(of: 0, given: Evidence(hard: [5: 0]))
        #expect(ve.cachedPlanCount == 1)
        let again = try ve.posterior(of: 0, given: Evidence(hard: [5: 0]))
        #expect(ve.cachedPlanCount == 2)
        #expect(maxAbsDiff(again, oracle(Evidence(hard: [5: 0]))) < 1e-12)
    }

    @Test("junction tree: one-shot and compiled contractions give the same calibration")
    func compiledAndDirectMessages() throws {
        // A hub with 20 children: the junction tree is a star of cliques {Hub, Cᵢ}, so a
        // message out of the centre multiplies ~20 tables (more than `CompileRule.manyOperands`: run by
        // the one-shot pass until its shape's `compileOnSight`-th sighting, compiled after);
        // the leaves' messages are compiled at once. The same evidence patterns come back
        // round after round, so every message is computed both ways.
        var net = BayesianNetwork(name: "hub")
        var rng = SplitMix64(seed: 11)
        try net.addVariable(Variable(name: "Hub", states: ["a", "b", "c"]))
        try net.setCPT(0, Factor(scope: net.familyScope(of: 0), values: [0.2, 0.5, 0.3]))
        for i in 1...20 {
            try net.addVariable(Variable(name: "C\(i)", states: ["y", "n"]))
            try net.addEdge(from: 0, to: i)
            let values = (0..<3).flatMap { _ -> [Double] in let p = 0.05 + 0.9 * rng.nextUnit(); return [p, 1 - p] }
            try net.setCPT(i, Factor(scope: net.familyScope(of: i), values: values))
        }
        let jt = try JunctionTree(net)
        let hubCliques = jt.structure.cliquesContaining[0].count
        #expect(hubCliques == 20)
        let ve = VariableElimination(net)
        let patterns = [Evidence(hard: [3: 0, 9: 1]), Evidence(hard: [5: 1]), Evidence(hard: [1: 0, 2: 0, 20: 1])]
        for round in 0..<(CompileRule.messages.manySighting + 2) {
            for e in patterns {
                let all = try jt.allMarginals(given: e)
                for t in 0..<net.count {
                    #expect(maxAbsDiff(all[t], try ve.posterior(of: t, given: e)) < 1e-12, "round \(round) variable \(t)")
                }
                #expect(abs(try jt.logProbabilityOfEvidence(e) - (try ve.logProbabilityOfEvidence(e))) < 1e-12)
                try jt.setEvidence(Evidence())
            }
        }
        // The hub's marginal without evidence is its prior.
        #expect(maxAbsDiff(try jt.marginal(0), [0.2, 0.5, 0.3]) < 1e-12)
    }

    @Test("junction tree re-calibrates incrementally")
    func incremental() throws {
        // A chain of 30 variables: changing evidence at one end keeps the messages that
        // flow towards it.
        var net = BayesianNetwork(name: "chain")
        var rng = SplitMix64(seed: 3)
        for i in 0..<30 { try net.addVariable(Variable(name: "C\(i)", states: ["a", "b", "c"])) }
        for i in 1..<30 {
            try net.addEdge(from: i - 1, to: i)
            let values = (0..<3).flatMap { _ -> [Double] in
                let row = (0..<3).map { _ in 0.1 + rng.nextUnit() }
                let s = row.reduce(0, +)
                return row.map { $0 / s }
            }
            try net.setCPT(i, Factor(scope: net.familyScope(of: i), values: values))
        }
        let jt = try JunctionTree(net)
        let ve = VariableElimination(net)
        try jt.setEvidence(Evidence(hard: [0: 1]))
        var all = try jt.allMarginals()
        let full = jt.messagesComputed
        let cliques = jt.structure.cliques.count
        #expect(full == 2 * (cliques - 1))
        try jt.setEvidence(Evidence(hard: [0: 1, 29: 2]))
        let prepared = jt.cliquesPrepared
        all = try jt.allMarginals()
        #expect(jt.messagesComputed - full < 2 * (cliques - 1), "some messages were reused")
        #expect(jt.cliquesPrepared - prepared <= jt.structure.cliquesContaining[29].count)
        let e = Evidence(hard: [0: 1, 29: 2])
        for v in 0..<30 { #expect(maxAbsDiff(all[v], try ve.posterior(of: v, given: e)) < 1e-12) }
        // Change a value, then retract: still exact.
        try jt.setEvidence(Evidence(hard: [0: 1, 29: 0]))
        #expect(maxAbsDiff(try jt.marginal(15), try ve.posterior(of: 15, given: Evidence(hard: [0: 1, 29: 0]))) < 1e-12)
        try jt.setEvidence(Evidence(hard: [0: 1]))
        try jt.setEvidence(Evidence())
        #expect(maxAbsDiff(try jt.marginal(15), try ve.posterior(of: 15, given: Evidence())) < 1e-12)
        let mixed = Evidence(soft: [10: [0.2, 1, 3]], interventions: [20: 1])
        try jt.setEvidence(Evidence(soft: [10: [0.2, 1, 3]]))
        try jt.setEvidence(mixed)
        for v in [0, 10, 15, 20, 25] {
            #expect(maxAbsDiff(try jt.marginal(v), try ve.posterior(of: v, given: mixed)) < 1e-12)
        }
        #expect(abs(try jt.logProbabilityOfEvidence() - (try ve.logProbabilityOfEvidence(mixed))) < 1e-12)
    }
}
