import BNCore
import Foundation
import BNFormats

/// A declarative description of how a customer table loses cells: which variables are
/// hidden, which questions are skipped by design, and which cells go missing by which
/// mechanism (Rubin 1976; Little & Rubin 2019: MCAR, MAR, MNAR). `credence sample
/// --missingness SPEC` applies it to a complete forward sample, so a synthetic table has
/// the gaps a real survey would have and the complete sample is the ground truth.
///
/// The file format, one rule a line, `#` starts a comment, names as in the model:
///
/// ```
/// hide VAR ...                                   # not a column of the table (truth only)
/// skip VAR when OTHER=S1[,S2...] [as VALUE]      # skipped by design: VAR is VALUE (default
///                                                #   not_applicable, a state of VAR) when OTHER is S1, S2, ...
/// missing VAR ... rate R [together]              # each cell empty with probability R (MCAR);
///                                                #   `together`: one draw per row for all VARs (incomplete records)
/// missing VAR ... by OTHER S1=R1 S2=R2 ... [together]
///                                                # the rate depends on OTHER's true state (unlisted states: 0).
///                                                #   OTHER among the VARs or hidden: MNAR; else MAR
/// ```
///
/// Rules run in this order: skip rules on the true values, then missing rules in file
/// order (a skipped cell can still go missing, e.g. a customer never reached). Rates are
/// conditioned on true values, before any masking. Every missing rule draws one number per
/// row and column from its own SplitMix64 stream derived from the seed, whatever its rate,
/// so editing one rule does not move the gaps of another.
public struct MissingnessSpec: Sendable, Equatable {
    /// One line of the spec.
    enum Rule: Sendable, Equatable {
        /// Variables left out of the table.
        case hide([Int])
        /// `variable` is coded `value` when `condition` is in one of `states`.
        case skip(variable: Int, condition: Int, states: [Int], value: Int)
        /// Cells of `variables` go missing with `rates[s]` when `condition` (or, without
        /// one, always rate `rates[0]`) is in state `s`; `together` draws once per row.
        case missing(variables: [Int], condition: Int?, rates: [Double], together: Bool)
    }

    /// A rule and the line it came from (1-based).
    struct Line: Sendable, Equatable {
        var rule: Rule
        var line: Int
        var text: String
    }

    /// The rules in file order.
    var lines: [Line]
    /// The variable names the spec was checked against.
    let variables: [String]

    /// What one rule did to a table.
    public struct RuleReport: Sendable, Codable, Equatable {
        public var line: Int
        public var rule: String
        /// `hide`, `skip`, or the missingness mechanism.
        public var kind: String
        /// Cells coded not-applicable (skip) or emptied (missing); 0 for hide.
        public var cells: Int
    }

    /// Parses a spec, checking every name and state against `network`. Errors are
    /// `FILE:LINE:COLUMN: message`.
    init(text: String, file: String, network: BayesianNetwork) throws {
        variables = network.variables.map(\.name)
        lines = []
        for (k, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            var tokens = SpecTokens(file: file, line: k + 1, text: String(content), network: network)
            guard let head = tokens.next() else { continue }
            let rule: Rule
            switch head.text {
            case "hide":
                var vs = [try tokens.variable(head: head)]
                while !tokens.atEnd { vs.append(try tokens.variable(head: head)) }
                rule = .hide(vs)
            case "skip":
                let v = try tokens.variable(head: head)
                try tokens.expect("when")
                let (c, states) = try tokens.condition()
                let named = tokens.accept("as")
                let valueToken = try named ? tokens.required("a state after 'as'") : tokens.last
                let value = named ? valueToken!.text : "not_applicable"
                guard let s = network.variables[v].states.firstIndex(of: value) else {
                    let states = network.variables[v].states.joined(separator: ", ")
                    throw tokens.error(at: valueToken, named
                        ? "'\(value)' is not a state of \(variables[v]) (states: \(states))"
                        : "'not_applicable' is not a state of \(variables[v]) (states: \(states)); add it to the model with its skip rule, so that data with it can be read, or name a state with 'as'")
                }
                rule = .skip(variable: v, condition: c, states: states, value: s)
            case "missing":
                var vs = [try tokens.variable(head: head)]
                while let t = tokens.peek, t.text != "rate", t.text != "by" { vs.append(try tokens.variable(head: head)) }
                let kind = try tokens.required("'rate R' or 'by VARIABLE STATE=R ...'")
                var condition: Int?
                var rates: [Double]
                switch kind.text {
                case "rate":
                    let t = try tokens.required("a rate between 0 and 1")
                    rates = [try tokens.rate(t.text, at: t)]
                case "by":
                    let c = try tokens.variable(head: kind)
                    condition = c
                    rates = [Double](repeating: 0, count: network.variables[c].states.count)
                    var any = false
                    while let t = tokens.peek, t.text != "together" {
                        let (s, r) = try tokens.stateRate(of: c)
                        rates[s] = r
                        any = true
                    }
                    guard any else { throw tokens.error(at: tokens.last, "expected STATE=RATE pairs for the states of \(variables[c]) after it") }
                default:
                    throw tokens.error(at: kind, "expected 'rate R' or 'by VARIABLE STATE=R ...', but found '\(kind.text)'")
                }
                let together = tokens.accept("together")
                rule = .missing(variables: vs, condition: condition, rates: rates, together: together)
            default:
                throw tokens.error(at: head, "expected a rule (hide, skip or missing), but found '\(head.text)'")
            }
            if let extra = tokens.next() { throw tokens.error(at: extra, "unexpected '\(extra.text)' at the end of the rule") }
            lines.append(Line(rule: rule, line: k + 1, text: String(content).trimmingCharacters(in: .whitespaces)))
        }
    }

    /// The variables hidden from the table (`hide` rules, in network order).
    var hidden: Set<Int> {
        var h = Set<Int>()
        for l in lines { if case .hide(let vs) = l.rule { h.formUnion(vs) } }
        return h
    }

    /// The mechanism of a missing rule, in Rubin's terms: MNAR (not at random) when the rate
    /// depends on the cell's own value or on a hidden variable, MAR (at random) when it
    /// depends on another shown column, else MCAR (completely at random: a constant rate).
    func mechanism(variables vs: [Int], condition: Int?, hidden: Set<Int>) -> String {
        guard let c = condition else { return "MCAR" }
        return vs.contains(c) || hidden.contains(c) ? "MNAR" : "MAR"
    }

    /// Applies the spec to a complete sample (`truth`: one column per variable of the
    /// network, in network order, no missing cells). Returns the customer table (hidden
    /// variables dropped, not-applicable codes and gaps applied) and one report per rule.
    func apply(to truth: Dataset, seed: UInt64) -> (table: Dataset, report: [RuleReport]) {
        precondition(truth.names == variables && truth.missingCount == 0, "the truth must be a complete sample of the model")
        var columns = truth.columns
        let hidden = self.hidden
        let rows = truth.rowCount
        var report: [RuleReport] = []
        // Skip rules first: they code true values; missing rules then see the coded cells.
        for l in lines {
            guard case .skip(let v, let c, let states, let value) = l.rule else { continue }
            var n = 0
            for i in 0..<rows where states.contains(Int(truth.columns[c][i])) {
                columns[v][i] = Int32(value)
                n += 1
            }
            report.append(RuleReport(line: l.line, rule: l.text, kind: "skip", cells: n))
        }
        for (k, l) in lines.enumerated() {
            switch l.rule {
            case .hide:
                report.append(RuleReport(line: l.line, rule: l.text, kind: "hide", cells: 0))
            case .skip:
                continue
            case .missing(let vs, let condition, let rates, let together):
                // One stream per rule: the seed mixed with the rule's index.
                var rng = SplitMix64(seed: seed ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(k + 1)))
                var n = 0
                for i in 0..<rows {
                    let rate = rates[condition.map { Int(truth.columns[$0][i]) } ?? 0]
                    let shared = together ? rng.nextUnit() : 0
                    for v in vs {
                        let u = together ? shared : rng.nextUnit()
                        if u < rate && columns[v][i] != Dataset.missing {
                            columns[v][i] = Dataset.missing
                            n += 1
                        }
                    }
                }
                report.append(RuleReport(line: l.line, rule: l.text,
                                         kind: mechanism(variables: vs, condition: condition, hidden: hidden), cells: n))
            }
        }
        report.sort { $0.line < $1.line }
        let keep = (0..<variables.count).filter { !hidden.contains($0) }
        return (Dataset(names: keep.map { truth.names[$0] }, states: keep.map { truth.states[$0] },
                        columns: keep.map { columns[$0] }), report)
    }

    /// Reads a spec file and draws a table with it: `rows` forward samples of `network`
    /// (seeded; the same values as `credence sample` without a spec), then the spec's rules.
    /// Returns the table, the complete sample (the truth) and what each rule did.
    public static func sample(_ network: BayesianNetwork, rows: Int, seed: UInt64, specPath: String)
        throws -> (table: Dataset, truth: Dataset, report: [RuleReport]) {
        let text = try SourceText.loadText(path: specPath)
        let spec = try MissingnessSpec(text: text, file: specPath, network: network)
        let truth = try LearningTasks.sample(network, rows: rows, seed: seed, missing: 0, dropLatent: false)
        let (table, report) = spec.apply(to: truth, seed: seed)
        return (table, truth, report)
    }

    /// The complete sample with a leading `row` column (1, 2, ...): row k of the table is
    /// row k of the truth.
    public static func truthTable(_ truth: Dataset) -> Dataset {
        let n = truth.rowCount
        return Dataset(names: ["row"] + truth.names, states: [(1...max(n, 1)).map(String.init)] + truth.states,
                       columns: [(0..<n).map(Int32.init)] + truth.columns)
    }
}

/// The whitespace-separated words of one spec line, with their columns, and the checks of
/// names and numbers against the network.
struct SpecTokens {
    struct Token { var text: String; var column: Int }
    let file: String
    let line: Int
    let network: BayesianNetwork
    var tokens: [Token] = []
    var i = 0

    init(file: String, line: Int, text: String, network: BayesianNetwork) {
        self.file = file
        self.line = line
        self.network = network
        tokens = text.split(whereSeparator: { " \t\r".contains($0) }).map {
            Token(text: String($0), column: text.distance(from: text.startIndex, to: $0.startIndex) + 1)
        }
    }

    var atEnd: Bool { i >= tokens.count }
    var peek: Token? { atEnd ? nil : tokens[i] }
    /// The last token read (or the first, before any).
    var last: Token? { i > 0 ? tokens[i - 1] : tokens.first }

    mutating func next() -> Token? {
        defer { if !atEnd { i += 1 } }
        return peek
    }

    func error(at token: Token?, _ message: String) -> WorkbenchError {
        let column = token?.column ?? ((last?.column ?? 1) + (last?.text.count ?? 0))
        return .usage("\(file):\(line):\(column): \(message)")
    }

    mutating func required(_ what: String) throws -> Token {
        guard let t = next() else { throw error(at: nil, "expected \(what) at the end of the line") }
        return t
    }

    mutating func accept(_ word: String) -> Bool {
        if peek?.text == word { i += 1; return true }
        return false
    }

    mutating func expect(_ word: String) throws {
        let t = try required("'\(word)'")
        guard t.text == word else { throw error(at: t, "expected '\(word)', but found '\(t.text)'") }
    }

    mutating func variable(head: Token) throws -> Int {
        let t = try required("a variable after '\(head.text)'")
        guard let v = network.variables.firstIndex(where: { $0.name == t.text }) else {
            throw error(at: t, "unknown variable '\(t.text)' (the model has \(network.variables.map(\.name).joined(separator: ", ")))")
        }
        return v
    }

    mutating func state(of v: Int, _ text: String, at t: Token) throws -> Int {
        guard let s = network.variables[v].states.firstIndex(of: text) else {
            throw error(at: t, "'\(text)' is not a state of \(network.variables[v].name) (states: \(network.variables[v].states.joined(separator: ", ")))")
        }
        return s
    }

    /// `VAR=S1[,S2...]`.
    mutating func condition() throws -> (Int, [Int]) {
        let t = try required("VARIABLE=STATE after 'when'")
        let parts = t.text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty else { throw error(at: t, "expected VARIABLE=STATE after 'when', but found '\(t.text)'") }
        guard let v = network.variables.firstIndex(where: { $0.name == parts[0] }) else {
            throw error(at: t, "unknown variable '\(parts[0])'")
        }
        return (v, try parts[1].split(separator: ",").map { try state(of: v, String($0), at: t) })
    }

    func rate(_ text: String, at t: Token) throws -> Double {
        guard let r = Double(text), (0...1).contains(r) else {
            throw error(at: t, "expected a rate between 0 and 1, but found '\(text)'")
        }
        return r
    }

    /// `STATE=RATE` for a state of `v`.
    mutating func stateRate(of v: Int) throws -> (Int, Double) {
        let t = try required("STATE=RATE")
        let parts = t.text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw error(at: t, "expected STATE=RATE for a state of \(network.variables[v].name), but found '\(t.text)'") }
        return (try state(of: v, String(parts[0]), at: t), try rate(String(parts[1]), at: t))
    }
}
