import Testing
import Foundation
@testable import BNLearning

@Suite("Classification metrics")
struct ClassificationMetricsTests {
    @Test func binaryMetricsByHand() {
        // Truth: positive = state 0.
        let truth: [Int32] = [0, 0, 1, 1, -1]
        let p: [[Double]] = [[0.9, 0.1], [0.4, 0.6], [0.35, 0.65], [0.2, 0.8], [0.5, 0.5]]
        let m = ClassificationMetrics(truth: truth, predictions: p)
        #expect(m.rows == 4)
        #expect(m.accuracy == 0.75)
        #expect(m.confusion == [[1, 1], [0, 2]])
        let ll = -(log(0.9) + log(0.4) + log(0.65) + log(0.8)) / 4
        #expect(abs(m.logLoss - ll) < 1e-12)
        let brier = (2 * 0.01 + 2 * 0.36 + 2 * 0.1225 + 2 * 0.04) / 4
        #expect(abs(m.brier - brier) < 1e-12)
        // Positive scores 0.9, 0.4 vs negative 0.35, 0.2: every positive ranks above: AUC 1.
        #expect(m.auc == 1)
    }

    @Test func aucCountsTiesAsHalf() {
        let auc = ClassificationMetrics.auc(truth: [1, 0, 1, 0], scores: [0.5, 0.5, 0.8, 0.1], positive: 1)
        // Pairs (pos, neg): (0.5,0.5) ½, (0.5,0.1) 1, (0.8,0.5) 1, (0.8,0.1) 1 → 3.5/4.
        #expect(auc == 0.875)
        #expect(ClassificationMetrics.auc(truth: [1, 1], scores: [0.1, 0.2], positive: 1).isNaN)
    }
}
