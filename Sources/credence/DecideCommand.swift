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

    @Option(name: .customLong("repeat"), help: "Time N solves instead (MEU and policies, not the per-option values): the median and every run in milliseconds.")
    var runs: Int?

    func run() throws {
        let (network, spec) = try ModelIO.loadWithDecisions(path: model)
        if let runs {
            guard runs > 0 else { throw ValidationError("--repeat needs a positive number of runs") }
            let t = try DecisionService.timedSolves(network, spec, findings: findings.set(), runs: runs)
            let sorted = t.milliseconds.sorted()
            struct Timing: Encodable { var meu: Double; var runs: Int; var medianMilliseconds: Double; var milliseconds: [Double] }
            let r = Timing(meu: t.meu, runs: runs, medianMilliseconds: sorted[sorted.count / 2], milliseconds: t.milliseconds)
            if json { try printJSON(r) } else {
                print("MEU \(r.meu); \(runs) solves, median \(String(format: "%.3f", r.medianMilliseconds)) ms")
            }
            return
        }
        let report = try DecisionService.decide(network, spec, findings: findings.set())
        if json { try printJSON(report); return }
        print(report.text, terminator: "")
    }
}
