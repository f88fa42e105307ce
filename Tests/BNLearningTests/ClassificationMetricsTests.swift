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

    /// A row added with `copies` (a distinct row with its count, as `learn --target`'s inner
    /// folds hold them) counts as that many rows: the counts, confusion and AUC exactly, the
    /// log loss and Brier up to rounding; one copy is the row's own bits.
    @Test func copiesCountAsThatManyRows() {
        let copies = [3, 1, 2, 5, 1, 4, 2, 1]
        var repeated = ClassificationMetrics.Accumulator(states: 3), counted = ClassificationMetrics.Accumulator(states: 3)
        for (i, y) in truth.enumerated() {
            for _ in 0..<copies[i] { repeated.add(truth: y, prediction: predictions[i]) }
            counted.add(truth: y, prediction: predictions[i], copies: copies[i])
        }
        let a = repeated.metrics, b = counted.metrics
        #expect(a.rows == 14 && b.rows == 14)     // 19 copies, 5 of them of the row without a truth
        #expect(a.accuracy == b.accuracy && a.confusion == b.confusion && a.auc == b.auc)
        #expect(abs(a.logLoss - b.logLoss) < 1e-15 && abs(a.brier - b.brier) < 1e-15)
        var once = ClassificationMetrics.Accumulator(states: 3)
        for (y, p) in zip(truth, predictions) { once.add(truth: y, prediction: p, copies: 1) }
        #expect(once.metrics == ClassificationMetrics(truth: truth, predictions: predictions))
    }

    @Test func twoStatesFlat() {
        let y: [Int32] = [1, 0, 1, 0]
        let p: [[Double]] = [[0.2, 0.8], [0.6, 0.4], [0.5, 0.5], [0.9, 0.1]]
        var sums = ClassificationMetrics.Accumulator(states: 2, positive: 1)
        sums.add(truth: y, flat: p.flatMap { $0 })
        #expect(sums.metrics == ClassificationMetrics(truth: y, predictions: p, positive: 1))
        #expect(sums.metrics.auc == 1.0)
    }

    /// The AUC kept up to ties (`ScoreTally`) against counting every (positive, negative)
    /// pair by hand, on 20,000 rows whose scores take 37 values (many ties), fed in uneven
    /// batches so the buffer is folded into the runs several times, and as three
    /// accumulators merged: counts and AUC exact, the sums to rounding.
    @Test func aucUpToTiesIsThePairCountAndMergesExactly() {
        let n = 20_000
        var truth: [Int32] = [], scores: [Double] = []
        var state: UInt64 = 12_345
        for _ in 0..<n {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let level = Int(state >> 33) % 37
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let u = Double(state >> 11) / Double(1 << 53)
            truth.append(u < 0.2 + 0.6 * Double(level) / 36 ? 1 : 0)
            scores.append(Double(level) / 36)
        }
        // Pairs by hand over the 37 levels: P(s⁺ > s⁻) + ½ P(s⁺ = s⁻).
        var pos = [Double](repeating: 0, count: 37), neg = [Double](repeating: 0, count: 37)
        for (y, s) in zip(truth, scores) { let l = Int((s * 36).rounded()); if y == 1 { pos[l] += 1 } else { neg[l] += 1 } }
        var wins = 0.0
        for a in 0..<37 { for b in 0..<37 where a > b { wins += pos[a] * neg[b] }; wins += 0.5 * pos[a] * neg[a] }
        let expected = wins / (pos.reduce(0, +) * neg.reduce(0, +))
        let predictions = scores.map { [1 - $0, $0] }
        let whole = ClassificationMetrics(truth: truth, predictions: predictions, positive: 1)
        #expect(abs(whole.auc - expected) < 1e-15)
        #expect(ClassificationMetrics.auc(truth: truth, scores: scores, positive: 1) == whole.auc)
        var parts: [ClassificationMetrics.Accumulator] = []
        for range in [0..<7_001, 7_001..<7_002, 7_002..<n] {
            var part = ClassificationMetrics.Accumulator(states: 2, positive: 1)
            part.add(truth: Array(truth[range]), predictions: Array(predictions[range]))
            parts.append(part)
        }
        var merged = parts[0]
        merged.merge(parts[1])
        merged.merge(parts[2])
        let m = merged.metrics
        #expect(m.auc == whole.auc)
        #expect(m.rows == whole.rows && m.accuracy == whole.accuracy && m.confusion == whole.confusion)
        #expect(abs(m.logLoss - whole.logLoss) < 1e-12 && abs(m.brier - whole.brier) < 1e-12)
    }
}
