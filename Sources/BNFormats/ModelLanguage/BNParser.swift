import BNCore

/// The hand-written recursive-descent parser of the `.bn` model language (grammar in
/// `docs/model-language.md`). It turns tokens into `BNSyntax` statements and never stops
/// at the first problem: after a syntax error it skips to the next statement (a statement
/// keyword at the start of a line), or inside a table to the next row, so one run reports
/// every problem. The parser is not recursive in the input, so nesting cannot exhaust the
/// stack.
struct BNParser {
    private var lexer: BNLexer
    var problems: BNProblems
    private var tok: BNToken
    private(set) var syntax = BNSyntax()

    enum Statement { case network, variable, structure, table, evidence, intervention, query, utility, order, limid }

    init(bytes: [UInt8], file: String) {
        lexer = BNLexer(bytes: bytes)
        problems = BNProblems(file: file, bytes: bytes)
        tok = BNToken(kind: .end, start: 0, end: 0, startsLine: true)
        tok = lexer.next(&problems)
    }

    private var bytes: [UInt8] { lexer.bytes }

    /// Whether the input had invalid UTF-8 (then names are not checked against each other).
    var sawInvalidUTF8: Bool { lexer.sawInvalidUTF8 }

    // MARK: tokens

    private mutating func advance() { tok = lexer.next(&problems) }

    private func isWord(_ t: BNToken, _ keyword: StaticString) -> Bool {
        let n = keyword.utf8CodeUnitCount
        guard t.kind == .word, t.end - t.start == n else { return false }
        let p = keyword.utf8Start
        for j in 0..<n where bytes[t.start + j] != p[j] { return false }
        return true
    }

    private func statement(_ t: BNToken) -> Statement? {
        guard t.kind == .word else { return nil }
        if isWord(t, "P") { return .table }
        if isWord(t, "variable") { return .variable }
        if isWord(t, "network") { return .network }
        if isWord(t, "structure") { return .structure }
        if isWord(t, "evidence") { return .evidence }
        if isWord(t, "do") { return .intervention }
        if isWord(t, "query") { return .query }
        if isWord(t, "utility") { return .utility }
        if isWord(t, "order") { return .order }
        if isWord(t, "limid") { return .limid }
        return nil
    }

    /// A statement keyword that starts a line: where a block left open ends.
    private func startsStatement(_ t: BNToken) -> Bool { t.startsLine && statement(t) != nil }

    private func text(_ t: BNToken) -> String { String(decoding: bytes[t.start..<t.end], as: UTF8.self) }

    private func describe(_ t: BNToken) -> String {
        switch t.kind {
        case .word:
            let s = text(t)
            return s.unicodeScalars.count > 40 ? "'\(String(s.unicodeScalars.prefix(40)))…'" : "\(Quote.name(s))"
        case .string:
            let s = t.value ?? ""
            return s.unicodeScalars.count > 40 ? "the string \"\(String(s.unicodeScalars.prefix(40)))…\"" : "the string \"\(s)\""
        default:
            return BNToken.describe(t.kind)
        }
    }

    private func number(_ t: BNToken) -> Double? {
        t.kind == .word ? bytes.withUnsafeBufferPointer { DecimalParser.parse($0, t.start..<t.end) } : nil
    }

    private mutating func report(_ offset: Int, _ message: String, hint: String? = nil) {
        problems.report(offset, message, hint: hint)
    }

    private mutating func expected(_ what: String, hint: String? = nil) {
        report(tok.start, "expected \(what), found \(describe(tok))", hint: hint)
    }

    /// A name: a word or a quoted string.
    private mutating func name(_ what: @autoclosure () -> String) -> BNSyntax.Name? {
        switch tok.kind {
        case .word:
            let n = BNSyntax.Name(text: text(tok), offset: tok.start)
            advance()
            return n
        case .string:
            let n = BNSyntax.Name(text: tok.value ?? "", offset: tok.start)
            if n.text.isEmpty { report(tok.start, "a name cannot be empty") }
            advance()
            return n
        default:
            expected(what())
            return nil
        }
    }

    /// Skips to the start of the next statement.
    private mutating func synchronize() {
        while tok.kind != .end && !startsStatement(tok) { advance() }
    }

    private mutating func missingBrace(_ what: String, openedAt open: Int) {
        report(tok.start, "missing '}' to close \(what)", hint: "it was opened at \(problems.place(open))")
    }

    // MARK: statements

    /// Parses the whole input.
    mutating func parse() -> BNSyntax {
        while tok.kind != .end && !problems.isFull {
            let ok: Bool
            switch statement(tok) {
            case .network: ok = parseNetwork()
            case .variable: ok = parseVariable()
            case .structure: ok = parseStructure()
            case .table: ok = parseTable()
            case .evidence: ok = parseFindings(intervention: false)
            case .intervention: ok = parseFindings(intervention: true)
            case .query: ok = parseQuery()
            case .utility: ok = parseUtility()
            case .order:
                let at = tok.start
                var names: [BNSyntax.Name] = []
                ok = parseBlock("order", hint: "order { Test, Drill }", expecting: "a decision name or '}' in the order block") { p in
                    names.append(p.name("a decision name")!)
                    return true
                }
                syntax.orders.append((at, names))
            case .limid:
                syntax.limid.append(tok.start)
                advance()
                ok = true
            case nil:
                var hint: String? = nil
                if tok.kind == .word {
                    let t = text(tok)
                    if t == "p" { hint = "probability tables start with a capital P: P(X) = …" }
                    else if ["Variable", "VARIABLE", "var", "node"].contains(t) { hint = "declare variables with 'variable Name { state1, state2 }'" }
                    else if ["Network", "NETWORK"].contains(t) { hint = "the header is 'network name \"label\"'" }
                }
                report(tok.start, "expected a statement (network, variable, structure, P(…), utility, order, limid, evidence, do or query), found \(describe(tok))", hint: hint)
                advance()
                ok = false
            }
            if !ok { synchronize() }
        }
        return syntax
    }

    /// `network NAME "label"? (description "text")?`
    private mutating func parseNetwork() -> Bool {
        let offset = tok.start
        advance()
        guard let n = name("the network's name after 'network'") else { return false }
        var label: String? = nil
        if tok.kind == .string { label = tok.value; advance() }
        guard let description = parseDescription() else { return false }
        syntax.networks.append(.init(offset: offset, name: n, label: label, description: description.text))
        return true
    }

    /// An optional `description "text"`; nil on a syntax error, `.some(nil)` when absent.
    private mutating func parseDescription() -> (text: String?, present: Bool)? {
        guard isWord(tok, "description") else { return (nil, false) }
        advance()
        guard tok.kind == .string else {
            expected("a quoted text after 'description'")
            return nil
        }
        let text = tok.value
        advance()
        return (text, true)
    }

    /// `variable NAME "label"? { s1, s2, … } (latent | decision | description "text" | cuts [c1, …] | from DERIVATION)*`
    private mutating func parseVariable() -> Bool {
        let offset = tok.start
        advance()
        guard let n = name("a variable name after 'variable'") else { return false }
        var label: String? = nil
        if tok.kind == .string { label = tok.value; advance() }
        guard tok.kind == .leftBrace else {
            expected("'{' and the states of \(Quote.name(n.text))", hint: "variable \(n.text) { state1, state2 }")
            syntax.brokenVariables.insert(n.text)
            return false
        }
        let open = tok.start
        advance()
        var states: [BNSyntax.Name] = []
        list: while true {
            switch tok.kind {
            case .rightBrace:
                advance()
                break list
            case .word, .string:
                if startsStatement(tok) {
                    missingBrace("the states of \(Quote.name(n.text))", openedAt: open)
                    break list
                }
                states.append(name("a state name")!)
                if tok.kind == .comma { advance() }
            case .end:
                missingBrace("the states of \(Quote.name(n.text))", openedAt: open)
                break list
            default:
                expected("a state name, ',' or '}' in the states of \(Quote.name(n.text))")
                syntax.brokenVariables.insert(n.text)
                return false
            }
        }
        var role = Variable.Role.chance
        var description: String? = nil
        var cutPoints: (values: [Double], offset: Int)? = nil
        var derivation: (value: Derivation, offset: Int)? = nil
        while true {
            if isWord(tok, "from") {
                let at = tok.start
                advance()
                guard let d = parseDerivation(of: n.text) else {
                    syntax.brokenVariables.insert(n.text)
                    return false
                }
                if derivation != nil { report(at, "\(Quote.name(n.text)) has two derivations") }
                derivation = (d, at)
            } else if isWord(tok, "cuts") {
                let at = tok.start
                advance()
                guard let cuts = parseNumbers("the cut points of \(Quote.name(n.text))", hint: "variable Tenure { short, medium, long } cuts [12, 48]") else {
                    syntax.brokenVariables.insert(n.text)
                    return false
                }
                if cutPoints != nil { report(at, "\(Quote.name(n.text)) has two lists of cut points") }
                cutPoints = (cuts.map(\.value), at)
            } else if isWord(tok, "latent") || isWord(tok, "decision") {
                let r: Variable.Role = isWord(tok, "latent") ? .latent : .decision
                if role != .chance {
                    report(tok.start, role == r ? "\(Quote.name(n.text)) is marked \(r.rawValue) twice"
                                                : "\(Quote.name(n.text)) cannot be both \(role.rawValue) and \(r.rawValue)")
                }
                role = r
                advance()
            } else if isWord(tok, "description") {
                let at = tok.start
                guard let d = parseDescription() else {
                    syntax.brokenVariables.insert(n.text)
                    return false
                }
                if description != nil { report(at, "\(Quote.name(n.text)) has two descriptions") }
                description = d.text
            } else {
                break
            }
        }
        // A doubled mark or description is reported; the variable is kept (with the last
        // one) so that the rest of the file is still checked against it.
        syntax.variables.append(.init(offset: offset, name: n, label: label, description: description,
                                      states: states, role: role, cutPoints: cutPoints, derivation: derivation))
        return true
    }

    /// A derivation written alone (`1 * a + 0.5 * b - 2`, the text `Derivation.text` and the
    /// interchange formats' `credence_derivation` record hold), or the problem with it.
    static func derivation(_ text: String, of variable: String) -> (derivation: Derivation?, problem: String?) {
        var parser = BNParser(bytes: Array(text.utf8), file: "<derivation>")
        let d = parser.parseDerivation(of: variable)
        if d != nil, parser.tok.kind != .end { parser.expected("'+', '-' or the end of the derivation") }
        if let first = parser.problems.diagnostics().first { return (nil, first.message) }
        return (d, nil)
    }

    /// `from TERM (('+' | '-') TERM)*` with `TERM = NUMBER '*' COLUMN | NUMBER | COLUMN`: a
    /// linear combination of data columns (a bare column has coefficient 1; numbers without
    /// a column add up to the constant). `+` and `-` stand apart (they are word characters,
    /// so `a+b` is one name), except as the sign of a number: `2 * a -1 * b`.
    private mutating func parseDerivation(of variable: String) -> Derivation? {
        let hint = "variable total { low, high } cuts [72.8] from 1 * day_charge + 1 * eve_charge - 0.5"
        var terms: [Derivation.Term] = []
        var constant = 0.0
        var sign = 1.0
        while true {
            if tok.kind == .word, let x = number(tok) {
                advance()
                if tok.kind == .star {
                    advance()
                    let what = "a column name after '*' in the derivation of \(Quote.name(variable))"
                    if isWord(tok, "+") || isWord(tok, "-") { expected(what, hint: hint); return nil }
                    guard let column = name(what) else { return nil }
                    terms.append(.init(sign * x, column.text))
                } else {
                    constant += sign * x
                }
            } else if (tok.kind == .word && !isWord(tok, "+") && !isWord(tok, "-") && !startsStatement(tok)) || tok.kind == .string {
                let column = name("a column name")!
                terms.append(.init(sign, column.text))
            } else {
                expected("a number or a column name in the derivation of \(Quote.name(variable))", hint: hint)
                return nil
            }
            if isWord(tok, "+") || isWord(tok, "-") {
                sign = isWord(tok, "-") ? -1 : 1
                advance()
            } else if tok.kind == .word, let first = text(tok).first, first == "-" || first == "+", number(tok) != nil {
                sign = 1          // a signed number: its sign is the operator
            } else {
                break
            }
        }
        return Derivation(terms: terms, constant: constant)
    }

    /// `structure [A][B|A][C|A:B]` (bnlearn's model string; ',' may separate parents too).
    private mutating func parseStructure() -> Bool {
        advance()
        guard tok.kind == .leftBracket else {
            expected("'[' after 'structure'", hint: "structure [A][B|A][C|A:B]")
            return false
        }
        while tok.kind == .leftBracket {
            advance()
            guard let child = name("a variable name after '['") else { return false }
            var parents: [BNSyntax.Name] = []
            if tok.kind == .pipe {
                advance()
                while true {
                    guard let p = name("a parent of \(Quote.name(child.text)) after '|'") else { return false }
                    parents.append(p)
                    if tok.kind == .colon || tok.kind == .comma { advance() } else { break }
                }
            }
            guard tok.kind == .rightBracket else {
                expected("']' (or ':' and another parent) in the structure entry of \(Quote.name(child.text))")
                return false
            }
            advance()
            syntax.structure.append(.init(child: child, parents: parents))
        }
        return true
    }

    /// `P(X | A, B) = …` or `P(X | A, B) { rows }`.
    private mutating func parseTable() -> Bool {
        let offset = tok.start
        advance()
        guard tok.kind == .leftParen else {
            expected("'(' after 'P'", hint: "P(X) = { x1: 0.2, x2: 0.8 } or P(X | A) { (a1): 0.3 0.7 … }")
            return false
        }
        advance()
        guard let child = name("a variable name after 'P('") else { return false }
        var parents: [BNSyntax.Name] = []
        if tok.kind == .pipe {
            advance()
            while true {
                guard let p = name("a parent of \(Quote.name(child.text))") else {
                    syntax.brokenTables.insert(child.text)
                    return false
                }
                parents.append(p)
                if tok.kind == .comma { advance() } else { break }
            }
        }
        guard tok.kind == .rightParen else {
            expected(parents.isEmpty ? "'|' or ')' after P(\(child.text)" : "',' or ')' in P(\(child.text) | …)")
            syntax.brokenTables.insert(child.text)
            return false
        }
        advance()
        let heading = BNSyntax.heading(child.text, parents.map(\.text))
        if tok.kind == .equals {
            advance()
            guard let d = parseDistribution(heading, keepOffsets: true) else {
                syntax.brokenTables.insert(child.text)
                return false
            }
            syntax.tables.append(.init(offset: offset, child: child, parents: parents, body: .distribution(d)))
            return true
        }
        guard tok.kind == .leftBrace else {
            expected("'=' or '{' after \(heading)", hint: "P(X) = { x1: 0.2, x2: 0.8 } or P(X | A) { (a1): 0.3 0.7 … }")
            syntax.brokenTables.insert(child.text)
            return false
        }
        let open = tok.start
        advance()
        var rows: [BNSyntax.Row] = []
        var incomplete = false
        table: while true {
            if problems.isFull { incomplete = true; break }
            switch tok.kind {
            case .rightBrace:
                advance()
                break table
            case .end:
                missingBrace("the table \(heading)", openedAt: open)
                break table
            case .leftParen:
                if let row = parseRow(heading) { rows.append(row) } else {
                    incomplete = true
                    skipToRow()
                }
            case .word where isWord(tok, "default"):
                if let row = parseRow(heading) { rows.append(row) } else {
                    incomplete = true
                    skipToRow()
                }
            default:
                if startsStatement(tok) {
                    missingBrace("the table \(heading)", openedAt: open)
                    break table
                }
                expected("a row '(state, …): p …', 'default: …' or '}' in \(heading)")
                incomplete = true
                advance()
                skipToRow()
            }
        }
        syntax.tables.append(.init(offset: offset, child: child, parents: parents, body: .rows(rows, incomplete: incomplete)))
        return true
    }

    /// `utility NAME "label"? (| A, B)? = u u …` (whole table, last parent fastest) or
    /// `utility NAME "label"? (| A, B)? { (a, b): u  default: u }`. Utilities may be negative.
    private mutating func parseUtility() -> Bool {
        let offset = tok.start
        advance()
        guard let n = name("a utility name after 'utility'") else { return false }
        var label: String? = nil
        if tok.kind == .string { label = tok.value; advance() }
        var parents: [BNSyntax.Name] = []
        if tok.kind == .pipe {
            advance()
            while true {
                guard let p = name("a parent of the utility \(Quote.name(n.text))") else { return false }
                parents.append(p)
                if tok.kind == .comma { advance() } else { break }
            }
        }
        let heading = "utility \(n.text)" + (parents.isEmpty ? "" : " | \(parents.map(\.text).joined(separator: ", "))")
        if tok.kind == .equals {
            advance()
            var values: [(value: Double, offset: Int)] = []
            while tok.kind == .word && !(tok.startsLine && statement(tok) != nil), let x = number(tok) {
                values.append((x, tok.start))
                advance()
                if tok.kind == .comma { advance() }
            }
            guard !values.isEmpty else {
                expected("the values of \(heading) (numbers, last parent fastest)", hint: "utility Cost | Offer = 0 -500 -300")
                return false
            }
            if tok.kind == .word && !tok.startsLine {
                expected("a number in \(heading)", hint: "utilities are plain decimal numbers such as -500 or 1.5e3")
                return false
            }
            syntax.utilities.append(.init(offset: offset, name: n, label: label, parents: parents, body: .values(values)))
            return true
        }
        guard tok.kind == .leftBrace else {
            expected("'=' or '{' after \(heading)", hint: "utility Cost | Offer = 0 -500 -300 or utility Cost | Offer { (none): 0 … }")
            return false
        }
        let open = tok.start
        advance()
        var rows: [BNSyntax.UtilityStatement.Row] = []
        var incomplete = false
        table: while true {
            switch tok.kind {
            case .rightBrace:
                advance()
                break table
            case .end:
                missingBrace("the table of \(heading)", openedAt: open)
                break table
            case .leftParen,
                 .word where isWord(tok, "default"):
                let rowAt = tok.start
                var key: [BNSyntax.Name]? = nil
                var ok = true
                if tok.kind == .leftParen {
                    advance()
                    var names: [BNSyntax.Name] = []
                    if tok.kind != .rightParen {
                        while true {
                            guard let s = name("a parent state in the row of \(heading)") else { ok = false; break }
                            names.append(s)
                            if tok.kind == .comma { advance() } else { break }
                        }
                    }
                    if ok && tok.kind != .rightParen { expected("',' or ')' in a row of \(heading)"); ok = false }
                    if ok { advance(); key = names }
                } else {
                    advance()
                }
                if ok && tok.kind != .colon { expected("':' and a utility after the row of \(heading)"); ok = false }
                if ok { advance() }
                if ok, let x = number(tok) {
                    advance()
                    rows.append(.init(key: key, offset: rowAt, value: x))
                } else {
                    if ok { expected("a utility value (a number) in \(heading)", hint: "(none, paid): 1200") }
                    incomplete = true
                    skipToRow()
                }
            default:
                if startsStatement(tok) {
                    missingBrace("the table of \(heading)", openedAt: open)
                    break table
                }
                expected("a row '(state, …): u', 'default: u' or '}' in \(heading)")
                incomplete = true
                advance()
                skipToRow()
            }
        }
        syntax.utilities.append(.init(offset: offset, name: n, label: label, parents: parents, body: .rows(rows, incomplete: incomplete)))
        return true
    }

    /// Skips to the next row, the end of the table or the next statement.
    private mutating func skipToRow() {
        while true {
            switch tok.kind {
            case .end, .rightBrace: return
            case .leftParen where tok.startsLine: return
            default:
                if tok.startsLine && (isWord(tok, "default") || statement(tok) != nil) { return }
                advance()
            }
        }
    }

    /// `(s1, s2): distribution` or `default: distribution`.
    private mutating func parseRow(_ heading: String) -> BNSyntax.Row? {
        let offset = tok.start
        var key: [BNSyntax.Name]? = nil
        if tok.kind == .leftParen {
            advance()
            var names: [BNSyntax.Name] = []
            names.reserveCapacity(4)
            if tok.kind != .rightParen {
                while true {
                    guard let s = name("a parent state in the row of \(heading)") else { return nil }
                    names.append(s)
                    if tok.kind == .comma { advance() } else { break }
                }
            }
            guard tok.kind == .rightParen else {
                expected("',' or ')' in a row of \(heading)")
                return nil
            }
            advance()
            key = names
        } else {
            advance() // default
        }
        guard tok.kind == .colon else {
            expected("':' after the row \(key.map { BNSyntax.rowText($0.map(\.text)) } ?? "default") of \(heading)")
            return nil
        }
        advance()
        guard let d = parseDistribution(key.map { "the row \(BNSyntax.rowText($0.map(\.text))) of \(heading)" } ?? "the default row of \(heading)",
                                        keepOffsets: false) else { return nil }
        return BNSyntax.Row(key: key, offset: offset, distribution: d)
    }

    /// `uniform`, `p p p …` (commas optional) or `{ state: p, … }`.
    private mutating func parseDistribution(_ context: @autoclosure () -> String, keepOffsets: Bool) -> BNSyntax.Distribution? {
        let start = tok.start
        if isWord(tok, "uniform") {
            advance()
            return .init(form: .uniform, offset: start)
        }
        if tok.kind == .leftBrace {
            let open = tok.start
            advance()
            var entries: [(name: BNSyntax.Name, value: Double)] = []
            var valid = true
            while true {
                switch tok.kind {
                case .rightBrace:
                    advance()
                    return .init(form: .named(entries), offset: start, valid: valid)
                case .word, .string:
                    if startsStatement(tok) {
                        missingBrace("the distribution of \(context())", openedAt: open)
                        return .init(form: .named(entries), offset: start, valid: false)
                    }
                    let n = name("a state name")!
                    guard tok.kind == .colon else {
                        expected("':' and a probability after \(Quote.name(n.text))")
                        return nil
                    }
                    advance()
                    guard let x = number(tok) else {
                        expected("a probability after '\(n.text):'", hint: "probabilities are decimal numbers such as 0.25 or 1e-3")
                        return nil
                    }
                    if x < 0 { negative(x); valid = false }
                    advance()
                    entries.append((n, x))
                    if tok.kind == .comma { advance() }
                case .end:
                    missingBrace("the distribution of \(context())", openedAt: open)
                    return nil
                default:
                    expected("'state: probability', ',' or '}' in the distribution of \(context())")
                    return nil
                }
            }
        }
        guard let first = number(tok) else {
            expected("the probabilities of \(context()) (numbers, 'uniform' or '{ state: p, … }')")
            return nil
        }
        var values: [Double] = [first]
        var offsets: [Int] = keepOffsets ? [tok.start] : []
        var valid = true
        if first < 0 { negative(first); valid = false }
        advance()
        while true {
            if tok.kind == .comma {
                advance()
                guard tok.kind == .word, bytes[tok.start] &- 48 < 10 || bytes[tok.start] == UInt8(ascii: ".")
                        || bytes[tok.start] == UInt8(ascii: "-") || bytes[tok.start] == UInt8(ascii: "+") else {
                    expected("a number after ','")
                    return .init(form: .numbers(values), offset: start, valueOffsets: offsets, valid: false)
                }
            }
            guard tok.kind == .word else { break }
            if let x = number(tok) {
                if x < 0 { negative(x); valid = false }
                values.append(x)
                if keepOffsets { offsets.append(tok.start) }
                advance()
            } else if !tok.startsLine && !isWord(tok, "default") {
                expected("a probability", hint: "probabilities are plain decimal numbers such as 0.25 or 1e-3")
                valid = false
                advance()
            } else {
                break
            }
        }
        return .init(form: .numbers(values), offset: start, valueOffsets: offsets, valid: valid)
    }

    private mutating func negative(_ x: Double) {
        report(tok.start, "negative probability \(text(tok))", hint: "probabilities are between 0 and 1")
    }

    /// `evidence { X = s, Y ~ [w1, w2], Z ~ { s: w, … } }` or `do { X = s }`.
    private mutating func parseFindings(intervention: Bool) -> Bool {
        let keyword = intervention ? "do" : "evidence"
        return parseBlock(keyword, hint: intervention ? "do { Incentive = voucher }" : "evidence { X = state, Y ~ [0.8, 0.2] }",
                          expecting: "'Variable = state'\(intervention ? "" : " or 'Variable ~ [weights]'") or '}' in the \(keyword) block") { p in
            let v = p.name("a variable name")!
            if p.tok.kind == .equals {
                p.advance()
                guard let s = p.name("a state of \(Quote.name(v.text)) after '='") else { return false }
                let f = BNSyntax.Finding(variable: v, state: s, likelihood: nil)
                if intervention { p.syntax.interventions.append(f) } else { p.syntax.evidence.append(f) }
            } else if p.tok.kind == .tilde {
                if intervention {
                    p.report(p.tok.start, "do { } sets a state: write '\(v.text) = state'",
                             hint: "soft evidence '\(v.text) ~ […]' belongs in evidence { }")
                    return false
                }
                p.advance()
                guard let d = p.parseLikelihood(v.text) else { return false }
                p.syntax.evidence.append(.init(variable: v, state: nil, likelihood: d))
            } else {
                p.expected(intervention ? "'=' and a state after \(Quote.name(v.text))" : "'=' (a state) or '~' (likelihoods) after \(Quote.name(v.text))")
                return false
            }
            return true
        }
    }

    /// `KEYWORD { item, item, … }`: the braces, the commas and a missing `}` (reported at the
    /// opening brace) are handled here; `item` parses one entry starting at a name and returns
    /// false after reporting a problem.
    private mutating func parseBlock(_ keyword: String, hint: String, expecting: String,
                                     item: (inout BNParser) -> Bool) -> Bool {
        advance()
        guard tok.kind == .leftBrace else {
            expected("'{' after \(Quote.name(keyword))", hint: hint)
            return false
        }
        let open = tok.start
        advance()
        while true {
            switch tok.kind {
            case .rightBrace:
                advance()
                return true
            case .end:
                missingBrace("the \(keyword) block", openedAt: open)
                return true
            case .comma:
                advance()
            case .word, .string:
                if startsStatement(tok) {
                    missingBrace("the \(keyword) block", openedAt: open)
                    return true
                }
                if !item(&self) { return false }
            default:
                expected(expecting)
                return false
            }
        }
    }

    /// `[w1, w2, …]` or `{ state: w, … }`.
    private mutating func parseLikelihood(_ variable: String) -> BNSyntax.Distribution? {
        if tok.kind == .leftBrace { return parseDistribution("the soft evidence on \(Quote.name(variable))", keepOffsets: false) }
        guard tok.kind == .leftBracket else {
            expected("'[' and likelihood weights after '\(variable) ~'", hint: "\(variable) ~ [0.8, 0.2]")
            return nil
        }
        let start = tok.start
        guard let numbers = parseNumbers("the soft evidence on \(Quote.name(variable))", hint: "\(variable) ~ [0.8, 0.2]") else { return nil }
        var valid = true
        for (x, at) in numbers where x < 0 {
            report(at, "negative likelihood weight \(x)", hint: "weights must be non-negative")
            valid = false
        }
        let values = numbers.map(\.value)
        return .init(form: .numbers(values), offset: start, valid: valid)
    }

    /// `[x1, x2, …]` (commas optional) with each number's offset; nil after reporting a problem.
    private mutating func parseNumbers(_ what: String, hint: String) -> [(value: Double, offset: Int)]? {
        guard tok.kind == .leftBracket else {
            expected("'[' and \(what)", hint: hint)
            return nil
        }
        advance()
        var values: [(value: Double, offset: Int)] = []
        while tok.kind != .rightBracket {
            guard let x = number(tok) else {
                expected("a number, ',' or ']' in \(what)")
                return nil
            }
            values.append((x, tok.start))
            advance()
            if tok.kind == .comma { advance() }
        }
        advance()
        return values
    }

    /// `query { A, B }`
    private mutating func parseQuery() -> Bool {
        parseBlock("query", hint: "query { Returned, TrueReason }", expecting: "a variable name or '}' in the query block") { p in
            p.syntax.query.append(p.name("a variable name")!)
            return true
        }
    }
}

extension BNSyntax {
    /// `P(C | A, B)` or `P(X)`.
    static func heading(_ child: String, _ parents: [String]) -> String {
        parents.isEmpty ? "P(\(child))" : "P(\(child) | \(parents.joined(separator: ", ")))"
    }

    /// `(a1, b1)`
    static func rowText(_ states: [String]) -> String { "(\(states.joined(separator: ", ")))" }
}
