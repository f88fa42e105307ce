import Foundation
import Testing
@testable import BNLearning

/// The metrics of rows added in batches, as nested or flat distributions, against the
/// figures of every row at once (what `learn --target`'s inner cross-validation pools fold
/// by fold, flat, to hold 8 bytes a class and row instead of one array per row).
@Suite("Classification metrics")
struct ClassificationMetricsTests {
    /// Three classes, a missing truth, ties in the scores and a tie for the most probable state.
    let truth: [Int32] = [0, 2, 1, -1, 2, 0, 1, 1]
    let predictions: [[Double]] = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.4, 0.4, 0.2], [0.2, 0.5, 0.3],
                                   [0.3, 0.3, 0.4], [0.2, 0.6, 0.2], [0.1, 0.8, 0.1], [0.5, 0.2, 0.3]]

    @Test func flatBatchesGiveTheSameBitsAsTheRowsAtOnce() {
        let whole = ClassificationMetrics(truth: truth, predictions: predictions)
        var batches = ClassificationMetrics.Accumulator(states: 3)
        batches.add(truth: Array(truth[0..<3]), flat: predictions[0..<3].flatMap { $0 })
        batches.add(truth: Array(truth[3...]), predictions: Array(predictions[3...]))
        #expect(batches.metrics == whole)
        // The figures themselves, by hand: 7 labelled rows; rows 1, 2, 5, 7 right (row 3's tie
        // goes to the first state, 0, not its truth 1).
        #expect(whole.rows == 7)
        #expect(whole.accuracy == 4.0 / 7)
        let ll = -[0.7, 0.6, 0.4, 0.4, 0.2, 0.8, 0.2].map { log($0) }.reduce(0, +) / 7
        #expect(abs(whole.logLoss - ll) < 1e-12)
        #expect(whole.confusion == [[1, 1, 0], [2, 1, 0], [0, 0, 2]])
    }

    @Test func twoStatesFlat() {
        let y: [Int32] = [1, 0, 1, 0]
        let p: [[Double]] = [[0.2, 0.8], [0.6, 0.4], [0.5, 0.5], [0.9, 0.1]]
        var sums = ClassificationMetrics.Accumulator(states: 2, positive: 1)
        sums.add(truth: y, flat: p.flatMap { $0 })
        #expect(sums.metrics == ClassificationMetrics(truth: y, predictions: p, positive: 1))
        #expect(sums.metrics.auc == 1.0)
    }
}
