import BNCore

/// A parsed `.bn` file: the network and, optionally, a reproducible question about it
/// (the `evidence`, `do` and `query` blocks), kept by name and in file order so the CLI
/// can run it and the printer can write it back.
///
/// ```
/// evidence { Warranty = expired, Complaint ~ [0.8, 0.2] }
/// do { Incentive = voucher_500 }
/// query { Returned }
/// ```
public struct BNDocument: Equatable, Sendable {
    /// One finding of an `evidence` block.
    public enum Finding: Hashable, Sendable {
        /// Hard evidence `X = s`: the joint is multiplied by the indicator `1[X = s]`.
        case state(variable: String, state: String)
        /// Soft (likelihood, virtual) evidence `X ~ [λ₁, …, λₖ]`: the joint is multiplied by
        /// `λ(X)` (Pearl 1988), one non-negative weight per state, not all zero.
        case likelihood(variable: String, weights: [Double])

        /// The variable the finding is about.
        public var variable: String {
            switch self {
            case .state(let v, _), .likelihood(let v, _): return v
            }
        }
    }

    /// One intervention `do(X = s)` of a `do` block: X's incoming edges are cut and X is fixed.
    public struct Intervention: Hashable, Sendable {
        /// The variable set by the intervention.
        public var variable: String
        /// The state it is fixed to.
        public var state: String

        /// `do(variable = state)`.
        public init(variable: String, state: String) {
            self.variable = variable
            self.state = state
        }
    }

    /// The network.
    public var network: BayesianNetwork
    /// The utility nodes of an influence diagram (`utility` statements), in file order.
    public var utilities: [UtilityNode] = []
    /// The decisions' temporal order (`order { … }`) by name; empty: a topological order.
    public var decisionOrder: [String] = []
    /// `limid`: each decision remembers only its parents (no no-forgetting).
    public var limited: Bool = false
    /// The findings of the `evidence` blocks, in file order.
    public var evidence: [Finding]
    /// The interventions of the `do` blocks, in file order.
    public var interventions: [Intervention]
    /// The variables of the `query` blocks, in file order.
    public var query: [String]

    /// A document: a network and, optionally, the question to ask it.
    public init(network: BayesianNetwork, evidence: [Finding] = [], interventions: [Intervention] = [], query: [String] = []) {
        self.network = network
        self.evidence = evidence
        self.interventions = interventions
        self.query = query
    }

    /// Whether the file describes a decision problem (has utilities).
    public var isInfluenceDiagram: Bool { !utilities.isEmpty }

    /// The influence diagram of the document: the network, its utilities, the decision
    /// order and the memory assumption (checked again, since the document may have been
    /// edited since it was parsed).
    public func influenceDiagram() throws(ModelError) -> InfluenceDiagram {
        var order: [Int] = []
        for name in decisionOrder { order.append(try network.require(name)) }
        return try InfluenceDiagram(network: network, utilities: utilities, decisionOrder: order, noForgetting: !limited)
    }

    /// Whether the file asks a question (has evidence, interventions or query variables).
    public var hasQuestion: Bool { !evidence.isEmpty || !interventions.isEmpty || !query.isEmpty }

    /// The evidence and interventions as a `BNCore.Evidence` over `network`'s variable
    /// indices (checked again, since the document may have been edited since it was parsed).
    public func resolvedEvidence() throws(ModelError) -> Evidence {
        var hard: [String: String] = [:], soft: [String: [Double]] = [:], done: [String: String] = [:]
        for f in evidence {
            switch f {
            case .state(let v, let s): hard[v] = s
            case .likelihood(let v, let w): soft[v] = w
            }
        }
        for i in interventions { done[i.variable] = i.state }
        return try Evidence(in: network, hard: hard, soft: soft, interventions: done)
    }

    /// The indices of the query variables in `network`.
    public func queryIndices() throws(ModelError) -> [Int] {
        var out: [Int] = []
        for name in query { out.append(try network.require(name)) }
        return out
    }
}
