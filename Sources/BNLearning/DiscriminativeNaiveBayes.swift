import BNCore
import Foundation

/// Naive Bayes with its tables fitted for prediction rather than for the joint: the family
/// `dnb` of `learn --target`, a plain naive-Bayes network whose posterior `P(c | x)` is
/// exactly that of a logistic regression on the one-hot features (Roos, Wettig, Grünwald,
/// Myllymäki & Tirri 2005; Greiner & Zhou 2002; Zaidi, Cerquides, Carman & Webb 2013).
///
/// **The fit.** With the class `C` (states `0 … K−1`) and the selected features `Xᵢ`, the
/// score of class `c` is `s_c(x) = b_c + Σ_{i observed} β_{i,xᵢ,c}`, `P(c | x) = e^{s_c} / Σ_k e^{s_k}`,
/// with class `K−1`'s parameters fixed at 0. The parameters maximise the penalised
/// conditional log-likelihood `Σ_n w_n ln P(c_n | x_n) − (λ/2) Σ β²` (a Gaussian prior of
/// precision `λ` on every feature weight; the intercepts `b` are not penalised) by Newton's
/// method with step halving; the objective is concave, so it converges to the one maximum.
/// A missing cell adds nothing to the score in the fit.
///
/// **As a network.** Naive Bayes with `P'(x | c) = P̂(x) e^{β_{i,x,c}} / Z_i(c)`,
/// `Z_i(c) = Σ_x P̂(x) e^{β_{i,x,c}}`, and `P'(c) ∝ e^{b_c} ∏ᵢ Z_i(c)` gives
/// `P'(c) ∏ᵢ P'(xᵢ | c) ∝ e^{s_c(x)} ∏ᵢ P̂(xᵢ)`: the posterior of a complete row is the
/// regression's, to rounding, whatever the factors `P̂(xᵢ)` of the class-free part. They
/// are the feature's marginal frequencies (BDeu, equivalent sample size 1), so that each
/// table is the data's `P̂(xᵢ)` tilted by the class weights: without them a class's table
/// would be `e^{β}` normalised, uniform for the reference class, and a query with few
/// findings would read those instead of anything like the data. With two classes they are
/// `P̂(x) e^{−t β_{i,x,0}}`, one tilt `t` for all features chosen so that the network's
/// `P'(C)` with nothing known is the class's frequency (on `wa_churn` 0.09 churners
/// without it, 0.265 with it); the posterior of a complete row does not depend on `t`. For a row with `Xᵢ` missing the network sums the cell out under its own
/// `P'(xᵢ | c)`, which leaves `ln Z_i(c)` in the score where the fit put 0: the difference
/// is the network's, honest under cross-validation because it is what is scored.
/// Features left out by the selection keep their marginal table (BDeu, one pseudo-count
/// shared by the states) and no parent.
///
/// The network is the naive Bayes graph, so `explain` and every other command read it; the
/// tables are no longer frequencies but the discriminative fit, which is what makes them
/// rival logistic regression on tables whose features repeat one another.
public enum DiscriminativeNaiveBayes {
    /// The most free parameters `(K − 1)(1 + Σ rᵢ)` fitted by Newton's method (its linear
    /// solve grows as their cube); above it the family is not offered.
    public static let maxParameters = 800

    /// Newton iterations at most, and the relative change of the objective that stops them.
    static let maxIterations = 50
    static let tolerance = 1e-9

    /// The fitted network for every penalty in `penalties` (each a precision `λ > 0`), over
    /// `skeleton`'s variables (no arcs), class `c`, features `features`, from `binding`.
    /// Nil when the regression has more than `maxParameters` parameters.
    ///
    /// With `ordered`, a feature whose states are the bins of a numeric column (it has cut
    /// points) and that has more than two states is coded cumulatively: its weights are
    /// `β_x = Σ_{j ≤ x} δ_j` and the penalty falls on the level `δ_0 = β_0` and the steps
    /// `δ_j = β_j − β_{j−1}`, so `(λ/2) Σ δ²` is a Gaussian random-walk prior over
    /// neighbouring bins (the first-difference penalty of P-splines, Eilers & Marx 1996)
    /// instead of shrinking every bin to 0 on its own. Fine bins then draw a smooth curve
    /// of the column's effect on the log-odds where the data are thin and a step where they
    /// show one, which coarse bins (MDL) cannot and a linear term (logistic regression on
    /// the raw value) cannot either. The fitted `β` are stored as before.
    static func networks(skeleton: BayesianNetwork, target c: Int, features: [Int], binding: DataBinding,
                         penalties: [Double], ordered: Bool = false) throws -> [BayesianNetwork]? {
        let cards = skeleton.cardinalities
        let k = cards[c]
        // Parameter layout per free class: [b, β_{f0, ·}, β_{f1, ·}, …] (δ for cumulative features).
        var start = [Int](), width = 1
        for f in features { start.append(width); width += cards[f] }
        let dim = (k - 1) * width
        guard dim <= maxParameters else { return nil }
        // The cumulatively coded features' ranges within a class block.
        let cumulative = features.indices.filter { ordered && cards[features[$0]] > 2 && skeleton.variables[features[$0]].cutPoints != nil }
            .map { start[$0]..<(start[$0] + cards[features[$0]]) }
        // Rows with an observed class: their active one-hot indices within a class block.
        let classes = binding.codes[c]!
        // No weights when every row weighs 1 (`1 · x` is `x`: the same sums).
        var truth: [Int32] = [], weight: [Double]? = binding.weights == nil ? nil : [], active = ActiveCells()
        // Room for every row at once: grown by appending, the arrays would end with up to
        // twice their size reserved.
        truth.reserveCapacity(binding.rowCount)
        weight?.reserveCapacity(binding.rowCount)
        active.ends.reserveCapacity(binding.rowCount)
        active.cells.reserveCapacity(binding.rowCount * (features.count + 1))
        for n in 0..<binding.rowCount where classes[n] >= 0 {
            truth.append(classes[n])
            if let w = binding.weights { weight!.append(w[n]) }
            active.cells.append(0)
            for (i, f) in features.enumerated() {
                let x = binding.codes[f]![n]
                if x >= 0 { active.cells.append(Int32(start[i]) + x) }
            }
            active.ends.append(active.cells.count)
        }
        var theta = [Double](repeating: 0, count: dim)
        var nets: [BayesianNetwork] = []
        for lambda in penalties {
            theta = fit(theta, k: k, width: width, rows: truth, active: active, weight: weight,
                        lambda: lambda, cumulative: cumulative)
            nets.append(try network(weights(theta, k: k, width: width, cumulative: cumulative), skeleton: skeleton, target: c,
                                    features: features, start: start, width: width,
                                    binding: binding))
        }
        return nets
    }

    /// The one-hot weights `β` of the parameters `theta`: running sums over each
    /// `cumulative` range (`β_x = Σ_{j ≤ x} δ_j`), per class block; the rest as they are.
    static func weights(_ theta: [Double], k: Int, width: Int, cumulative: [Range<Int>]) -> [Double] {
        var beta = theta
        for range in cumulative {
            for cls in 0..<(k - 1) {
                for x in range.dropFirst() { beta[cls * width + x] += beta[cls * width + x - 1] }
            }
        }
        return beta
    }

    /// Every row's active one-hot indices within a class block, end to end: row `r`'s are
    /// `cells[ends[r - 1]..<ends[r]]` (from 0 for the first). One array for all the rows, not
    /// one a row: at a million rows an array per row took 160 bytes where its cells take 4
    /// each.
    struct ActiveCells {
        var cells: [Int32] = [], ends: [Int] = []
        subscript(r: Int) -> ArraySlice<Int32> { cells[(r == 0 ? 0 : ends[r - 1])..<ends[r]] }
    }

    /// The penalised conditional log-likelihood and its maximiser from `theta`. `active[r]`
    /// holds row `r`'s one-hot indices within a class block; on the `cumulative` ranges the
    /// parameters are the steps `δ` (`weights`), whose gradient and Hessian are the one-hot
    /// ones summed over the states at or above each step (suffix sums), so a row costs the
    /// square of its cells, not of its bins. `weight` nil: every row weighs 1.
    static func fit(_ initial: [Double], k: Int, width: Int, rows truth: [Int32], active: ActiveCells, weight: [Double]?,
                    lambda: Double, cumulative: [Range<Int>] = []) -> [Double] {
        let dim = (k - 1) * width
        func isPenalised(_ j: Int) -> Bool { j % width != 0 }
        var p = [Double](repeating: 0, count: k)          // one row's posterior, reused
        /// `P(c | row r)` into `p` under the one-hot weights `t`; returns `ln P(truth | row r)`.
        func posterior(_ t: [Double], _ r: Int) -> Double {
            var m = 0.0                                    // the last class's score is 0
            for c in 0..<(k - 1) {
                var sc = 0.0
                for a in active[r] { sc += t[c * width + Int(a)] }
                p[c] = sc
                m = max(m, sc)
            }
            p[k - 1] = 0
            var z = 0.0
            for c in 0..<k { p[c] = exp(p[c] - m); z += p[c] }
            for c in 0..<k { p[c] /= z }
            return log(p[Int(truth[r])])
        }
        func objective(_ t: [Double]) -> Double {
            var total = 0.0
            let beta = weights(t, k: k, width: width, cumulative: cumulative)
            for r in truth.indices { total += (weight?[r] ?? 1) * posterior(beta, r) }
            for j in 0..<dim where isPenalised(j) { total -= 0.5 * lambda * t[j] * t[j] }
            return total
        }
        var theta = initial
        var current = objective(theta)
        var g = [Double](repeating: 0, count: dim)
        var h = [Double](repeating: 0, count: dim * dim)
        for _ in 0..<maxIterations {
            // Gradient and the negative Hessian (positive definite with the penalty); the
            // Hessian's lower triangle only, which is all the Cholesky factorisation reads.
            for j in 0..<dim { g[j] = 0 }
            for j in 0..<(dim * dim) { h[j] = 0 }
            let beta = weights(theta, k: k, width: width, cumulative: cumulative)
            for r in truth.indices {
                _ = posterior(beta, r)
                let w = weight?[r] ?? 1
                let act = active[r]
                for c in 0..<(k - 1) {
                    let residual = w * ((Int(truth[r]) == c ? 1 : 0) - p[c])
                    for a in act { g[c * width + Int(a)] += residual }
                    for d in 0...c {
                        let v = w * p[c] * ((c == d ? 1 : 0) - p[d])
                        for a in act {
                            let row = (c * width + Int(a)) * dim + d * width
                            if d < c {
                                for b in act { h[row + Int(b)] += v }
                            } else {
                                for b in act where b <= a { h[row + Int(b)] += v }
                            }
                        }
                    }
                }
            }
            if !cumulative.isEmpty { toSteps(&g, &h, dim: dim, k: k, width: width, cumulative: cumulative) }
            for j in 0..<dim where isPenalised(j) {
                g[j] -= lambda * theta[j]
                h[j * dim + j] += lambda
            }
            for j in 0..<dim { h[j * dim + j] += 1e-9 }          // unpenalised intercepts of empty classes
            guard let step = choleskySolve(h, g, dim) else { break }
            var scale = 1.0, improved = false
            while scale > 1e-6 {
                let trial = zip(theta, step).map { $0 + scale * $1 }
                let value = objective(trial)
                if value >= current {
                    let change = abs(value - current) / max(1, abs(current))
                    theta = trial
                    current = value
                    improved = change > tolerance
                    break
                }
                scale /= 2
            }
            if !improved { break }
        }
        return theta
    }

    /// The one-hot gradient `g` and lower-triangle Hessian `h` turned into those of the steps
    /// `δ` on the `cumulative` ranges: `∂/∂δ_j = Σ_{x ≥ j} ∂/∂β_x` within a range, so `g` and
    /// both axes of the (symmetrised) `h` take suffix sums over each range; `h` is left full.
    static func toSteps(_ g: inout [Double], _ h: inout [Double], dim: Int, k: Int, width: Int, cumulative: [Range<Int>]) {
        for i in 0..<dim { for j in (i + 1)..<max(i + 1, dim) { h[i * dim + j] = h[j * dim + i] } }
        let ranges = (0..<(k - 1)).flatMap { cls in cumulative.map { ($0.lowerBound + cls * width)..<($0.upperBound + cls * width) } }
        for range in ranges {
            for x in range.dropFirst().reversed() { g[x - 1] += g[x] }
            for i in 0..<dim { for x in range.dropFirst().reversed() { h[i * dim + x - 1] += h[i * dim + x] } }
            for x in range.dropFirst().reversed() { for j in 0..<dim { h[(x - 1) * dim + j] += h[x * dim + j] } }
        }
    }

    /// Solves `A x = b` for a symmetric positive-definite `A` (row-major, `n × n`) by Cholesky;
    /// nil when `A` is not positive definite.
    static func choleskySolve(_ a: [Double], _ b: [Double], _ n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for q in 0..<j { sum -= l[i * n + q] * l[j * n + q] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = b[i]
            for q in 0..<i { sum -= l[i * n + q] * y[q] }
            y[i] = sum / l[i * n + i]
        }
        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = y[i]
            for q in (i + 1)..<n { sum -= l[q * n + i] * x[q] }
            x[i] = sum / l[i * n + i]
        }
        return x
    }

    /// The naive-Bayes network whose posterior is the regression `theta`'s.
    static func network(_ theta: [Double], skeleton: BayesianNetwork, target c: Int, features: [Int], start: [Int], width: Int,
                        binding: DataBinding) throws -> BayesianNetwork {
        let cards = skeleton.cardinalities
        let k = cards[c]
        var net = skeleton
        func beta(_ cls: Int, _ j: Int) -> Double { cls < k - 1 ? theta[cls * width + j] : 0 }
        // Every feature's marginal frequencies (BDeu, equivalent sample size 1).
        let others = (0..<skeleton.count).filter { $0 != c }
        let counts = FamilyCounter.counts(families: others.map { [$0] }, cardinalities: cards, binding: binding, threads: 1)
        var marginal: [Int: [Double]] = [:]
        for (a, v) in others.enumerated() {
            let r = Double(cards[v]), n = counts[a].reduce(0, +)
            marginal[v] = counts[a].map { ($0 + 1 / r) / (n + 1) }
        }
        // The class-free factor of feature f: P̂(x) e^{−t β_{x,0}} (the tilt t for two classes).
        func logits(_ i: Int, _ f: Int, _ cls: Int, _ t: Double) -> [Double] {
            (0..<cards[f]).map { beta(cls, start[i] + $0) - t * beta(0, start[i] + $0) + log(marginal[f]![$0]) }
        }
        func logSumExp(_ v: [Double]) -> Double { let m = v.max()!; return m + log(v.reduce(0) { $0 + exp($1 - m) }) }
        /// `ln P'(c)` up to a constant: `b_c + Σᵢ ln Z_i(c)`.
        func logPrior(_ t: Double) -> [Double] {
            (0..<k).map { cls in features.indices.reduce(beta(cls, 0)) { $0 + logSumExp(logits($1, features[$1], cls, t)) } }
        }
        // Two classes: the tilt t that makes P'(C = 0) the class's frequency (BDeu 1). The
        // log-odds of P'(C = 0) fall as t grows (their derivative is minus a variance), so
        // bisection finds it; beyond the range it stops at the nearer end.
        var t = 0.0
        if k == 2 {
            let n = FamilyCounter.counts(family: [c], cardinalities: cards, binding: binding)
            let goal = log((n[0] + 0.5) / (n[1] + 0.5))
            var lo = -20.0, hi = 20.0
            for _ in 0..<60 {
                t = (lo + hi) / 2
                let l = logPrior(t)
                if l[0] - l[1] > goal { lo = t } else { hi = t }
            }
        }
        let lp = logPrior(t)
        for (i, f) in features.enumerated() {
            try net.setParents(f, to: [c])
            var table = [Double](repeating: 0, count: k * cards[f])
            for cls in 0..<k {
                let l = logits(i, f, cls, t)
                let logZ = logSumExp(l)
                for x in 0..<cards[f] { table[cls * cards[f] + x] = exp(l[x] - logZ) }
            }
            try net.setCPT(f, try Factor(scope: net.familyScope(of: f), values: table))
        }
        let m = lp.max()!
        let prior = lp.map { exp($0 - m) }
        let total = prior.reduce(0, +)
        try net.setCPT(c, try Factor(scope: net.familyScope(of: c), values: prior.map { $0 / total }))
        // The features left out: their marginal.
        for v in others where !features.contains(v) {
            try net.setCPT(v, try Factor(scope: net.familyScope(of: v), values: marginal[v]!))
        }
        return net
    }
}
