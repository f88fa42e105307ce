import Testing
import Foundation
import BNCore
import BNInference
@testable import BNLearning

@Suite("Classifiers and evaluation")
struct ClassifierAndEvaluationTests {
    func truth() throws -> BayesianNetwork { try Fixtures.classifier() }

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
