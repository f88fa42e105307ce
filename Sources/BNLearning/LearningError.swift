import BNCore

/// Errors of parameter and structure learning, in user words.
public enum LearningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A network variable has no column in the data (and is not latent).
    case missingColumn(variable: String)
    /// A data column's states differ from the variable's states.
    case stateMismatch(variable: String, modelStates: [String], dataStates: [String])
    /// A parent configuration never seen in the data, under the `.error` policy.
    case unseenParentConfiguration(variable: String, parentStates: [String])
    /// An option out of range.
    case invalidOption(String)
    case model(ModelError)

    public var description: String {
        switch self {
        case .missingColumn(let v):
            return "the data has no column \(Quote.name(v)); add it, or mark the variable latent so EM can estimate it"
        case .stateMismatch(let v, let m, let d):
            return "column \(Quote.name(v)) has states \(d.joined(separator: ", ")) but the model's are \(m.joined(separator: ", "))"
        case .unseenParentConfiguration(let v, let ps):
            return "no row of the data has \(ps.joined(separator: ", ")), so P(\(v) | …) for it cannot be estimated; use a prior (--prior) or the uniform policy"
        case .invalidOption(let text): return text
        case .model(let e): return e.description
        }
    }
}
