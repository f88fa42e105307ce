/// Runs a script of the REPL language (`credence run`, piped input, transcript tests):
/// each command line echoed as `> line` (when `echo`), then its output; an error goes to
/// `error` as `SCRIPT:LINE:COLUMN: error: MESSAGE` and stops the script unless `keepGoing`.
public struct Script {
    var name: String
    var lines: [String]

    public init(name: String, text: String) {
        self.name = name
        // "\r\n" is one Character in Swift, so splitting on "\n" kept CRLF scripts as one line.
        var ls = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { String($0) }
        if ls.last == "" { ls.removeLast() }
        lines = ls
    }

    /// What a run did: how many errors, and whether it ended with `quit`.
    public struct Outcome: Equatable, Sendable {
        public var errors: Int
        var quit: Bool
    }

    /// Runs the lines on `runner`; `output` and `error` receive text without a final newline.
    @discardableResult
    public func run(on runner: CommandRunner, echo: Bool = true, keepGoing: Bool = false,
                    output: (String) -> Void, error: (String) -> Void) -> Outcome {
        var errors = 0
        for (k, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if echo { output("> \(line)") }
            do {
                guard let r = try runner.run(line: line) else { continue }
                if r.quit { return Outcome(errors: errors, quit: true) }
                if !r.text.isEmpty { output(r.text) }
            } catch let failure {
                errors += 1
                error("\(name):\(k + 1):\(failure.column): error: \(failure.message)")
                if !keepGoing { return Outcome(errors: errors, quit: false) }
            }
        }
        return Outcome(errors: errors, quit: false)
    }
}

import Foundation
