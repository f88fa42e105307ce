import ArgumentParser
import Foundation
import Workbench

/// `credence query`: posteriors of targets given evidence, likelihoods and interventions.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Posterior of one or more target variables.",
        discussion: """
        Prints each target's posterior as a bar chart, the joint when several targets are
        given, and P(evidence).

        Example: credence query ../shared/networks/asia.bif lung bronc --evidence smoke=yes --do xray=yes
        """
    )

    @Argument(help: "The model file.")
    var model: String

    @Argument(help: "Target variables.")
    var targets: [String]

    @Option(name: .customLong("evidence"), help: "Hard evidence VAR=STATE (repeatable).")
    var evidence: [String] = []

    @Option(name: .customLong("soft"), help: "Likelihood evidence VAR=P1,P2,... (repeatable).")
    var soft: [String] = []

    @Option(name: .customLong("do"), help: "Intervention do(VAR=STATE) (repeatable).")
    var interventions: [String] = []

    @Flag(help: "Print one JSON document on stdout.")
    var json = false

    func run() throws {
        let network = try ModelIO.load(path: model)
        let request = QueryRequest(targets: targets,
                                   evidence: try QueryRequest.assignments(evidence, option: "--evidence"),
                                   soft: try QueryRequest.likelihoods(soft),
                                   interventions: try QueryRequest.assignments(interventions, option: "--do"))
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
