import Foundation
import Testing
@testable import Workbench

/// The interactive REPL in a real terminal (tmux): completion, prompts, the unsaved-changes
/// question, a killed session restored from its journal, history across sessions.
/// Runs only when tmux and the built `credence` binary are there.
@Suite("The REPL in a terminal", .serialized)
struct SessionTerminalTests {
    static let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// One tmux server of our own (its own socket), one window running a command.
    final class Terminal {
        let socket = "credence-test-\(UUID().uuidString.prefix(8))"

        /// Runs a tmux client through /bin/sh with posix_spawn and waitpid (not Process: a
        /// client that starts the server leaves a daemon behind, which Process does not
        /// cope with); returns what it printed.
        @discardableResult
        func tmux(_ args: [String], capture: Bool = false) throws -> String {
            func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(UUID().uuidString).out").path
            defer { try? FileManager.default.removeItem(atPath: out) }
            let line = ([SessionTerminalTests.tmux!, "-L", socket] + args).map(q).joined(separator: " ")
                + " </dev/null >\(q(capture ? out : "/dev/null")) 2>/dev/null"
            var pid: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(line), nil]
            defer { for a in argv { free(a) } }
            guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw WorkbenchError.usage("cannot run tmux") }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            return capture ? ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "") : ""
        }

        func start(_ command: String) throws {
            try tmux(["new-session", "-d", "-x", "120", "-y", "50", command + "; echo EXITED; sleep 30"])
        }

        func keys(_ keys: String...) throws { try tmux(["send-keys", "-t", "0"] + keys) }

        func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", "0", "-S", "-200"], capture: true) }

        /// Waits until the screen shows `text` (at most 60 s: a loaded 2-core machine can take a
        /// while to start EM on 20,000 rows; a passing run returns as soon as it shows); returns the screen.
        @discardableResult
        func wait(for text: String, _ comment: Comment? = nil) throws -> String {
            let deadline = Date().addingTimeInterval(60)
            var s = ""
            while Date() < deadline {
                s = try screen()
                if s.contains(text) { return s }
                Thread.sleep(forTimeInterval: 0.1)
            }
            Issue.record("the screen never showed \(text.debugDescription):\n\(s)")
            return s
        }

        func stop() {
            _ = try? tmux(["kill-server"])
            try? FileManager.default.removeItem(atPath: "/tmp/tmux-\(getuid())/\(socket)")
        }
    }

    @Test(.enabled(if: tmux != nil && CommandLanguageTranscriptTests.binary != nil, "needs tmux and the built credence"))
    func completionPromptsJournalAndHistory() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/home", withIntermediateDirectories: true)
        try ModelIO.save(try ModelIO.load(path: sharedRoot + "/networks/asia.bif"), to: dir + "/asia.bif")
        let command = "cd '\(dir)' && HOME='\(dir)/home' TERM=xterm '\(CommandLanguageTranscriptTests.binary!)' repl asia.bif"

        let t = Terminal()
        defer { t.stop() }
        try t.start(command)
        try t.wait(for: "'help' lists the commands")
        // Tab completes command words, sub-commands, variables and states.
        try t.keys("sh", "Tab", "cp", "Tab", "lu", "Tab", "Enter")
        try t.wait(for: "P(lung | smoke)")
        try t.keys("observe smo", "Tab")
        try t.wait(for: "observe smoke=")
        try t.keys("y", "Tab", "Enter")
        try t.wait(for: "evidence: smoke=yes")
        // Errors point at the column; a cycle is named.
        try t.keys("add edge dysp -> asia", "Enter")
        try t.wait(for: "error: this edge would create the cycle dysp -> asia -> tub -> either -> dysp")
        try t.keys("observe smok=yes", "Enter")
        let s = try t.wait(for: "did you mean 'smoke'?")
        #expect(s.contains("          ^"))
        // An edit marks the prompt; quitting asks; cancel keeps the session.
        try t.keys("set cpt lung (yes): 0.2 0.8", "Enter")
        try t.wait(for: "asia.bif*>")
        try t.keys("quit", "Enter")
        try t.wait(for: "Unsaved changes. Save to asia.bif first?")
        try t.keys("c", "Enter")
        try t.keys("show cpt lung", "Enter")
        try t.wait(for: "0.2000")
        let journals = { try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".credence-journal") } }
        #expect(try journals().count == 1)
        // A second session on the same model is told about the first and its journal.
        let second = Terminal()
        defer { second.stop() }
        try second.start(command)
        try second.wait(for: "note: another session (pid ")
        try second.wait(for: "is editing this model; its journal is")
        #expect(try !second.screen().contains("Replay them?"))
        try second.keys("quit", "Enter")
        try second.wait(for: "EXITED")
        #expect(try journals().count == 1)  // the second session, clean, took its journal away
        // Kill the first terminal: the edit survives in its journal.
        t.stop()

        // Enter at the question keeps the journal for later and says where it is.
        let u = Terminal()
        defer { u.stop() }
        try u.start(command)
        try u.wait(for: "Replay them? [y]es / [N]o, keep them for later / 'discard' deletes them:")
        try u.keys("Enter")
        try u.wait(for: "kept in /")
        try u.wait(for: "'journal replay' restores them, 'journal discard' deletes them")
        try u.keys("quit", "Enter")
        try u.wait(for: "EXITED")
        #expect(try journals().count == 1)

        let v = Terminal()
        defer { v.stop() }
        try v.start(command)
        try v.wait(for: "Replay them?")
        try v.keys("y", "Enter")
        try v.wait(for: "replayed 1 edit")
        try v.keys("show cpt lung", "Enter")
        try v.wait(for: "0.2000")
        // History from the earlier sessions: Up brings back the last line.
        try v.keys("Up")
        try v.wait(for: "asia.bif*> show cpt lung")
        try v.keys("C-u", "quit", "Enter")
        try v.wait(for: "Unsaved changes.")
        try v.keys("n", "Enter")
        try v.wait(for: "EXITED")
        #expect(try journals().isEmpty)
        let history = try String(contentsOfFile: dir + "/home/.credence_history", encoding: .utf8)
        #expect(history.contains("set\\040cpt\\040lung"))
    }

    /// Ctrl-C during `fit em` returns to the prompt at once, with the model as it was.
    @Test(.enabled(if: tmux != nil && CommandLanguageTranscriptTests.binary != nil, "needs tmux and the built credence"))
    func interruptingAFitKeepsTheModel() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/home", withIntermediateDirectories: true)
        try ModelIO.save(try ModelIO.load(path: sharedRoot + "/networks/alarm.bif"), to: dir + "/alarm.bif")
        let t = Terminal()
        defer { t.stop() }
        try t.start("cd '\(dir)' && HOME='\(dir)/home' TERM=xterm '\(CommandLanguageTranscriptTests.binary!)' repl alarm.bif")
        try t.wait(for: "'help' lists the commands")
        try t.keys("sample 20000 seed 3 missing 0.3 to alarm.csv", "Enter")
        try t.wait(for: "wrote 20000 rows")
        try t.keys("data load alarm.csv", "Enter")
        try t.wait(for: "loaded alarm.csv")
        try t.keys("fit em", "Enter")
        try t.wait(for: "EM iteration 0:")
        let sent = Date()
        try t.keys("C-c")
        try t.wait(for: "error: interrupted: the model is as it was")
        #expect(Date().timeIntervalSince(sent) < 30)   // normally well under a second; loose for a loaded CI machine
        try t.keys("undo", "Enter")
        try t.wait(for: "nothing to undo")
        try t.keys("show cpt HISTORY", "Enter")
        let s = try t.wait(for: "FALSE     | 0.0100  0.9900")
        #expect(!s.contains("fitted 37 variables"))
        try t.keys("quit", "Enter")
        try t.wait(for: "EXITED")
    }
}
