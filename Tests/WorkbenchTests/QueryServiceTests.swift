import Foundation
import Testing
import BNCore
@testable import Workbench

/// The repository's root folder (its models, datasets, examples and docs).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
/// `../shared` beside the repository: the benchmark networks and reference posteriors.
let sharedRoot = URL(fileURLWithPath: repositoryRoot).appendingPathComponent("../shared").standardized.path

@Suite("Queries from the workbench")
struct QueryServiceTests {
    func asia() throws -> BayesianNetwork { try ModelIO.load(path: sharedRoot + "/networks/asia.bif") }

    @Test func posteriorJointAndEvidenceOnAsia() throws {
        let service = QueryService(network: try asia())
        let r = try service.answer(QueryRequest(targets: ["lung", "bronc"], findings: FindingSet(evidence: ["smoke": "yes"])))
        // asia.bif: P(lung=yes | smoke=yes) = 0.1, P(bronc=yes | smoke=yes) = 0.6, P(smoke=yes) = 0.5.
        #expect(abs(r.marginals[0].probabilities[0] - 0.1) < 1e-12)
        #expect(abs(r.marginals[1].probabilities[0] - 0.6) < 1e-12)
        #expect(abs(r.probabilityOfEvidence - 0.5) < 1e-12)
        // lung and bronc are independent given smoke: the joint is the product.
        #expect(r.joint?.count == 4)
        #expect(abs(r.joint![0].probability - 0.06) < 1e-12)
        #expect(r.joint![0].states == ["yes", "yes"])
    }

    @Test func interventionCutsTheEvidenceFlow() throws {
        let service = QueryService(network: try asia())
        // Observing xray=yes raises P(lung); doing xray=yes does not change it.
        let seen = try service.answer(QueryRequest(targets: ["lung"], findings: FindingSet(evidence: ["xray": "yes"])))
        let done = try service.answer(QueryRequest(targets: ["lung"], findings: FindingSet(interventions: ["xray": "yes"])))
        let prior = try service.answer(QueryRequest(targets: ["lung"]))
        #expect(seen.marginals[0].probabilities[0] > 0.4)
        #expect(abs(done.marginals[0].probabilities[0] - prior.marginals[0].probabilities[0]) < 1e-12)
        #expect(abs(prior.marginals[0].probabilities[0] - 0.055) < 1e-12)
    }

    @Test func badInputIsNamed() throws {
        let service = QueryService(network: try asia())
        #expect(throws: ModelError.unknownState(variable: "smoke", state: "maybe", allowed: ["yes", "no"])) {
            try service.answer(QueryRequest(targets: ["lung"], findings: FindingSet(evidence: ["smoke": "maybe"])))
        }
        #expect(throws: ModelError.unknownVariable("lungs", suggestion: "lung")) { try service.answer(QueryRequest(targets: ["lungs"])) }
        #expect(throws: WorkbenchError.usage("--evidence smoke: expected VARIABLE=STATE")) {
            try FindingSet.assignments(["smoke"], option: "--evidence")
        }
        #expect(throws: WorkbenchError.self) { try FindingSet.likelihoods(["smoke=0.2,x"]) }
        #expect(try FindingSet.likelihoods(["smoke=0.2, 0.8"]) == ["smoke": [0.2, 0.8]])
    }

    @Test func barChartDrawsProportionalBars() {
        let text = BarChart.render(title: "Churn", labels: ["yes", "no"], values: [0.25, 0.75], width: 8)
        #expect(text == "Churn  yes  ██        0.2500\n       no   ██████    0.7500")
        #expect(BarChart.formatProbability(1.5e-7) == "1.500e-07")
    }

    @Test func benchmarkMatchesTheReferenceOnAsia() throws {
        let items = try BenchmarkSuite.resolve(models: [], queries: [sharedRoot + "/reference/asia.json"], searchRoot: ".")
        #expect(items.count == 1 && items[0].modelPath.hasSuffix("networks/asia.bif"))
        let result = try InferenceBenchmark(repeats: 1).run(network: try ModelIO.load(path: items[0].modelPath),
                                                            reference: try ReferenceQueries.load(path: items[0].referencePath!))
        #expect(result.queries == 20)
        #expect(result.max_abs_diff < 1e-12)
    }
}

@Suite("Explanations")
struct ExplanationTests {
    @Test func mpeAndMapMatchEnumeration() throws {
        let net = try ModelIO.load(path: sharedRoot + "/networks/asia.bif")
        let service = QueryService(network: net)
        let dysp = net.index(of: "dysp")!
        // Brute force over the 2^8 joint with dysp = yes.
        var joint = Factor.constant(1)
        for f in net.cpts { joint = try joint.multiplying(f) }
        joint = joint.reordered(to: Array(0..<net.count))
        var best = -1.0, bestIndex = 0, pe = 0.0
        for (i, p) in joint.values.enumerated() where (i >> (net.count - 1 - dysp)) & 1 == 0 {
            pe += p
            if p > best { best = p; bestIndex = i }
        }
        let mpe = try service.explain(QueryRequest(targets: [], findings: FindingSet(evidence: ["dysp": "yes"])), mapOverTargets: false)
        #expect(abs(mpe.jointProbability - best) < 1e-12)
        #expect(abs(mpe.posteriorProbability - best / pe) < 1e-12)
        for v in 0..<net.count {
            let s = (bestIndex >> (net.count - 1 - v)) & 1
            #expect(mpe.assignment[net.names[v]] == net.variables[v].states[s])
        }
        // MAP over (lung, tub): the best of the 4 summed configurations.
        let lung = net.index(of: "lung")!, tub = net.index(of: "tub")!
        var sums = [Double](repeating: 0, count: 4)
        for (i, p) in joint.values.enumerated() where (i >> (net.count - 1 - dysp)) & 1 == 0 {
            let l = (i >> (net.count - 1 - lung)) & 1, t = (i >> (net.count - 1 - tub)) & 1
            sums[l * 2 + t] += p
        }
        let map = try service.explain(QueryRequest(targets: ["lung", "tub"], findings: FindingSet(evidence: ["dysp": "yes"])), mapOverTargets: true)
        #expect(abs(map.jointProbability - sums.max()!) < 1e-12)
        let k = sums.firstIndex(of: sums.max()!)!
        #expect(map.assignment == ["lung": ["yes", "no"][k / 2], "tub": ["yes", "no"][k % 2]])
    }
}
