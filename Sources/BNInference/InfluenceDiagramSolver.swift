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
/// `Σ ∏ φ · u_U = Σ ∏ φ · u'_U + min u_U · Σ ∏ φ`. The sum over utility nodes is carried by
/// one extra label `ι` with `K + 1` states (`K` utilities): utility `j` enters as the table
/// `t_j(pa_j, ι) = u'_j(pa_j)` at `ι = j` and `1` elsewhere, so the product at `ι = j` is
/// `∏ φ · u'_j` and at `ι = 0` (no utility) `∏ φ`: one contraction keeping `ι` gives every
/// utility's expectation and the normaliser together (the expectation semiring of Jensen &
/// Dittmer 1994, spread over a label). Two such labels give every second moment
/// `E[u'_i u'_j]` in one contraction more.
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
        var problem = try Problem(diagram, evidence: evidence, forcing: forcing)
        // Read once: `perfectRecall` walks the diagram's graph on every call.
        let exact = self.exact
        let information = diagram.noForgetting ? requisiteInformation() : diagram.decisionOrder.map { diagram.informationSet(of: $0) }
        var policies = zip(diagram.decisionOrder, information).map { problem.initialPolicy($0, information: $1) }
        // `revision[k]` counts the changes of policy k; `seen[k]` is the revisions of every
        // policy when k's last best response was computed. While no other policy has changed
        // since, that response is the one a new contraction would give (the same tables and
        // the same current choice): a sweep skips it, and it serves as the final one (always
        // in a LIMID's last, stable sweep).
        var revision = [Int](repeating: 0, count: policies.count)
        var responses: [(choice: [Int], eu: [Double], weight: [Double], moments: [Double]?)?] = Array(repeating: nil, count: policies.count)
        var seen = [[Int]](repeating: [], count: policies.count)
        func current(_ k: Int) -> Bool {
            !seen[k].isEmpty && policies.indices.allSatisfy { $0 == k || seen[k][$0] == revision[$0] }
        }
        var tables = policies.map { $0.table(problem) }
        func others(_ k: Int) -> [Table] { tables.indices.filter { $0 != k }.map { tables[$0] } }
        let order = Array(diagram.decisionOrder.indices.reversed())
        // The last response of the last sweep sees every other policy final, so it also
        // gives the moments of the strategy: when one sweep is exact, the sweep's last
        // response; otherwise, from the second sweep on, a response that no change has
        // preceded in its sweep and after which every decision would be skipped (if it
        // changes nothing, the sweep is the stable last one).
        let lastOfSweep = exact ? order.last { policies[$0].forced == nil } : nil
        var folded: [Double]?
        var sweeps = 0
        var stable = false
        while !stable && sweeps < maxSweeps {
            sweeps += 1
            stable = true
            folded = nil
            for (at, k) in order.enumerated() where policies[k].forced == nil && !current(k) {
                let last = exact ? k == lastOfSweep
                    : sweeps > 1 && stable && order[(at + 1)...].allSatisfy { policies[$0].forced != nil || current($0) }
                let r = try problem.bestResponse(policies[k], others: others(k), slot: k, moments: last)
                if last { folded = r.moments }
                responses[k] = r
                seen[k] = revision
                if r.choice != policies[k].choice || policies[k].uniform {
                    policies[k].choice = r.choice
                    policies[k].uniform = false
                    tables[k] = policies[k].table(problem)
                    revision[k] += 1
                    stable = false
                    if !exact { folded = nil }
                }
            }
            // No-forgetting (or perfect recall): one sweep in reverse temporal order is exact.
            if exact { break }
        }
        let moments: (mean: Double, variance: Double)
        if let m = folded { moments = try problem.moments(m) } else { moments = try problem.moments(policies: tables) }
        var out: [DecisionPolicy] = []
        for (k, p) in policies.enumerated() {
            // Each option's expected utility and the weights under the final strategy.
            let r: (choice: [Int], eu: [Double], weight: [Double], moments: [Double]?)
            if current(k), let kept = responses[k] { r = kept } else {
                r = try problem.bestResponse(p, others: others(k), slot: k)
            }
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

    /// The requisite part of each decision's no-forgetting information set, in temporal
    /// order (Lauritzen & Nilsson 2001, §4; Shachter 1998): going backwards in time, an
    /// observed `X` is dropped from `I_D` when it is d-separated from the utility nodes
    /// downstream of `D` given `{D} ∪ I_D \ {X}`, in the graph where every decision's
    /// parents are its (already reduced) information set. The optimal policy ignores such
    /// an `X`, so the MEU is unchanged, and the policy tables (and the cliques that hold
    /// them) shrink, often by orders of magnitude.
    public func requisiteInformation() -> [[Int]] {
        let n = network.count, order = diagram.decisionOrder
        var info = order.map { diagram.informationSet(of: $0) }
        var parents = (0..<n).map { network.parents(of: $0) } + diagram.utilities.map(\.parents)
        for (k, d) in order.enumerated() { parents[d] = info[k] }
        var children = [[Int]](repeating: [], count: parents.count)
        for (v, ps) in parents.enumerated() { for p in ps { children[p].append(v) } }
        for k in order.indices.reversed() {
            let d = order[k]
            // The utility nodes downstream of d (an arc into d does not change them).
            var downstream = Set<Int>(), stack = [d]
            while let v = stack.popLast() { for c in children[v] where downstream.insert(c).inserted { stack.append(c) } }
            let targets = Set(downstream.filter { $0 >= n })
            var changed = true
            while changed {
                changed = false
                for x in info[k] {
                    let given = Set(info[k].filter { $0 != x } + [d])
                    if !Self.dConnected(x, targets, given: given, parents: parents, children: children) {
                        info[k].removeAll { $0 == x }
                        parents[d] = info[k]
                        children[x].removeAll { $0 == d }
                        changed = true
                        break
                    }
                }
            }
        }
        return info
    }

    /// Whether `source` is d-connected to a node of `targets` given `given` (the reachable
    /// algorithm of Koller & Friedman 2009, Alg. 3.1: trails through the DAG, a collider
    /// passed only when it or a descendant is given).
    static func dConnected(_ source: Int, _ targets: Set<Int>, given: Set<Int>, parents: [[Int]], children: [[Int]]) -> Bool {
        if targets.isEmpty { return false }
        var ancestorsOfGiven = Set<Int>(), stack = Array(given)
        while let v = stack.popLast() { if ancestorsOfGiven.insert(v).inserted { stack += parents[v] } }
        var up = [Bool](repeating: false, count: parents.count), down = up
        var queue: [(Int, Bool)] = [(source, true)]   // (node, arrived going up from a child)
        while let (v, goingUp) = queue.popLast() {
            if goingUp { if up[v] { continue }; up[v] = true } else { if down[v] { continue }; down[v] = true }
            let observed = given.contains(v)
            if !observed && targets.contains(v) { return true }
            if goingUp && !observed {
                for p in parents[v] { queue.append((p, true)) }
                for c in children[v] { queue.append((c, false)) }
            } else if !goingUp {
                if !observed { for c in children[v] { queue.append((c, false)) } }
                if ancestorsOfGiven.contains(v) { for p in parents[v] { queue.append((p, true)) } }
            }
        }
        return false
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
            if let f = forced { return Problem.pointMass(decision, f, states: options) }
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
        /// The labels of the utility index `ι` (and `κ`, for second moments): after every variable.
        var iota: Int { card.count }
        var kappa: Int { card.count + 1 }
        var forced: [Int: Int] = [:]
        let budget: Contraction.Budget
        /// `indexed(j, utilities[j], label: ι)` for every utility, made once; and the same
        /// over `κ`, for the second moments.
        var indexedUtilities: [Table] = []
        var kappaUtilities: [Table] = []
        /// The elimination order of each contraction, found on its first run and followed
        /// after: slot `k` is decision `k`'s best response (its tables keep their shapes
        /// from one sweep to the next, only the policies' values change), slot `D + k` the
        /// same with the moments, the last slot the moments alone. The order, and so every result, is the one min-fill would find.
        var orders: [[Int]?] = []

        init(_ diagram: InfluenceDiagram, evidence: Evidence, forcing: [Int: Int]) throws(InferenceError) {
            self.diagram = diagram
            let net = diagram.network
            card = net.cardinalities
            let names = net.names
            budget = Contraction.Budget(name: { $0 < names.count ? names[$0] : "the utility index" })
            for (v, s) in forcing {
                guard v >= 0 && v < net.count, net.variables[v].role == .decision else {
                    throw .invalidEvidence("only decisions can be forced; \(v < net.count && v >= 0 ? Quote.name(names[v]) : "#\(v)") is not one")
                }
                if let why = Evidence.stateProblem(v, s, in: net) { throw .invalidEvidence(why) }
                forced[v] = s
            }
            // The one check of evidence (`Findings`): states in range, likelihoods, a finding
            // that contradicts an intervention. A finding or do() on a decision forces it.
            let findings = try Findings(evidence, in: net)
            for v in evidence.soft.keys where net.variables[v].role == .decision {
                throw .invalidEvidence("soft evidence on the decision \(Quote.name(names[v])) has no meaning: set it with a finding or do()")
            }
            for v in 0..<net.count {
                let s = findings.fixed[v]
                guard net.variables[v].role != .decision else {
                    if s >= 0 { forced[v] = s }
                    continue
                }
                chance.append(findings.intervened[v] ? Self.pointMass(v, s, states: card[v]) : net.cpts[v].table)
                heads.append(v)
                if s >= 0 && !findings.intervened[v] {
                    chance.append(Self.pointMass(v, s, states: card[v]))
                    heads.append(nil)
                }
                if let w = findings.soft[v] {
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
            indexedUtilities = utilities.indices.map { indexed($0, utilities[$0], label: iota) }
            kappaUtilities = utilities.indices.map { indexed($0, utilities[$0], label: kappa) }
            orders = Array(repeating: nil, count: 2 * diagram.decisionOrder.count + 1)
        }

        /// `1[x_v = s]` over `v`'s `states` states.
        static func pointMass(_ v: Int, _ s: Int, states: Int) -> Table {
            var m = [Double](repeating: 0, count: states)
            m[s] = 1
            return Table(axes: Axes(labels: [v], cardinalities: [states]), values: m)
        }

        func initialPolicy(_ d: Int, information info: [Int]) -> Policy {
            let rows = info.reduce(1) { $0 * card[$1] }
            return Policy(decision: d, information: info, options: card[d], choice: [Int](repeating: 0, count: rows),
                          uniform: true, forced: forced[d])
        }

        /// `Σ_{x \ keep} ∏ tables`, as true values over `keep` (every label of `keep`
        /// present, broadcast where the sum does not depend on it).
        /// `slot` names the contraction whose elimination order is kept in `orders`.
        mutating func contract(_ tables: [Table], heads: [Int?], keep: [Int], slot: Int) throws(InferenceError) -> [Double] {
            let r = try Contraction.oneShot(tables, heads: heads, keep: keep, order: orders[slot], budget: budget)
            if orders[slot] == nil { orders[slot] = r.order }
            let full = Axes(labels: keep, cardinalities: keep.map { $0 < card.count ? card[$0] : utilities.count + 1 })
            guard r.logScale > -.infinity else { return [Double](repeating: 0, count: full.entries) }
            // The result's axes (a subsequence of keep) broadcast to the full axes, times the scale.
            return TableKernels.broadcast(r.table.values, r.table.axes, [exp(r.logScale)], .empty, into: full, .multiply)
        }

        /// Utility `j` over one more axis `label` (`K + 1` states): `u'_j` at index `j + 1`,
        /// 1 elsewhere.
        func indexed(_ j: Int, _ t: Table, label: Int) -> Table {
            let k = utilities.count + 1
            let n = t.values.count
            var values = [Double](repeating: 1, count: n * k)
            for i in 0..<n { values[i * k + j + 1] = t.values[i] }
            return Table(axes: Axes(labels: t.axes.labels + [label], cardinalities: t.axes.cardinalities + [k]), values: values)
        }

        /// `Σ_U E[u_U; info, D]` unnormalised, the weight `P(info, e)` and the best option per
        /// information configuration, given the other policies' tables.
        /// `slot`: the decision's index in temporal order (its cached elimination order).
        /// With `moments`, the same contraction also keeps `κ` (the utility tables enter a
        /// second time, over `κ`) and gives `M(ι, κ) = Σ_i M(i, δ(i), ι, κ)` under the
        /// returned choice `δ`, the matrix `moments(policies:)` would contract for the
        /// strategy of `others` and this response: one contraction instead of two when the
        /// response is known to be final.
        mutating func bestResponse(_ p: Policy, others: [Table], slot: Int, moments: Bool = false) throws(InferenceError)
            -> (choice: [Int], eu: [Double], weight: [Double], moments: [Double]?) {
            let base = chance + others
            let baseHeads = heads + others.map { $0.axes.labels.last }
            let keep = p.forced == nil ? p.information + [p.decision] : [p.decision]
            // One contraction: ι = 0 gives Z(i, d) = Σ ∏ φ (the same for every d, except
            // through evidence on d's descendants), ι = j + 1 gives Σ ∏ φ · u'_j.
            let k = utilities.count + 1
            var both: [Double], full: [Double] = []
            if moments {
                let second = kappaUtilities
                full = try contract(base + indexedUtilities + second, heads: baseHeads + (indexedUtilities + second).map { _ in nil },
                                    keep: keep + [iota, kappa], slot: diagram.decisionOrder.count + slot)
                both = stride(from: 0, to: full.count, by: k).map { full[$0] }   // κ = 0
            } else {
                both = try contract(base + indexedUtilities, heads: baseHeads + indexedUtilities.map { _ in nil }, keep: keep + [iota],
                                    slot: slot)
            }
            let cells = both.count / k
            var z = [Double](repeating: 0, count: cells), total = [Double](repeating: 0, count: cells)
            for c in 0..<cells {
                z[c] = both[c * k]
                var t = 0.0
                for j in 0..<utilities.count { t += both[c * k + j + 1] + shifts[j] * z[c] }
                total[c] = t
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
            guard moments else { return (choice, eu, weight, nil) }
            var m = [Double](repeating: 0, count: k * k)
            for row in 0..<rows {
                let at = (row * options + (p.forced ?? choice[row])) * k * k
                for ij in 0..<(k * k) { m[ij] += full[at + ij] }
            }
            return (choice, eu, weight, m)
        }

        /// `E[U | e]` and `Var[U | e]` of `U = Σ_U u_U` under the given policies:
        /// `Var = E[U'²] − E[U']²` with `U' = Σ u'_U` (a shift leaves the variance alone).
        mutating func moments(policies: [Table]) throws(InferenceError) -> (mean: Double, variance: Double) {
            let base = chance + policies
            let baseHeads = heads + policies.map { $0.axes.labels.last }
            // One contraction over ι and κ: (0, 0) is P(e), (j+1, 0) is E[u'_j; e] and
            // (i+1, j+1) is E[u'_i u'_j; e] (u'_j² on the diagonal).
            let pairs = utilities.indices.flatMap { j in [indexedUtilities[j], kappaUtilities[j]] }
            return try moments(contract(base + pairs, heads: baseHeads + pairs.map { _ in nil }, keep: [iota, kappa], slot: orders.count - 1))
        }

        /// The mean and variance from `m[ι · (K + 1) + κ]`, the contraction over the utility
        /// indices (see `moments(policies:)`).
        func moments(_ m: [Double]) throws(InferenceError) -> (mean: Double, variance: Double) {
            let k = utilities.count + 1
            let pe = m[0]
            guard pe > 0 else {
                throw .impossibleEvidence(["the evidence has probability zero under the strategy"])
            }
            var first = [Double](repeating: 0, count: utilities.count)
            var second = 0.0
            for i in utilities.indices {
                first[i] = m[(i + 1) * k] / pe
                for j in utilities.indices { second += m[(i + 1) * k + j + 1] / pe }
            }
            let mean = first.reduce(0, +)
            return (mean + shifts.reduce(0, +), max(0, second - mean * mean))
        }
    }
}
