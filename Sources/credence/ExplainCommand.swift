import ArgumentParser
import BNCore
import Foundation
import Workbench

/// `credence explain`: why a target has its posterior (impact of each finding, parameter
/// sensitivity, value of information), as the REPL's `explain` command.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a target's posterior: each finding's impact, the CPT parameters it is most sensitive to, and the value of information of each unobserved variable.",
        discussion: """
        For P(TARGET=STATE | evidence) (STATE defaults to the target's most probable state), prints the impact of each finding (the posterior without it, the change, Good's weight of evidence in nats), the --top N CPT parameters with the largest |dP/dθ| when the rest of their row co-varies proportionally, and each unobserved variable's value of information (mutual information with the target, in bits). The target may not be observed or set by --do.

        With --json, one document: target, state, findings, probability, impacts [{variable, state (absent for soft evidence), finding, without, change, weightOfEvidence}], sensitivities [{variable, state, parentStates, value, derivative}], parametersExamined, parametersSkipped, entropy, information [{variable, bits}]; an infinite weight of evidence is the string "inf" or "-inf".

        Example: credence explain ../shared/networks/asia.bif lung=yes --evidence xray=yes --evidence smoke=yes --top 5
        """
    )

    @Argument(help: "The model file.")
    var model: String

    @Argument(help: "The target, TARGET or TARGET=STATE.")
    var target: String

    @OptionGroup var findings: FindingOptions

    @Option(help: "How many CPT parameters to list, most sensitive first.")
    var top = 10

    @Option(help: ArgumentHelp("Draw the tornado charts of the findings' impacts and the parameter sensitivities into this picture (.svg, .png or .pdf).", valueName: "FILE"))
    var plot: String?

    @Flag(help: "Print one JSON document on stdout.")
    var json = false

    func run() throws {
        let plotFormat = try plot.map(PictureFile.plotFormat)
        let (network, decisions) = try ModelIO.loadWithDecisions(path: model)
        let parts = target.split(separator: "=", maxSplits: 1).map(String.init)
        guard let name = parts.first, !name.isEmpty, parts.count == 1 || !parts[1].isEmpty else {
            throw ValidationError("the target '\(target)' should be TARGET or TARGET=STATE")
        }
        let given = try findings.set()
        var x = try Explainer(network: network).explain(target: name, state: parts.count == 2 ? parts[1] : nil, findings: given, top: top)
        try x.addDecisionValues(network, decisions, findings: given)
        var note: String?
        if let p = plot, let format = plotFormat {
            try PictureFile.write(svg: TornadoPlot(x).svg(), to: p, format: format)
            note = "wrote \(p): the findings' impacts and the parameter sensitivities of P(\(x.target)=\(x.state))"
            if json { FileHandle.standardError.write(Data((note! + "\n").utf8)) }
        }
        defer { if !json, let note { print(note) } }
        if json {
            print(try JSONDocument.encode(x, nonFinite: .signedStrings))
            return
        }
        print(x.rendered())
    }
}
