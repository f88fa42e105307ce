/// A derived variable that cannot be computed from a table: a source column is absent, or
/// a source cell is no number. Readers turn it into their own located error (the CSV
/// reader's `file:row:column`).
public struct DerivationError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        /// The table has neither the variable's own column nor this source column.
        case missingColumn(String)
        /// Row `row` (0-based in the table) of source column `column` holds `text`.
        case notANumber(row: Int, column: String, text: String)
    }
    public var variable: String
    public var derivation: Derivation
    public var problem: Problem
    /// The file the table came from, when known.
    public var file: String?
    /// The 1-based data row (header not counted) of `notANumber`, as the file numbers it.
    public var rowNumber: Int?

    /// What is wrong, without the place (a reader that locates it adds its own).
    public var message: String {
        let what = "\(Quote.name(variable)) is derived as \(derivation.text)"
        switch problem {
        case .missingColumn(let c): return "the table has no column \(Quote.name(c)), and \(what)"
        case .notANumber(_, let c, let text): return "\(Quote.name(text)) in column \(Quote.name(c)) is not a number, and \(what)"
        }
    }

    /// What would be right.
    public var hint: String {
        switch problem {
        case .missingColumn(let c): return "add the column \(Quote.name(c)), or a column \(Quote.name(variable)) with the variable's own values"
        case .notANumber: return "write a decimal number, or leave the cell empty for a missing value"
        }
    }

    public var description: String {
        let place = [file, rowNumber.map { "data row \($0)" }].compactMap { $0 }.joined(separator: ", ")
        return (place.isEmpty ? "" : place + ": ") + message + "\n  hint: " + hint
    }
}

extension Dataset {
    /// The derived variables of `network` whose own column this table lacks: their indices.
    public func derivedVariables(of network: BayesianNetwork) -> [Int] {
        network.variables.indices.filter { network.variables[$0].derivation != nil && column(named: network.variables[$0].name) == nil }
    }

    /// The source columns that `derivedVariables(of:)` read, given a table's header: the
    /// columns a reader must keep (raw, uncut) though they name no variable.
    public static func derivationSources(of network: BayesianNetwork, header: [String]) -> Set<String> {
        let present = Set(header)
        var out = Set<String>()
        for v in network.variables where !present.contains(v.name) {
            if let d = v.derivation { out.formUnion(d.columns) }
        }
        return out
    }

    /// The values of `derivation` row by row, from this table's raw cells (each source
    /// column's states are the texts of its cells): NaN where a source cell is missing.
    /// A source column that is absent, or a cell that is not a decimal number
    /// (`decimalValue`), is a `DerivationError` (reported at the first row holding it).
    public func derivedValues(_ derivation: Derivation, variable: String) throws(DerivationError) -> [Double] {
        var sources: [(column: [Int32], values: [Double])] = []
        for name in derivation.columns {
            guard let j = column(named: name) else {
                throw DerivationError(variable: variable, derivation: derivation, problem: .missingColumn(name), file: source?.file)
            }
            let values = states[j].map { Dataset.decimalValue($0) ?? .nan }
            if let bad = columns[j].firstIndex(where: { $0 >= 0 && values[Int($0)].isNaN }) {
                throw DerivationError(variable: variable, derivation: derivation,
                                      problem: .notANumber(row: bad, column: name, text: states[j][Int(columns[j][bad])]),
                                      file: source?.file, rowNumber: rowNumber(bad))
            }
            sources.append((columns[j], values))
        }
        return (0..<rowCount).map { i in
            derivation.value { j in
                let code = sources[j].column[i]
                return code < 0 ? .nan : sources[j].values[Int(code)]
            }
        }
    }

    /// The columns of `derivedVariables(of:)`, computed from the raw source cells and cut
    /// by each variable's cut points, in the variable's states: a row with a missing source
    /// cell has a missing cell (summed out, or completed by EM, like any gap). This is the
    /// one place derived variables are computed; the CSV readers (whole and streamed), the
    /// in-memory tables of the C ABI and the held-out rows of a cross-validation call it
    /// on their raw cells before any column is cut.
    public func derivedColumns(for network: BayesianNetwork) throws(DerivationError) -> [(variable: Int, codes: [Int32])] {
        var out: [(variable: Int, codes: [Int32])] = []
        for v in derivedVariables(of: network) {
            let variable = network.variables[v]
            let z = try derivedValues(variable.derivation!, variable: variable.name)
            let codes = z.map { x -> Int32 in
                guard x.isFinite else { return Dataset.missing }
                if let cuts = variable.cutPoints { return Int32(Variable.interval(of: x, cutPoints: cuts)) }
                return variable.stateIndex(Dataset.valueText(x)).map(Int32.init) ?? Dataset.missing
            }
            out.append((v, codes))
        }
        return out
    }

    /// This table with the columns of its derived variables added (in the variables' states),
    /// and the source columns that name no variable of `network` dropped.
    public func addingDerivedColumns(for network: BayesianNetwork) throws(DerivationError) -> Dataset {
        let derived = try derivedColumns(for: network)
        guard !derived.isEmpty else { return self }
        var out = self
        for (v, codes) in derived {
            out.names.append(network.variables[v].name)
            out.states.append(network.variables[v].states)
            out.columns.append(codes)
        }
        let sourcesOnly = Set(derived.flatMap { network.variables[$0.variable].derivation!.columns }).filter { network.index(of: $0) == nil }
        for j in out.names.indices.reversed() where sourcesOnly.contains(out.names[j]) {
            out.names.remove(at: j); out.states.remove(at: j); out.columns.remove(at: j)
        }
        return out
    }
}
