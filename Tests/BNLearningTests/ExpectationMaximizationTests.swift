import Testing
import BNCore
import BNInference
@testable import BNLearning

@Suite("Expectation-maximisation")
struct ExpectationMaximizationTests {
    func em(_ estimator: ParameterEstimator = ParameterEstimator(), maxIterations: Int = 200, restarts: Int = 0) -> ExpectationMaximization {
        ExpectationMaximization(estimator: estimator, maxIterations: maxIterations, tolerance: 1e-9, restarts: restarts,
                                makeEngine: { try EnumerationExpectation($0) })
    }

    @Test func completeDataGivesTheMLEInOneStep() throws {
        let truth = try Fixtures.chain()
        let data = Fixtures.sample(truth, rows: 5_000, seed: 1)
        let start = truth.withUniformCPTs()
        let mle = try ParameterEstimator().fit(start, to: data)
        // One E-step and one M-step already give the MLE …
        let (oneStep, _) = try em(maxIterations: 1).fit(start, to: data)
        #expect(oneStep.cpts == mle.cpts)
        // … and the next iteration changes nothing, so the run stops there.
        let (fitted, report) = try em().fit(start, to: data)
        #expect(fitted.cpts == mle.cpts)
        #expect(report.converged)
        // ℓ(start), ℓ(MLE), ℓ(MLE) again: converged; the trace ends with ℓ of the returned MLE.
        #expect(report.logLikelihoodTrace.count == 4)
        #expect(report.logLikelihoodTrace[1] == report.logLikelihoodTrace[2])
        #expect(report.logLikelihoodTrace[3] == report.logLikelihoodTrace[1])
        #expect(report.finalLogLikelihood == report.logLikelihoodTrace[1])
        #expect(report.logLikelihoodTrace[0] < report.logLikelihoodTrace[1])
    }

    @Test func logLikelihoodNeverDecreasesAndCPTsAreRecovered() throws {
        let truth = try Fixtures.chain()
        let data = ForwardSampler(truth).sample(rows: 20_000, seed: 2, options: .init(missing: 0.2))
        #expect(data.missingCount > 10_000)
        let start = truth.withUniformCPTs()
        let (fitted, report) = try em().fit(start, to: data)
        #expect(report.converged)
        for (a, b) in zip(report.logLikelihoodTrace, report.logLikelihoodTrace.dropFirst()) { #expect(b >= a - 1e-9) }
        var worst = 0.0
        for v in 0..<truth.count { for (x, y) in zip(fitted.cpts[v].values, truth.cpts[v].values) { worst = max(worst, abs(x - y)) } }
        #expect(worst < 0.03)
        // The final log-likelihood is the last one traced, and ℓ is a real number.
        #expect(report.finalLogLikelihood == report.logLikelihoodTrace.last)
        #expect(report.finalLogLikelihood.isFinite)
    }

    @Test func latentColumnAndRestartsAreSeeded() throws {
        var truth = try Fixtures.chain()
        truth.setInfo(1, label: nil, description: nil, role: .latent)
        let data = ForwardSampler(truth).sample(rows: 3_000, seed: 3, options: .init(dropLatent: true))
        #expect(data.names == ["A", "C"])
        let run1 = try em(maxIterations: 50, restarts: 2).fit(truth, to: data)
        let run2 = try em(maxIterations: 50, restarts: 2).fit(truth, to: data)
        #expect(run1.0.cpts == run2.0.cpts)
        for (a, b) in zip(run1.1.logLikelihoodTrace, run1.1.logLikelihoodTrace.dropFirst()) { #expect(b >= a - 1e-9) }
        // The latent model explains A and C at least as well as the start.
        #expect(run1.1.finalLogLikelihood >= run1.1.logLikelihoodTrace[0] - 1e-9)
    }
}

@Suite("EM through the junction tree")
struct JunctionTreeEMTests {
    @Test func junctionTreeEStepMatchesEnumeration() throws {
        let truth = try Fixtures.chain()
        let data = ForwardSampler(truth).sample(rows: 4_000, seed: 12, options: .init(missing: 0.3))
        let start = truth.withUniformCPTs()
        let viaTree = try ExpectationMaximization(maxIterations: 30, tolerance: 1e-10, makeEngine: { try JunctionTreeExpectation($0) })
            .fit(start, to: data)
        let viaEnumeration = try ExpectationMaximization(maxIterations: 30, tolerance: 1e-10, makeEngine: { try EnumerationExpectation($0) })
            .fit(start, to: data)
        #expect(viaTree.1.logLikelihoodTrace.count == viaEnumeration.1.logLikelihoodTrace.count)
        for (a, b) in zip(viaTree.1.logLikelihoodTrace, viaEnumeration.1.logLikelihoodTrace) { #expect(abs(a - b) < 1e-8 * abs(b)) }
        for v in 0..<truth.count {
            for (x, y) in zip(viaTree.0.cpts[v].values, viaEnumeration.0.cpts[v].values) { #expect(abs(x - y) < 1e-9) }
        }
    }
}

@Suite("Batched E-step")
struct BatchedEStepTests {
    @Test(arguments: [0.1, 0.4])
    func batchedJunctionTreeMatchesEnumeration(missing: Double) throws {
        var truth = try Fixtures.chain()
        // A second component (D, independent of the chain) exercises empty separators.
        let d = try truth.addVariable(Variable(name: "D", states: ["d0", "d1", "d2"]))
        try truth.setCPT(d, Factor(scope: truth.familyScope(of: d), values: [0.2, 0.5, 0.3]))
        let data = ForwardSampler(truth).sample(rows: 3_000, seed: 21, options: .init(missing: missing))
        let binding = try DataBinding(network: truth, data: data)
        let rows = ExpectationMaximization.distinctRows(binding, variables: truth.count).filter { $0.evidence.contains(-1) }
        let cards = truth.cardinalities
        func zero() -> [[Double]] { (0..<truth.count).map { v in [Double](repeating: 0, count: (truth.parents(of: v) + [v]).reduce(1) { $0 * cards[$1] }) } }
        var a = zero(), b = zero()
        var batched = try BatchedJunctionTreeExpectation(truth, workingSetEntries: 64)   // small chunks on purpose
        var oracle = try EnumerationExpectation(truth)
        let la = try batched.accumulate(rows: rows[...], into: &a)
        let lb = try oracle.accumulate(rows: rows[...], into: &b)
        #expect(abs(la - lb) < 1e-9 * abs(lb))
        for v in 0..<truth.count { for (x, y) in zip(a[v], b[v]) { #expect(abs(x - y) < 1e-8) } }
    }

    @Test func batchedEMEqualsRowByRowEM() throws {
        let truth = try Fixtures.chain()
        let data = ForwardSampler(truth).sample(rows: 5_000, seed: 22, options: .init(missing: 0.25))
        let start = truth.withUniformCPTs()
        let batched = try ExpectationMaximization(maxIterations: 40, tolerance: 1e-10, makeEngine: { try BatchedJunctionTreeExpectation($0) })
            .fit(start, to: data)
        let rowwise = try ExpectationMaximization(maxIterations: 40, tolerance: 1e-10, makeEngine: { try JunctionTreeExpectation($0) })
            .fit(start, to: data)
        #expect(batched.1.iterations == rowwise.1.iterations)
        for v in 0..<truth.count { for (x, y) in zip(batched.0.cpts[v].values, rowwise.0.cpts[v].values) { #expect(abs(x - y) < 1e-9) } }
    }

    /// Enumerating the missing cells by independent groups gives the oracle's counts and
    /// log-likelihood whether every row is enumerated, none is (all through the junction-tree
    /// fallback), or the limit splits them; a fully latent column joins every group it touches.
    @Test(arguments: [0, 12, 1 << 20])
    func missingCellEnumerationMatchesEnumeration(limit: Int) throws {
        var truth = try Fixtures.chain()
        let d = try truth.addVariable(Variable(name: "D", states: ["d0", "d1", "d2"]))
        try truth.setCPT(d, Factor(scope: truth.familyScope(of: d), values: [0.2, 0.5, 0.3]))
        let data = ForwardSampler(truth).sample(rows: 2_000, seed: 23, options: .init(missing: 0.3))
        let binding = try DataBinding(network: truth, data: data)
        var rows = ExpectationMaximization.distinctRows(binding, variables: truth.count)
        for i in rows.indices where i % 3 == 0 { rows[i].evidence[0] = -1 }    // the first variable latent in a third of the rows
        rows = rows.filter { $0.evidence.contains(-1) }
        let cards = truth.cardinalities
        func zero() -> [[Double]] { (0..<truth.count).map { v in [Double](repeating: 0, count: (truth.parents(of: v) + [v]).reduce(1) { $0 * cards[$1] }) } }
        var a = zero(), b = zero()
        var engine = MissingCellEnumeration(truth, enumerationLimit: limit) { try JunctionTreeExpectation(truth) }
        var oracle = try EnumerationExpectation(truth)
        let la = try engine.accumulate(rows: rows[...], into: &a)
        let lb = try oracle.accumulate(rows: rows[...], into: &b)
        #expect(abs(la - lb) < 1e-10 * abs(lb))
        for v in 0..<truth.count { for (x, y) in zip(a[v], b[v]) { #expect(abs(x - y) < 1e-8) } }
        #expect((engine.fallback != nil) == (limit < 1 << 20))
    }

    @Test func missingCellEnumerationNamesImpossibleEvidence() throws {
        var net = BayesianNetwork(name: "n")
        let a = try net.addVariable(Variable(name: "A", states: ["a0", "a1"]))
        let b = try net.addVariable(Variable(name: "B", states: ["b0", "b1"]))
        try net.setParents(b, to: [a])
        try net.setCPT(a, Factor(scope: net.familyScope(of: a), values: [1, 0]))
        try net.setCPT(b, Factor(scope: net.familyScope(of: b), values: [1, 0, 0.5, 0.5]))
        var engine = MissingCellEnumeration(net, enumerationLimit: 100) { try JunctionTreeExpectation(net) }
        var counts: [[Double]] = [[0, 0], [0, 0, 0, 0]]
        #expect(throws: InferenceError.impossibleEvidence(["B=b1"])) {
            _ = try engine.accumulate(rows: [(evidence: [-1, 1], weight: 1)][...], into: &counts)
        }
    }
}
