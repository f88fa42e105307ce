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
        let request = QueryRequest(targets: targets,
                                   evidence: try QueryRequest.assignments(findings.evidence, option: "--evidence"),
                                   soft: try QueryRequest.likelihoods(findings.soft),
                                   interventions: try QueryRequest.assignments(findings.interventions, option: "--do"))
        if mpe || map {
            let r = try QueryService(network: network).explain(request, mapOverTargets: map)
            if json { try printJSON(r); return }
            let width = r.variables.map(displayWidth).max() ?? 0
            print("\(r.kind) given the evidence:")
            for v in r.variables { print("  \(padToWidth(v, width))  \(r.assignment[v]!)") }
            print("P(\(r.kind), evidence) = \(BarChart.formatProbability(r.jointProbability)); P(\(r.kind) | evidence) = \(BarChart.formatProbability(r.posteriorProbability))")
            return
        }
        let result = try QueryService(network: network).answer(request)
        if json { try printJSON(result); return }
        for m in result.marginals {
            print(BarChart.render(title: m.variable, labels: m.states, values: m.probabilities))
            print("")
        }
        if let rows = result.joint, let vars = result.jointVariables {
            print("joint P(\(vars.joined(separator: ", ")) | evidence):")
            for r in rows { print("  \(r.states.joined(separator: ", "))  \(BarChart.formatProbability(r.probability))") }
            print("")
        }
        print("P(evidence) = \(BarChart.formatProbability(result.probabilityOfEvidence))  (log \(String(format: "%.6f", result.logProbabilityOfEvidence)))")
    }
}
