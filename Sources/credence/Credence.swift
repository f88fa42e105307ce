import ArgumentParser

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
        ]
    )
}
