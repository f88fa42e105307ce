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

    /// The metrics of rows that come in batches (a table streamed chunk by chunk): the sums
    /// of accuracy, log loss, Brier and the confusion matrix, added row by row in the same
    /// order as `init(truth:predictions:)`, so the figures are the same bits. The AUC needs
    /// every labelled row's score: kept exactly, as one Double per row (the positive state's
    /// probability) for two states, one per state and row for more, beside the row's true
    /// state (Int32): 12 bytes a labelled row for a binary target. The AUC is then the same
    /// rank-sum over the stored pairs.
    public struct Accumulator: Sendable {
        public let states: Int
        public let positive: Int
        private var n = 0, correct = 0
        private var ll = 0.0, brier = 0.0
        private var confusion: [[Int]]
        private var truth: [Int32] = []
        /// `scores[c]`: the probability of state `c` per labelled row (only `positive` for
        /// two states).
        private var scores: [[Double]]

        public init(states k: Int, positive: Int = 0) {
            states = k
            self.positive = positive
            confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
            scores = [[Double]](repeating: [], count: k == 2 ? 1 : k)
        }

        /// Adds rows: their true states (-1 missing: skipped) and predicted distributions.
        public mutating func add(truth batch: [Int32], predictions: [[Double]]) {
            precondition(batch.count == predictions.count)
            for (y, p) in zip(batch, predictions) { add(y, p[...]) }
        }

        /// `add(truth:predictions:)` with the distributions laid end to end, row-major:
        /// `flat[i · states + s]` is row `i`'s probability of state `s` (the same sums).
        public mutating func add(truth batch: [Int32], flat: [Double]) {
            precondition(flat.count == batch.count * states)
            for (i, y) in batch.enumerated() { add(y, flat[(i * states)..<((i + 1) * states)]) }
        }

        /// Adds one row (skipped when its truth `y` is missing).
        private mutating func add(_ y: Int32, _ p: ArraySlice<Double>) {
            guard y >= 0 else { return }
            let k = states
            n += 1
            let yi = Int(y)
            let base = p.startIndex
            let argmax = (p.indices.max { p[$0] < p[$1] } ?? base) - base
            if argmax == yi { correct += 1 }
            confusion[yi][argmax] += 1
            ll -= log(min(1, max(p[base + yi], 1e-15)))
            for j in 0..<k { let d = p[base + j] - (j == yi ? 1 : 0); brier += d * d }
            truth.append(y)
            if k == 2 { scores[0].append(p[base + positive]) } else { for c in 0..<k { scores[c].append(p[base + c]) } }
        }

        public var metrics: ClassificationMetrics {
            let auc: Double
            if states == 2 {
                auc = ClassificationMetrics.auc(truth: truth, scores: scores[0], positive: positive)
            } else {
                let aucs = (0..<states).map { c in ClassificationMetrics.auc(truth: truth, scores: scores[c], positive: c) }.filter { !$0.isNaN }
                auc = aucs.isEmpty ? .nan : aucs.reduce(0, +) / Double(aucs.count)
            }
            return ClassificationMetrics(rows: n, accuracy: n > 0 ? Double(correct) / Double(n) : .nan,
                                         logLoss: n > 0 ? ll / Double(n) : .nan, brier: n > 0 ? brier / Double(n) : .nan,
                                         auc: auc, confusion: confusion)
        }
    }

    /// One-vs-rest AUC by the rank-sum (Mann–Whitney U) formula with average ranks for ties.
    public static func auc(truth: [Int32], scores: [Double], positive: Int) -> Double {
        var items: [(Double, Bool)] = []
        for (y, s) in zip(truth, scores) where y >= 0 { items.append((s, Int(y) == positive)) }
        items.sort { $0.0 < $1.0 }
        let pos = items.filter(\.1).count, neg = items.count - pos
        guard pos > 0, neg > 0 else { return .nan }
        var rankSum = 0.0
        var i = 0
        while i < items.count {
            var j = i
            while j + 1 < items.count && items[j + 1].0 == items[i].0 { j += 1 }
            let avgRank = Double(i + j + 2) / 2   // ranks are 1-based
            for t in i...j where items[t].1 { rankSum += avgRank }
            i = j + 1
        }
        return (rankSum - Double(pos) * Double(pos + 1) / 2) / (Double(pos) * Double(neg))
    }
}
