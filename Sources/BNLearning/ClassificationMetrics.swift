import Foundation

/// Scores of probabilistic predictions of a discrete target against the true states.
///
/// For rows `i` with true state `yᵢ` and predicted distribution `pᵢ`:
/// - accuracy: the share of rows whose most probable state is `yᵢ`;
/// - log loss: `−(1/n) Σ ln pᵢ(yᵢ)` (probabilities clipped at 1e-15);
/// - Brier score: `(1/n) Σ Σ_k (pᵢ(k) − 1[yᵢ = k])²`;
/// - AUC: for two states, the probability that a random positive row (state `positive`) gets
///   a higher score than a random negative one (Mann–Whitney, ties count ½); for more
///   states, the unweighted mean of one-vs-rest AUCs (Hand & Till style averaging);
/// - confusion matrix: `confusion[true][predicted]` counts.
public struct ClassificationMetrics: Sendable, Equatable, Codable {
    public var rows: Int
    public var accuracy: Double
    public var logLoss: Double
    public var brier: Double
    public var auc: Double
    public var confusion: [[Int]]

    /// Computes the metrics; rows with a missing truth (-1) are skipped.
    public init(truth: [Int32], predictions: [[Double]], positive: Int = 0) {
        var sums = Accumulator(states: predictions.first?.count ?? 0, positive: positive)
        sums.add(truth: truth, predictions: predictions)
        self = sums.metrics
    }

    init(rows: Int, accuracy: Double, logLoss: Double, brier: Double, auc: Double, confusion: [[Int]]) {
        self.rows = rows
        self.accuracy = accuracy
        self.logLoss = logLoss
        self.brier = brier
        self.auc = auc
        self.confusion = confusion
    }

    /// The metrics of rows that come in batches (a table streamed chunk by chunk, or the
    /// folds of a cross-validation): the sums of accuracy, log loss, Brier and the confusion
    /// matrix, added row by row in the order the rows come, so one accumulator fed the rows
    /// of `init(truth:predictions:)` gives the same bits. The AUC needs every labelled row's
    /// score, but only up to ties: each score channel (the positive state's probability for
    /// two states, every state's for more) is kept as a `ScoreTally`, the distinct scores
    /// with their positive and total counts, so memory is bounded by the distinct
    /// predictions (at most the distinct rows), not by the rows. The AUC is the same
    /// rank-sum, exactly: its terms are half-integers, which doubles add without rounding.
    public struct Accumulator: Sendable {
        public let states: Int
        public let positive: Int
        private var n = 0, correct = 0
        private var ll = 0.0, brier = 0.0
        private var confusion: [[Int]]
        /// `tallies[c]`: the scores of state `c` against "the true state is `c`" (only
        /// `positive` for two states).
        private var tallies: [ScoreTally]

        public init(states k: Int, positive: Int = 0) {
            states = k
            self.positive = positive
            confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
            tallies = [ScoreTally](repeating: ScoreTally(), count: k == 2 ? 1 : k)
        }

        /// Adds rows: their true states (-1 missing: skipped) and predicted distributions.
        public mutating func add(truth batch: [Int32], predictions: [[Double]]) {
            precondition(batch.count == predictions.count)
            for (y, p) in zip(batch, predictions) { add(y, p[...]) }
        }

        /// Adds one row (the same sums as the row in a batch), or `copies` identical rows at
        /// once (a distinct row with its count): the counts grow by `copies`, the log loss
        /// and Brier sums by `copies` times the row's terms (the row's own terms for one copy,
        /// `1 · x` being `x`), the AUC's tally by one score with `copies` rows.
        mutating func add(truth y: Int32, prediction p: [Double], copies: Int = 1) { add(y, p[...], copies: copies) }

        /// `add(truth:predictions:)` with the distributions laid end to end, row-major:
        /// `flat[i · states + s]` is row `i`'s probability of state `s` (the same sums).
        public mutating func add(truth batch: [Int32], flat: [Double]) {
            precondition(flat.count == batch.count * states)
            for (i, y) in batch.enumerated() { add(y, flat[(i * states)..<((i + 1) * states)]) }
        }

        /// Adds the rows another accumulator holds, after this one's: the counts and the
        /// AUC's tallies are exact; the log loss and Brier sums add `other`'s partial sums,
        /// which equals adding its rows one by one up to rounding (1e-16 relative).
        public mutating func merge(_ other: Accumulator) {
            precondition(other.states == states && other.positive == positive)
            n += other.n
            correct += other.correct
            ll += other.ll
            brier += other.brier
            for i in 0..<states { for j in 0..<states { confusion[i][j] += other.confusion[i][j] } }
            for c in tallies.indices { tallies[c].merge(other.tallies[c]) }
        }

        /// Folds every tally's buffer into its runs, so that an accumulator kept for later
        /// (a fold's, until the folds before it are merged) holds its distinct scores and no
        /// more. The same figures.
        mutating func compact() {
            for c in tallies.indices { tallies[c].compact() }
        }

        /// Adds `copies` rows with truth `y` and prediction `p` (skipped when `y` is missing).
        private mutating func add(_ y: Int32, _ p: ArraySlice<Double>, copies: Int = 1) {
            guard y >= 0 else { return }
            let k = states, w = Double(copies)
            n += copies
            let yi = Int(y)
            let base = p.startIndex
            let argmax = (p.indices.max { p[$0] < p[$1] } ?? base) - base
            if argmax == yi { correct += copies }
            confusion[yi][argmax] += copies
            ll -= w * log(min(1, max(p[base + yi], 1e-15)))
            for j in 0..<k { let d = p[base + j] - (j == yi ? 1 : 0); brier += w * d * d }
            if k == 2 {
                tallies[0].add(p[base + positive], positive: yi == positive, count: copies)
            } else {
                for c in 0..<k { tallies[c].add(p[base + c], positive: yi == c, count: copies) }
            }
        }

        public var metrics: ClassificationMetrics {
            let auc: Double
            if states == 2 {
                auc = tallies[0].auc
            } else {
                let aucs = tallies.map(\.auc).filter { !$0.isNaN }
                auc = aucs.isEmpty ? .nan : aucs.reduce(0, +) / Double(aucs.count)
            }
            return ClassificationMetrics(rows: n, accuracy: n > 0 ? Double(correct) / Double(n) : .nan,
                                         logLoss: n > 0 ? ll / Double(n) : .nan, brier: n > 0 ? brier / Double(n) : .nan,
                                         auc: auc, confusion: confusion)
        }
    }

    /// The scores of one AUC channel up to ties: the distinct scores in increasing order,
    /// each with how many rows had it and how many of those were positive. Rows (and merged
    /// runs) go to a buffer that is sorted and folded into the runs whenever it outgrows them
    /// (and 4,096 entries), so memory is O(distinct scores + buffer) and the work O(n log n).
    /// After a fold the runs take just their own room (one entry a distinct score), whatever
    /// the buffer was: a tally kept by `learn --target` for every candidate and inner fold
    /// would otherwise keep the merge's slack, about twice its distinct scores.
    struct ScoreTally: Sendable {
        private struct Run { var score: Double; var positives: Int; var count: Int }
        private var runs: [Run] = [], pending: [Run] = []

        /// Adds `count` rows with `score` (all positive or all not).
        mutating func add(_ score: Double, positive: Bool, count: Int = 1) {
            pending.append(Run(score: score, positives: positive ? count : 0, count: count))
            if pending.count >= max(4_096, runs.count) { compact() }
        }

        mutating func merge(_ other: ScoreTally) {
            pending += other.runs
            pending += other.pending
            compact()
        }

        /// Sorts the buffer and folds it into the runs (held in an array of their own size)
        /// and empties the buffer.
        mutating func compact() {
            guard !pending.isEmpty else { return }
            pending.sort { $0.score < $1.score }
            var merged: [Run] = []
            merged.reserveCapacity(runs.count + pending.count)
            var i = 0, j = 0
            while i < runs.count || j < pending.count {
                let next: Run
                if j == pending.count || (i < runs.count && runs[i].score <= pending[j].score) {
                    next = runs[i]; i += 1
                } else {
                    next = pending[j]; j += 1
                }
                if let last = merged.last, last.score == next.score {
                    merged[merged.count - 1].positives += next.positives
                    merged[merged.count - 1].count += next.count
                } else {
                    merged.append(next)
                }
            }
            if merged.capacity > merged.count + merged.count / 8 {
                runs = []
                runs.reserveCapacity(merged.count)
                runs.append(contentsOf: merged)
            } else {
                runs = merged
            }
            pending = []
        }

        /// The Mann–Whitney AUC with average ranks for ties (NaN without both classes).
        var auc: Double {
            var me = self
            me.compact()
            return ClassificationMetrics.auc(runs: me.runs.map(\.positives), counts: me.runs.map(\.count))
        }
    }

    /// One-vs-rest AUC by the rank-sum (Mann–Whitney U) formula with average ranks for ties.
    public static func auc(truth: [Int32], scores: [Double], positive: Int) -> Double {
        var tally = ScoreTally()
        for (y, s) in zip(truth, scores) where y >= 0 { tally.add(s, positive: Int(y) == positive) }
        return tally.auc
    }

    /// The rank-sum over runs of tied scores in increasing order, `positives[r]` of the
    /// `counts[r]` rows of run `r` positive: a run starting after `i` rows has the average
    /// rank `i + (m + 1) / 2`. Every term is a half-integer below 2⁵³, so the sum is exact.
    static func auc(runs positives: [Int], counts: [Int]) -> Double {
        let pos = positives.reduce(0, +), all = counts.reduce(0, +), neg = all - pos
        guard pos > 0, neg > 0 else { return .nan }
        var rankSum = 0.0, before = 0
        for r in counts.indices {
            rankSum += Double(positives[r]) * (Double(before) + Double(counts[r] + 1) / 2)
            before += counts[r]
        }
        return (rankSum - Double(pos) * Double(pos + 1) / 2) / (Double(pos) * Double(neg))
    }
}
