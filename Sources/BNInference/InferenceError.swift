import BNCore

/// Errors of exact inference, in user words: variables and states are named.
public enum InferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The evidence has probability zero under the model (`P(e) = 0`); the list names the
    /// findings as `Variable=state` (soft findings as `Variable~[λ…]`, interventions as
    /// `do(Variable=state)`).
    case impossibleEvidence([String])
    /// The evidence of one dataset row has probability zero (`row` counts from 0; the
    /// message counts from 1, as a user does).
    case impossibleEvidenceInRow(row: Int, evidence: [String])
    /// The tables a query or junction tree holds at once (`bytes`) exceed
    /// `MemoryBudget.current`; `clique` and `entries` name the largest of them (`entries`
    /// is `Int.max` when its size does not even fit in a machine integer).
    case memoryBudgetExceeded(clique: [String], entries: Int, bytes: Int, budget: Int)
    /// A finding that does not fit the network (unknown variable, state out of range, bad
    /// likelihood vector).
    case invalidEvidence(String)
    /// A query that cannot be answered as asked (e.g. an empty or repeated target list).
    case invalidQuery(String)
    /// A model error raised while preparing the query.
    case model(ModelError)

    public var description: String {
        switch self {
        case .impossibleEvidence(let findings):
            return "the evidence \(findings.map(Quote.short).joined(separator: ", ")) has probability zero under this model"
        case .impossibleEvidenceInRow(let row, let findings):
            return "row \(row + 1): the evidence \(findings.map(Quote.short).joined(separator: ", ")) has probability zero under this model"
        case .memoryBudgetExceeded(let clique, let entries, let bytes, let budget):
            let over = clique.map(Quote.short).joined(separator: ", ")
            if entries == Int.max || bytes == Int.max {
                return "a table of this query, over \(over), has more entries than a 64-bit size can hold; add evidence or simplify the model"
            }
            let alone = entries.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
            let tables = !alone.overflow && alone.partialValue == bytes
                ? "its largest table, over \(over), has \(entries) entries"
                : "among them a table over \(over) of \(entries) entries (\(MemoryBudget.format(alone.partialValue)))"
            return "this query needs \(MemoryBudget.format(bytes)) of tables at once (\(tables)), over the memory budget of \(MemoryBudget.format(budget)); raise the budget (CREDENCE_MEMORY_BUDGET), add evidence, or simplify the model"
        case .invalidEvidence(let why): return "invalid evidence: \(why)"
        case .invalidQuery(let why): return "invalid query: \(why)"
        case .model(let e): return e.description
        }
    }
}
