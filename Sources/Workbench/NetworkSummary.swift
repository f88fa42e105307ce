import BNCore
import BNInference

/// What `credence info` (and the REPL's `show`) says about a network: its size, and the
/// cost of exact inference under each elimination heuristic.
public struct NetworkSummary: Codable, Sendable {
    public struct Variable: Codable, Sendable {
        public var name: String
        public var label: String?
        public var role: String
        public var states: [String]
        public var parents: [String]
    }
    public struct Order: Codable, Sendable {
        public var heuristic: String
        public var inducedWidth: Int
        public var largestClique: [String]
        public var largestCliqueEntries: Int
        public var totalCliqueEntries: Int
    }

    public var name: String
    public var variableCount: Int
    public var edgeCount: Int
    public var freeParameters: Int
    public var cptEntries: Int
    public var variables: [Variable]
    public var orders: [Order]

    public init(_ network: BayesianNetwork) {
        name = network.name
        variableCount = network.count
        edgeCount = network.dag.edgeCount
        freeParameters = network.freeParameterCount
        cptEntries = network.cpts.reduce(0) { $0 + $1.values.count }
        variables = (0..<network.count).map { v in
            let x = network.variables[v]
            return Variable(name: x.name, label: x.label, role: x.role.rawValue, states: x.states,
                            parents: network.parents(of: v).map { network.variables[$0].name })
        }
        orders = EliminationHeuristic.allCases.map { h in
            let r = EliminationOrdering.report(for: network, heuristic: h)
            return Order(heuristic: h.rawValue, inducedWidth: r.inducedWidth, largestClique: r.largestCliqueNames,
                         largestCliqueEntries: r.largestCliqueEntries, totalCliqueEntries: r.totalCliqueEntries)
        }
    }
}
