import Foundation

/// Unconstrained minimisation of a smooth function by limited-memory BFGS (Liu & Nocedal
/// 1989; Nocedal & Wright 2006, algorithm 7.4 and 7.5): the search direction is
/// `−H g`, with `H` the inverse-Hessian approximation built by the two-loop recursion from the
/// last `memory` pairs `s = x₊ − x`, `y = g₊ − g` (scaled by `sᵀy / yᵀy`), and the step
/// length found by backtracking until the Armijo condition
/// `f(x + t d) ≤ f(x) + 10⁻⁴ t gᵀd` holds. A pair with `sᵀy ≤ 10⁻¹⁰ |s| |y|` is not stored
/// (it would break the approximation's positive definiteness), and a direction that is not
/// one of descent restarts from `−g`.
///
/// It stops after `maxIterations`, when the relative decrease of `f` falls below
/// `tolerance`, or when the largest gradient component is below `gradientTolerance`.
struct LimitedMemoryBFGS {
    var memory = 10
    var maxIterations = 200
    var tolerance = 1e-9
    var gradientTolerance = 1e-6

    /// The minimiser found from `start`, with `f` there and the iterations used.
    /// `function(x, &g)` returns `f(x)` and writes `∇f(x)` into `g` (of `x`'s length).
    func minimize(_ start: [Double], _ function: ([Double], inout [Double]) -> Double)
        -> (x: [Double], value: Double, iterations: Int) {
        let n = start.count
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = function(x, &g)
        var ss: [[Double]] = [], ys: [[Double]] = [], rhos: [Double] = []
        var trial = [Double](repeating: 0, count: n), gTrial = [Double](repeating: 0, count: n)
        var iterations = 0
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var s = 0.0
            for i in 0..<a.count { s += a[i] * b[i] }
            return s
        }
        while iterations < maxIterations {
            if g.reduce(0, { max($0, abs($1)) }) < gradientTolerance { break }
            // Two-loop recursion: d = −H g.
            var q = g
            var alphas = [Double](repeating: 0, count: ss.count)
            for j in stride(from: ss.count - 1, through: 0, by: -1) {
                alphas[j] = rhos[j] * dot(ss[j], q)
                for i in 0..<n { q[i] -= alphas[j] * ys[j][i] }
            }
            if let s = ss.last, let y = ys.last {
                let gamma = dot(s, y) / dot(y, y)
                for i in 0..<n { q[i] *= gamma }
            }
            for j in 0..<ss.count {
                let beta = rhos[j] * dot(ys[j], q)
                for i in 0..<n { q[i] += ss[j][i] * (alphas[j] - beta) }
            }
            var d = q.map { -$0 }
            var slope = dot(g, d)
            if !(slope < 0) {
                d = g.map { -$0 }
                slope = -dot(g, g)
                ss.removeAll(); ys.removeAll(); rhos.removeAll()
            }
            // The first step of a fresh direction is scaled to a unit move in the largest component.
            var t = ss.isEmpty ? min(1, 1 / max(1e-12, d.reduce(0, { max($0, abs($1)) }))) : 1
            var accepted = false
            var fTrial = f
            for _ in 0..<40 {
                for i in 0..<n { trial[i] = x[i] + t * d[i] }
                fTrial = function(trial, &gTrial)
                if fTrial.isFinite && fTrial <= f + 1e-4 * t * slope { accepted = true; break }
                t /= 2
            }
            iterations += 1
            guard accepted else { break }
            var s = [Double](repeating: 0, count: n), y = [Double](repeating: 0, count: n)
            for i in 0..<n { s[i] = trial[i] - x[i]; y[i] = gTrial[i] - g[i] }
            let sy = dot(s, y)
            if sy > 1e-10 * dot(s, s).squareRoot() * dot(y, y).squareRoot() {
                ss.append(s); ys.append(y); rhos.append(1 / sy)
                if ss.count > memory { ss.removeFirst(); ys.removeFirst(); rhos.removeFirst() }
            }
            let decrease = f - fTrial
            swap(&x, &trial)
            swap(&g, &gTrial)
            f = fTrial
            if decrease <= tolerance * max(1, abs(f)) { break }
        }
        return (x, f, iterations)
    }
}
