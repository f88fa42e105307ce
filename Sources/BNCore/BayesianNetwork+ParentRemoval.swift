extension BayesianNetwork {
    /// Removes the edge `parent → child`, marginalising the parent out of the child's table
    /// with the parent's distribution given the child's other parents `C = pa(child) \ {parent}`:
    ///
    ///     P'(child | C) = Σ_a P(a | C) · P(child | a, C)
    ///
    /// which is the conditional `P(child | C)` of the network before the removal, so the
    /// joint distribution of the child's family without the parent, `P(C, child)`, is
    /// unchanged. (Averaging the rows uniformly over `a` would instead change it whenever
    /// `P(a | C)` is not uniform.)
    ///
    /// `weights` is a factor over `C ∪ {parent}` in any order, proportional to `P(a | C)`
    /// in each configuration `c` of `C`; the joint `P(a, C)` of the current network, which
    /// needs inference (`BNInference`), is what callers pass. Each row is normalised here;
    /// a row that sums to 0 (`c` has probability 0, so `P(child | c)` never counts) gets
    /// uniform weights.
    public mutating func removeEdge(from parent: Int, to child: Int, weights: Factor) throws(ModelError) {
        guard dag.hasEdge(from: parent, to: child) else {
            throw .missingEdge(from: variables[parent].name, to: variables[child].name)
        }
        try removeParent(parent, from: child, weights: weights)
    }

    /// `P'(child | C) = Σ_a w(a | C) · P(child | a, C)` (see `removeEdge(from:to:weights:)`).
    mutating func removeParent(_ parent: Int, from child: Int, weights: Factor) throws(ModelError) {
        let rest = dag.parents[child].filter { $0 != parent }
        precondition(Set(weights.scope.variables) == Set(rest + [parent]) && weights.scope.count == rest.count + 1,
                     "weights must be over the child's other parents and the removed parent")
        let k = variables[parent].cardinality
        let w = weights.reordered(to: rest + [parent])
        let conditional = Factor(unchecked: w.scope, Self.normalizingRows(w.values, width: k) { _ in
            [Double](repeating: 1 / Double(k), count: k)
        })
        let mixed = try wrap { () throws(FactorError) in try cpts[child].multiplying(conditional) }.summingOut([parent])
        dag.removeEdge(from: parent, to: child)
        cpts[child] = mixed.reordered(to: familyScope(of: child).variables)
    }

    /// Each row of `width` entries divided by its sum; a row that sums to 0 becomes
    /// `fallback(rowIndex)` instead.
    static func normalizingRows(_ values: [Double], width k: Int, fallback: (Int) -> [Double]) -> [Double] {
        var out = values
        for r in 0..<(values.count / k) {
            let row = (r * k)..<((r + 1) * k)
            let z = out[row].reduce(0, +)
            if z > 0 {
                for i in row { out[i] /= z }
            } else {
                out.replaceSubrange(row, with: fallback(r))
            }
        }
        return out
    }
}
