import BNCore
import Foundation

/// The tables of a classifier's graph fitted for prediction: discriminative parameter
/// learning of a Bayesian-network classifier (Greiner & Zhou 2002, "Structural extension to
/// logistic regression", and Greiner, Su, Shen & Zhou 2005, ELR; Zaidi, Webb, Carman,
/// Petitjean & Cerquides 2017, "Efficient parameter learning of Bayesian network
/// classifiers"). `learn --target --parameters discriminative`.
///
/// **What is fitted.** With class `C` (states `0 … K−1`), the posterior of a row is
/// `P(c | x) = P(c | x_pa(C)) ∏_{j ∈ ch(C)} θ_j(x_j | x_pa(j)) / Σ_k (same with k)`: every other
/// family cancels. So the tables of `C` and of its children are refitted; the others stay
/// as given. Each row `u` (a parent configuration) of a fitted table is a softmax,
/// `θ_{v|u} = e^{β_{v,u}} / Σ_{v'} e^{β_{v',u}}`, so the result is a plain network with
/// normalised tables, which every command reads as before. The `β` maximise the penalised
/// conditional log-likelihood
///
///     CLL(β) = Σ_n w_n ln P_β(c_n | x_n) − (λ/2) Σ (β − β̂)²,
///
/// `β̂ = ln θ̂` (centred per row) of the counted tables `θ̂`: a Gaussian prior of precision
/// `λ` centred on the counts, so a table row with little data stays near its counted
/// estimate, and so does the class table, whose entries then stay near the class's
/// frequencies (centred on uniform instead, the same fit on MLC gave the same held-out
/// figures but `P(churn = yes) ≈ 0.7` with nothing known, against 0.14 in the data, which
/// `explain` and queries with few findings would read). The gradient of one row's term is
/// `∂ ln P(c_n | x_n) / ∂β_{v,u,k} = (1[k = c_n] − P(k | x_n)) (1[x_j = v, pa = (u, k)] − θ_{v|u,k} 1[pa = (u, k)])`
/// (the softmax's Jacobian times the logistic residual); the fit is L-BFGS
/// (`LimitedMemoryBFGS`) from `β̂`, so it starts at the counted model and moves only as far
/// as the held-out log loss (chosen `λ`) makes worthwhile. CLL is not concave in `β` once a feature has a feature
/// parent, which is why the start matters (Greiner & Zhou start at the counts too).
///
/// Unlike counted tables, discriminative ones need not describe the joint: the table of a
/// feature given its parent and the class carries the interaction's effect on the class,
/// not the frequencies. They answer `P(C | row)` better and `P(feature | …)` worse; the
/// penalty's centre keeps them near the counts wherever the class's posterior does not
/// need them elsewhere, so queries with few findings stay close to the counted model's.
///
/// **Rows with gaps** are used through marginalisation, never dropped or imputed:
/// `P(c | x_obs) ∝ Σ_{x_miss} ∏_v θ_v`. Missing variables with no observed descendant sum out
/// (barren); the others (`R`) are enumerated, each completion's `ln` joint being the fitted
/// tables' terms plus the fixed terms of the other families that touch `C` or `R`, and the
/// row's posterior the log-sum-exp over completions. The gradient weights each completion by
/// its share of the row's joint for class `k` (the E-step of EM, exactly, inside the
/// gradient). A row needing more than `maxCompletions` completions instead has the families
/// that hold a missing cell left out of its fit (an approximation, counted in
/// `Problem.approximatedRows`); its score under the network is still exact.
public enum DiscriminativeParameters {
    /// Completions of one row's missing cells enumerated at most.
    public static let maxCompletions = 4096
    /// The most parameters (cells of the fitted tables) fitted.
    public static let maxParameters = 2_000_000

    /// The network with `C`'s table and its children's fitted for every penalty in
    /// `penalties` (precisions `λ > 0`), in that order: the largest from `network`'s own
    /// tables, each smaller one from the previous optimum (warm start). Nil when the
    /// fitted tables have more than `maxParameters` cells.
    public static func networks(_ network: BayesianNetwork, target c: Int, binding: DataBinding,
                                penalties: [Double], maxIterations: Int = 200) throws -> [BayesianNetwork]? {
        var problem = Problem(network: network, target: c, binding: binding)
        guard problem.dimension <= maxParameters else { return nil }
        // From the largest penalty down, each fit starting where the previous one stopped (the
        // first at the given tables): a smaller λ moves the optimum only a little further.
        problem.centre = problem.startingPoint(network)
        var beta = problem.centre
        var fitted = [BayesianNetwork?](repeating: nil, count: penalties.count)
        for i in penalties.indices.sorted(by: { penalties[$0] > penalties[$1] || (penalties[$0] == penalties[$1] && $0 < $1) }) {
            let optimizer = LimitedMemoryBFGS(maxIterations: maxIterations, tolerance: 1e-8, gradientTolerance: 1e-5)
            beta = optimizer.minimize(beta) { b, g in problem.negativeObjective(b, lambda: penalties[i], gradient: &g) }.x
            fitted[i] = try problem.network(network, beta)
        }
        return fitted.map { $0! }
    }

    /// `Σ_n w_n ln P(c_n | x_n)` of `network` on `binding` (rows with an observed class),
    /// marginalising missing cells as the fit does.
    public static func conditionalLogLikelihood(_ network: BayesianNetwork, target c: Int, binding: DataBinding) -> Double {
        let problem = Problem(network: network, target: c, binding: binding)
        var g = [Double](repeating: 0, count: problem.dimension)
        return -problem.negativeObjective(problem.startingPoint(network), lambda: 0, gradient: &g)
    }

    /// The fit's data: the fitted tables' layout in `β`, and every row as one or more
    /// completions ("units") with, per fitted table, the cell its class-0 entry reads.
    struct Problem {
        let k: Int
        /// The variables whose tables are fitted: `C`, then its children.
        let fitted: [Int]
        /// Where each fitted table starts in `β`, its row length (the variable's states) and
        /// the stride of `C` within it.
        let offsets: [Int], rowLength: [Int], classStride: [Int]
        let dimension: Int
        /// Per row with an observed class: its class, weight, and units `rowStart[r]..<rowStart[r+1]`.
        var truth: [Int] = [], weight: [Double] = [], rowStart: [Int] = [0]
        /// Per unit: the fixed `ln` factor of the families not fitted, and per fitted table the
        /// cell (in `β`) read for class 0, or −1 when the table sums out (barren); 4 bytes a
        /// cell (`β` has at most `maxParameters` entries), as there are rows × tables of them.
        var unitOffset: [Double] = [], unitBase: [Int32] = []
        /// Rows that needed more than `maxCompletions` completions.
        var approximatedRows = 0
        /// The centre `β̂` of the penalty (empty: 0).
        var centre: [Double] = []

        init(network: BayesianNetwork, target c: Int, binding: DataBinding) {
            let cards = network.cardinalities
            k = cards[c]
            let fitted = [c] + network.children(of: c).sorted()
            self.fitted = fitted
            var offsets: [Int] = [], strides: [[Int]] = [], classStride: [Int] = [], total = 0
            var stridesOf: [Int: [Int]] = [:]
            for v in 0..<network.count {
                let scope = network.parents(of: v) + [v]
                var s = [Int](repeating: 1, count: scope.count)
                for i in stride(from: scope.count - 2, through: 0, by: -1) { s[i] = s[i + 1] * cards[scope[i + 1]] }
                stridesOf[v] = s
            }
            for f in fitted {
                let scope = network.parents(of: f) + [f]
                offsets.append(total)
                total += scope.reduce(1) { $0 * cards[$1] }
                strides.append(stridesOf[f]!)
                classStride.append(stridesOf[f]![scope.firstIndex(of: c)!])
            }
            self.offsets = offsets
            self.rowLength = fitted.map { cards[$0] }
            self.classStride = classStride
            dimension = total
            let isFitted = Set(fitted)
            let fittedIndex = Dictionary(uniqueKeysWithValues: fitted.enumerated().map { ($1, $0) })
            let logCPT = network.cpts.map { $0.values.map { log(max($0, 1e-300)) } }
            let column: [[Int32]?] = binding.codes
            let n = binding.rowCount
            // The plan of a missing pattern: the enumerated variables, the fixed families
            // included, the fitted tables that sum out.
            struct Plan { var enumerated: [Int]; var fixed: [Int]; var skipped: Set<Int>; var approximate: Bool }
            var plans: [[Int]: Plan] = [:]
            func plan(missing: [Int]) -> Plan {
                if let p = plans[missing] { return p }
                let missingSet = Set(missing)
                // Ancestors of the observed variables and the class.
                var ancestor = Set<Int>()
                var stack = (0..<network.count).filter { !missingSet.contains($0) }
                while let v = stack.popLast() {
                    for p in network.parents(of: v) where !ancestor.contains(p) { ancestor.insert(p); stack.append(p) }
                }
                let enumerated = missing.filter { ancestor.contains($0) }
                let relevant = Set(enumerated)
                let product = enumerated.reduce(1.0) { $0 * Double(cards[$1]) }
                var p: Plan
                if product <= Double(DiscriminativeParameters.maxCompletions) {
                    let fixed = (0..<network.count).filter { v in
                        !isFitted.contains(v) && (!missingSet.contains(v) || relevant.contains(v))
                            && (network.parents(of: v) + [v]).contains { relevant.contains($0) }
                    }
                    let skipped = Set(fitted.filter { missingSet.contains($0) && !relevant.contains($0) })
                    p = Plan(enumerated: enumerated, fixed: fixed, skipped: skipped, approximate: false)
                } else {
                    let skipped = Set(fitted.filter { f in (network.parents(of: f) + [f]).contains { missingSet.contains($0) } })
                    p = Plan(enumerated: [], fixed: [], skipped: skipped, approximate: true)
                }
                plans[missing] = p
                return p
            }
            // Room for one unit a row (every row when none has a gap to enumerate): grown by
            // appending, the arrays would end with up to twice their size reserved.
            truth.reserveCapacity(n)
            weight.reserveCapacity(n)
            rowStart.reserveCapacity(n + 1)
            unitOffset.reserveCapacity(n)
            unitBase.reserveCapacity(n * fitted.count)
            var x = [Int](repeating: 0, count: network.count)
            for r in 0..<n {
                guard let cls = column[c]?[r], cls >= 0 else { continue }
                let w = binding.weights?[r] ?? 1
                guard w > 0 else { continue }
                var missing: [Int] = []
                for v in 0..<network.count where v != c {
                    if let col = column[v], col[r] >= 0 { x[v] = Int(col[r]) } else { missing.append(v); x[v] = 0 }
                }
                x[c] = 0
                let p = plan(missing: missing)
                if p.approximate { approximatedRows += 1 }
                truth.append(Int(cls))
                weight.append(w)
                // Odometer over the enumerated variables' states.
                var done = false
                while !done {
                    var offset = 0.0
                    for v in p.fixed {
                        let scope = network.parents(of: v) + [v]
                        let s = stridesOf[v]!
                        var cell = 0
                        for (i, u) in scope.enumerated() { cell += x[u] * s[i] }
                        offset += logCPT[v][cell]
                    }
                    unitOffset.append(offset)
                    for f in fitted {
                        let fi = fittedIndex[f]!
                        if p.skipped.contains(f) { unitBase.append(-1); continue }
                        let scope = network.parents(of: f) + [f]
                        var cell = offsets[fi]
                        for (i, u) in scope.enumerated() where u != c { cell += x[u] * strides[fi][i] }
                        unitBase.append(Int32(cell))
                    }
                    done = true
                    for v in p.enumerated {
                        if x[v] + 1 < cards[v] { x[v] += 1; done = false; break }
                        x[v] = 0
                    }
                }
                rowStart.append(unitOffset.count)
            }
        }

        /// `β = ln θ` of `network`'s fitted tables, centred per table row.
        func startingPoint(_ network: BayesianNetwork) -> [Double] {
            var beta = [Double](repeating: 0, count: dimension)
            for (fi, f) in fitted.enumerated() {
                let values = network.cpts[f].values
                let r = rowLength[fi]
                for row in 0..<(values.count / r) {
                    var mean = 0.0
                    for j in 0..<r { mean += log(max(values[row * r + j], 1e-12)) }
                    mean /= Double(r)
                    for j in 0..<r { beta[offsets[fi] + row * r + j] = log(max(values[row * r + j], 1e-12)) - mean }
                }
            }
            return beta
        }

        /// `ln θ` (row-wise log-softmax of `β`).
        func logTheta(_ beta: [Double]) -> [Double] {
            var lt = beta
            for (fi, _) in fitted.enumerated() {
                let r = rowLength[fi]
                let end = fi + 1 < offsets.count ? offsets[fi + 1] : dimension
                var start = offsets[fi]
                while start < end {
                    var m = -Double.infinity
                    for j in start..<(start + r) { m = max(m, beta[j]) }
                    var z = 0.0
                    for j in start..<(start + r) { z += exp(beta[j] - m) }
                    let lz = m + log(z)
                    for j in start..<(start + r) { lt[j] = beta[j] - lz }
                    start += r
                }
            }
            return lt
        }

        /// `−CLL(β)` (with the penalty `(λ/2)|β − centre|²`) and its gradient (into `gradient`).
        func negativeObjective(_ beta: [Double], lambda: Double, gradient: inout [Double]) -> Double {
            let lt = logTheta(beta)
            var cellWeight = [Double](repeating: 0, count: dimension)
            let m = fitted.count
            var total = 0.0
            var scores = [Double](), s = [Double](repeating: 0, count: k)
            for r in truth.indices {
                let units = rowStart[r]..<rowStart[r + 1]
                scores.removeAll(keepingCapacity: true)
                for u in units {
                    for cls in 0..<k {
                        var l = unitOffset[u]
                        for fi in 0..<m {
                            let b = Int(unitBase[u * m + fi])
                            if b >= 0 { l += lt[b + cls * classStride[fi]] }
                        }
                        scores.append(l)
                    }
                }
                // s_k = log Σ_u e^{L_uk}; total = log Σ_k e^{s_k}.
                for cls in 0..<k {
                    var mx = -Double.infinity
                    for u in 0..<units.count { mx = max(mx, scores[u * k + cls]) }
                    var z = 0.0
                    for u in 0..<units.count { z += exp(scores[u * k + cls] - mx) }
                    s[cls] = mx + log(z)
                }
                let mx = s.max()!
                let lz = mx + log(s.reduce(0) { $0 + exp($1 - mx) })
                let y = truth[r], w = weight[r]
                total += w * (s[y] - lz)
                for (ui, u) in units.enumerated() {
                    for cls in 0..<k {
                        let l = scores[ui * k + cls]
                        var g = -exp(l - lz)
                        if cls == y { g += exp(l - s[y]) }
                        g *= w
                        for fi in 0..<m {
                            let b = Int(unitBase[u * m + fi])
                            if b >= 0 { cellWeight[b + cls * classStride[fi]] += g }
                        }
                    }
                }
            }
            // Through the softmax: ∂/∂β_cell = a_cell − θ_cell Σ_row a.
            var penalty = 0.0
            for (fi, _) in fitted.enumerated() {
                let r = rowLength[fi]
                let end = fi + 1 < offsets.count ? offsets[fi + 1] : dimension
                var start = offsets[fi]
                while start < end {
                    var rowSum = 0.0
                    for j in start..<(start + r) { rowSum += cellWeight[j] }
                    for j in start..<(start + r) {
                        let d = centre.isEmpty ? beta[j] : beta[j] - centre[j]
                        gradient[j] = -(cellWeight[j] - exp(lt[j]) * rowSum) + lambda * d
                        penalty += d * d
                    }
                    start += r
                }
            }
            return -total + 0.5 * lambda * penalty
        }

        /// `network` with the fitted tables set to `softmax(β)`.
        func network(_ network: BayesianNetwork, _ beta: [Double]) throws -> BayesianNetwork {
            var net = network
            let lt = logTheta(beta)
            for (fi, f) in fitted.enumerated() {
                let end = fi + 1 < offsets.count ? offsets[fi + 1] : dimension
                let values = lt[offsets[fi]..<end].map { exp($0) }
                try net.setCPT(f, try Factor(scope: net.familyScope(of: f), values: values))
            }
            return net
        }
    }
}
