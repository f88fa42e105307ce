/// A utility (value) node of an influence diagram: a real-valued table `u(x_pa)` over the
/// states of its parents (chance or decision variables of the diagram's network), row-major
/// with the last parent fastest. Utilities have no children; the diagram's total utility is
/// the sum of its utility nodes (Howard & Matheson 1984; Tatman & Shachter 1990).
public struct UtilityNode: Hashable, Sendable {
    /// The node's name (unique among the diagram's variables and utilities).
    public var name: String
    /// Optional display label.
    public var label: String?
    /// Parent variable indices in the diagram's network, in table order.
    public var parents: [Int]
    /// `values[row]`, one per configuration of the parents (last parent fastest).
    public var values: [Double]

    /// A utility node; `values.count` must be the product of the parents' cardinalities.
    public init(name: String, label: String? = nil, parents: [Int], values: [Double]) {
        self.name = name
        self.label = label
        self.parents = parents
        self.values = values
    }
}

/// An influence diagram (Howard & Matheson 1984) or a LIMID (Lauritzen & Nilsson 2001): a
/// Bayesian network whose variables marked `.decision` are chosen by the decision maker,
/// plus utility nodes.
///
/// - A decision `D`'s parents in `network` are the information available when `D` is
///   chosen (its CPT in `network`, if any, is ignored by the solver: it is the historical
///   policy of the data, not the decision rule).
/// - `decisionOrder` is the temporal order of the decisions. With `noForgetting` (the
///   classical influence diagram) each decision also remembers every earlier decision and
///   everything observed before it; without it (a LIMID) a decision sees only its parents.
/// - The expected utility of a strategy `Δ = (δ_D)` is
///   `EU(Δ) = Σ_x ∏_{chance v} P(x_v | x_pa(v)) ∏_D δ_D(x_D | x_pa(D)) Σ_U u_U(x_pa(U))`.
public struct InfluenceDiagram: Equatable, Sendable {
    /// Chance and decision variables, the arcs into chance nodes (probabilistic) and into
    /// decisions (informational).
    public var network: BayesianNetwork
    /// The utility nodes; their sum is the utility of an outcome.
    public var utilities: [UtilityNode]
    /// The decisions' temporal order (indices into `network`); every decision appears once.
    public var decisionOrder: [Int]
    /// Whether a decision remembers all earlier decisions and their information (an
    /// influence diagram) or only its own parents (a LIMID).
    public var noForgetting: Bool

    /// A diagram; an empty `decisionOrder` means the decisions in a topological order of
    /// `network` (ties by declaration). Checks that every decision appears once in the
    /// order, that the order agrees with the arcs, and each utility's table size.
    public init(network: BayesianNetwork, utilities: [UtilityNode], decisionOrder: [Int] = [],
                noForgetting: Bool = true) throws(ModelError) {
        self.network = network
        self.utilities = utilities
        self.noForgetting = noForgetting
        let decisions = (0..<network.count).filter { network.variables[$0].role == .decision }
        var seenNames = Set(network.names)
        for u in utilities {
            guard seenNames.insert(u.name).inserted else { throw .duplicateVariable(u.name) }
            var rows = 1
            for p in u.parents {
                guard p >= 0 && p < network.count else { throw .invalidDiagram("utility \(Quote.name(u.name)) has a parent #\(p) that is not a variable") }
                rows *= network.variables[p].cardinality
            }
            guard rows == u.values.count else {
                throw .invalidDiagram("utility \(Quote.name(u.name)) needs \(rows) values (one per parent configuration), got \(u.values.count)")
            }
            for x in u.values where !x.isFinite {
                throw .invalidDiagram("utility \(Quote.name(u.name)) has a value that is not a finite number")
            }
        }
        let topo = network.dag.topologicalOrder()
        let rank = Dictionary(uniqueKeysWithValues: topo.enumerated().map { ($1, $0) })
        if decisionOrder.isEmpty {
            self.decisionOrder = decisions.sorted { rank[$0]! < rank[$1]! }
        } else {
            for d in decisionOrder where network.variables[d].role != .decision {
                throw .invalidDiagram("\(Quote.name(network.variables[d].name)) is in the decision order but is not a decision")
            }
            guard Set(decisionOrder) == Set(decisions), decisionOrder.count == decisions.count else {
                throw .invalidDiagram("the decision order must list every decision once: " +
                                      decisions.map { network.variables[$0].name }.joined(separator: ", "))
            }
            // A later decision must not be an ancestor of an earlier one.
            for (i, d) in decisionOrder.enumerated() {
                for later in decisionOrder[(i + 1)...] where network.dag.path(from: later, to: d) != nil {
                    throw .invalidDiagram("decision \(Quote.name(network.variables[later].name)) comes after \(Quote.name(network.variables[d].name)) in the order, but the arcs lead from it to \(Quote.name(network.variables[d].name))")
                }
            }
            self.decisionOrder = decisionOrder
        }
    }

    /// The decision variables in temporal order.
    public var decisions: [Int] { decisionOrder }

    /// The information set of `d`: its parents, and under no-forgetting also every earlier
    /// decision and its parents (in the order: earlier information first).
    public func informationSet(of d: Int) -> [Int] {
        var out: [Int] = []
        var seen = Set<Int>()
        func add(_ v: Int) { if seen.insert(v).inserted { out.append(v) } }
        if noForgetting, let at = decisionOrder.firstIndex(of: d) {
            for earlier in decisionOrder[..<at] {
                for p in network.parents(of: earlier) { add(p) }
                add(earlier)
            }
        }
        for p in network.parents(of: d) { add(p) }
        return out
    }
}
