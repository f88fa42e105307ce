import ArgumentParser
import BNCore
import FactorKernels

/// The `credence` command: the subcommands of the command-line contract (docs/cli.md).
@main
struct Credence: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "credence",
        abstract: "Credence: a Bayesian network workbench.",
        version: version,
        subcommands: [
            SelfCheckCommand.self,
            BenchCommand.self,
            QueryCommand.self,
            ExplainCommand.self,
            InfoCommand.self,
            ConvertCommand.self,
            SampleCommand.self,
            FitCommand.self,
            LearnCommand.self,
            ScoreCommand.self,
            EvaluateCommand.self,
            ReplCommand.self, RunCommand.self,
        ],
        defaultSubcommand: ReplCommand.self
    )

    /// Process-wide set-up before any command runs: one OpenBLAS thread unless asked
    /// otherwise (CREDENCE_BLAS_THREADS), and the allocator kept from returning large
    /// tables to the system after every use (see FactorKernels/AllocatorTuning.swift).
    static func main() {
        let env = ProcessInfo.processInfo.environment
        BLAS.setThreads(env["CREDENCE_BLAS_THREADS"].flatMap(Int.init) ?? 1)
        AllocatorTuning.keepLargeBlocks()
        if let problem = MemoryBudget.environmentProblem { exit(withError: problem) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

import Foundation
