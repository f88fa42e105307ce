import BNCore
import BNFormats

/// What an operation needs of a table bound to a model, checked before the operation runs, so
/// that a table that binds to too little is an error that says which columns failed to bind and
/// what they were probably meant to be, never a fit "on 0 rows" or a score of nothing.
///
/// One rule for every operation: the table must have data rows, no ignored column may look
/// like a variable that has no column (the same name up to case, spaces, `_`, `-`, `.`), and
/// the operation's own variables must be bound:
/// - `everyVariable` (MLE and Bayesian fits): every variable of the model;
/// - `someVariable` (EM): at least one variable; the others are estimated as latent;
/// - `findings(target:)` (score): at least one variable other than the target;
/// - `targetAndFindings(target:)` (evaluate): the target and one other variable.
enum DataRequirement: Sendable, Equatable {
    case everyVariable
    case someVariable
    case findings(target: String)
    case targetAndFindings(target: String)
}

extension DataRequirement {
    /// Throws when `data` has no rows: no command succeeds on an empty table.
    static func requireRows(_ data: Dataset, operation: String) throws {
        guard data.rowCount == 0 else { return }
        throw WorkbenchError.usage("\(data.source?.file ?? "the data") has no data rows (only a header), so there is nothing to \(operation)")
    }

    /// Throws `WorkbenchError.usage` when `data` (bound to `network`) does not meet the
    /// requirement of `operation` (a name for messages: `fit (mle)`, `score`).
    func check(_ data: Dataset, against network: BayesianNetwork, operation: String) throws {
        let file = data.source?.file ?? "the data"
        let unbound = network.variables.filter { data.column(named: $0.name) == nil }.map(\.name)
        let ignored = data.source?.ignoredColumns ?? []
        // Ignored columns that look like a variable without a column.
        let meant = ignored.compactMap { c in
            CSVReader.nearMatch(c.name, in: network).flatMap { unbound.contains($0) ? (c, $0) : nil }
        }
        func columnsText() -> String {
            guard !ignored.isEmpty else { return "" }
            let items = ignored.prefix(12).map { c -> String in
                let guess = meant.first { $0.0 == c }.map { ", did you mean \(Quote.name($0.1))?" } ?? ""
                return c.name.isEmpty ? "column \(c.column) (no name)" : "\(Quote.name(c.name)) (column \(c.column)\(guess))"
            }
            return "\n  columns that name no variable: " + items.joined(separator: ", ")
                + (ignored.count > 12 ? ", and \(ignored.count - 12) more" : "")
        }
        func fail(_ what: String, hint: String) throws -> Never {
            let missing = unbound.isEmpty ? "" : "\n  variables with no column: " + unbound.prefix(12).map(Quote.short).joined(separator: ", ")
                + (unbound.count > 12 ? ", and \(unbound.count - 12) more" : "")
            throw WorkbenchError.usage("\(what)\(missing)\(columnsText())\n  hint: \(hint)")
        }
        let bound = network.count - unbound.count
        if bound == 0 {
            try fail("\(file): no column names a variable of the model, so there is nothing to \(operation)",
                     hint: meant.isEmpty ? "name the columns after the model's variables" : "rename the columns (names are case-sensitive)")
        }
        if !meant.isEmpty {
            try fail("\(file): \(meant.count == 1 ? "a column seems" : "\(meant.count) columns seem") to be meant for a variable but \(meant.count == 1 ? "does" : "do") not match its name",
                     hint: "rename the column\(meant.count == 1 ? "" : "s") to the variable's name (names are case-sensitive)")
        }
        try Self.requireRows(data, operation: operation)
        switch self {
        case .someVariable:
            break
        case .everyVariable:
            if !unbound.isEmpty {
                try fail("\(file): \(operation) needs a column for every variable",
                         hint: "add the columns, or use --method em to estimate variables that have no column as latent")
            }
        case .findings(let target), .targetAndFindings(let target):
            if case .targetAndFindings = self, data.column(named: target) == nil {
                try fail("\(file) has no column for the target '\(target)', so \(operation) has nothing to compare its predictions with",
                         hint: "add a column named '\(target)' holding the true states")
            }
            if !network.variables.contains(where: { $0.name != target && data.column(named: $0.name) != nil }) {
                try fail("\(file) has no column for a variable other than '\(target)', so \(operation) has no findings to predict from",
                         hint: "name the columns after the model's variables")
            }
        }
    }
}
