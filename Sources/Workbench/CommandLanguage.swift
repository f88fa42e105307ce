import Foundation

/// A command of the REPL's language (one per line), typed and validated for shape; names
/// are checked against the model when it runs (`CommandRunner`).
public enum Command: Equatable, Sendable {
    public enum ShowWhat: Equatable, Sendable {
        case summary, cpt(String), graph, dot, evidence, scenarios
        /// `show graph to FILE [targets VAR ...] [arcs mi|none] [compact|full]`: the picture of
        /// the network under the current findings, as `credence render` draws it (the request
        /// holds the options; the session adds its findings).
        case picture(String, RenderRequest)
    }
    public enum ScenarioAction: Equatable, Sendable {
        case save(String), load(String), compare(target: String, scenarios: [String]), list
    }
    public enum JournalAction: String, Equatable, Sendable { case replay, discard, show }

    case load(String)
    case save(String?)
    case new(String)
    case show(ShowWhat)
    case edit(ModelEdit)
    case undo, redo
    case observe([Assignment])
    case soft(variable: String, weights: [Double])
    case intervene([Assignment])
    case retract([String])
    case clear
    case query([String])
    case probabilityOfEvidence
    case mpe
    /// `decide`, `policy D`, `voi D` (Decisions.swift): the influence diagram's solution.
    case decide
    case policy(String)
    case valueOfInformation(String)
    /// `add utility NAME [| A, B] = v1 v2 …` (values row-major over the parents' states, the
    /// last parent fastest) and `remove utility NAME`: the session's decision part.
    case addUtility(DecisionSpec.Utility)
    case removeUtility(String)
    case scenario(ScenarioAction)
    case dataLoad(String)
    case fit(LearningTasks.FitMethod)
    case sample(rows: Int, seed: UInt64, missing: Double, path: String)
    case score(target: String, path: String)
    case evaluate(target: String, folds: Int?)
    /// `rank TARGET=STATE [top P%] [factors K] [ignoring VAR ...]` (RiskRanking.swift).
    case rank(target: String, state: String, percent: Double, factors: Int, ignoring: [String])
    /// `explain TARGET[=STATE] [top N]` (Explanation.swift).
    case explain(target: String, state: String?, top: Int)
    /// `bench [MODEL ...] [repeat N] [queries N]` (Session+BenchLearn.swift).
    case bench(models: [String], repeats: Int, queries: Int?)
    /// `learn [hc|tabu] [score S] [max-parents K] [restarts R] [seed S]`.
    case learn(LearningTasks.LearnSettings)
    case journal(JournalAction)
    case help(String?)
    case quit

    /// `VAR=STATE`.
    public struct Assignment: Equatable, Sendable {
        var variable: String
        var state: String
        init(_ variable: String, _ state: String) { self.variable = variable; self.state = state }
    }
}

/// The REPL's command language: one command per line, `#` starts a comment, names are bare
/// words or double-quoted strings (any UTF-8, `\"` and `\\` escaped).
public enum CommandLanguage {
    /// Parses one line; nil for a blank or comment-only line.
    public static func parse(_ line: String) throws(CommandFailure) -> Command? {
        let tokens = try tokenize(line)
        if tokens.isEmpty { return nil }
        var p = Parser(tokens: tokens, endColumn: line.count + 1)
        let c = try p.command()
        try p.expectEnd()
        return c
    }

    /// A name as the language reads it back: bare when it is a plain word, else quoted.
    public static func quote(_ name: String) -> String {
        if !name.isEmpty, !name.contains(where: { isBreak($0) || $0 == "#" || $0 == "-" }), !keywords.contains(name) {
            return name
        }
        return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static let keywords: Set<String> = ["to", "seed", "missing", "folds"]

    // MARK: tokens

    struct Token: Equatable {
        enum Kind { case word, quoted, symbol }
        var kind: Kind
        var text: String
        var column: Int

        var shown: String {
            switch kind {
            case .word, .symbol: return "'\(text)'"
            case .quoted: return "\"\(text)\""
            }
        }
    }

    static func isBreak(_ c: Character) -> Bool {
        c.isWhitespace || "{}(),=:\"".contains(c)
    }

    static func tokenize(_ line: String) throws(CommandFailure) -> [Token] {
        let chars = Array(line)
        var out: [Token] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            if c.isWhitespace { i += 1; continue }
            if c == "#" { break }
            if c == "-" && i + 1 < chars.count && chars[i + 1] == ">" {
                out.append(Token(kind: .symbol, text: "->", column: column)); i += 2; continue
            }
            if "{}(),=:".contains(c) {
                out.append(Token(kind: .symbol, text: String(c), column: column)); i += 1; continue
            }
            if c == "\"" {
                var text = ""
                i += 1
                var closed = false
                while i < chars.count {
                    let d = chars[i]
                    if d == "\\" && i + 1 < chars.count { text.append(chars[i + 1]); i += 2; continue }
                    if d == "\"" { closed = true; i += 1; break }
                    text.append(d); i += 1
                }
                guard closed else { throw CommandFailure(column: column, message: "this quoted name is not closed (expected '\"' before the end of the line)") }
                out.append(Token(kind: .quoted, text: text, column: column))
                continue
            }
            var text = ""
            while i < chars.count, !isBreak(chars[i]), !(chars[i] == "-" && i + 1 < chars.count && chars[i + 1] == ">") {
                text.append(chars[i]); i += 1
            }
            out.append(Token(kind: .word, text: text, column: column))
        }
        return out
    }

    // MARK: parser

    struct Parser {
        var tokens: [Token]
        var endColumn: Int
        var i = 0

        var current: Token? { i < tokens.count ? tokens[i] : nil }
        var column: Int { current?.column ?? endColumn }
        var found: String { current.map { "found \($0.shown)" } ?? "the line ends" }

        func fail(_ expected: String) -> CommandFailure {
            CommandFailure(column: column, message: "expected \(expected), but \(found)")
        }

        mutating func isWord(_ w: String) -> Bool {
            if let t = current, t.kind == .word, t.text == w { return true }
            return false
        }

        mutating func accept(_ w: String) -> Bool {
            if isWord(w) { i += 1; return true }
            return false
        }

        mutating func acceptSymbol(_ s: String) -> Bool {
            if let t = current, t.kind == .symbol, t.text == s { i += 1; return true }
            return false
        }

        mutating func expectSymbol(_ s: String, _ what: String? = nil) throws(CommandFailure) {
            guard acceptSymbol(s) else { throw fail(what ?? "'\(s)'") }
        }

        /// A keyword out of `choices`.
        mutating func keyword(_ choices: [String], _ what: String) throws(CommandFailure) -> String {
            if let t = current, t.kind == .word, choices.contains(t.text) { i += 1; return t.text }
            throw fail(what)
        }

        /// `{a, b, …}`: the names between braces (`what` names the list, `item` one entry,
        /// `last` the word before the last entry in "',' or '}' after …").
        mutating func braced(_ what: String, item: String, last: String) throws(CommandFailure) -> [String] {
            try expectSymbol("{", "'{' and \(what)")
            var names: [String] = []
            repeat {
                names.append(try name(names.isEmpty ? "\(item) after '{'" : "\(item) after ','"))
            } while acceptSymbol(",")
            try expectSymbol("}", "',' or '}' after \(last) '\(names.last!)'")
            return names
        }

        mutating func name(_ what: String) throws(CommandFailure) -> String {
            guard let t = current, t.kind != .symbol else { throw fail(what) }
            i += 1
            return t.text
        }

        mutating func number(_ what: String) throws(CommandFailure) -> Double {
            guard let t = current, t.kind == .word, let x = Double(t.text), x.isFinite else { throw fail(what) }
            i += 1
            return x
        }

        mutating func integer(_ what: String) throws(CommandFailure) -> Int {
            guard let t = current, t.kind == .word, let x = Int(t.text), x >= 0 else { throw fail(what) }
            i += 1
            return x
        }

        /// A whole number of at least `least`; a smaller one is "expected at least `fewest`,
        /// but found N", pointing at it.
        mutating func integer(_ what: String, atLeast least: Int, _ fewest: String) throws(CommandFailure) -> Int {
            let col = column
            let x = try integer(what)
            guard x >= least else { throw CommandFailure(column: col, message: "expected at least \(fewest), but found \(x)") }
            return x
        }

        mutating func expectEnd() throws(CommandFailure) {
            if current != nil { throw fail("the end of the line") }
        }

        mutating func assignments(_ what: String) throws(CommandFailure) -> [Command.Assignment] {
            var out: [Command.Assignment] = []
            repeat {
                let v = try name(out.isEmpty ? what : "another VARIABLE=STATE or the end of the line")
                try expectSymbol("=", "'=' after '\(v)' (VARIABLE=STATE)")
                let s = try name("a state of '\(v)' after '='")
                out.append(.init(v, s))
                _ = acceptSymbol(",")
            } while current != nil
            return out
        }

        mutating func edge() throws(CommandFailure) -> (String, String) {
            let a = try name("the parent variable (A in A -> B)")
            try expectSymbol("->", "'->' after '\(a)'")
            let b = try name("the child variable after '->'")
            return (a, b)
        }

        mutating func command() throws(CommandFailure) -> Command {
            let word = try keyword(CommandHelp.allWords, "a command (\(CommandHelp.commandWords.joined(separator: ", ")))")
            switch word {
            case "load": return .load(try name("a model file to load"))
            case "save": return .save(current == nil ? nil : try name("a file to save to, or nothing"))
            case "new": return .new(try name("a name for the new network"))
            case "show":
                if current == nil { return .show(.summary) }
                switch try keyword(["cpt", "graph", "dot", "evidence", "scenarios"], "cpt VAR, graph, dot, evidence or scenarios after 'show'") {
                case "cpt": return .show(.cpt(try name("the variable whose table to show")))
                case "graph":
                    if accept("to") {
                        let path = try name("a picture file after 'to' (.svg, .png, .pdf or .dot)")
                        var options = RenderRequest()
                        while let k = current?.text, ["targets", "arcs", "compact", "full"].contains(k) {
                            i += 1
                            switch k {
                            case "targets":
                                repeat { options.targets.append(try name("a variable to highlight after 'targets'")) }
                                while current.map({ !["arcs", "compact", "full"].contains($0.text) }) ?? false
                            case "arcs":
                                let w = try keyword(ArcStrength.allCases.map(\.rawValue), "mi or none after 'arcs' (arc width by mutual information, or all equal)")
                                options.arcStrength = ArcStrength(rawValue: w)!
                            default:
                                options.compact = k == "compact"
                            }
                        }
                        return .show(.picture(path, options))
                    }
                    return .show(.graph)
                case "dot": return .show(.dot)
                case "evidence": return .show(.evidence)
                default: return .show(.scenarios)
                }
            case "add":
                switch try keyword(["variable", "state", "edge", "decision", "utility"], "variable, state, edge, decision or utility after 'add'") {
                case "decision":
                    let n = try name("the new decision's name")
                    let states = try braced("the options of '\(n)', e.g. {call, wait}", item: "an option", last: "option")
                    var observes: [String] = []
                    if current != nil {
                        _ = try keyword(["observes"], "'observes' and the variables known when '\(n)' is decided")
                        repeat { observes.append(try name("a variable that '\(n)' observes")) } while current != nil
                    }
                    return .edit(.addDecision(name: n, states: states, observes: observes))
                case "utility":
                    let n = try name("the new utility's name")
                    var parents: [String] = []
                    if let t = current, t.kind == .word, t.text == "|" {
                        i += 1
                        repeat {
                            parents.append(try name("a parent of utility '\(n)'"))
                            _ = acceptSymbol(",")
                        } while current.map { !($0.kind == .symbol && $0.text == "=") } ?? false
                    }
                    try expectSymbol("=", "'=' and the values of utility '\(n)' (one per parent configuration, last parent fastest)")
                    var values: [Double] = []
                    repeat { values.append(try number("a utility value (a number)")) } while current != nil
                    return .addUtility(.init(name: n, parents: parents, values: values))
                case "variable":
                    let n = try name("the new variable's name")
                    let states = try braced("the states of '\(n)', e.g. {yes, no}", item: "a state name", last: "state")
                    return .edit(.addVariable(name: n, states: states))
                case "state":
                    let v = try name("the variable to add a state to")
                    return .edit(.addState(variable: v, state: try name("the new state of '\(v)'")))
                default:
                    let (a, b) = try edge()
                    return .edit(.addEdge(from: a, to: b))
                }
            case "remove":
                switch try keyword(["variable", "state", "edge", "utility"], "variable, state, edge or utility after 'remove'") {
                case "variable": return .edit(.removeVariable(try name("the variable to remove")))
                case "utility": return .removeUtility(try name("the utility to remove"))
                case "state":
                    let v = try name("the variable to remove a state from")
                    return .edit(.removeState(variable: v, state: try name("the state of '\(v)' to remove")))
                default:
                    let (a, b) = try edge()
                    return .edit(.removeEdge(from: a, to: b))
                }
            case "rename":
                switch try keyword(["variable", "state"], "variable or state after 'rename'") {
                case "variable":
                    let a = try name("the variable to rename")
                    return .edit(.renameVariable(from: a, to: try name("the new name of '\(a)'")))
                default:
                    let v = try name("the variable whose state to rename")
                    let a = try name("the state of '\(v)' to rename")
                    return .edit(.renameState(variable: v, from: a, to: try name("the new name of state '\(a)'")))
                }
            case "reverse":
                _ = try keyword(["edge"], "'edge' after 'reverse'")
                let (a, b) = try edge()
                return .edit(.reverseEdge(from: a, to: b))
            case "set":
                _ = try keyword(["cpt"], "'cpt' after 'set'")
                let v = try name("the variable whose table to set")
                var parentStates: [String]?
                if acceptSymbol("(") {
                    var ps: [String] = []
                    if !acceptSymbol(")") {
                        repeat { ps.append(try name("a parent state")) } while acceptSymbol(",")
                        try expectSymbol(")", "',' or ')' after parent state '\(ps.last!)'")
                    }
                    try expectSymbol(":", "':' after the parent states")
                    parentStates = ps
                }
                var p: [Double] = []
                repeat {
                    p.append(try number(p.isEmpty ? "a probability (a number)\(parentStates == nil ? " or '(' and parent states" : "")" : "a probability (a number)"))
                } while current != nil
                return .edit(.setCPT(variable: v, parentStates: parentStates, probabilities: p))
            case "undo": return .undo
            case "redo": return .redo
            case "observe": return .observe(try assignments("VARIABLE=STATE after 'observe'"))
            case "do": return .intervene(try assignments("VARIABLE=STATE after 'do'"))
            case "soft":
                let v = try name("VARIABLE=P1,P2,... after 'soft'")
                try expectSymbol("=", "'=' after '\(v)' (VARIABLE=P1,P2,...)")
                var w: [Double] = []
                repeat { w.append(try number("a likelihood weight (a number)")) } while acceptSymbol(",")
                return .soft(variable: v, weights: w)
            case "retract":
                var names: [String] = [try name("the variable whose evidence to retract")]
                while current != nil { names.append(try name("another variable or the end of the line")) }
                return .retract(names)
            case "clear": return .clear
            case "query":
                var names: [String] = [try name("a target variable after 'query'")]
                while current != nil { names.append(try name("another target variable or the end of the line")) }
                return .query(names)
            case "pe": return .probabilityOfEvidence
            case "mpe": return .mpe
            case "decide": return .decide
            case "policy": return .policy(try name("a decision after 'policy'"))
            case "voi": return .valueOfInformation(try name("a decision after 'voi'"))
            case "scenario":
                switch try keyword(["save", "load", "compare", "list"], "save, load, compare or list after 'scenario'") {
                case "save": return .scenario(.save(try name("a scenario name")))
                case "load": return .scenario(.load(try name("a scenario name")))
                case "list": return .scenario(.list)
                default:
                    let t = try name("the target variable to compare")
                    var names: [String] = [try name("a scenario name after the target")]
                    while current != nil { names.append(try name("another scenario name or the end of the line")) }
                    return .scenario(.compare(target: t, scenarios: names))
                }
            case "data":
                _ = try keyword(["load"], "'load' after 'data'")
                return .dataLoad(try name("a CSV file after 'data load'"))
            case "fit":
                if current == nil { return .fit(.mle) }
                let m = try keyword(LearningTasks.FitMethod.allCases.map(\.rawValue), "mle, bayes or em after 'fit'")
                return .fit(LearningTasks.FitMethod(rawValue: m)!)
            case "sample":
                let n = try integer("the number of rows to draw (a whole number)")
                var seed: UInt64 = 1
                var missing = 0.0
                while !isWord("to") {
                    let k = try keyword(["seed", "missing", "to"], "seed S, missing F or to PATH")
                    if k == "seed" { seed = UInt64(try integer("a seed (a whole number)")) }
                    if k == "missing" {
                        let col = column
                        missing = try number("the fraction of cells to hide (0 to 1)")
                        guard (0...1).contains(missing) else {
                            throw CommandFailure(column: col, message: "expected the fraction of cells to hide between 0 and 1, but found \(missing)")
                        }
                    }
                }
                _ = accept("to")
                return .sample(rows: n, seed: seed, missing: missing, path: try name("a CSV file to write after 'to'"))
            case "score":
                let t = try name("the target variable to score")
                _ = try keyword(["to"], "'to' and a CSV file after the target")
                return .score(target: t, path: try name("a CSV file to write after 'to'"))
            case "evaluate":
                let t = try name("the target variable to evaluate")
                let folds = try accept("folds") ? integer("the number of folds (a whole number)", atLeast: 2, "2 folds") : nil
                return .evaluate(target: t, folds: folds)
            case "rank":
                let target = try name("TARGET=STATE after 'rank'")
                try expectSymbol("=", "'=' after '\(target)' (TARGET=STATE)")
                let a = Command.Assignment(target, try name("a state of '\(target)' after '='"))
                var percent = 5.0, factors = 3
                var ignoring: [String] = []
                while let k = current?.text, ["top", "factors", "ignoring"].contains(k) {
                    i += 1
                    if k == "factors" { factors = try integer("the number of factors to list (a whole number)"); continue }
                    if k == "ignoring" { repeat { ignoring.append(try name("a column to ignore")) } while current != nil; continue }
                    let col = column
                    let w = try name("a percentage after 'top' (5%)")
                    guard let x = Double(w.hasSuffix("%") ? String(w.dropLast()) : w), x > 0, x <= 100 else {
                        throw CommandFailure(column: col, message: "expected a percentage above 0 and at most 100 after 'top', but found '\(w)'")
                    }
                    percent = x
                }
                return .rank(target: a.variable, state: a.state, percent: percent, factors: factors, ignoring: ignoring)
            case "explain":
                let target = try name("a target variable after 'explain' (TARGET or TARGET=STATE)")
                var state: String?
                if acceptSymbol("=") { state = try name("a state of '\(target)' after '='") }
                var top = 10
                if accept("top") { top = try integer("the number of parameters to list after 'top' (a whole number)") }
                return .explain(target: target, state: state, top: top)
            case "bench":
                var models: [String] = []
                var repeats = 3
                var queries: Int?
                while current != nil {
                    if accept("repeat") {
                        repeats = try integer("the number of timed runs per query after 'repeat' (a whole number)", atLeast: 1, "1 run per query after 'repeat'")
                    } else if accept("queries") {
                        queries = try integer("the number of queries per network after 'queries' (a whole number)", atLeast: 1, "1 query after 'queries'")
                    } else {
                        models.append(try name("a model file, 'repeat N' or 'queries N'"))
                    }
                }
                return .bench(models: models, repeats: repeats, queries: queries)
            case "learn":
                var settings = LearningTasks.LearnSettings()
                if let a = current?.text, let algorithm = LearningTasks.SearchAlgorithm(rawValue: a) { settings.algorithm = algorithm; i += 1 }
                while current != nil {
                    switch try keyword(["score", "max-parents", "restarts", "seed"], "score S, max-parents K, restarts R or seed S (the search is hc or tabu, given first)") {
                    case "score":   // the names `structureScore` knows
                        guard let t = current, t.kind == .word, let s = try? LearningTasks.structureScore(t.text, ess: 1) else { throw fail("bic, aic, bdeu or k2 after 'score'") }
                        settings.score = s
                        i += 1
                    case "max-parents":
                        settings.maxParents = try integer("the most parents per variable after 'max-parents' (a whole number)", atLeast: 1, "1 parent after 'max-parents'")
                    case "restarts": settings.restarts = try integer("the number of random restarts (a whole number)")
                    default: settings.seed = UInt64(try integer("a seed (a whole number)"))
                    }
                }
                return .learn(settings)
            case "journal":
                let a = try keyword(["replay", "discard", "show"], "replay, discard or show after 'journal'")
                return .journal(Command.JournalAction(rawValue: a)!)
            case "help":
                var words: [String] = []
                while let t = current { words.append(t.text); i += 1 }
                return .help(words.isEmpty ? nil : words.joined(separator: " "))
            default: return .quit
            }
        }
    }
}
