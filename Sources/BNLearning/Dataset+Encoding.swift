import BNCore

extension Dataset {
    /// The table's cells in the states of `network`'s variables, for predicting rows read
    /// without the model (the held-out rows of a cross-validation fold whose model learned
    /// its own bins), recoded by `StateRecoding`: a cell is matched by state name, a numeric
    /// cell of a variable with cut points falls in its interval, and a value the variable does not have (a
    /// category never seen in training) becomes a missing cell, to be summed out. Columns
    /// that name no variable are dropped; `unseen` counts the cells made missing.
    public func encoded(for network: BayesianNetwork) -> (data: Dataset, unseen: Int) {
        var names: [String] = [], states: [[String]] = [], columns: [[Int32]] = []
        var unseen = 0
        for v in network.variables {
            guard let j = column(named: v.name) else { continue }
            let (codes, lost) = StateRecoding(self.states[j], to: v).apply(to: self.columns[j])
            unseen += lost
            names.append(v.name); states.append(v.states); columns.append(codes)
        }
        var out = Dataset(names: names, states: states, columns: columns, weights: weights)
        out.source = source
        return (out, unseen)
    }
}
