/// A discrete random variable: a name, its named states, and optional human text.
public struct Variable: Hashable, Sendable {
    /// What a variable stands for in a decision model.
    public enum Role: String, Hashable, Sendable, CaseIterable {
        /// An ordinary chance variable.
        case chance
        /// Never observed in data (a hidden cause); EM estimates its CPT.
        case latent
        /// Set by the decision maker (an intervention target): `do(X = x)`.
        case decision
    }

    /// The identifier used in files and commands.
    public var name: String
    /// The states, in table order.
    public var states: [String]
    /// An optional display label (any UTF-8, e.g. 满意度).
    public var label: String?
    /// An optional longer description.
    public var description: String?
    public var role: Role

    public init(name: String, states: [String], label: String? = nil, description: String? = nil, role: Role = .chance) {
        self.name = name
        self.states = states
        self.label = label
        self.description = description
        self.role = role
    }

    /// Number of states.
    public var cardinality: Int { states.count }

    /// The index of a state by name.
    public func stateIndex(_ state: String) -> Int? { states.firstIndex(of: state) }
}
