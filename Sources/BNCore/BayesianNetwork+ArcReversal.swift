extension BayesianNetwork {
    /// Reverses the edge `x → y` into `y → x` without changing the joint distribution
    /// (arc reversal, Shachter 1986, "Evaluating influence diagrams", Operations Research
    /// 34(6)).
    ///
    /// Both variables inherit each other's parents: with `A = pa(x)` and `B = pa(y) \ {x}`,
    /// `y`'s parents become `B ∪ A` and `x`'s become `A ∪ B ∪ {y}` (old parents first, in
    /// their order, then the new ones; `y` last). The tables are
    ///
    ///     P'(y | A, B)    = Σ_x P(x | A) · P(y | x, B)
    ///     P'(x | y, A, B) = P(x | A) · P(y | x, B) / P'(y | A, B)
    ///
    /// so `P'(x | …) · P'(y | …) = P(x | A) · P(y | x, B)`: the product of the two tables,
    /// and with it the joint, is the same. Where `P'(y | a, b) = 0` the configuration never
    /// occurs and `x`'s row is `P(x | a)`, its old row.
    ///
    /// Refused with `.reversalCycle` when `x` reaches `y` by another directed path: then `y → x`
    /// would close a cycle. Without such a path no new edge can close one (Shachter 1986).
    public mutating func reverseEdge(from x: Int, to y: Int) throws(ModelError) {
        guard dag.hasEdge(from: x, to: y) else {
            throw .missingEdge(from: variables[x].name, to: variables[y].name)
        }
        var graph = dag
        graph.removeEdge(from: x, to: y)
        if let other = graph.path(from: x, to: y) {
            throw .reversalCycle(from: variables[x].name, to: variables[y].name, path: other.map { variables[$0].name })
        }
        let a = dag.parents[x], b = dag.parents[y].filter { $0 != x }
        let yParents = b + a.filter { !b.contains($0) }
        let xParents = a + b.filter { !a.contains($0) } + [y]
        if let cycle = graph.setParents(y, yParents) ?? graph.setParents(x, xParents) {
            preconditionFailure("arc reversal closed the cycle \(cycle) without another path \(x) ~> \(y)")
        }
        // The family table P(x | A) · P(y | x, B) over A ∪ B ∪ {x, y}.
        let family = try wrap { () throws(FactorError) in try cpts[x].multiplying(cpts[y]) }
        let newY = family.summingOut([x])
        let quotient = family.dividing(by: newY).reordered(to: xParents + [x])
        // Rows where P'(y | a, b) = 0 are all zero: they take x's old row P(x | a), whose
        // index is the row's A-part (A leads xParents).
        let k = variables[x].cardinality
        let tail = xParents.dropFirst(a.count).reduce(1) { $0 * variables[$1].cardinality }
        let oldX = cpts[x].values
        let newX = Self.normalizingRows(quotient.values, width: k) { r in
            let old = r / tail
            return Array(oldX[(old * k)..<((old + 1) * k)])
        }
        dag = graph
        cpts[y] = newY.reordered(to: yParents + [y])
        cpts[x] = Factor(unchecked: quotient.scope, newX)
    }
}
