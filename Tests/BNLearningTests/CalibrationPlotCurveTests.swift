import Testing
import Foundation
import BNCore
@testable import BNLearning

/// `ROCCurve` and `ReliabilityCurve`, the maths behind `evaluate --plot`.
@Suite("Calibration plot curves")
struct CalibrationPlotCurveTests {
    @Test func rocPointsByHandWithATie() {
        // Scores high to low: 0.8 (positive), 0.5 (positive and negative: one diagonal step), 0.1 (negative).
        let roc = ROCCurve(truth: [1, 0, 1, 0, -1], scores: [0.5, 0.5, 0.8, 0.1, 0.9], positive: 1)
        #expect(roc.positives == 2 && roc.negatives == 2)
        #expect(roc.points.map(\.falsePositiveRate) == [0, 0, 0.5, 1])
        #expect(roc.points.map(\.truePositiveRate) == [0, 0.5, 1, 1])
        #expect(roc.points.map(\.threshold) == [.infinity, 0.8, 0.5, 0.1])
        #expect(roc.area == 0.875)
        #expect(roc.area == ClassificationMetrics.auc(truth: [1, 0, 1, 0], scores: [0.5, 0.5, 0.8, 0.1], positive: 1))
    }

    /// The trapezoid area equals the Mann–Whitney AUC on data full of ties (scores rounded
    /// to one decimal), for either state of a binary target and one state of three.
    @Test(arguments: [(2, 0), (2, 1), (3, 2)])
    func rocAreaEqualsAUCWithTies(classes: Int, positive: Int) {
        var rng = SplitMix64(seed: 7)
        var truth: [Int32] = [], predictions: [[Double]] = []
        for _ in 0..<2_000 {
            let y = Int32(Int.random(in: 0..<classes, using: &rng))
            var p = (0..<classes).map { c in (Double.random(in: 0..<1, using: &rng) + (Int32(c) == y ? 0.4 : 0)) }
            let s = p.reduce(0, +)
            p = p.map { ($0 / s * 10).rounded() / 10 }   // ties everywhere
            truth.append(Bool.random(using: &rng) && truth.count % 17 == 0 ? -1 : y)
            predictions.append(p)
        }
        let roc = ROCCurve(truth: truth, predictions: predictions, positive: positive)
        let auc = ClassificationMetrics.auc(truth: truth, scores: predictions.map { $0[positive] }, positive: positive)
        #expect(abs(roc.area - auc) < 1e-12)
        #expect(roc.points.count <= 12)   // at most 11 distinct scores, plus (0, 0)
        #expect(roc.points.last?.falsePositiveRate == 1 && roc.points.last?.truePositiveRate == 1)
        #expect(zip(roc.points, roc.points.dropFirst()).allSatisfy {
            $0.falsePositiveRate <= $1.falsePositiveRate && $0.truePositiveRate <= $1.truePositiveRate
        })
        if classes == 2 {
            // Binary: the curve's area is the metric evaluate reports.
            #expect(abs(roc.area - ClassificationMetrics(truth: truth, predictions: predictions).auc) < 1e-12)
        }
    }

    @Test func rocOfOneClassHasNoArea() {
        let roc = ROCCurve(truth: [1, 1, -1], scores: [0.2, 0.4, 0.1], positive: 1)
        #expect(roc.points.isEmpty)
        #expect(roc.area.isNaN)
    }

    @Test func reliabilityBinsByHand() throws {
        // P(state 1) and truth; the row with a missing truth is skipped.
        let p1 = [0.1, 0.2, 0.3, 0.45, 0.8, 1.0, 0.6, 0.25]
        let truth: [Int32] = [0, 1, 0, 1, 1, 1, -1, 0]
        let curve = ReliabilityCurve(truth: truth, predictions: p1.map { [1 - $0, $0] }, positive: 1, bins: 4)
        #expect(curve.rows == 7)
        #expect(curve.bins.map(\.count) == [2, 3, 0, 2])
        #expect(curve.bins.map(\.lower) == [0, 0.25, 0.5, 0.75])
        let b = curve.bins
        #expect(abs(b[0].meanPredicted - 0.15) < 1e-12 && b[0].observed == 0.5)
        #expect(abs(b[1].meanPredicted - 1.0 / 3) < 1e-12 && abs(b[1].observed - 1.0 / 3) < 1e-12)
        #expect(b[2].meanPredicted.isNaN && b[2].observed.isNaN)
        #expect(abs(b[3].meanPredicted - 0.9) < 1e-12 && b[3].observed == 1)   // p = 1 falls in the last bin
        // ECE = 2/7 · |0.5 − 0.15| + 3/7 · 0 + 2/7 · |1 − 0.9| = 0.9/7.
        #expect(abs(curve.expectedCalibrationError - 0.9 / 7) < 1e-12)
        // Wilson 95 % for 1 of 2: (0.0945, 0.9055); the intervals hold the observed share.
        #expect(abs(b[0].low - 0.09453) < 1e-4 && abs(b[0].high - 0.90547) < 1e-4)
        #expect(b.filter { $0.count > 0 }.allSatisfy { $0.low <= $0.observed && $0.observed <= $0.high })
        // The state-0 diagram of the same rows mirrors it.
        let other = ReliabilityCurve(truth: truth, predictions: p1.map { [1 - $0, $0] }, positive: 0, bins: 4)
        #expect(other.rows == 7 && abs(other.expectedCalibrationError - curve.expectedCalibrationError) < 1e-12)
    }

    @Test func wilsonIntervalAtTheEdges() {
        // 0 of n: (0, z²/(n + z²)).
        let z2 = ReliabilityCurve.z95 * ReliabilityCurve.z95
        let (low, high) = ReliabilityCurve.wilson(successes: 0, trials: 10)
        #expect(low == 0)
        #expect(abs(high - z2 / (10 + z2)) < 1e-12)
        let all = ReliabilityCurve.wilson(successes: 10, trials: 10)
        #expect(abs(all.low - 10 / (10 + z2)) < 1e-12 && abs(all.high - 1) < 1e-12)
        #expect(ReliabilityCurve.wilson(successes: 0, trials: 0).low.isNaN)
    }

    @Test func defaultTenBinsAndNoRows() {
        let empty = ReliabilityCurve(truth: [-1], predictions: [[0.5, 0.5]], positive: 1)
        #expect(empty.bins.count == 10 && empty.rows == 0)
        #expect(empty.expectedCalibrationError.isNaN)
    }
}
