import ArgumentParser
import Foundation
import Workbench

/// `credence decide`: solve an influence diagram (a model with decisions and utilities).
struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Optimal decisions of an influence diagram: MEU, policies, expected utility per option.",
        discussion: """
        The model declares decisions (variables marked 'decision'; their parents are what they observe) and utility nodes ('utility' statements in .bn). Prints the maximum expected utility with its standard deviation, the expected utility of every option of every decision (that decision fixed, the others optimal), and each decision's policy: the best option for every configuration of what it observes.

        Decisions are solved under no-forgetting (each remembers every earlier decision and observation) unless the model says 'limid' (each sees only its parents; single policy updating, Lauritzen & Nilsson 2001, which may stop at a local optimum: the output says so). --evidence and --do on a decision fix it.

        Example: credence decide models/dealer_winback_decision.bn --evidence StatedReason=price
        """
    )

    @Argument(help: "The model file (.bn with utility statements).")
    var model: String

    @OptionGroup var findings: FindingOptions

    @Flag(help: "Print one JSON document on stdout (meu, variance, policies, expectedUtilities).")
    var json = false

    func run() throws {
        let (network, spec) = try ModelIO.loadWithDecisions(path: model)
        let report = try DecisionService.decide(network, spec, findings: findings.set())
        if json { try printJSON(report); return }
        print(report.text, terminator: "")
    }
}
