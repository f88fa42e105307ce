import BNCore
import BNFormats
import Foundation

/// The result of one command: the text to show (no trailing newline), and whether the
/// command was `quit` (the caller decides; ask first when the session is dirty).
public struct CommandResult: Sendable {
    public var text: String
    public var quit = false
}

/// A line that is not a command (what was expected), or a command that failed: the message
/// in user words and the column it points at (1-based, counted in characters).
public struct CommandFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public var column: Int
    public var message: String
    public var description: String { message }
    public init(column: Int, message: String) { self.column = column; self.message = message }
}

/// Runs commands of the REPL language on a `Session` and renders their results; never
/// prints. The REPL, `credence run` and the transcript tests all go through `run(line:)`.
public final class CommandRunner {
    public let session: Session
    /// Called with each EM iteration and its log-likelihood during `fit em` (the REPL checks
    /// its interrupt flag here).
    public var progress: ((Int, Double) -> Void)?
    /// Set by the REPL around a command it may interrupt (Ctrl-C during `fit`).
    public var cancellation: CancellationToken?

    public init(session: Session) { self.session = session }

    /// Parses and runs one line; nil for a blank or comment line. Errors carry a column:
    /// the parser's, or the position of the name the error is about.
    public func run(line: String) throws(CommandFailure) -> CommandResult? {
        guard let command = try CommandLanguage.parse(line) else { return nil }
        do {
            return try execute(command)
        } catch {
            let message = String(describing: error)
            throw CommandFailure(column: Self.column(of: message, in: line), message: message)
        }
    }

    /// The column of the first name quoted in `message` ('X') that appears as a token of the
    /// line, else of the command's first word.
    static func column(of message: String, in line: String) -> Int {
        let tokens = (try? CommandLanguage.tokenize(line)) ?? []
        let parts = message.split(separator: "'", omittingEmptySubsequences: false)
        var k = 1
        while k < parts.count {
            let quoted = String(parts[k])
            if let t = tokens.dropFirst().first(where: { $0.text == quoted }) { return t.column }
            k += 2
        }
        if let t = tokens.dropFirst().first(where: { message.hasPrefix($0.text + ":") }) { return t.column }
        // An edit that fails as a whole (a cycle, a row that does not sum to 1): its subject.
        if tokens.count > 2, ["add", "remove", "rename", "reverse", "set"].contains(tokens[0].text) { return tokens[2].column }
        return tokens.first?.column ?? 1
    }

    /// Runs a parsed command.
    public func execute(_ command: Command) throws -> CommandResult {
        CommandResult(text: try text(command), quit: command == .quit)
    }

    /// Runs a parsed command; its text.
    private func text(_ command: Command) throws -> String {
        let s = session
        switch command {
        case .load(let path):
            try s.load(path: path)
            let n = s.network
            let size = "network \(CommandLanguage.quote(n.name)), \(plural(n.count, "variable")), \(plural(n.dag.edgeCount, "edge"))"
            return (["loaded \(path): \(size)"] + s.journalNotes.map { "note: " + $0 }).joined(separator: "\n")
        case .save(let path):
            let losses = try s.save(to: path)
            return (["saved \(s.path ?? "")"] + losses.map { "warning: " + $0 }).joined(separator: "\n")
        case .new(let name):
            s.newModel(name: name)
            return "new network \(name)"
        case .show(let what):
            return try show(what)
        case .edit(let edit):
            let notes = try s.perform(edit)
            return ([describe(edit)] + notes.map { "note: \($0)" }).joined(separator: "\n")
        case .undo:
            return s.undo() ? "undone" : "nothing to undo"
        case .redo:
            return s.redo() ? "redone" : "nothing to redo"
        case .observe(let a):
            try s.observe(a.map { ($0.variable, $0.state) })
            return findings()
        case .soft(let v, let w):
            try s.setSoft(v, w)
            return findings()
        case .intervene(let a):
            try s.intervene(a.map { ($0.variable, $0.state) })
            return findings()
        case .retract(let names):
            try s.retract(names)
            return findings()
        case .clear:
            s.clearEvidence()
            return findings()
        case .query(let targets):
            return try s.queryService.answer(QueryRequest(targets: targets, findings: s.findings)).text(given: s.findings.description(in: s.network))
        case .probabilityOfEvidence:
            let (p, l) = try s.queryService.probabilityOfEvidence(s.findings)
            return s.findings.isEmpty
                ? "P(evidence) = 1 (there is no evidence)"
                : "P(\(s.findings.description(in: s.network))) = \(BarChart.formatProbability(p))  (log \(String(format: "%.6f", l)))"
        case .mpe:
            return try s.mostProbableExplanation().text(given: s.findings.description(in: s.network))
        case .decide, .policy:
            var r = try s.decide()
            if case .policy(let decision) = command {   // one decision's policy and expected utilities
                guard let i = r.policies.firstIndex(where: { $0.decision == decision }) else {
                    throw WorkbenchError.usage("\(Quote.name(decision)) is not a decision; the decisions are \(r.policies.map(\.decision).joined(separator: ", "))")
                }
                (r.policies, r.expectedUtilities) = ([r.policies[i]], [r.expectedUtilities[i]])
            }
            return r.text.hasSuffix("\n") ? String(r.text.dropLast()) : r.text
        case .addUtility(let u):
            try s.addUtility(u)
            return "added utility \(u.name)" + (u.parents.isEmpty ? "" : " over \(u.parents.joined(separator: ", "))")
                + " ('undo' or 'remove utility \(CommandLanguage.quote(u.name))' removes it)"
        case .removeUtility(let name):
            try s.removeUtility(name)
            return "removed utility \(name)"
        case .valueOfInformation(let decision):
            let rows = try DecisionService.informationValues(s.network, s.decisions, before: decision, findings: s.findings)
            return DecisionService.InformationValue.text(rows, decision: decision)
        case .scenario(let action):
            return try scenario(action)
        case .dataLoad(let path):
            let (d, notes) = try s.loadData(path: path)
            return (["loaded \(path): \(d.rowCount) rows, \(d.columnCount) columns, \(d.missingCount) missing cells"] + notes.map { "note: \($0)" })
                .joined(separator: "\n")
        case .fit(let method):
            let report = try s.fit(method: method, cancellation: cancellation, progress: progress)
            return report.text(variables: s.network.count, short: true) + "  (undo restores the previous tables)"
        case .sample(let rows, let seed, let missing, let path):
            let d = try s.sample(rows: rows, seed: seed, missing: missing, to: path)
            return "wrote \(d.rowCount) rows (seed \(seed), \(d.missingCount) missing cells) to \(path)"
        case .score(let target, let path):
            let (n, impossible) = try s.score(target: target, to: path)
            var text = "wrote P(\(target)) for \(n) rows to \(path)"
            if let first = impossible.first {
                text += "\nwarning: \(impossible.count) row\(impossible.count == 1 ? " has" : "s have") probability zero and \(impossible.count == 1 ? "was" : "were") left empty; the first: \(first.description)"
            }
            return text
        case .evaluate(let target, let folds):
            return try s.evaluate(target: target, folds: folds).text(dataName: s.dataPath ?? "DATA.csv")
        case .rank(let target, let state, let percent, let factors, let ignoring):
            return try s.rank(target: target, state: state, percent: percent, factors: factors, ignoring: ignoring).rendered()
        case .explain(let target, let state, let top):
            return try s.explain(target: target, state: state, top: top).rendered()
        case .bench(let models, let repeats, let queries):
            return BenchLine.text(try s.bench(models: models, repeats: repeats, queries: queries))
        case .learn(let settings):
            return try s.learn(settings, cancellation: cancellation).text(variables: s.network.count) + "\nundo restores the previous model"
        case .journal(let action):
            return try journal(action)
        case .help(let topic):
            return try CommandHelp.text(for: topic)
        case .quit:
            return s.isDirty ? "there are unsaved changes" : ""
        }
    }

    /// Replays the oldest journal a session left behind without saving (its edits go to this
    /// session's own journal, then the old journal is deleted); returns the replayed lines.
    /// When a line fails, the lines before it stay applied (undoable) and the old journal
    /// stays on disk.
    @discardableResult
    public func replayJournal() throws(CommandFailure) -> [String] {
        guard let j = session.pendingJournals.first else { return [] }
        let lines = j.lines()
        for (k, line) in lines.enumerated() {
            do { _ = try run(line: line) } catch {
                throw CommandFailure(column: error.column, message: "journal line \(k + 1) (\(line)): \(error.message); "
                    + "the lines before it are applied ('undo' takes them back), the journal stays in \(j.path)")
            }
        }
        session.discardPendingJournal()
        return lines
    }

    // MARK: pieces

    private func findings() -> String { "evidence: \(session.findings.description(in: session.network))" }

    private func describe(_ edit: ModelEdit) -> String {
        switch edit {
        case .addVariable(let n, let s): return "added variable \(n) {\(s.joined(separator: ", "))}"
        case .addDecision(let n, let s, let o):
            return "added decision \(n) {\(s.joined(separator: ", "))}" + (o.isEmpty ? "" : " observing \(o.joined(separator: ", "))")
        case .removeVariable(let n): return "removed variable \(n)"
        case .renameVariable(let a, let b): return "renamed variable \(a) to \(b)"
        case .addState(let v, let s): return "added state \(s) to \(v)"
        case .removeState(let v, let s): return "removed state \(s) from \(v)"
        case .renameState(let v, let a, let b): return "renamed state \(a) of \(v) to \(b)"
        case .addEdge(let a, let b): return "added edge \(a) -> \(b)"
        case .removeEdge(let a, let b): return "removed edge \(a) -> \(b)"
        case .reverseEdge(let a, let b): return "reversed edge \(a) -> \(b) into \(b) -> \(a)"
        case .setCPT(let v, let ps, _):
            return ps.map { "set P(\(v) | \($0.joined(separator: ", ")))" } ?? "set the table of \(v)"
        }
    }

    private func show(_ what: Command.ShowWhat) throws -> String {
        let n = session.network
        switch what {
        case .summary:
            return NetworkSummary(n).text(unsaved: session.isDirty)
        case .cpt(let name):
            return try CPTView(n, variable: name).text
        case .graph:
            let width = n.names.map(displayWidth).max() ?? 0
            let lines = (0..<n.count).map { v -> String in
                let ps = n.parents(of: v).map { n.variables[$0].name }
                return padToWidth(n.variables[v].name, width) + (ps.isEmpty ? "  (no parents)" : "  <- " + ps.joined(separator: ", "))
            }
            return lines.isEmpty ? "(no variables)" : lines.joined(separator: "\n")
        case .dot:
            var dot = DOTWriter.string(n)
            while dot.hasSuffix("\n") { dot.removeLast() }
            return dot
        case .picture(let path, var request):
            request.findings = session.findings
            return try session.render(request, to: path).text
        case .evidence:
            return findings()
        case .scenarios:
            return try scenario(.list)
        }
    }

    func renderComparison(_ c: ScenarioComparison) -> String {
        var rows = [[c.target] + c.columns.map(\.scenario)]
        for (j, state) in c.states.enumerated() {
            rows.append([state] + c.columns.map { BarChart.formatProbability($0.probabilities[j]) })
        }
        rows.append(["P(evidence)"] + c.columns.map { BarChart.formatProbability($0.probabilityOfEvidence) })
        let legend = c.columns.map { "  \($0.scenario): \($0.findings)" }
        return "P(\(c.target) | scenario)\n" + TextTable.render(rows, leftAligned: 1, separatorAfter: 0, indent: "  ") + "\n" + legend.joined(separator: "\n")
    }

    private func scenario(_ action: Command.ScenarioAction) throws -> String {
        let s = session
        switch action {
        case .save(let name):
            s.saveScenario(name)
            return "saved scenario \(name): \(s.findings.description(in: s.network))"
        case .load(let name):
            try s.loadScenario(name)
            return findings()
        case .list:
            let lines = s.scenarioOrder.map { "\($0): \(s.scenarios[$0]!.description(in: s.network))" }
            return lines.isEmpty ? "no scenarios saved" : lines.joined(separator: "\n")
        case .compare(let target, let names):
            return renderComparison(try s.compareScenarios(target: target, names: names))
        }
    }

    private func journal(_ action: Command.JournalAction) throws -> String {
        let s = session
        let pending = s.pendingJournals.first
        switch action {
        case .show:
            let lines = (pending ?? s.journal)?.lines() ?? []
            let head = (pending ?? s.journal).map { "# \($0.path)" + (pending == nil ? " (this session)" : "") }
            return lines.isEmpty ? "the journal is empty" : ([head].compactMap { $0 } + lines).joined(separator: "\n")
        case .discard:
            guard let j = pending else {
                throw WorkbenchError.usage("there is no journal to discard: no session left unsaved edits of this model "
                    + "(this session's own journal is cleared by 'save', or by 'quit' answered n)")
            }
            let n = j.lines().count
            s.discardPendingJournal()
            return "discarded \(plural(n, "journal line")) (\(j.path))"
                + (s.pendingJournals.isEmpty ? "" : "; \(plural(s.pendingJournals.count, "more journal")) left")
        case .replay:
            guard pending != nil else { throw WorkbenchError.usage("there is no journal to replay: no session left unsaved edits of this model") }
            let lines: [String]
            do { lines = try replayJournal() } catch { throw WorkbenchError.usage(error.message) }
            return "replayed \(plural(lines.count, "edit")) from the journal"
        }
    }
}

/// `1 edge`, `2 edges`.
func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
    "\(n) \(n == 1 ? one : (many ?? one + "s"))"
}
