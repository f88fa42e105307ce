import Foundation

/// The receiver operating characteristic of one class against the rest: the false and true
/// positive rates of the rule "predict `positive` when its score is at least t", for every
/// threshold t among the distinct scores (Fawcett 2006, "An introduction to ROC analysis").
///
/// With P positive and N negative rows, sweeping t down through the distinct scores
/// s₁ > s₂ > … adds, at each step, every row whose score equals sᵢ: a tie is one step, a
/// diagonal segment when it mixes classes. The points are
/// `(FP(t)/N, TP(t)/P)` from (0, 0) at t = +∞ to (1, 1). The trapezoid area
/// `Σᵢ (FPᵢ − FPᵢ₋₁)(TPᵢ + TPᵢ₋₁) / (2PN)` counts a tied positive–negative pair as ½, so it
/// equals the Mann–Whitney AUC of `ClassificationMetrics.auc`; it is summed in integers
/// and divided once.
public struct ROCCurve: Sendable, Equatable {
    /// One point: the rates of the rule "score ≥ threshold" (`threshold` is +∞ at (0, 0)).
    public struct Point: Sendable, Equatable {
        public var falsePositiveRate: Double
        public var truePositiveRate: Double
        public var threshold: Double
    }

    /// From (0, 0) to (1, 1), one point per distinct score; empty when a class is absent.
    public var points: [Point]
    public var positives: Int
    public var negatives: Int
    /// The trapezoid area under the points; NaN when a class is absent.
    public var area: Double

    /// The curve of `positive` against the rest, from scores (higher means more positive).
    /// Rows with a missing truth (-1) or a NaN score are skipped.
    public init(truth: [Int32], scores: [Double], positive: Int) {
        precondition(truth.count == scores.count)
        var items: [(score: Double, positive: Bool)] = []
        items.reserveCapacity(truth.count)
        for (y, s) in zip(truth, scores) where y >= 0 && !s.isNaN { items.append((s, Int(y) == positive)) }
        items.sort { $0.score > $1.score }
        let p = items.reduce(0) { $0 + ($1.positive ? 1 : 0) }, n = items.count - p
        positives = p
        negatives = n
        guard p > 0, n > 0 else { points = []; area = .nan; return }
        var points = [Point(falsePositiveRate: 0, truePositiveRate: 0, threshold: .infinity)]
        var tp = 0, fp = 0
        var twiceArea = 0   // Σ ΔFP · (TP + TP₋₁), exact in integers
        var i = 0
        while i < items.count {
            let s = items[i].score
            let (tp0, fp0) = (tp, fp)
            while i < items.count && items[i].score == s {
                if items[i].positive { tp += 1 } else { fp += 1 }
                i += 1
            }
            twiceArea += (fp - fp0) * (tp + tp0)
            points.append(Point(falsePositiveRate: Double(fp) / Double(n), truePositiveRate: Double(tp) / Double(p), threshold: s))
        }
        self.points = points
        area = Double(twiceArea) / (2 * Double(p) * Double(n))
    }

    /// The curve of state `positive`, scored by its predicted probability `predictions[i][positive]`.
    public init(truth: [Int32], predictions: [[Double]], positive: Int) {
        self.init(truth: truth, scores: predictions.map { $0[positive] }, positive: positive)
    }
}
