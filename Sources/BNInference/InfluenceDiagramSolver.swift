import BNCore
import FactorKernels
import Foundation

/// One decision's rule in a solved diagram: for every configuration of the decision's
/// information set, the chosen option and the expected utility of every option.
public struct DecisionPolicy: Sendable, Equatable {
    /// The decision variable.
    public var decision: Int
    /// The variables observed when deciding (the parents, plus under no-forgetting the
    /// earlier decisions and their information), in table order (last fastest).
    public var information: [Int]
    /// `choice[row]`: the option chosen for each configuration of `information`.
    public var choice: [Int]
    /// `expectedUtility[row * options + d]`: `E[U | information = row, D = d, e]` under
    /// the other policies (0 where the configuration is impossible, see `weight`).
    public var expectedUtility: [Double]
    /// `weight[row]`: `P(information = row | e)` under the strategy (0: impossible).
    public var weight: [Double]
    /// The state the decision was forced to (a finding or `do()` on it), if any.
    public var forced: Int?
}

/// What solving an influence diagram gives.
public struct DecisionSolution: Sendable, Equatable {
    /// The maximum expected utility `MEU = E[Σ_U u_U | e]` under the optimal strategy.
    public var meu: Double
    /// `Var[Σ_U u_U | e]` under that strategy.
    public var variance: Double
    /// One policy per decision, in temporal order.
    public var policies: [DecisionPolicy]
    /// True when the strategy is a global optimum: no-forgetting diagrams and LIMIDs whose
    /// decisions remember all earlier decisions and their information. Otherwise single
    /// policy updating stopped at a local optimum (Lauritzen & Nilsson 2001, Theorem 3)
    /// that may not be global.
    public var guaranteedOptimal: Bool
    /// Rounds of single policy updating over all decisions.
    public var sweeps: Int
}

/// Exact solution of influence diagrams and LIMIDs by single policy updating on the
/// contraction service.
///
/// A strategy `Δ = (δ_D)` assigns each decision a policy `δ_D(d | i_D)` over its information
/// set `I_D`. Its expected utility is
///
/// `EU(Δ) = Σ_x ∏_{chance v} P(x_v | x_pa(v)) ∏_D δ_D(x_D | x_{I_D}) Σ_U u_U(x_pa(U))`.
///
/// Single policy updating (SPU, Lauritzen & Nilsson 2001) replaces one policy at a time by
/// the best response to the others:
///
/// `δ_D(i) = argmax_d Σ_U Σ_{x \ (I_D ∪ D)} ∏ P ∏_{D' ≠ D} δ_{D'} · u_U`,
///
/// sweeping the decisions in reverse temporal order until no policy changes. For a
/// no-forgetting diagram (Howard & Matheson 1984: every decision sees all earlier decisions
/// and observations) one sweep in that order is exact, and is the same sum-max-sum
/// computation as variable elimination with the temporal order (Jensen, Jensen & Dittmer
/// 1994): the reverse order makes every later policy already optimal, and no-forgetting
/// makes the best response independent of earlier policies. For other LIMIDs SPU converges
/// to a local optimum (`guaranteedOptimal` says whether that is known to be global).
///
/// Every sum above is one call of `Contraction.oneShot` (barren CPTs dropped, the log scale
/// carried). The service divides tables by their sums, so utility tables enter shifted to
/// be non-negative, `u'_U = u_U - min u_U`, and the shift is added back exactly:
/// `Σ ∏ φ · u_U = Σ ∏ φ · u'_U + min u_U · Σ ∏ φ`.
///
/// Evidence and interventions combine as in queries: a hard finding on a chance variable
/// multiplies by its indicator, soft evidence by its likelihood, `do(X = x)` replaces X's
/// CPT by a point mass; a finding or `do()` on a decision forces it (its policy becomes that
/// option whatever it observes). The MEU and the expected utilities are conditional on the
/// evidence: the sums are divided by `P(e)` under the strategy.
public struct InfluenceDiagramSolver: Sendable {
    public let diagram: InfluenceDiagram
    /// The most rounds of single policy updating (a LIMID converges in a few).
    public var maxSweeps: Int = 100

    public init(_ diagram: InfluenceDiagram) { self.diagram = diagram }

    private var network: BayesianNetwork { diagram.network }

    /// The optimal strategy given `evidence`; `forcing` fixes decisions to options (as a
    /// finding or `do()` on a decision does).
    public func solve(given evidence: Evidence = .none, forcing: [Int: Int] = [:]) throws(InferenceError) -> DecisionSolution {
        let problem = try Problem(diagram, evidence: evidence, forcing: forcing)
        var policies = diagram.decisionOrder.map { d in problem.initialPolicy(d) }
        let order = Array(diagram.decisionOrder.indices.reversed())
        var sweeps = 0
        var stable = false
        while !stable && sweeps < maxSweeps {
            sweeps += 1
            stable = true
            for k in order where policies[k].forced == nil {
                let others = policies.indices.filter { $0 != k }.map { policies[$0].table(problem) }
                let r = try problem.bestResponse(policies[k], others: others)
                if r.choice != policies[k].choice || policies[k].uniform {
                    policies[k].choice = r.choice
                    policies[k].uniform = false
                    stable = false
                }
            }
            // No-forgetting (or perfect recall): one sweep in reverse temporal order is exact.
            if exact { break }
        }
        let tables = policies.map { $0.table(problem) }
        let moments = try problem.moments(policies: tables)
        var out: [DecisionPolicy] = []
        for (k, p) in policies.enumerated() {
            // Each option's expected utility and the weights under the final strategy.
            let r = try problem.bestResponse(p, others: policies.indices.filter { $0 != k }.map { tables[$0] })
            out.append(DecisionPolicy(decision: p.decision, information: p.forced == nil ? p.information : [],
                                      choice: p.forced.map { [$0] } ?? p.choice, expectedUtility: r.eu,
                                      weight: r.weight, forced: p.forced))
        }
        return DecisionSolution(meu: moments.mean, variance: moments.variance, policies: out,
                                guaranteedOptimal: exact, sweeps: sweeps)
    }

    /// Whether single policy updating is exact here: a no-forgetting diagram, or a LIMID
    /// with perfect recall.
    public var exact: Bool { diagram.noForgetting || perfectRecall }

    /// `E[U | e]` with every decision `D` forced to `option` and the others optimal: the
    /// expected utility of each option of `decision` (one solve per option).
    public func expectedUtilities(of decision: Int, given evidence: Evidence = .none,
                                  forcing: [Int: Int] = [:]) throws(InferenceError) -> [Double] {
        var out: [Double] = []
        for d in 0..<network.variables[decision].cardinality {
            var f = forcing
            f[decision] = d
            out.append(try solve(given: evidence, forcing: f).meu)
        }
        return out
    }

    /// Whether every decision's parents include all earlier decisions and their parents
    /// (then the LIMID is a no-forgetting diagram already, and SPU is exact).
    public var perfectRecall: Bool {
        var seen = Set<Int>()
        for d in diagram.decisionOrder {
            let parents = Set(network.parents(of: d))
            guard seen.isSubset(of: parents) else { return false }
            seen.formUnion(parents)
            seen.insert(d)
        }
        return true
    }
}

// MARK: - The problem's tables

extension InfluenceDiagramSolver {
    /// A policy being updated: one-hot rows over the information set (uniform before its
    /// first update), or a point mass when the decision is forced.
    struct Policy {
        var decision: Int
        var information: [Int]
        var options: Int
        var choice: [Int]
        var uniform: Bool
        var forced: Int?

        func table(_ p: Problem) -> Table {
            if let f = forced {
                var v = [Double](repeating: 0, count: options)
                v[f] = 1
                return Table(axes: Axes(labels: [decision], cardinalities: [options]), values: v)
            }
            let axes = Axes(labels: information + [decision], cardinalities: information.map { p.card[$0] } + [options])
            var v = [Double](repeating: uniform ? 1 / Double(options) : 0, count: choice.count * options)
            if !uniform { for (row, d) in choice.enumerated() { v[row * options + d] = 1 } }
            return Table(axes: axes, values: v)
        }
    }

    /// The chance tables (CPTs, evidence, interventions) and shifted utility tables.
    struct Problem {
        let diagram: InfluenceDiagram
        let card: [Int]
        /// CPTs (or point masses for do()) with their heads, and evidence tables (no head).
        var chance: [Table] = []
        var heads: [Int?] = []
        /// `u'_U = u_U − m_U ≥ 0` and `m_U`.
        var utilities: [Table] = []
        var shifts: [Double] = []
        var forced: [Int: Int] = [:]
        let budget: Contraction.Budget

        init(_ diagram: InfluenceDiagram, evidence: Evidence, forcing: [Int: Int]) throws(InferenceError) {
            self.diagram = diagram
            let net = diagram.network
            card = net.cardinalities
            let names = net.names
            budget = Contraction.Budget(name: { $0 < names.count ? names[$0] : "#\($0)" })
            for (v, s) in forcing {
                guard v >= 0 && v < net.count, net.variables[v].role == .decision else {
                    throw .invalidEvidence("only decisions can be forced; \(v < net.count && v >= 0 ? Quote.name(names[v]) : "#\(v)") is not one")
                }
                guard s >= 0 && s < card[v] else { throw .invalidEvidence("state #\(s) of \(Quote.name(names[v])) is out of range") }
                forced[v] = s
            }
            for (v, s) in evidence.hard.sorted(by: { $0.key < $1.key }) where net.variables[v].role == .decision { forced[v] = s }
            for (v, s) in evidence.interventions.sorted(by: { $0.key < $1.key }) where net.variables[v].role == .decision { forced[v] = s }
            for v in evidence.soft.keys where net.variables[v].role == .decision {
                throw .invalidEvidence("soft evidence on the decision \(Quote.name(names[v])) has no meaning: set it with a finding or do()")
            }
            for v in 0..<net.count where net.variables[v].role != .decision {
                if let s = evidence.interventions[v] {
                    var m = [Double](repeating: 0, count: card[v]); m[s] = 1
                    chance.append(Table(axes: Axes(labels: [v], cardinalities: [card[v]]), values: m))
                } else {
                    chance.append(net.cpts[v].table)
                }
                heads.append(v)
                if let s = evidence.hard[v] {
                    if let d = evidence.interventions[v], d != s {
                        throw .impossibleEvidence(["do(\(names[v])=\(net.variables[v].states[d]))", "\(names[v])=\(net.variables[v].states[s])"])
                    }
                    var m = [Double](repeating: 0, count: card[v]); m[s] = 1
                    chance.append(Table(axes: Axes(labels: [v], cardinalities: [card[v]]), values: m))
                    heads.append(nil)
                }
                if let w = evidence.soft[v] {
                    guard w.count == card[v], w.allSatisfy({ $0 >= 0 && $0.isFinite }), w.contains(where: { $0 > 0 }) else {
                        throw .invalidEvidence("soft evidence on \(Quote.name(names[v])) needs \(card[v]) non-negative weights, not all zero")
                    }
                    chance.append(Table(axes: Axes(labels: [v], cardinalities: [card[v]]), values: w))
                    heads.append(nil)
                }
            }
            for u in diagram.utilities {
                let m = u.values.min() ?? 0
                shifts.append(m)
                utilities.append(Table(axes: Axes(labels: u.parents, cardinalities: u.parents.map { card[$0] }),
                                       values: u.values.map { $0 - m }))
            }
        }

        func initialPolicy(_ d: Int) -> Policy {
            let info = diagram.informationSet(of: d)
            let rows = info.reduce(1) { $0 * card[$1] }
            return Policy(decision: d, information: info, options: card[d], choice: [Int](repeating: 0, count: rows),
                          uniform: true, forced: forced[d])
        }

        /// `Σ_{x \ keep} ∏ tables`, as true values over `keep` (every label of `keep`
        /// present, broadcast where the sum does not depend on it).
        func contract(_ tables: [Table], heads: [Int?], keep: [Int]) throws(InferenceError) -> [Double] {
            let r = try Contraction.oneShot(tables, heads: heads, keep: keep, budget: budget)
            let full = Axes(labels: keep, cardinalities: keep.map { card[$0] })
            let n = full.entries
            guard r.logScale > -.infinity else { return [Double](repeating: 0, count: n) }
            let scale = exp(r.logScale)
            if r.table.axes == full { return r.table.values.map { $0 * scale } }
            // Broadcast the result's axes (a subsequence of keep) to the full axes.
            let fullStrides = full.strides
            var strideOf = [Int](repeating: 0, count: keep.count)
            let rs = r.table.axes.strides
            for (j, l) in r.table.axes.labels.enumerated() { strideOf[keep.firstIndex(of: l)!] = rs[j] }
            var out = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var rest = i, at = 0
                for a in 0..<keep.count { at += (rest / fullStrides[a]) * strideOf[a]; rest %= fullStrides[a] }
                out[i] = r.table.values[at] * scale
            }
            return out
        }

        /// `Σ_U E[u_U; info, D]` unnormalised, the weight `P(info, e)` and the best option per
        /// information configuration, given the other policies' tables.
        func bestResponse(_ p: Policy, others: [Table]) throws(InferenceError) -> (choice: [Int], eu: [Double], weight: [Double]) {
            let base = chance + others
            let baseHeads = heads + others.map { $0.axes.labels.last }
            let keep = p.forced == nil ? p.information + [p.decision] : [p.decision]
            // Z(i, d) = Σ ∏ φ: the same for every d (d has no influence on its information),
            // except through evidence on d's descendants.
            let z = try contract(base, heads: baseHeads, keep: keep)
            var total = [Double](repeating: 0, count: z.count)
            for (u, t) in diagram.utilities.indices.map({ ($0, utilities[$0]) }) {
                let part = try contract(base + [t], heads: baseHeads + [nil], keep: keep)
                for i in total.indices { total[i] += part[i] + shifts[u] * z[i] }
            }
            let options = p.options
            let rows = z.count / options
            let pe = z.reduce(0, +) / Double(options)
            var choice = p.choice.count == rows ? p.choice : [Int](repeating: 0, count: rows)
            var eu = [Double](repeating: 0, count: z.count), weight = [Double](repeating: 0, count: rows)
            for row in 0..<rows {
                var best = -Double.infinity, bestAt = 0
                var w = 0.0
                for d in 0..<options {
                    let zi = z[row * options + d]
                    w = max(w, zi)
                    eu[row * options + d] = zi > 0 ? total[row * options + d] / zi : 0
                    if total[row * options + d] > best { best = total[row * options + d]; bestAt = d }
                }
                weight[row] = pe > 0 ? w / pe : 0
                if p.forced != nil { continue }
                // Keep the current option when it is as good (to rounding): SPU then stops.
                let current = total[row * options + choice[row]]
                if p.uniform || current < best - 1e-9 * max(1, abs(best)) { choice[row] = bestAt }
            }
            return (choice, eu, weight)
        }

        /// `E[U | e]` and `Var[U | e]` of `U = Σ_U u_U` under the given policies:
        /// `Var = E[U'²] − E[U']²` with `U' = Σ u'_U` (a shift leaves the variance alone).
        func moments(policies: [Table]) throws(InferenceError) -> (mean: Double, variance: Double) {
            let base = chance + policies
            let baseHeads = heads + policies.map { $0.axes.labels.last }
            let pe = try contract(base, heads: baseHeads, keep: [])[0]
            guard pe > 0 else {
                throw .impossibleEvidence(["the evidence has probability zero under the strategy"])
            }
            var first = [Double](repeating: 0, count: utilities.count)
            for u in utilities.indices {
                first[u] = try contract(base + [utilities[u]], heads: baseHeads + [nil], keep: [])[0] / pe
            }
            var second = 0.0
            for i in utilities.indices {
                for j in i..<utilities.count {
                    let pair: [Table]
                    if i == j {
                        pair = [Table(axes: utilities[i].axes, values: utilities[i].values.map { $0 * $0 })]
                    } else {
                        pair = [utilities[i], utilities[j]]
                    }
                    let e = try contract(base + pair, heads: baseHeads + pair.map { _ in nil }, keep: [])[0] / pe
                    second += i == j ? e : 2 * e
                }
            }
            let mean = first.reduce(0, +)
            return (mean + shifts.reduce(0, +), max(0, second - mean * mean))
        }
    }
}
