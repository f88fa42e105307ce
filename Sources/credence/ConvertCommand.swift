import ArgumentParser
import Workbench

/// `credence convert IN OUT`: a model from one format to another, by extension.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a model between formats (.bn, .bif, .bif.gz, .xmlbif/.xml, .net, .uai, .dot).",
        discussion: "Example: credence convert ../shared/networks/alarm.bif alarm.xmlbif"
    )

    @Argument(help: "The model to read.") var input: String
    @Argument(help: "The file to write (atomically); its extension picks the format.") var output: String
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() throws {
        let (network, decisions) = try ModelIO.loadWithDecisions(path: input)
        try ModelIO.save(network, decisions: decisions, to: output)
        struct Report: Encodable { var input: String; var output: String; var variables: Int; var edges: Int; var parameters: Int }
        let r = Report(input: input, output: output, variables: network.count, edges: network.dag.edgeCount,
                       parameters: network.freeParameterCount)
        if json { try printJSON(r) } else {
            print("wrote \(output): \(r.variables) variables, \(r.edges) edges, \(r.parameters) free parameters")
        }
    }
}
