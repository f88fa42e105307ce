@preconcurrency import _CEditLine
import Foundation
import Workbench

/// Line editing for the REPL through libedit's readline interface: history kept across
/// sessions in ~/.credence_history, tab completion of command words, variable names, state
/// names (after `VAR=`) and scenario names.
final class LineEditor {
    let historyPath: String

    init(historyPath: String = ((ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) as NSString)
        .appendingPathComponent(".credence_history")) {
        self.historyPath = historyPath
        // libedit decodes multibyte input by the locale: under the default "C" locale typed
        // UTF-8 (满意度) arrived as empty strings. Take the user's locale, else C.UTF-8.
        if let name = setlocale(LC_CTYPE, ""), ["C", "POSIX"].contains(String(cString: name)) {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        } else if setlocale(LC_CTYPE, nil) == nil {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
        rl_readline_name = UnsafePointer(strdup("credence"))
        stifle_history(2000)
        _ = read_history(historyPath)
        rl_attempted_completion_function = credenceComplete
    }

    /// Reads a line with `prompt`; nil at end of input (Ctrl-D).
    func readLine(prompt: String) -> String? {
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(line)
            _ = write_history(historyPath)
        }
        return line
    }

    /// Asks a question; the answer's first letter in lower case ("" at end of input).
    func ask(_ question: String) -> String { String(answer(question).prefix(1)) }

    /// The whole answer to a question, trimmed and lowercased ("" at end of input).
    func answer(_ question: String) -> String {
        guard let raw = readline(question) else { return "" }
        defer { free(raw) }
        return String(cString: raw).trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// What completion offers, refreshed before each prompt.
    func update(from session: Session) {
        let n = session.network
        CompletionState.shared.set(variables: n.names,
                                   states: Dictionary(n.variables.map { ($0.name, $0.states) }, uniquingKeysWith: { a, _ in a }),
                                   scenarios: session.scenarioOrder)
    }
}

/// The names completion draws from (libedit calls back through C function pointers, which
/// cannot capture, so the names live here).
final class CompletionState: @unchecked Sendable {
    static let shared = CompletionState()
    private let lock = NSLock()
    private var variables: [String] = []
    private var states: [String: [String]] = [:]
    private var scenarios: [String] = []
    /// The matches of the completion in progress, and the next one to hand out.
    var matches: [String] = []
    var nextMatch = 0

    func set(variables: [String], states: [String: [String]], scenarios: [String]) {
        lock.withLock {
            self.variables = variables
            self.states = states
            self.scenarios = scenarios
        }
    }

    /// Candidates for the word being typed, given the line before it.
    func candidates(before: String, word: String) -> [String] {
        lock.withLock {
            let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let all: [String]
            if before.hasSuffix("=") {
                // VAR=<tab>: the states of VAR (and after a soft VAR=, nothing useful).
                let variable = words.last.map { String($0.dropLast()).split(separator: "=").last.map(String.init) ?? "" } ?? ""
                all = words.first == "soft" ? [] : (states[variable] ?? [])
            } else if words.isEmpty {
                all = CommandHelp.allWords
            } else {
                let sub: [String: [String]] = [
                    "add": ["variable", "state", "edge"], "remove": ["variable", "state", "edge"], "rename": ["variable", "state"],
                    "reverse": ["edge"], "set": ["cpt"], "show": ["cpt", "graph", "dot", "evidence", "scenarios"],
                    "scenario": ["save", "load", "compare", "list"], "fit": ["mle", "bayes", "em"], "data": ["load"],
                    "journal": ["replay", "discard", "show"], "help": CommandHelp.allWords,
                ]
                if words.count == 1, let s = sub[words[0]] {
                    all = s
                } else if words[0] == "scenario" && words.count >= 2 {
                    all = words[1] == "compare" && words.count == 2 ? variables : scenarios + ["current"]
                } else if ["load", "save"].contains(words[0]) || (words.first == "data") {
                    all = []  // file names: libedit's default filename completion
                } else if words.first == "rename" && words.count == 4 && words[1] == "state" || words.first == "remove" && words.count == 3 && words[1] == "state" {
                    all = states[words[2]] ?? []
                } else {
                    all = variables
                }
            }
            return all.filter { $0.hasPrefix(word) }.map(CommandLanguage.quote)
        }
    }
}

/// libedit's completion hook: candidates from `CompletionState`, or nil to fall back to
/// file names (after load, save and data load).
private let credenceComplete: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, start, _ in
    let word = text.map { String(cString: $0) } ?? ""
    let line = rl_line_buffer.map { String(cString: $0) } ?? ""
    let bytes = Array(line.utf8)
    let before = String(decoding: bytes.prefix(Int(start)), as: UTF8.self)
    let trimmedWords = before.split(separator: " ")
    if let first = trimmedWords.first, ["load", "save"].contains(first) || (first == "data" && trimmedWords.count >= 2) {
        return nil
    }
    let state = CompletionState.shared
    state.matches = state.candidates(before: before, word: word)
    // observe/do/soft VAR<Tab> goes on with '=' (then Tab again offers the states).
    let assigning = ["observe", "do", "soft"].contains(trimmedWords.first.map(String.init) ?? "") && !before.hasSuffix("=")
    rl_completion_append_character = assigning ? 61 : 32
    if state.matches.isEmpty {
        rl_attempted_completion_over = 1
        return nil
    }
    return rl_completion_matches(text, credenceGenerate)
}

private let credenceGenerate: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    let c = CompletionState.shared
    if state == 0 { c.nextMatch = 0 }
    guard c.nextMatch < c.matches.count else { return nil }
    defer { c.nextMatch += 1 }
    return strdup(c.matches[c.nextMatch])
}
