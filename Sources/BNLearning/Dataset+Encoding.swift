import BNCore

extension Dataset {
    /// The table's cells in the states of `network`'s variables, for predicting rows read
    /// without the model (the held-out rows of a cross-validation fold whose model learned
    /// its own bins), recoded by `StateRecoding`: a cell is matched by state name, a numeric
    /// cell of a variable with cut points falls in its interval, and a value the variable does not have (a
    /// category never seen in training) becomes a missing cell, to be summed out. Columns
    /// that name no variable are dropped; `unseen` counts the cells made missing. A derived
    /// variable without its own column is computed from its source columns first
    /// (`addingDerivedColumns(for:)`).
    public func encoded(for network: BayesianNetwork) throws(DerivationError) -> (data: Dataset, unseen: Int) {
        let table = try addingDerivedColumns(for: network)
        var names: [String] = [], states: [[String]] = [], columns: [[Int32]] = []
        var unseen = 0
        for v in network.variables {
            guard let j = table.column(named: v.name) else { continue }
            let (codes, lost) = StateRecoding(table.states[j], to: v).apply(to: table.columns[j])
            unseen += lost
            names.append(v.name); states.append(v.states); columns.append(codes)
        }
        var out = Dataset(names: names, states: states, columns: columns, weights: weights)
        out.source = source
        return (out, unseen)
    }
}
