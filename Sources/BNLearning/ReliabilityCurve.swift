import Foundation

/// The reliability (calibration) diagram of the predicted probability of one state: the
/// rows are put in K equal-width bins of `p = P̂(positive)`, and each bin compares the mean
/// predicted probability with the observed frequency of the state (DeGroot & Fienberg 1983;
/// Niculescu-Mizil & Caruana 2005).
///
/// Bin b (0-based) holds `b/K ≤ p < (b+1)/K`, the last one also p = 1. For a bin of n_b
/// rows, `predicted_b = (1/n_b) Σ pᵢ` and `observed_b = (1/n_b) Σ 1[yᵢ = positive]`, with a
/// Wilson score interval (Wilson 1927) at 95 %:
/// `(p̂ + z²/2n ± z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`, z = Φ⁻¹(0.975).
/// The expected calibration error is `ECE = Σ_b (n_b/N) |observed_b − predicted_b|`
/// (Naeini, Cooper & Hauskrecht 2015).
public struct ReliabilityCurve: Sendable, Equatable {
    /// One bin of predicted probabilities.
    public struct Bin: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var count: Int
        /// The mean predicted probability of the bin's rows (NaN when empty).
        public var meanPredicted: Double
        /// The share of the bin's rows in the positive state (NaN when empty).
        public var observed: Double
        /// The Wilson 95 % interval of `observed` (NaN when empty).
        public var low: Double
        public var high: Double
    }

    /// All K bins, empty ones included (they are the histogram of the predictions).
    public var bins: [Bin]
    /// The rows counted (truth present, probability not NaN).
    public var rows: Int
    /// `Σ_b (n_b/N) |observed_b − predicted_b|`; NaN with no rows.
    public var expectedCalibrationError: Double

    /// Φ⁻¹(0.975), the z of a two-sided 95 % interval.
    public static let z95 = 1.959963984540054

    /// The diagram of state `positive` from each row's predicted distribution, in `bins`
    /// equal-width bins. Rows with a missing truth (-1) or a NaN probability are skipped.
    public init(truth: [Int32], predictions: [[Double]], positive: Int, bins k: Int = 10) {
        precondition(truth.count == predictions.count && k >= 1)
        var count = [Int](repeating: 0, count: k), hits = [Int](repeating: 0, count: k)
        var sum = [Double](repeating: 0, count: k)
        for (y, dist) in zip(truth, predictions) where y >= 0 {
            let p = dist[positive]
            guard !p.isNaN else { continue }
            let b = min(k - 1, max(0, Int(p * Double(k))))
            count[b] += 1
            sum[b] += p
            if Int(y) == positive { hits[b] += 1 }
        }
        let total = count.reduce(0, +)
        var ece = 0.0
        self.bins = (0..<k).map { b in
            let n = count[b]
            let lower = Double(b) / Double(k), upper = Double(b + 1) / Double(k)
            guard n > 0 else {
                return Bin(lower: lower, upper: upper, count: 0, meanPredicted: .nan, observed: .nan, low: .nan, high: .nan)
            }
            let predicted = sum[b] / Double(n), observed = Double(hits[b]) / Double(n)
            ece += Double(n) / Double(total) * abs(observed - predicted)
            let (low, high) = Self.wilson(successes: hits[b], trials: n)
            return Bin(lower: lower, upper: upper, count: n, meanPredicted: predicted, observed: observed, low: low, high: high)
        }
        rows = total
        expectedCalibrationError = total > 0 ? ece : .nan
    }

    /// The Wilson score interval of a binomial proportion: the p whose score test at level
    /// `z` does not reject `successes` of `trials`.
    public static func wilson(successes: Int, trials: Int, z: Double = z95) -> (low: Double, high: Double) {
        guard trials > 0 else { return (.nan, .nan) }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }
}
