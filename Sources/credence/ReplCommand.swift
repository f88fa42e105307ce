@preconcurrency import _CEditLine
import ArgumentParser
import Foundation
import Workbench

/// `credence repl [MODEL]`: the interactive workbench (the default subcommand).
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "The interactive workbench: edit, fit, query and compare scenarios (the default command).",
        discussion: """
        Opens MODEL, or the shipped models/dealer_winback.bn (else an empty network). Type 'help' for the commands (docs/repl.md). Line editing, history in ~/.credence_history, Tab completes commands, variables and states (after VAR=). Every edit is journaled next to the model until it is saved, so a killed session can be restored; quitting with unsaved changes asks first; Ctrl-C during 'fit', 'learn' or 'bench' returns to the prompt with the model as it was.

        When stdin is not a terminal, the lines of stdin run as a script: no prompt, no echo, errors on stderr as <stdin>:LINE:COLUMN, exit status 1 at the first error.

        Example: credence repl ../shared/networks/asia.bif
        echo 'query lung' | credence repl ../shared/networks/asia.bif
        """
    )

    @Argument(help: "The model to open.") var model: String?

    func run() throws {
        let interactive = isatty(STDIN_FILENO) != 0
        let session = Session(journaling: interactive)
        let runner = CommandRunner(session: session)
        var opening: String?
        if let model {
            try session.load(path: model)
            opening = "loaded \(model)"
        } else if let path = Self.defaultModel(), (try? session.load(path: path)) != nil {
            opening = "loaded \(path)"
        } else {
            session.newModel(name: "untitled")
            opening = "new network untitled"
        }
        guard interactive else {
            var lines: [String] = []
            while let line = Swift.readLine(strippingNewline: true) { lines.append(line) }
            let outcome = Script(name: "<stdin>", text: lines.joined(separator: "\n"))
                .run(on: runner, echo: false, keepGoing: false, output: writeOut, error: writeErr)
            if outcome.errors > 0 { throw ExitCode(1) }
            return
        }
        try Repl(session: session, runner: runner).loop(opening: opening!)
    }

    /// models/dealer_winback.bn in the current directory or above the executable's folder.
    static func defaultModel() -> String? {
        let fm = FileManager.default
        let rel = "models/dealer_winback.bn"
        if fm.fileExists(atPath: rel) { return rel }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent(rel).path
            if fm.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}

/// The interactive loop.
struct Repl {
    let session: Session
    let runner: CommandRunner
    let editor = LineEditor()
    let colour = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    func loop(opening: String) throws {
        Interrupt.install()
        print("Credence \(Credence.version): \(opening) (\(session.network.count) variables). 'help' lists the commands.")
        offerPendingJournals()
        while true {
            editor.update(from: session)
            Interrupt.reset()
            guard let line = editor.readLine(prompt: prompt()) else {
                print("")
                if Interrupt.isSet { continue }  // Ctrl-C at the prompt: a fresh line
                if confirmQuit() { return }
                continue
            }
            if Interrupt.isSet { continue }  // Ctrl-C at the prompt: a fresh line
            if session.isDirty, let c = try? CommandLanguage.parse(line), Self.replacesModel(c),
               editor.ask("Unsaved changes (kept in the journal until saved). Open another model anyway? [y/N] ") != "y" {
                continue
            }
            do {
                guard let result = try execute(line) else { continue }
                if result.quit {
                    if confirmQuit() { return }
                    continue
                }
                if !result.text.isEmpty { print(result.text) }
            } catch {
                report(error.message, column: error.column, line: line)
            }
        }
    }

    /// Notes other sessions editing the model, then asks about each journal a session left
    /// without saving. Only 'y' replays and only 'discard' deletes: Enter (or anything
    /// else) keeps the journal on disk for later and says where it is.
    private func offerPendingJournals() {
        for note in session.otherSessionNotes { print("note: " + note) }
        while let j = session.pendingJournals.first {
            let lines = j.lines()
            let n = lines.count
            print("A \(j.owner) on this model ended without saving \(n) edit\(n == 1 ? "" : "s"):")
            for line in lines.prefix(10) { print("  \(line)") }
            if n > 10 { print("  ...") }
            switch editor.answer("Replay them? [y]es / [N]o, keep them for later / 'discard' deletes them: ") {
            case "y", "yes":
                do { try runner.replayJournal(); print("replayed \(n) edit\(n == 1 ? "" : "s")") } catch {
                    report(error.message)
                    return
                }
            case "discard":
                session.discardPendingJournal()
                print("discarded \(j.path)")
            default:
                print("kept in \(j.path); 'journal replay' restores them, 'journal discard' deletes them")
                return
            }
        }
    }

    static func replacesModel(_ c: Command) -> Bool {
        switch c {
        case .load, .new: return true
        default: return false
        }
    }

    private func prompt() -> String {
        let name = session.path.map { URL(fileURLWithPath: $0).lastPathComponent } ?? session.network.name
        return "\(name)\(session.isDirty ? "*" : "")> "
    }

    /// Runs a line; `fit`, `learn` and `bench` run on a worker thread so that Ctrl-C can
    /// abandon them (a structure search or a benchmark abandoned runs on in the background
    /// and its result is dropped: the model stays as it was).
    private func execute(_ line: String) throws(CommandFailure) -> CommandResult? {
        let isLong: Bool
        switch try? CommandLanguage.parse(line) {
        case .fit?, .learn?, .bench?: isLong = true
        default: isLong = false
        }
        guard isLong else { return try runner.run(line: line) }
        let token = CancellationToken()
        runner.cancellation = token
        runner.progress = { iteration, ll in
            if token.isCancelled {
                // Abandoned by Ctrl-C: park this worker for good, so that it stops using the
                // CPU (its partial result is never committed; its memory is not returned).
                DispatchSemaphore(value: 0).wait()
            }
            FileHandle.standardError.write(Data("\rEM iteration \(iteration): log-likelihood \(String(format: "%.4f", ll))   ".utf8))
        }
        defer { runner.cancellation = nil; runner.progress = nil }
        final class Slot: @unchecked Sendable {
            var result: Result<CommandResult?, CommandFailure> = .success(nil)
            let runner: CommandRunner
            let done = DispatchSemaphore(value: 0)
            init(_ r: CommandRunner) { runner = r }
        }
        let slot = Slot(runner)
        let worker = Thread {
            do throws(CommandFailure) { slot.result = .success(try slot.runner.run(line: line)) } catch { slot.result = .failure(error) }
            slot.done.signal()
        }
        worker.stackSize = 16 << 20
        worker.start()
        while slot.done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            if Interrupt.isSet {
                Interrupt.reset()
                if token.cancel() {
                    FileHandle.standardError.write(Data("\n".utf8))
                    throw CommandFailure(column: 1, message: "interrupted: the model is as it was")
                }
            }
        }
        FileHandle.standardError.write(Data("\n".utf8))
        return try slot.result.get()
    }

    /// True when it is fine to leave (no unsaved changes, or the user said so).
    private func confirmQuit() -> Bool {
        guard session.isDirty else {
            session.closeJournal()  // edits undone back to the saved model: nothing to restore
            return true
        }
        let target = session.path ?? "a file"
        switch editor.ask("Unsaved changes. Save to \(target) first? [y]es / [n]o, quit / [c]ancel: ") {
        case "y":
            guard session.path != nil else {
                print("no file yet: use 'save PATH', then quit")
                return false
            }
            do { try session.save(); session.closeJournal(); print("saved \(session.path!)"); return true } catch {
                report("\(error)")
                return false
            }
        case "n":
            session.journal?.discard()  // the changes are dropped on purpose
            return true
        default: return false
        }
    }

    private func report(_ message: String, column: Int? = nil, line: String? = nil) {
        var text = ""
        if let column, let line, column > 1 || message.hasPrefix("expected") {
            text += "  " + line + "\n"
            // The caret sits under the column's character on the terminal: wide characters
            // before it (满意度) take two columns each.
            text += "  " + String(repeating: " ", count: displayWidth(String(line.prefix(max(0, column - 1))))) + "^\n"
        }
        let head = colour ? "\u{1B}[31merror:\u{1B}[0m" : "error:"
        // A message that carries its own location (a data file's "FILE:ROW:COLUMN: error: …")
        // is printed as it is, not behind a second "error:".
        let firstLine = message.prefix { $0 != "\n" }
        if let at = firstLine.range(of: ": error: "), !firstLine[..<at.lowerBound].contains(" ") {
            text += message[..<at.lowerBound] + ": \(head) " + message[at.upperBound...] + "\n"
        } else {
            text += "\(head) \(message)\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
    }
}
