/// The JSON form of a model edit: `{"edit": KIND, …}` with the fields of that kind, the same
/// edits as the REPL's commands (docs/repl.md):
///
/// | edit | fields | REPL |
/// | --- | --- | --- |
/// | `add-variable` | `name`, `states` | `add variable NAME {S1, S2}` |
/// | `add-decision` | `name`, `states`, `observes` | `add decision NAME {S1, S2} observes A, B` |
/// | `remove-variable` | `name` | `remove variable NAME` |
/// | `rename-variable` | `from`, `to` | `rename variable A B` |
/// | `add-state` / `remove-state` | `variable`, `state` | `add state VAR S` |
/// | `rename-state` | `variable`, `from`, `to` | `rename state VAR A B` |
/// | `add-arc` / `remove-arc` / `reverse-arc` | `from`, `to` | `add edge A -> B` |
/// | `set-cpt` | `variable`, `parentStates` (omit for the whole table), `probabilities` | `set cpt VAR (PS): P…` |
extension ModelEdit: Codable {
    enum CodingKeys: String, CodingKey { case edit, name, states, observes, from, to, variable, state, parentStates, probabilities }

    /// The kinds, as `edit` names them.
    static let kinds = ["add-variable", "add-decision", "remove-variable", "rename-variable", "add-state", "remove-state",
                               "rename-state", "add-arc", "remove-arc", "reverse-arc", "set-cpt"]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .edit)
        func s(_ k: CodingKeys) throws -> String { try c.decode(String.self, forKey: k) }
        switch kind {
        case "add-variable": self = .addVariable(name: try s(.name), states: try c.decode([String].self, forKey: .states))
        case "add-decision":
            self = .addDecision(name: try s(.name), states: try c.decode([String].self, forKey: .states),
                                observes: try c.decodeIfPresent([String].self, forKey: .observes) ?? [])
        case "remove-variable": self = .removeVariable(try s(.name))
        case "rename-variable": self = .renameVariable(from: try s(.from), to: try s(.to))
        case "add-state": self = .addState(variable: try s(.variable), state: try s(.state))
        case "remove-state": self = .removeState(variable: try s(.variable), state: try s(.state))
        case "rename-state": self = .renameState(variable: try s(.variable), from: try s(.from), to: try s(.to))
        case "add-arc": self = .addEdge(from: try s(.from), to: try s(.to))
        case "remove-arc": self = .removeEdge(from: try s(.from), to: try s(.to))
        case "reverse-arc": self = .reverseEdge(from: try s(.from), to: try s(.to))
        case "set-cpt":
            self = .setCPT(variable: try s(.variable), parentStates: try c.decodeIfPresent([String].self, forKey: .parentStates),
                           probabilities: try c.decode([Double].self, forKey: .probabilities))
        default:
            throw DecodingError.dataCorruptedError(forKey: .edit, in: c, debugDescription:
                "'\(kind)' is not an edit; the edits are \(Self.kinds.joined(separator: ", "))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .addVariable(let n, let st): try c.encode("add-variable", forKey: .edit); try c.encode(n, forKey: .name); try c.encode(st, forKey: .states)
        case .addDecision(let n, let st, let o):
            try c.encode("add-decision", forKey: .edit); try c.encode(n, forKey: .name); try c.encode(st, forKey: .states)
            try c.encode(o, forKey: .observes)
        case .removeVariable(let n): try c.encode("remove-variable", forKey: .edit); try c.encode(n, forKey: .name)
        case .renameVariable(let a, let b): try c.encode("rename-variable", forKey: .edit); try c.encode(a, forKey: .from); try c.encode(b, forKey: .to)
        case .addState(let v, let st): try c.encode("add-state", forKey: .edit); try c.encode(v, forKey: .variable); try c.encode(st, forKey: .state)
        case .removeState(let v, let st): try c.encode("remove-state", forKey: .edit); try c.encode(v, forKey: .variable); try c.encode(st, forKey: .state)
        case .renameState(let v, let a, let b):
            try c.encode("rename-state", forKey: .edit); try c.encode(v, forKey: .variable); try c.encode(a, forKey: .from); try c.encode(b, forKey: .to)
        case .addEdge(let a, let b): try c.encode("add-arc", forKey: .edit); try c.encode(a, forKey: .from); try c.encode(b, forKey: .to)
        case .removeEdge(let a, let b): try c.encode("remove-arc", forKey: .edit); try c.encode(a, forKey: .from); try c.encode(b, forKey: .to)
        case .reverseEdge(let a, let b): try c.encode("reverse-arc", forKey: .edit); try c.encode(a, forKey: .from); try c.encode(b, forKey: .to)
        case .setCPT(let v, let ps, let p):
            try c.encode("set-cpt", forKey: .edit); try c.encode(v, forKey: .variable)
            try c.encodeIfPresent(ps, forKey: .parentStates); try c.encode(p, forKey: .probabilities)
        }
    }
}
