/// Errors raised when a network or its evidence is not valid, in user words.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case duplicateVariable(String)
    /// A name that is no variable, with the nearest variable name when one is close.
    case unknownVariable(String, suggestion: String? = nil)
    case duplicateState(variable: String, state: String)
    case unknownState(variable: String, state: String, allowed: [String])
    case noStates(variable: String)
    /// Adding the edge would close this directed cycle (first = last).
    case cycle([String])
    /// Reversing `from → to` would close a cycle: `path` is another directed path from
    /// `from` to `to` (Shachter 1986 reverses an arc only when there is none).
    case reversalCycle(from: String, to: String, path: [String])
    case duplicateEdge(from: String, to: String)
    case missingEdge(from: String, to: String)
    case selfLoop(String)
    /// A CPT whose scope is not `parents + [child]`.
    case cptScope(variable: String, expected: [String], got: [String])
    /// A conditional distribution that does not sum to 1 (within the tolerance).
    case rowNotNormalized(variable: String, parentStates: [String], sum: Double)
    case negativeProbability(variable: String, parentStates: [String], value: Double)
    case invalidLikelihood(variable: String, reason: String)
    /// Cut points that do not fit the variable's states (count, order, finiteness).
    case invalidCutPoints(variable: String, reason: String)
    /// A derivation that cannot be computed (`Derivation.problem`).
    case invalidDerivation(variable: String, reason: String)
    case factor(FactorError)
    /// An influence diagram that does not fit together (decision order, utility tables).
    case invalidDiagram(String)

    public var description: String {
        switch self {
        case .duplicateVariable(let v): return "variable \(Quote.name(v)) is defined twice"
        case .unknownVariable(let v, let near): return "unknown variable \(Quote.name(v))" + (near.map { "; did you mean \(Quote.name($0))?" } ?? "")
        case .duplicateState(let v, let s): return "variable \(Quote.name(v)) lists state \(Quote.name(s)) twice"
        case .unknownState(let v, let s, let allowed):
            return "variable \(Quote.name(v)) has no state \(Quote.name(s)); its states are \(allowed.joined(separator: ", "))"
        case .noStates(let v): return "variable \(Quote.name(v)) needs at least one state"
        case .cycle(let path): return "this edge would create the cycle \(path.joined(separator: " -> "))"
        case .reversalCycle(let a, let b, let path):
            return "cannot reverse \(a) -> \(b): \(a) also reaches \(b) through \(path.joined(separator: " -> ")), so \(b) -> \(a) "
                + "would create a cycle; remove or reverse an edge on that path first"
        case .duplicateEdge(let a, let b): return "edge \(a) -> \(b) already exists"
        case .missingEdge(let a, let b): return "there is no edge \(a) -> \(b)"
        case .selfLoop(let v): return "a variable cannot be its own parent (\(Quote.name(v)))"
        case .cptScope(let v, let expected, let got):
            return "the table of \(Quote.name(v)) must be over \(expected.joined(separator: ", ")), got \(got.joined(separator: ", "))"
        case .rowNotNormalized(let v, let ps, let sum):
            let given = ps.isEmpty ? "" : " given \(ps.joined(separator: ", "))"
            return "P(\(v)\(given)) sums to \(sum), not 1"
        case .negativeProbability(let v, let ps, let value):
            let given = ps.isEmpty ? "" : " given \(ps.joined(separator: ", "))"
            return "P(\(v)\(given)) has a negative entry \(value)"
        case .invalidLikelihood(let v, let reason): return "likelihood evidence on \(Quote.name(v)): \(reason)"
        case .invalidCutPoints(_, let reason): return reason
        case .invalidDerivation(let v, let reason): return "the derivation of \(Quote.name(v)) is not valid: \(reason)"
        case .factor(let e): return e.description
        case .invalidDiagram(let why): return why
        }
    }
}
