/// Errors of the factor algebra and the network model, in user words.
public enum FactorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The number of entries of a table over this scope does not fit in a machine integer.
    case sizeOverflow(Scope)
    /// A table over this scope would need more memory than the budget allows.
    case overBudget(Scope, bytes: Int, budget: Int)
    /// A value array whose length does not match the scope.
    case valueCount(Scope, expected: Int, got: Int)

    public var description: String { describe(names: nil) }

    /// The message with variable names instead of ids, when a name table is at hand.
    public func describe(names: [String]?) -> String {
        func scopeText(_ s: Scope) -> String {
            let parts = zip(s.variables, s.cardinalities).map { v, c -> String in
                let name = names.flatMap { v < $0.count ? $0[v] : nil } ?? "#\(v)"
                return "\(Quote.short(name)) (\(c) states)"
            }
            return parts.isEmpty ? "no variables" : parts.joined(separator: ", ")
        }
        switch self {
        case .sizeOverflow(let s):
            return "a table over \(scopeText(s)) has more entries than a 64-bit size can hold"
        case .overBudget(let s, let bytes, let budget):
            return "a table over \(scopeText(s)) needs \(MemoryBudget.format(bytes)), over the memory budget of \(MemoryBudget.format(budget)); raise the budget (CREDENCE_MEMORY_BUDGET) or simplify the model"
        case .valueCount(let s, let expected, let got):
            return "a table over \(scopeText(s)) needs \(expected) values, got \(got)"
        }
    }
}
