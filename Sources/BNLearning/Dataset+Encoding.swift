import BNCore

extension Dataset {
    /// The table's cells in the states of `network`'s variables, for predicting rows read
    /// without the model (the held-out rows of a cross-validation fold whose model learned
    /// its own bins): a numeric cell of a variable with cut points falls in its interval, any
    /// other cell is matched by state name, and a value the variable does not have (a
    /// category never seen in training) becomes a missing cell, to be summed out. Columns
    /// that name no variable are dropped; `unseen` counts the cells made missing.
    public func encoded(for network: BayesianNetwork) -> (data: Dataset, unseen: Int) {
        var names: [String] = [], states: [[String]] = [], columns: [[Int32]] = []
        var unseen = 0
        for v in network.variables {
            guard let j = column(named: v.name) else { continue }
            let map: [Int32] = self.states[j].map { s in
                if v.cutPoints != nil, let x = DatasetDiscretization.number(s), let k = v.state(forValue: x) { return Int32(k) }
                return v.stateIndex(s).map(Int32.init) ?? Dataset.missing
            }
            let identity = map.count == v.cardinality && map.enumerated().allSatisfy { Int32($0.offset) == $0.element }
            var codes = self.columns[j]
            if !identity {
                for i in codes.indices where codes[i] >= 0 {
                    let c = map[Int(codes[i])]
                    if c < 0 { unseen += 1 }
                    codes[i] = c
                }
            }
            names.append(v.name); states.append(v.states); columns.append(codes)
        }
        var out = Dataset(names: names, states: states, columns: columns, weights: weights)
        out.source = source
        return (out, unseen)
    }
}
