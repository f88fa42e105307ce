import ArgumentParser
import BNCore
import FactorKernels
import Foundation
import Workbench

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
            DecideCommand.self,
            ExplainCommand.self,
            InfoCommand.self,
            ConvertCommand.self,
            SampleCommand.self,
            FitCommand.self,
            LearnCommand.self,
            ScoreCommand.self,
            EvaluateCommand.self,
            RenderCommand.self,
            ReplCommand.self, RunCommand.self, ServeCommand.self,
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
        if let problem = unknownSubcommand(Array(CommandLine.arguments.dropFirst())) {
            FileHandle.standardError.write(Data("Error: \(problem)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CocoaError {
            // Foundation's own text ("NSCocoaErrorDomain error 256") never reaches the user.
            FileHandle.standardError.write(Data("Error: \(ErrorMessage.describe(error).text)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }

    /// A first argument that is neither a command nor a model file (`credence selfchek`,
    /// `credence querry x`): without this it was taken as the REPL's model ("no such file") or
    /// made ArgumentParser print the usage of `repl`. A word with no `.` or `/` that names no
    /// file is a mistyped command.
    static func unknownSubcommand(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !first.contains("."), !first.contains("/"),
              !FileManager.default.fileExists(atPath: first) else { return nil }
        let names = configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]
        guard !names.contains(first) else { return nil }
        let guess = NameSuggestion.closest(to: first, in: names).map { "; did you mean '\($0)'?" } ?? ""
        return "'\(first)' is not a credence command\(guess)\n  the commands are: \(names.joined(separator: ", "))\n  (to open a model in the REPL, give its file name: credence repl MODEL.bn)"
    }
}
