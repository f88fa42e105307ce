import ArgumentParser
import Foundation
import Workbench

/// `credence convert IN OUT`: a model from one format to another, by extension.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a model between formats, chosen by extension.",
        discussion: """
        Reads .bn (Credence), .bif, .bif.gz, .xmlbif / .xml / .bifxml (XMLBIF 0.3 and pyAgrum's BIFXML), .net (Hugin), .uai (UAI BAYES) and .xdsl (GeNIe/SMILE); writes all of these and .dot / .gv (Graphviz, write only). Influence diagrams (decisions and utilities) convert between .bn, .bifxml/.xml/.xmlbif, .net and .xdsl; writing one to .bif, .uai or .dot is refused (it would lose the utilities). A warning on standard error says when another program would read the written file differently (a no-forgetting diagram in Hugin's .net, which Hugin reads as a LIMID).

        Example: credence convert ../shared/networks/alarm.bif alarm.xmlbif
        """
    )

    @Argument(help: "The model to read.") var input: String
    @Argument(help: "The file to write (atomically); its extension picks the format.") var output: String
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() throws {
        let (network, decisions) = try ModelIO.loadWithDecisions(path: input)
        for warning in try ModelIO.save(network, decisions: decisions, to: output) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        struct Report: Encodable { var input: String; var output: String; var variables: Int; var edges: Int; var parameters: Int }
        let r = Report(input: input, output: output, variables: network.count, edges: network.dag.edgeCount,
                       parameters: network.freeParameterCount)
        if json { try printJSON(r) } else {
            print("wrote \(output): \(r.variables) variables, \(r.edges) edges, \(r.parameters) free parameters")
        }
    }
}
