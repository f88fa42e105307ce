import BNCore
import Foundation

/// A table handed over column by column from memory (a pandas DataFrame through the C ABI),
/// turned into a `Dataset` by the same rules as a CSV file: columns match variables by name
/// (others are ignored, with a note), cells match states by name (`StateRecoding`), a number
/// in a column of a variable with cut points falls in its interval, and the texts `""`,
/// `NA` and `?` are missing unless the variable has a state of that name.
///
/// A column is either categories (codes into a list of texts, `-1` missing: a pandas
/// `Categorical`, or any column factorised), numbers (`NaN` missing), or states (codes
/// already in the model's states, as `dataset(for:)` made them once: credence.spark encodes
/// its patterns so and reads the codes back each EM iteration). A number stands for the
/// text a CSV file would hold: an integral value its integer (`3.0` is `3`), any other
/// value its shortest decimal form.
///
/// A derived variable of the model (`Variable.derivation`) without its own column is
/// computed from its source columns (`Dataset.derivedColumns(for:)`), which are read raw
/// and need not be variables.
public struct DataTable: Sendable {
    /// One column's cells.
    public enum Cells: Sendable {
        /// `codes[i]` indexes `labels`, or is negative for a missing cell.
        case categories(codes: [Int32], labels: [String])
        /// `NaN` is a missing cell.
        case numbers([Double])
        /// `codes[i]` indexes the states of the variable of the same name, in the model's
        /// order, or is `-1` for a missing cell: only a table matched to a model reads it.
        case states([Int32])

        var count: Int {
            switch self {
            case .categories(let codes, _): return codes.count
            case .numbers(let values): return values.count
            case .states(let codes): return codes.count
            }
        }
    }

    private(set) var names: [String] = []
    private(set) var columns: [Cells] = []
    public let rowCount: Int
    /// Row weights (counts of identical rows, e.g. distinct patterns gathered by Spark), or
    /// nil for weight 1 each; both `dataset` forms carry them.
    public var weights: [Double]? = nil
    /// The texts read as missing when no state has that name (the CSV reader's defaults).
    static let missingTexts: Set<String> = ["", "NA", "?"]

    public init(rowCount: Int) { self.rowCount = rowCount }

    /// Adds a column; its length must be the table's row count and its name new.
    public mutating func append(_ name: String, _ cells: Cells) throws {
        guard cells.count == rowCount else {
            throw WorkbenchError.usage("column \(Quote.name(name)) has \(cells.count) cells; the table has \(rowCount) rows")
        }
        if case .categories(let codes, let labels) = cells, let bad = codes.first(where: { $0 >= labels.count }) {
            throw WorkbenchError.usage("column \(Quote.name(name)): code \(bad) has no label (\(labels.count) labels)")
        }
        guard !names.contains(name) else { throw WorkbenchError.usage("column \(Quote.name(name)) appears twice") }
        names.append(name)
        columns.append(cells)
    }

    /// The text a number stands for: `3` for 3.0, else Swift's shortest round-trip form.
    static func text(of x: Double) -> String {
        if x == x.rounded(), abs(x) < 9.0e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// Distinct non-missing numbers as texts in order of first appearance, and each cell's code.
    static func textCodes(_ values: [Double]) -> (codes: [Int32], labels: [String]) {
        var index: [Double: Int32] = [:]
        var labels: [String] = []
        var codes = [Int32](repeating: Dataset.missing, count: values.count)
        for (i, x) in values.enumerated() where !x.isNaN {
            let key = x == 0 ? 0 : x   // -0.0 and 0.0 are one value
            if let c = index[key] { codes[i] = c; continue }
            let c = Int32(labels.count)
            index[key] = c
            labels.append(text(of: x))
            codes[i] = c
        }
        return (codes, labels)
    }

    /// The table without a model (`learn`): every column kept, states in order of first
    /// appearance, missing texts as missing cells. A column of state codes has no texts
    /// without its model, so it is an error.
    public func dataset() throws -> Dataset {
        var states: [[String]] = [], cols: [[Int32]] = []
        for (name, cells) in zip(names, columns) {
            var (codes, labels): ([Int32], [String])
            switch cells {
            case .categories(let c, let l): (codes, labels) = (c, l)
            case .numbers(let v): (codes, labels) = Self.textCodes(v)
            case .states:
                throw WorkbenchError.usage("column \(Quote.name(name)) holds state codes, which only a model can read; give its values (categories or numbers) to learn")
            }
            // Missing texts and unused labels go; codes are renumbered in label order.
            var used = [Bool](repeating: false, count: labels.count)
            for c in codes where c >= 0 { used[Int(c)] = true }
            var map = [Int32](repeating: Dataset.missing, count: labels.count)
            var kept: [String] = []
            for (k, label) in labels.enumerated() where used[k] && !Self.missingTexts.contains(label) {
                map[k] = Int32(kept.count)
                kept.append(label)
            }
            for i in codes.indices where codes[i] >= 0 { codes[i] = map[Int(codes[i])] }
            states.append(kept)
            cols.append(codes)
        }
        return Dataset(names: names, states: states, columns: cols, weights: weights)
    }

    /// The table in the states of `network`'s variables, and notes (ignored columns, values
    /// read as missing). A value that is no state of its variable is an error naming the
    /// column, the value and its first row (1-based), or with `unseenAsMissing` a missing
    /// cell and a note, as `credence score` reads a CSV file.
    public func dataset(for network: BayesianNetwork, unseenAsMissing: Bool = false) throws -> (Dataset, [String]) {
        var outNames: [String] = [], outStates: [[String]] = [], outColumns: [[Int32]] = []
        var notes: [String] = []
        var problems: [String] = []
        let sources = Dataset.derivationSources(of: network, header: names)
        var derived: [(variable: Int, codes: [Int32])] = []
        if !sources.isEmpty {
            // The raw cells of the source columns, and the columns of derived variables the
            // table has (which are not computed); a column of state codes reads as its
            // variable's state names. The other columns are not read twice.
            var raw = DataTable(rowCount: rowCount)
            raw.weights = weights
            for (name, cells) in zip(names, columns)
            where sources.contains(name) || network.index(of: name).map({ network.variables[$0].derivation != nil }) == true {
                if case .states(let codes) = cells, let v = network.index(of: name) {
                    try raw.append(name, .categories(codes: codes, labels: network.variables[v].states))
                } else {
                    try raw.append(name, cells)
                }
            }
            let table = try raw.dataset()
            do { derived = try table.derivedColumns(for: network) } catch { throw WorkbenchError.usage(error.description) }
        }
        for (name, cells) in zip(names, columns) {
            guard let v = network.index(of: name) else {
                if sources.contains(name) { continue }
                let near = network.variables.first { $0.name.lowercased() == name.lowercased() }
                notes.append("column \(Quote.name(name)) is not a variable of the model; it is ignored"
                             + (near.map { " (did you mean '\($0.name)'? names are case-sensitive)" } ?? ""))
                continue
            }
            let variable = network.variables[v]
            var column: [Int32]
            var labels: [String]
            switch cells {
            case .numbers(let values) where variable.cutPoints != nil:
                outNames.append(name); outStates.append(variable.states)
                outColumns.append(values.map { x in variable.state(forValue: x).map(Int32.init) ?? Dataset.missing })
                continue
            case .numbers(let values): (column, labels) = Self.textCodes(values)
            case .categories(let codes, let l): (column, labels) = (codes, l)
            case .states(let codes):
                try Self.check(codes, of: variable)
                outNames.append(name); outStates.append(variable.states); outColumns.append(codes)
                continue
            }
            var recoding = StateRecoding(labels, to: variable).codes
            var unknown: [Int] = []
            for k in recoding.indices where recoding[k] < 0 && !Self.missingTexts.contains(labels[k]) { unknown.append(k) }
            if !unknown.isEmpty {
                // Only values that occur count; report each with its first row and count.
                var first = [Int: Int](), count = [Int: Int]()
                let bad = Set(unknown)
                for (i, c) in column.enumerated() where c >= 0 && bad.contains(Int(c)) {
                    if first[Int(c)] == nil { first[Int(c)] = i }
                    count[Int(c), default: 0] += 1
                }
                for k in unknown.filter({ first[$0] != nil }).sorted(by: { first[$0]! < first[$1]! }) {
                    let times = count[k]! > 1 ? "; it appears \(count[k]!) times in this column" : ""
                    let what = variable.cutPoints == nil
                        ? "\(Quote.name(labels[k])) is not a state of \(Quote.name(name)) (row \(first[k]! + 1))"
                        : "\(Quote.name(labels[k])) in column \(Quote.name(name)) is neither a number nor a state of \(Quote.name(name)) (row \(first[k]! + 1))"
                    if unseenAsMissing {
                        notes.append(what + "; read as missing and summed out")
                    } else {
                        problems.append(what + times + "\n  hint: its states are \(variable.states.map { Quote.name($0) }.joined(separator: ", "))")
                    }
                }
                for k in unknown { recoding[k] = Dataset.missing }
            }
            for i in column.indices where column[i] >= 0 { column[i] = recoding[Int(column[i])] }
            outNames.append(name); outStates.append(variable.states); outColumns.append(column)
        }
        if !problems.isEmpty { throw WorkbenchError.usage(problems.joined(separator: "\n")) }
        for (v, codes) in derived {
            outNames.append(network.variables[v].name); outStates.append(network.variables[v].states); outColumns.append(codes)
        }
        return (Dataset(names: outNames, states: outStates, columns: outColumns, weights: weights), notes)
    }

    /// Refuses a column of state codes with a code that is not `-1` (missing) nor an index
    /// of one of `variable`'s states, naming the column, the code and its first row.
    static func check(_ codes: [Int32], of variable: Variable) throws {
        let n = Int32(variable.states.count)
        guard let i = codes.firstIndex(where: { $0 < -1 || $0 >= n }) else { return }
        throw WorkbenchError.usage("column \(Quote.name(variable.name)): state code \(codes[i]) (row \(i + 1)) is not a state of \(Quote.name(variable.name)), which has \(n) states (codes 0 to \(n - 1), -1 missing)")
    }
}
