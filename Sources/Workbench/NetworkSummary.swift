import BNCore
import BNInference

/// What `credence info` (and the REPL's `show`) says about a network: its size, and the
/// cost of exact inference under each elimination heuristic.
public struct NetworkSummary: Codable, Sendable {
    struct Variable: Codable, Sendable {
        var name: String
        var label: String?
        var role: String
        var states: [String]
        var parents: [String]
    }
    struct Order: Codable, Sendable {
        var heuristic: String
        var inducedWidth: Int
        var largestClique: [String]
        var largestCliqueEntries: Int
        var totalCliqueEntries: Int
    }

    var name: String
    var variableCount: Int
    var edgeCount: Int
    var freeParameters: Int
    var cptEntries: Int
    var variables: [Variable]
    var orders: [Order]

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

// MARK: text

extension NetworkSummary {
    /// The summary as the REPL's `show summary` and `credence info` print it: sizes, the best
    /// elimination order's width, `unsaved changes` when `unsaved`, every elimination
    /// heuristic's costs when `orders`, and the variables with their states and parents
    /// when `listVariables`.
    public func text(unsaved: Bool = false, orders showOrders: Bool = false, listVariables: Bool = true) -> String {
        var lines = ["network \(name): \(plural(variableCount, "variable")), \(plural(edgeCount, "edge")), \(plural(freeParameters, "free parameter")), \(plural(cptEntries, "table entry", "table entries"))"]
        if let best = orders.min(by: { ($0.inducedWidth, $0.totalCliqueEntries) < ($1.inducedWidth, $1.totalCliqueEntries) }), variableCount > 0 {
            lines.append("induced width \(best.inducedWidth) (\(best.heuristic)), largest clique \(best.largestCliqueEntries) entries")
        }
        if unsaved { lines.append("unsaved changes") }
        if listVariables && !variables.isEmpty {
            let rows = [["variable", "states", "parents", "role"]] + variables.map {
                [$0.name + ($0.label.map { " \"\($0)\"" } ?? ""), $0.states.joined(separator: ", "), $0.parents.joined(separator: ", "),
                 $0.role == "chance" ? "" : $0.role]
            }
            lines.append(TextTable.render(rows, leftAligned: 4, indent: "  "))
        }
        if showOrders {
            let rows = [["elimination heuristic", "induced width", "largest clique", "entries", "total clique entries"]] + orders.map {
                [$0.heuristic, String($0.inducedWidth), $0.largestClique.joined(separator: ", "), String($0.largestCliqueEntries), String($0.totalCliqueEntries)]
            }
            lines.append(TextTable.render(rows, leftAligned: 1, indent: "  "))
        }
        return lines.joined(separator: "\n")
    }
}
