import ArgumentParser
import Foundation
import Workbench

/// `credence selfcheck`: runs the factor-core self-check and reports it.
struct SelfCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selfcheck",
        abstract: "Check the factor core (BLAS and odometer contraction paths) against a plain product.",
        discussion: "Example: credence selfcheck --cases 1000 --json"
    )

    @Option(help: "Number of random contraction cases.")
    var cases = 300

    @Option(help: "Random seed.")
    var seed: UInt64 = 2024

    @Flag(help: "Print one JSON document on stdout.")
    var json = false

    func run() throws {
        let report = try SelfCheck(cases: cases, seed: seed).run()
        if json {
            try printJSON(report)
        } else {
            print("Credence \(Credence.version)")
            print("factor core: \(report.cases) random contractions, BLAS and odometer paths vs plain product")
            print("  largest relative difference: \(report.maxRelativeDifference) (limit 1e-12)")
            print("  OpenBLAS threads: \(report.blasThreads)")
            print("  time: \(String(format: "%.2f", report.seconds)) s")
            print(report.passed ? "self-check passed" : "self-check FAILED")
        }
        if !report.passed { throw ExitCode(1) }
    }
}

/// Prints one pretty JSON document on stdout.
/// Prints one JSON document. Numbers that JSON cannot hold (an infinite log-likelihood, a
/// NaN) are written as `null`.
func printJSON<T: Encodable>(_ value: T) throws {
    print(try JSONDocument.encode(value))
}
