import ArgumentParser
import Foundation
import Workbench

/// `credence run SCRIPT.cred`: the REPL's command language, non-interactive.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a script of REPL commands non-interactively.",
        discussion: """
        Each command line is echoed as '> LINE', then its output. Errors go to stderr as SCRIPT:LINE:COLUMN: error: MESSAGE; the script stops at the first error (exit status 1) unless --keep-going (then the status is 1 if any command failed). The commands are those of the REPL (docs/repl.md; 'help' inside a script lists them). Relative paths are read from the current directory.

        Example: credence run experiments/voucher.cred --model models/dealer_winback.bn
        """
    )

    @Argument(help: "The script (one command per line, '#' comments); - reads standard input.") var script: String
    @Option(help: "A model to open before the script runs.") var model: String?
    @Flag(help: "Run every line even after an error.") var keepGoing = false
    @Flag(help: "Do not echo the commands.") var quiet = false

    func run() throws {
        let text = try ModelIO.readText(path: script)
        let session = Session(journaling: false)
        if let model { try session.load(path: model) }
        let runner = CommandRunner(session: session)
        let outcome = Script(name: script == "-" ? "<stdin>" : script, text: text).run(on: runner, echo: !quiet, keepGoing: keepGoing,
                                                           output: writeOut, error: writeErr)
        if outcome.errors > 0 { throw ExitCode(1) }
    }
}

/// Writes a line to stdout and flushes it (so stdout and stderr interleave in order).
func writeOut(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Writes a line to stderr.
func writeErr(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
