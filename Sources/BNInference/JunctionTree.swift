import BNCore
import FactorKernels
import Foundation

/// Exact inference by message passing on a junction tree, built once per structure and
/// re-calibrated incrementally as evidence changes.
///
/// Architecture: Shafer–Shenoy message passing (Shafer & Shenoy 1990) with lazy, factored
/// clique potentials in the spirit of lazy propagation (Madsen & Jensen 1999). A clique
/// never holds its full table: its potential is the list of CPTs assigned to it (sliced at
/// the hard findings) and the likelihoods of soft findings homed there. The message
///
/// `μ_{i→j}(S_ij) = Σ_{C_i \ S_ij} ∏ φ_i · ∏_{k ∈ nb(i) \ j} μ_{k→i}`
///
/// is one sum-product of the `Contraction` service, with barren CPTs dropped (so a message
/// may mention fewer variables than its separator): a compiled `ContractionProgram`
/// (pairwise GEMM contractions, cached by shape), or the one-shot pass while
/// `CompileRule.messages` says a compile would cost more than it saves. The tree only
/// chooses the tables (potentials and incoming messages) and the labels kept (the
/// separator's free variables). Every message is stored
/// normalised with the log of its scale, `ℓ_{i→j} = log Σ μ_raw + Σ_k ℓ_{k→i}`, so
/// `log P(e) = log Σ_{C_r} ∏ φ_r ∏ μ_{k→r} + Σ_k ℓ_{k→r}` at the root never underflows.
/// A message that sums to zero means `P(e) = 0` and raises `impossibleEvidence`.
///
/// Posteriors: `P(v | e)` is read at `v`'s home clique from its factors and all incoming
/// messages; all marginals need one full calibration (every message in both directions)
/// and one belief per clique over the variables homed there.
///
/// Incremental re-calibration: a message `μ_{i→j}` depends only on the findings on its
/// source side (the cliques reached from `i` without crossing to `j`). When evidence is
/// added, changed or retracted on `v`, the cliques containing `v` become *dirty*: their
/// sliced CPTs are re-prepared from the network's CPTs, and exactly the messages whose
/// source side contains a dirty clique are invalidated. All other messages, the CPT
/// slices of clean cliques and every compiled program are kept. Messages are recomputed
/// lazily: a single posterior only computes the messages flowing towards its home clique.
///
/// Interventions `do(X = x)` keep the tree: `X`'s CPT is removed from its clique (graph
/// surgery, Pearl 2009) and `X` is fixed like a hard finding.
public final class JunctionTree: InferenceEngine {
    public let network: BayesianNetwork
    public let structure: JunctionTreeStructure
    /// The evidence the tree is calibrated for.
    public private(set) var evidence = Evidence()
    /// Counters for the incremental behaviour (tests, benchmarks).
    public private(set) var messagesComputed = 0
    public private(set) var cliquesPrepared = 0

    /// A message: the table divided by its sum, and the log of the scale it carries.
    typealias Message = Contraction.Result
    /// A clique's table (a CPT sliced at the findings, or a likelihood) and its head.
    typealias Potential = (table: Table, head: Int?)

    private var findings: Findings
    private var potentials: [[Potential]?]
    /// `up[c]`: the message from `c` to its parent; `down[c]`: from the parent to `c`.
    private var up: [Message?]
    private var down: [Message?]
    /// Compiled message programs by shape, under `CompileRule.messages`.
    private let programs = ProgramCache<Contraction.Shape, ContractionProgram>(.messages, limit: 1 << 16)
    private var cachedLogEvidence: Double?
    private var cachedMarginals: [[Double]?]

    /// Builds the junction tree of `network`, triangulated with `heuristic`, or by default
    /// (nil) with the heuristic whose triangulation has the smallest total clique table
    /// size (`EliminationOrdering.smallestTotal(for:)`).
    /// - Throws: `memoryBudgetExceeded` when a clique would exceed `MemoryBudget.current`.
    public init(_ network: BayesianNetwork, heuristic: EliminationHeuristic? = nil) throws(InferenceError) {
        self.network = network
        structure = try JunctionTreeStructure(network, heuristic: heuristic)
        let k = structure.cliques.count
        findings = try Findings(Evidence(), in: network)
        potentials = Array(repeating: nil, count: k)
        up = Array(repeating: nil, count: k)
        down = Array(repeating: nil, count: k)
        cachedMarginals = Array(repeating: nil, count: network.count)
    }

    // MARK: - Evidence

    /// Sets the evidence, invalidating only what depends on the findings that changed.
    public func setEvidence(_ newEvidence: Evidence) throws(InferenceError) {
        if newEvidence == evidence { return }
        let new = try Findings(newEvidence, in: network)
        var dirty: [Int] = []
        var isDirty = [Bool](repeating: false, count: structure.cliques.count)
        for v in 0..<network.count {
            let same = new.fixed[v] == findings.fixed[v] && new.intervened[v] == findings.intervened[v]
                && new.soft[v] == findings.soft[v]
            if same { continue }
            for c in structure.cliquesContaining[v] where !isDirty[c] { isDirty[c] = true; dirty.append(c) }
        }
        findings = new
        evidence = newEvidence
        cachedLogEvidence = nil
        for i in cachedMarginals.indices { cachedMarginals[i] = nil }
        for d in dirty {
            potentials[d] = nil
            // Upward messages on the path from d to the root carry d's findings.
            var c = d
            while structure.parent[c] >= 0 { up[c] = nil; c = structure.parent[c] }
            // Downward messages into subtrees that do not contain d.
            for c in 0..<structure.cliques.count where structure.parent[c] >= 0 && !structure.subtree(c, contains: d) {
                down[c] = nil
            }
        }
    }

    // MARK: - Queries on the current evidence

    /// `P(v | current evidence)`.
    public func marginal(_ v: Int) throws(InferenceError) -> [Double] {
        precondition(v >= 0 && v < network.count, "no variable #\(v)")
        if let m = cachedMarginals[v] { return m }
        let k = network.variables[v].cardinality
        if findings.fixed[v] >= 0 {
            _ = try logProbabilityOfEvidence()
            var m = [Double](repeating: 0, count: k)
            m[findings.fixed[v]] = 1
            cachedMarginals[v] = m
            return m
        }
        let h = structure.homeClique[v]
        try ensureMessages(toward: h)
        let b = try belief(CollectionOfOne(h), keep: [v])
        let m = b.axes.count == 1 ? b.values : [Double](repeating: 1 / Double(k), count: k)
        cachedMarginals[v] = m
        return m
    }

    /// `P(v | current evidence)` for every variable, from one full calibration.
    public func allMarginals() throws(InferenceError) -> [[Double]] {
        try calibrate()
        var homed = [[Int]](repeating: [], count: structure.cliques.count)
        for v in 0..<network.count where cachedMarginals[v] == nil && findings.fixed[v] < 0 {
            homed[structure.homeClique[v]].append(v)
        }
        for (c, vars) in homed.enumerated() where !vars.isEmpty {
            let b = try belief(CollectionOfOne(c), keep: vars)
            for v in vars {
                if b.axes.labels.contains(v) {
                    cachedMarginals[v] = TableKernels.sumOut(b.values, b.axes, keeping: [v]).values
                } else {
                    let k = network.variables[v].cardinality
                    cachedMarginals[v] = [Double](repeating: 1 / Double(k), count: k)
                }
            }
        }
        return try (0..<network.count).map { v throws(InferenceError) in try marginal(v) }
    }

    /// `log P(current evidence)`.
    public func logProbabilityOfEvidence() throws(InferenceError) -> Double {
        if let l = cachedLogEvidence { return l }
        let root = structure.preorder[0]
        try ensureMessages(toward: root)
        let (inputs, heads, logScale) = try gather(CollectionOfOne(root))
        let r = try contract(inputs, heads, keep: [])
        let z = r.table.values.reduce(0, +)
        guard z > 0, r.logScale > -.infinity else { throw .impossibleEvidence(findings.words) }
        let l = log(z) + r.logScale + logScale + findings.logConstant
        cachedLogEvidence = l
        return l
    }

    /// The joint posterior of `targets` given the current evidence, over `targets` in order.
    /// Targets spread over several cliques are answered on the smallest subtree joining
    /// their home cliques, with the messages entering it.
    public func joint(of targets: [Int]) throws(InferenceError) -> Factor {
        guard !targets.isEmpty, Set(targets).count == targets.count,
              targets.allSatisfy({ $0 >= 0 && $0 < network.count }) else {
            throw .invalidQuery("the targets must be distinct variables of the network")
        }
        let free = targets.filter { findings.fixed[$0] < 0 }
        _ = try logProbabilityOfEvidence()
        var joint = Table.one
        if !free.isEmpty, let c = structure.cliquesContaining[free[0]]
            .filter({ c in free.allSatisfy { structure.cliques[c].contains($0) } })
            .min(by: { structure.cliqueEntries[$0] < structure.cliqueEntries[$1] }) {
            // One clique holds every target (always so for a family): read its belief.
            try ensureMessages(toward: c)
            joint = try belief(CollectionOfOne(c), keep: free)
        } else if !free.isEmpty {
            // The Steiner subtree of the home cliques: count homes per subtree.
            let homes = Set(free.map { structure.homeClique[$0] })
            var count = [Int](repeating: 0, count: structure.cliques.count)
            for c in structure.preorder.reversed() {
                count[c] += homes.contains(c) ? 1 : 0
                if structure.parent[c] >= 0 { count[structure.parent[c]] += count[c] }
            }
            let top = structure.preorder.last { count[$0] == homes.count }!
            try ensureMessages(toward: top)
            joint = try belief(structure.preorder.filter { c in c == top || (count[c] > 0 && count[c] < homes.count) }, keep: free)
        }
        return try assembleJoint(network: network, targets: targets, fixed: findings.fixed, joint)
    }

    // MARK: - InferenceEngine

    public func posterior(of target: Int, given evidence: Evidence) throws(InferenceError) -> [Double] {
        try setEvidence(evidence)
        return try marginal(target)
    }

    public func joint(of targets: [Int], given evidence: Evidence) throws(InferenceError) -> Factor {
        try setEvidence(evidence)
        return try joint(of: targets)
    }

    public func logProbabilityOfEvidence(_ evidence: Evidence) throws(InferenceError) -> Double {
        try setEvidence(evidence)
        return try logProbabilityOfEvidence()
    }

    public func allMarginals(given evidence: Evidence) throws(InferenceError) -> [[Double]] {
        try setEvidence(evidence)
        return try allMarginals()
    }

    // MARK: - Propagation

    /// Computes every message in both directions.
    public func calibrate() throws(InferenceError) {
        for c in structure.preorder.reversed() where structure.parent[c] >= 0 && up[c] == nil { try computeUp(c) }
        for c in structure.preorder where structure.parent[c] >= 0 && down[c] == nil { try computeDown(c) }
        _ = try logProbabilityOfEvidence()
    }

    /// Computes the messages flowing towards clique `t` that are not valid yet.
    private func ensureMessages(toward t: Int) throws(InferenceError) {
        for c in structure.preorder.reversed() where structure.parent[c] >= 0 && up[c] == nil && !structure.subtree(c, contains: t) {
            try computeUp(c)
        }
        var path: [Int] = []
        var c = t
        while structure.parent[c] >= 0 { path.append(c); c = structure.parent[c] }
        for c in path.reversed() where down[c] == nil { try computeDown(c) }
    }

    /// The prepared potentials of clique `c` (CPTs sliced at the findings, likelihoods).
    private func potentialsOf(_ c: Int) throws(InferenceError) -> [Potential] {
        if let p = potentials[c] { return p }
        var list: [Potential] = []
        for v in structure.assignedFamilies[c] where !findings.intervened[v] {
            let cpt = network.cpts[v]
            var fixed: [Int: Int] = [:]
            for u in cpt.scope.variables where findings.fixed[u] >= 0 { fixed[u] = findings.fixed[u] }
            let sliced = fixed.isEmpty ? (cpt.values, cpt.scope.axes) : TableKernels.slice(cpt.values, cpt.scope.axes, fixing: fixed)
            list.append((Table(axes: sliced.1, values: sliced.0), findings.fixed[v] >= 0 ? nil : v))
        }
        for v in structure.homedVariables[c] {
            if let w = findings.soft[v] {
                list.append((Table(axes: Axes(labels: [v], cardinalities: [w.count]), values: w), nil))
            }
        }
        potentials[c] = list
        cliquesPrepared += 1
        return list
    }

    /// The operands of the connected subtree `cliques` (in preorder): their potentials and
    /// the messages entering it from every neighbour outside it except `excluded` (-1:
    /// none), with the sum of those messages' log scales.
    private func gather(_ cliques: some Collection<Int>, excluding excluded: Int = -1) throws(InferenceError) -> (inputs: [Table], heads: [Int?], logScale: Double) {
        var inputs: [Table] = []
        var heads: [Int?] = []
        var logScale = 0.0
        func enter(_ m: Message) { inputs.append(m.table); heads.append(nil); logScale += m.logScale }
        for c in cliques {
            for p in try potentialsOf(c) { inputs.append(p.table); heads.append(p.head) }
            for ch in structure.children[c] where ch != excluded && !cliques.contains(ch) { enter(up[ch]!) }
            let p = structure.parent[c]
            if p >= 0 && p != excluded && !cliques.contains(p) { enter(down[c]!) }
        }
        return (inputs, heads, logScale)
    }

    private func computeUp(_ c: Int) throws(InferenceError) {
        up[c] = try message(from: c, to: structure.parent[c], separator: structure.separators[c])
    }

    private func computeDown(_ c: Int) throws(InferenceError) {
        down[c] = try message(from: structure.parent[c], to: c, separator: structure.separators[c])
    }

    private func message(from i: Int, to j: Int, separator: [Int]) throws(InferenceError) -> Message {
        let (inputs, heads, incoming) = try gather(CollectionOfOne(i), excluding: j)
        let keep = separator.filter { findings.fixed[$0] < 0 }
        var r = try contract(inputs, heads, keep: keep)
        let s = TableKernels.normalize(&r.table.values)
        guard s > 0, r.logScale > -.infinity else { throw .impossibleEvidence(findings.words) }
        messagesComputed += 1
        r.logScale += log(s) + incoming
        return r
    }

    /// The normalised belief over `keep` (those of them present) of the connected subtree
    /// `cliques` (in preorder; one clique, or the smallest subtree joining the home cliques
    /// of a joint's targets), all messages entering it being valid.
    private func belief(_ cliques: some Collection<Int>, keep: [Int]) throws(InferenceError) -> Table {
        let (inputs, heads, _) = try gather(cliques)
        var r = try contract(inputs, heads, keep: keep).table
        let z = TableKernels.normalize(&r.values)
        guard z > 0 else { throw .impossibleEvidence(findings.words) }
        return r
    }

    /// `Σ_{not keep} ∏ inputs` by the contraction service: the cached program of these
    /// shapes when `CompileRule.messages` says it is due, else the one-shot pass. The
    /// result axes are the kept labels present, in `keep` order.
    private func contract(_ inputs: [Table], _ heads: [Int?], keep: [Int]) throws(InferenceError) -> Contraction.Result {
        let r = try programs.contract(inputs, heads: heads, keep: keep, budget: Contraction.Budget(naming: network))
        return Contraction.Result(table: r.table, logScale: r.logScale[0])
    }
}

/// The joint over `targets` (in order), as the checked public `Factor`, from the
/// normalised joint of the free ones (over a subset of the free targets) and point masses
/// on the fixed ones; a free target missing from `joint` is uniform.
func assembleJoint(network: BayesianNetwork, targets: [Int], fixed: [Int], _ joint: Table) throws(InferenceError) -> Factor {
    func wrap<T>(_ body: () throws(FactorError) -> T) throws(InferenceError) -> T {
        do { return try body() } catch { throw .model(.factor(error)) }
    }
    var factor = try wrap { () throws(FactorError) in try Factor(joint) }
    let present = Set(joint.axes.labels)
    for t in targets where !present.contains(t) {
        let k = network.variables[t].cardinality
        var mass = [Double](repeating: fixed[t] >= 0 ? 0 : 1 / Double(k), count: k)
        if fixed[t] >= 0 { mass[fixed[t]] = 1 }
        factor = try wrap { () throws(FactorError) in
            try factor.multiplying(Factor(scope: Scope([t], cardinalities: [k]), values: mass))
        }
    }
    return factor.reordered(to: targets)
}
