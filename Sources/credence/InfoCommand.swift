import ArgumentParser
import Workbench

/// `credence info MODEL`: the network's variables and the cost of exact inference.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarise a network: variables, parents, parameters, and induced width and clique sizes per elimination heuristic.",
        discussion: "Example: credence info ../shared/networks/munin1.bif"
    )

    @Argument(help: "The model.") var model: String
    @Flag(help: "List every variable with its states and parents.") var variables = false
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() throws {
        let s = NetworkSummary(try ModelIO.load(path: model))
        if json { try printJSON(s); return }
        print("network \(s.name): \(s.variableCount) variables, \(s.edgeCount) edges, \(s.freeParameters) free parameters, \(s.cptEntries) CPT entries")
        if variables {
            for v in s.variables {
                let label = v.label.map { " \"\($0)\"" } ?? ""
                let role = v.role == "chance" ? "" : " [\(v.role)]"
                let parents = v.parents.isEmpty ? "" : " | " + v.parents.joined(separator: ", ")
                print("  \(v.name)\(label)\(role) { \(v.states.joined(separator: ", ")) }\(parents)")
            }
        }
        print("")
        print("| elimination heuristic | induced width | largest clique (entries) | total clique entries |")
        print("|---|---:|---|---:|")
        for o in s.orders {
            print("| \(o.heuristic) | \(o.inducedWidth) | \(o.largestClique.joined(separator: ", ")) (\(o.largestCliqueEntries)) | \(o.totalCliqueEntries) |")
        }
    }
}
