/// How one data column's texts map to a variable's states: the one recoding of a dataset
/// against a model (the learners' binding, held-out rows of a cross-validation, batched
/// posteriors and the CSV reader all go through it).
///
/// A text is the state of that name; for a variable with cut points, a text that is no
/// state name but a decimal number is the interval holding it. A text that is neither maps
/// to `Dataset.missing`, and the caller decides: an error, or a cell to sum out.
public struct StateRecoding: Equatable, Sendable {
    /// `codes[k]`: the state of the column's `k`-th text, or `Dataset.missing`.
    public let codes: [Int32]

    /// Maps `texts` (a column's states, in code order) to the states of `variable`.
    public init(_ texts: [String], to variable: Variable) {
        codes = texts.map { variable.state(forText: $0).map(Int32.init) ?? Dataset.missing }
    }

    /// The indices of the texts that name no state of the variable.
    public var unmatched: [Int] { codes.indices.filter { codes[$0] < 0 } }

    /// Whether every code stays as it is (the column's states are the variable's first ones,
    /// in order).
    public var isIdentity: Bool { codes.enumerated().allSatisfy { Int32($0.offset) == $0.element } }

    /// `column`'s cells in the variable's states (the column itself when nothing changes),
    /// and how many observed cells became missing.
    public func apply(to column: [Int32]) -> (codes: [Int32], madeMissing: Int) {
        if isIdentity { return (column, 0) }
        var out = column
        var lost = 0
        for i in out.indices where out[i] >= 0 {
            let c = codes[Int(out[i])]
            if c < 0 { lost += 1 }
            out[i] = c
        }
        return (out, lost)
    }
}

extension Variable {
    /// The state a data cell's text stands for: the state of that name, or, for a variable
    /// with cut points, the interval of the decimal number the text spells; nil when neither.
    public func state(forText text: String) -> Int? {
        if let s = stateIndex(text) { return s }
        guard cutPoints != nil, let x = Dataset.decimalValue(text) else { return nil }
        return state(forValue: x)
    }
}

extension Dataset {
    /// A cell's text as a finite decimal number (`-1.5e-3`, `.5`, `7`), or nil: no `inf`,
    /// `nan`, hex or surrounding spaces.
    public static func decimalValue(_ text: String) -> Double? {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
              !text.contains(where: { $0 == "x" || $0 == "X" }),
              let x = Double(text), x.isFinite else { return nil }
        return x
    }

    /// A number as its shortest text that reads back to it: `3` for 3.0, else Swift's
    /// shortest round-trip form (`0.1`, `1e-05`). What interval names, derived values,
    /// cut points in messages and exported identifiers write.
    public static func valueText(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}
