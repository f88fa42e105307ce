extension Dataset {
    /// The rows at `indices`, in that order (weights carried along).
    public func rows(_ indices: [Int]) -> Dataset {
        var out = Dataset(names: names, states: states,
                          columns: columns.map { col in indices.map { col[$0] } },
                          weights: weights.map { w in indices.map { w[$0] } })
        out.source = source.map { s in
            var t = s
            t.rowNumbers = indices.map(rowNumber)
            return t
        }
        return out
    }

    /// Row `i` as evidence over the given column-to-variable map: `result[v]` is the state of
    /// variable `v` in row `i`, or -1 when missing or when `v` has no column.
    public func row(_ i: Int, variableColumns: [Int?]) -> [Int32] {
        variableColumns.map { c in c.map { columns[$0][i] } ?? Dataset.missing }
    }
}
