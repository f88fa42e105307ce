import Testing
import Foundation
import BNCore
import BNInference
@testable import BNLearning

@Suite("Classifiers and evaluation")
struct ClassifierAndEvaluationTests {
    /// Class C → X1, X2, X3, and X1 → X2 (so TAN can find the feature edge).
    func truth() throws -> BayesianNetwork {
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
        return net
    }

    /// Complete data: the log-likelihood from family counts equals the row-by-row sum.
    @Test func completeDataLogLikelihoodFromCountsEqualsRowSum() throws {
        let net = try Fixtures.chain()
        let data = Fixtures.sample(net, rows: 4_000, seed: 31)
        #expect(data.missingCount == 0)
        let binding = try DataBinding(network: net, data: data)
        let rows = ExpectationMaximization.distinctRows(binding, variables: net.count)
        let bySum = try ExpectationMaximization.logLikelihood(net, rows: rows, makeEngine: { try EnumerationExpectation($0) })
        let byCounts = try Evaluation.logLikelihood(net, on: data)
        #expect(abs(bySum - byCounts) < 1e-9 * abs(bySum))
        #expect(byCounts < 0)
    }

    @Test func naiveBayesAndTANStructures() throws {
        let data = ForwardSampler(try truth()).sample(rows: 20_000, seed: 1)
        let nb = try Classifiers.naiveBayes(data, target: "C")
        #expect(nb.parents(of: 0).isEmpty)
        #expect((1...3).allSatisfy { nb.parents(of: $0) == [0] })
        let tan = try Classifiers.tan(data, target: "C")
        // The strongest conditional dependency is X1–X2: the tree holds that edge.
        #expect(tan.parents(of: 2) == [0, 1])
        #expect(tan.parents(of: 1) == [0])
        // X3 is independent of X1 and X2 given C: no feature arc pays for itself (a forest).
        #expect(tan.parents(of: 3) == [0])
    }

    @Test func conditionalMutualInformationByHand() {
        // One class; Xi and Xj independent (uniform 2x2 counts): I = 0. Perfectly copied: I = ln 2.
        #expect(PairwiseInformation.conditionalMutualInformation([5, 5, 5, 5], classes: 1, ri: 2, rj: 2) == 0)
        #expect(abs(PairwiseInformation.conditionalMutualInformation([10, 0, 0, 10], classes: 1, ri: 2, rj: 2) - log(2)) < 1e-12)
    }

    @Test func predictionsMatchTheEngineAndTheTruthModelWins() throws {
        let net = try truth()
        let data = ForwardSampler(net).sample(rows: 3_000, seed: 2, options: .init(missing: 0.1, missingColumns: [1, 2, 3]))
        let (truthStates, pred) = try Evaluation.predict(net, on: data, target: "C")
        #expect(truthStates == data.columns[0])
        // Row 0 by the engine directly.
        var hard: [Int: Int] = [:]
        for v in 1...3 where data.columns[v][0] >= 0 { hard[v] = Int(data.columns[v][0]) }
        let direct = try VariableElimination(net).posterior(of: 0, given: Evidence(hard: hard))
        #expect(abs(pred[0][0] - direct[0]) < 1e-12)
        let m = ClassificationMetrics(truth: truthStates, predictions: pred)
        #expect(m.auc > 0.8 && m.accuracy > 0.75)
        // The held-out log-likelihood of the true model beats a uniform model's.
        let uniform = net.withUniformCPTs()
        #expect(try Evaluation.logLikelihood(net, on: data) > Evaluation.logLikelihood(uniform, on: data))
    }

    @Test func crossValidationIsSeededAndCoversEveryRow() throws {
        let data = ForwardSampler(try truth()).sample(rows: 2_000, seed: 3)
        let cv = try Evaluation.crossValidate(data, target: "C", folds: 5, seed: 9) { try Classifiers.tan($0, target: "C") }
        #expect(cv.perFold.count == 5)
        #expect(cv.pooled.rows == 2_000)
        #expect(cv.perFold.map(\.rows).reduce(0, +) == 2_000)
        #expect(cv.pooled.auc > 0.8)
        let again = try Evaluation.crossValidate(data, target: "C", folds: 5, seed: 9) { try Classifiers.tan($0, target: "C") }
        #expect(again.pooled == cv.pooled)
        #expect(throws: LearningError.self) { try Evaluation.crossValidate(data, target: "C", folds: 1, seed: 1) { _ in try truth() } }
    }
}
