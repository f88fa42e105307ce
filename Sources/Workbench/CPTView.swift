import BNCore
import Foundation

/// One variable's conditional probability table by names, row by row: what the REPL's
/// `show cpt VAR` prints as a table and what the web workbench's CPT editor shows. Row `r`
/// is the parent configuration of `BayesianNetwork.parentStates(of:row:)` (the last parent
/// varies fastest), and `probabilities[r]` is `P(variable | that configuration)`.
public struct CPTView: Codable, Sendable, Equatable {
    struct Parent: Codable, Sendable, Equatable {
        var name: String
        var states: [String]
    }
    struct Row: Codable, Sendable, Equatable {
        /// One state per parent, in parent order (empty for a root).
        var parentStates: [String]
        var probabilities: [Double]
    }
    var variable: String
    var states: [String]
    var parents: [Parent]
    var rows: [Row]

    /// The table of the variable called `name`; an unknown name is an error naming it.
    public init(_ network: BayesianNetwork, variable name: String) throws {
        let v = try network.require(name)
        let x = network.variables[v], k = x.cardinality
        let values = network.cpts[v].values
        variable = x.name
        states = x.states
        parents = network.parents(of: v).map { Parent(name: network.variables[$0].name, states: network.variables[$0].states) }
        rows = (0..<(values.count / k)).map { r in
            Row(parentStates: network.stateNames(of: network.parents(of: v), row: r),
                probabilities: Array(values[(r * k)..<((r + 1) * k)]))
        }
    }

    /// The table as the REPL's `show cpt VAR` prints it: `P(X | A, B)`, then one row per
    /// parent configuration (a root: its states over its probabilities).
    var text: String {
        let names = parents.map(\.name).joined(separator: ", ")
        func numbers(_ p: [Double]) -> [String] { p.map { String(format: "%.4f", $0) } }
        if parents.isEmpty {
            return "P(\(variable))\n" + TextTable.render([states, numbers(rows[0].probabilities)], leftAligned: 0, indent: "  ")
        }
        let table = [[names] + states] + rows.map { [$0.parentStates.joined(separator: ", ")] + numbers($0.probabilities) }
        return "P(\(variable) | \(names))\n" + TextTable.render(table, leftAligned: 1, separatorAfter: 0, indent: "  ")
    }
}

extension BayesianNetwork {
    /// The states of `vars` in configuration `row` of their row-major product (the last
    /// variable fastest: the order of CPT rows, joint tables and policy rows).
    func stateNames(of vars: [Int], row: Int) -> [String] {
        var rest = row
        return vars.reversed().map { v in
            defer { rest /= variables[v].cardinality }
            return variables[v].states[rest % variables[v].cardinality]
        }.reversed()
    }
}
