extension BayesianNetwork {
    /// The same variables and graph with every CPT row uniform: the neutral start of EM and
    /// the baseline model of the evaluation tests.
    public func withUniformCPTs() -> BayesianNetwork {
        var out = self
        for v in 0..<count {
            let k = Double(variables[v].cardinality)
            let scope = familyScope(of: v)
            // Rows of 1/k always validate and are stored as they are (the values setParents
            // gives); the table size is that of the existing CPT.
            try! out.setCPT(v, Factor(scope: scope, values: [Double](repeating: 1 / k, count: cpts[v].values.count)),
                            renormalizing: false)
        }
        return out
    }
}
