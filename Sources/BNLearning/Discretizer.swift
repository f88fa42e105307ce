import Foundation
import BNCore

/// Turns a numeric column into discrete states by cut points `c₁ < … < c_{k−1}`: state `i`
/// holds the values `x` with `c_i < x ≤ c_{i+1}` (with `c₀ = −∞`, `c_k = +∞`), and is
/// named after its interval, e.g. `(-inf,29.5]`, `(29.5,55.2]`, `(55.2,inf)`. The bins are
/// stored with the model so new data is cut the same way when it is scored.
public struct Discretizer: Sendable, Equatable, Codable {
    /// How cut points are chosen.
    public enum Method: Sendable, Equatable, Codable {
        /// `bins` intervals of equal width over [min, max].
        case equalWidth(bins: Int)
        /// `bins` intervals holding about the same number of values (quantiles).
        case equalFrequency(bins: Int)
        /// Supervised entropy-based splitting with the MDL stopping rule (Fayyad & Irani
        /// 1993), against a discrete target column.
        case mdl
    }

    /// The cut points, increasing.
    public var cutPoints: [Double]

    public init(cutPoints: [Double]) { self.cutPoints = cutPoints }

    /// The number of states.
    public var binCount: Int { cutPoints.count + 1 }

    /// The state names: one interval per bin, in order (`Variable.intervalNames`).
    public var stateNames: [String] { Variable.intervalNames(cutPoints: cutPoints) }

    /// The state index of a value (nil and NaN stay missing).
    public func bin(_ x: Double?) -> Int32 {
        guard let x, !x.isNaN else { return -1 }
        return Int32(Variable.interval(of: x, cutPoints: cutPoints))
    }

    /// Learns cut points from the observed values (nil = missing). `target` (state indices,
    /// -1 missing) is required by `.mdl` and ignored otherwise.
    public static func fit(_ values: [Double?], method: Method, target: [Int32]? = nil) throws(LearningError) -> Discretizer {
        guard values.contains(where: { $0.map { !$0.isNaN } ?? false }) else { return Discretizer(cutPoints: []) }
        if case .mdl = method {
            guard let target, target.count == values.count else {
                throw .invalidOption("MDL discretisation needs a target column of the same length")
            }
            return try fit(WeightedValues(zip(values, target).compactMap { x, y in
                guard let x, y >= 0 else { return nil }
                var w = [Double](repeating: 0, count: Int(y) + 1)
                w[Int(y)] = 1
                return (x, w)
            }), method: method)
        }
        return try fit(WeightedValues(values.compactMap { $0.map { ($0, [1]) } }), method: method)
    }

    /// A column's observed values with their weights (how many rows hold each, or their
    /// total row weight), per class of a target for `.mdl`: what every method needs, so a
    /// table summarised as distinct values with counts (read in chunks, or rows merged into
    /// patterns) is cut exactly as its rows would be.
    public struct WeightedValues: Sendable {
        /// The distinct values, increasing.
        public let values: [Double]
        /// `byClass[k][c]`: the weight of the rows with `values[k]` and target class `c`
        /// (one class when there is no target).
        public let byClass: [[Double]]

        /// From values with their weights per class, a value given more than once counted
        /// with the sum of its weights (`-0.0` and `0.0` are one value); NaN is dropped.
        public init(_ weights: [(value: Double, weights: [Double])]) {
            var merged: [Double: [Double]] = [:]
            for (x, w) in weights where !x.isNaN {
                let key = x == 0 ? 0 : x
                var sum = merged[key] ?? []
                if sum.count < w.count { sum += [Double](repeating: 0, count: w.count - sum.count) }
                for c in w.indices { sum[c] += w[c] }
                merged[key] = sum
            }
            let classes = merged.values.map(\.count).max() ?? 1
            values = merged.keys.sorted()
            byClass = values.map { x in let w = merged[x]!; return w + [Double](repeating: 0, count: classes - w.count) }
        }
    }

    /// Learns cut points from weighted values: the same cuts as `fit(_:method:target:)` on
    /// rows holding each value as many times as its weight says (exactly so for whole-number
    /// weights). `.mdl` reads the classes of `values.byClass`.
    public static func fit(_ values: WeightedValues, method: Method) throws(LearningError) -> Discretizer {
        guard !values.values.isEmpty else { return Discretizer(cutPoints: []) }
        switch method {
        case .equalWidth(let bins):
            guard bins >= 1 else { throw .invalidOption("the number of bins must be at least 1") }
            let lo = values.values.first!, hi = values.values.last!
            if lo == hi { return Discretizer(cutPoints: []) }
            let width = (hi - lo) / Double(bins)
            let slack = width / 100
            return Discretizer(cutPoints: (1..<bins).map { i in
                let c = lo + width * Double(i)
                return simplestDecimal(from: c - slack, below: c + slack)
            })
        case .equalFrequency(let bins):
            guard bins >= 1 else { throw .invalidOption("the number of bins must be at least 1") }
            return Discretizer(cutPoints: equalFrequencyCuts(values.values, weights: values.byClass.map { $0.reduce(0, +) }, bins: bins))
        case .mdl:
            let classes = values.byClass.map { ($0.lastIndex { $0 > 0 } ?? 0) + 1 }.max() ?? 1
            var cuts: [Double] = []
            mdlSplit(values.values, values.byClass.map { Array($0.prefix(classes)) }, 0..<values.values.count, classes: classes, cuts: &cuts)
            return Discretizer(cutPoints: cuts.sorted())
        }
    }

    /// Quantile cuts that never split a run of equal values: the `b`-th cut aims at position
    /// `i = ⌊n·b/bins⌋` of the `n` sorted values and moves to the nearest boundary between two
    /// distinct neighbours (`sorted[j−1] < sorted[j]`), the left one on a tie. A boundary
    /// already taken is not used twice, so ties give fewer bins, never a collapsed column:
    /// 7,043 tenures with 613 ones and 11 zeros, 4 bins, still give 4 bins (a quantile that
    /// lands inside the run of ones cuts just before or after it). This is R's
    /// `cut(x, unique(quantile(x)))` with the ties resolved instead of merged.
    ///
    /// The values come as the distinct ones, increasing, with their weights: the boundary
    /// after `values[k]` sits at position `weights[0] + … + weights[k]`.
    static func equalFrequencyCuts(_ values: [Double], weights: [Double], bins: Int) -> [Double] {
        // Boundaries j (positions between distinct neighbours), increasing; boundary k
        // follows values[k].
        var boundaries: [Double] = []
        var total = 0.0
        for w in weights { total += w; boundaries.append(total) }
        boundaries.removeLast()
        guard !boundaries.isEmpty, bins > 1 else { return [] }
        var chosen: [Int] = []
        for b in 1..<bins {
            let i = (total * Double(b) / Double(bins)).rounded(.down)
            // The first boundary ≥ i, and the one before it.
            var lo = 0, hi = boundaries.count
            while lo < hi { let m = (lo + hi) / 2; if boundaries[m] < i { lo = m + 1 } else { hi = m } }
            var k = lo
            if k == boundaries.count || (k > 0 && i - boundaries[k - 1] <= boundaries[k] - i) { k -= 1 }
            // Keep cuts increasing: a boundary at or before the last one moves right.
            if let last = chosen.last, k <= last {
                guard last + 1 < boundaries.count else { break }
                k = last + 1
            }
            chosen.append(k)
        }
        return chosen.map { simplestDecimal(from: values[$0], below: values[$0 + 1]) }
    }

    /// Recursive minimum-entropy split with the MDL acceptance test of Fayyad & Irani:
    /// accept the cut when `Gain > log₂(N−1)/N + Δ/N`, with
    /// `Δ = log₂(3^k − 2) − (k·Ent(S) − k₁·Ent(S₁) − k₂·Ent(S₂))`, `k` the number of classes
    /// present. `S` is the distinct values `range` (increasing) with their weights per class
    /// `byClass`, so `N` is their total weight; only boundaries between distinct values are
    /// candidates.
    static func mdlSplit(_ values: [Double], _ byClass: [[Double]], _ range: Range<Int>, classes: Int, cuts: inout [Double]) {
        var total = [Double](repeating: 0, count: classes)
        for k in range { for c in 0..<classes { total[c] += byClass[k][c] } }
        let n = total.reduce(0, +)
        guard n >= 2, range.count >= 2 else { return }
        let entS = entropy(total, n)
        var left = [Double](repeating: 0, count: classes)
        var leftWeight = 0.0
        var best: (ent: Double, index: Int, left: [Double], weight: Double)? = nil
        for k in range.dropLast() {
            for c in 0..<classes { left[c] += byClass[k][c] }
            leftWeight += byClass[k].reduce(0, +)
            let right = zip(total, left).map { $0 - $1 }
            let e = leftWeight / n * entropy(left, leftWeight) + (n - leftWeight) / n * entropy(right, n - leftWeight)
            if best == nil || e < best!.ent { best = (e, k + 1, left, leftWeight) }
        }
        guard let b = best else { return }
        let right = zip(total, b.left).map { $0 - $1 }
        let k = total.filter { $0 > 0 }.count
        let k1 = b.left.filter { $0 > 0 }.count, k2 = right.filter { $0 > 0 }.count
        let gain = entS - b.ent
        let delta = log2(pow(3, Double(k)) - 2) - (Double(k) * entS - Double(k1) * entropy(b.left, b.weight) - Double(k2) * entropy(right, n - b.weight))
        guard gain > (log2(n - 1) + delta) / n else { return }
        cuts.append(simplestDecimal(from: values[b.index - 1], below: values[b.index]))
        mdlSplit(values, byClass, range.lowerBound..<b.index, classes: classes, cuts: &cuts)
        mdlSplit(values, byClass, b.index..<range.upperBound, classes: classes, cuts: &cuts)
    }

    /// The decimal with the fewest digits after the point in `[a, b)` (`a < b`): the cut
    /// between two neighbouring values `a < b` (`a` falls in the lower interval since
    /// intervals are closed on the right). Integers 11 and 12 are cut at 11, 95.03 and 95.05
    /// at 95.03, so state names stay short; the midpoint when no short decimal fits.
    static func simplestDecimal(from a: Double, below b: Double) -> Double {
        guard a < b else { return a }
        var scale = 1.0
        for _ in 0...12 {
            let x = (a * scale).rounded(.up) / scale
            if x >= a && x < b { return x }
            // Rounding error in a * scale can push the candidate just below a.
            let y = ((a * scale).rounded(.up) + 1) / scale
            if y >= a && y < b { return y }
            scale *= 10
        }
        return (a + b) / 2
    }

    static func entropy(_ counts: [Double], _ n: Double) -> Double {
        guard n > 0 else { return 0 }
        var h = 0.0
        for c in counts where c > 0 {
            let p = c / n
            h -= p * log2(p)
        }
        return h
    }
}
