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
        print(s.text(orders: true, listVariables: variables))
    }
}
