import BNCore

/// Which parts of a network can change the answer to a query, decided from the graph
/// alone before any number is touched.
///
/// Interventions `do(X = x)` are graph surgery (Pearl 2009): the edges into `X` are cut
/// and `X` is fixed, so every function here works on the mutilated graph, where an
/// intervened variable has no parents and counts as observed. Soft (likelihood) evidence
/// on `v` is Pearl's virtual evidence: an observed virtual child of `v`.
public enum RelevancePruning {
    /// The variables whose CPTs a query needs when barren nodes are removed: the ancestors
    /// (in the mutilated graph) of the targets and of every finding, the targets and
    /// finding variables included. A variable outside this set is barren: summing it out
    /// gives `Σ_x P(x | pa) = 1`, so its CPT can be dropped (Shachter 1986). Exact for
    /// `P(targets, evidence)` and hence for `P(evidence)`.
    ///
    /// - Returns: a membership mask indexed by variable id.
    public static func ancestralSet(_ network: BayesianNetwork, targets: [Int], evidence: Evidence) -> [Bool] {
        var keep = [Bool](repeating: false, count: network.count)
        var stack = targets + Array(evidence.hard.keys) + Array(evidence.soft.keys) + Array(evidence.interventions.keys)
        while let v = stack.popLast() {
            if keep[v] { continue }
            keep[v] = true
            if evidence.interventions[v] != nil { continue } // incoming edges cut
            for p in network.parents(of: v) where !keep[p] { stack.append(p) }
        }
        return keep
    }

    /// The requisite probability nodes of `P(targets | evidence)` by Bayes-ball
    /// (Shachter 1998, "Bayes-Ball: the rational pastime"): the variables whose CPTs can
    /// change the posterior. Everything else is barren or d-separated from the targets by
    /// the evidence and is dropped.
    ///
    /// The ball starts at each target as if sent from a child. An unobserved node visited
    /// from a child passes it to its parents (marking *top*) and children (marking
    /// *bottom*); visited from a parent it passes it to its children only. An observed
    /// node visited from a parent bounces it back to its parents (marking *top*) and
    /// blocks a ball from a child. The requisite CPTs are those of the nodes marked top;
    /// a soft finding on `v` is a virtual observed child of `v`, requisite when `v` passes
    /// the ball down.
    ///
    /// The normalising constant of the pruned product is not `P(evidence)` (findings
    /// d-separated from the targets are dropped); use `ancestralSet` for that.
    ///
    /// - Returns: `top[v]`: whether `v`'s CPT is requisite, and `soft[v]`: whether a soft
    ///   finding on `v` is.
    public static func requisiteNodes(_ network: BayesianNetwork, targets: [Int], evidence: Evidence)
        -> (top: [Bool], softRequisite: [Bool]) {
        let n = network.count
        var observed = [Bool](repeating: false, count: n)
        for v in evidence.hard.keys { observed[v] = true }
        for v in evidence.interventions.keys { observed[v] = true }
        var hasSoft = [Bool](repeating: false, count: n)
        for v in evidence.soft.keys { hasSoft[v] = true }
        var top = [Bool](repeating: false, count: n)
        var bottom = [Bool](repeating: false, count: n)
        var softUsed = [Bool](repeating: false, count: n)
        // (node, fromChild)
        var stack: [(Int, Bool)] = targets.map { ($0, true) }
        func passDown(_ v: Int) {
            for c in network.children(of: v) where evidence.interventions[c] == nil { stack.append((c, false)) }
            // The virtual child of a soft finding is observed: it bounces the ball back up.
            if hasSoft[v] && !softUsed[v] {
                softUsed[v] = true
                stack.append((v, true))
            }
        }
        while let (v, fromChild) = stack.popLast() {
            let cut = evidence.interventions[v] != nil
            if fromChild {
                if observed[v] { continue }
                if !top[v] {
                    top[v] = true
                    if !cut { for p in network.parents(of: v) { stack.append((p, true)) } }
                }
                if !bottom[v] {
                    bottom[v] = true
                    passDown(v)
                }
            } else {
                if observed[v] {
                    if !top[v] {
                        top[v] = true
                        if !cut { for p in network.parents(of: v) { stack.append((p, true)) } }
                    }
                } else if !bottom[v] {
                    bottom[v] = true
                    passDown(v)
                }
            }
        }
        // An intervened or observed target: its own CPT only matters through the cut
        // graph; the caller answers such targets directly.
        return (top, softUsed)
    }
}
