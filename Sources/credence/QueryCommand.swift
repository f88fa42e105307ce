import ArgumentParser
import Foundation
import Workbench

/// `credence query`: posteriors of targets given evidence, likelihoods and interventions.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Posterior of one or more target variables.",
        discussion: """
        Prints each target's posterior as a bar chart, the joint when several targets are given, and P(evidence).

        With --mpe, prints the most probable explanation of the evidence; with --map, the most probable joint state of the targets.

        Example: credence query ../shared/networks/asia.bif lung bronc --evidence smoke=yes --do xray=yes
        credence query ../shared/networks/asia.bif --mpe --evidence dysp=yes
        """
    )

    @Argument(help: "The model file.")
    var model: String

    @Argument(help: "Target variables (with --mpe, none needed).")
    var targets: [String] = []

    @OptionGroup var findings: FindingOptions

    @Flag(help: "The most probable explanation: a state for every variable, with its probability.")
    var mpe = false

    @Flag(help: "The most probable joint state of the targets (MAP), the other variables summed out.")
    var map = false

    @Flag(help: "Print one JSON document on stdout.")
    var json = false

    func run() throws {
        let network = try ModelIO.load(path: model)
        let given = try findings.set()
        let request = QueryRequest(targets: targets, findings: given)
        let service = QueryService(network: network)
        if mpe || map {
            let r = try service.explain(request, mapOverTargets: map)
            if json { try printJSON(r); return }
            print(r.text(given: given.description(in: network)))
            return
        }
        let result = try service.answer(request)
        if json { try printJSON(result); return }
        print(result.text(given: given.description(in: network)))
    }
}
