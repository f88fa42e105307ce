import BNCore

/// Reads the BIF format (Cozman's Interchange Format 0.15, the format of the bnlearn
/// repository networks), plain or gzip-compressed.
///
/// Accepted syntax:
/// ```
/// network NAME { property … ; }
/// variable NAME { type discrete [ N ] { s1, s2, … }; property … ; }
/// probability ( X | P1, P2 ) {
///   (p1, p2) 0.1, 0.9;     // one row per parent configuration
///   default 0.5, 0.5;      // rows not given otherwise
///   table 0.1, 0.9, …;     // whole table: child slowest, last parent fastest (JavaBayes order)
/// }
/// ```
/// Commas between values and names are optional; `//` and `/* */` comments are skipped;
/// names may be quoted. Probabilities are read exactly (the correctly rounded Double of the
/// decimal text). Each row must sum to 1 within 1e-6 and is divided by its sum on load
/// (several repository files have rows off by up to 3e-7). Recognised properties:
/// `label = "…"`, `description = "…"`, `role = latent|decision`, and the `PortableNames`
/// records `credence_name`, `credence_outcomes`, `credence_cuts`; others are ignored.
public enum BIFReader {
    /// Reads a `.bif` or `.bif.gz` file.
    public static func read(path: String) throws(FormatError) -> BayesianNetwork {
        try parse(SourceText.load(path: path))
    }

    /// Parses BIF text; `file` names it in diagnostics.
    public static func parse(_ text: String, file: String = "<input>") throws(FormatError) -> BayesianNetwork {
        try parse(SourceText(file: file, text: text))
    }

    /// Parses BIF bytes (already decompressed).
    public static func parse(_ source: SourceText) throws(FormatError) -> BayesianNetwork {
        var parser = BIFParser(source)
        try parser.parseDocument()
        return try parser.assemble()
    }
}

/// Properties understood in BIF and XMLBIF: `label`, `description`, `role`, and the
/// `credence_name`, `credence_outcomes`, `credence_cuts` records of `PortableNames`.
struct ModelProperties {
    var label: String?
    var description: String?
    var role: Variable.Role = .chance
    var original = OriginalNames()

    /// Applies one `key = value` property text (value optionally quoted); unknown keys are
    /// ignored. Returns an error message for a bad role.
    mutating func apply(_ text: String) -> String? {
        guard let eq = text.firstIndex(of: "=") else { return nil }
        let key = text[..<eq].trimmingCharacters(in: .whitespaces)
        var value = text[text.index(after: eq)...].trimmingCharacters(in: .whitespacesAndNewlines)
        let raw = value
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            value = TokenLexer.unescape(String(value.dropFirst().dropLast()))
        }
        switch key {
        case "label": label = value
        case "description": description = value
        case "role":
            guard let r = Variable.Role(rawValue: value) else {
                return "unknown role \(Quote.name(value)); roles are \(Variable.Role.allCases.map(\.rawValue).joined(separator: ", "))"
            }
            role = r
        case _ where OriginalNames.isRecord(key):
            return original.apply(key: key, value: value, rawValue: raw)
        default: break
        }
        return nil
    }
}

private extension String {
    func trimmingCharacters(in set: CharacterSetLite) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

private extension Substring {
    func trimmingCharacters(in set: CharacterSetLite) -> String { String(self).trimmingCharacters(in: set) }
}

/// White space classes without Foundation.
enum CharacterSetLite {
    case whitespaces, whitespacesAndNewlines
    func contains(_ c: Character) -> Bool {
        switch self {
        case .whitespaces: return c == " " || c == "\t"
        case .whitespacesAndNewlines: return c.isWhitespace
        }
    }
}

/// The BIF syntax pass (declarations as written) and the assembly into a network.
struct BIFParser {
    struct VariableDraft {
        var name: String
        var offset: Int
        var states: [String] = []
        var properties = ModelProperties()
    }

    struct Row {
        var keyStart: Int, keyCount: Int
        var valueStart: Int, valueCount: Int
        var offset: Int
    }

    struct ProbabilityDraft {
        var child: String
        var childOffset: Int
        var parents: [(name: String, offset: Int)] = []
        var offset: Int
        var table: [Double]? = nil
        var tableOffset = 0
        var defaultRow: [Double]? = nil
        var defaultOffset = 0
        var rows: [Row] = []
        var keys: [Token] = []
        var values: [Double] = []
    }

    var lexer: TokenLexer
    var source: SourceText { lexer.text }
    var networkName = "network"
    var networkProperties = ModelProperties()
    var variables: [VariableDraft] = []
    var probabilities: [ProbabilityDraft] = []

    init(_ source: SourceText) { lexer = TokenLexer(source, dialect: .bif) }

    // MARK: syntax

    private func fail(_ t: Token, _ message: String, hint: String? = nil) -> FormatError {
        if case .unterminated(let what) = t.kind {
            return source.error(at: t.start, "unterminated \(what.rawValue)", hint: "a \(what == .string ? "closing '\"'" : "closing '*/'") is missing")
        }
        return source.error(at: t.start, message, hint: hint)
    }

    private mutating func expect(_ c: Character, _ context: String) throws(FormatError) {
        let t = lexer.next()
        guard t.kind == .punct(c.asciiValue!) else {
            throw fail(t, "expected '\(c)' \(context), found \(lexer.describe(t))")
        }
    }

    /// A name: a word or a quoted string.
    private mutating func name(_ what: String) throws(FormatError) -> (String, Int) {
        let t = lexer.next()
        guard t.kind == .word || t.kind == .string else {
            throw fail(t, "expected \(what), found \(lexer.describe(t))")
        }
        guard let s = lexer.string(t) else {
            let bad = source.firstInvalidUTF8(in: t.start..<t.end) ?? t.start
            throw source.error(at: bad, "invalid UTF-8 in \(what)", hint: "save the file as UTF-8")
        }
        guard !s.isEmpty else { throw fail(t, "\(what) is empty") }
        return (s, t.start)
    }

    mutating func parseDocument() throws(FormatError) {
        var sawAnything = false
        while true {
            let t = lexer.next()
            if t.kind == .end { break }
            if lexer.isWord(t, "network") {
                try parseNetwork()
            } else if lexer.isWord(t, "variable") {
                try parseVariable()
            } else if lexer.isWord(t, "probability") {
                try parseProbability(at: t.start)
            } else {
                let what = sawAnything ? "" : " (is this a BIF file?)"
                throw fail(t, "expected 'network', 'variable' or 'probability', found \(lexer.describe(t))\(what)")
            }
            sawAnything = true
        }
        if !sawAnything {
            throw source.error(at: 0, "the file is empty: expected 'network', 'variable' or 'probability'")
        }
    }

    /// `property …;` after the keyword: the raw text up to the `;`.
    private mutating func propertyText() throws(FormatError) -> (String, Int) {
        var first: Int? = nil
        var last = 0
        while true {
            let t = lexer.next()
            if t.kind == .punct(UInt8(ascii: ";")) { break }
            switch t.kind {
            case .end, .unterminated, .punct(UInt8(ascii: "}")), .punct(UInt8(ascii: "{")):
                throw fail(t, "expected ';' to end the property, found \(lexer.describe(t))")
            default: break
            }
            if first == nil { first = t.kind == .string ? t.start - 1 : t.start }
            last = t.kind == .string ? t.end + 1 : t.end
        }
        guard let f = first else { return ("", lexer.position) }
        guard let text = source.string(f..<last) else {
            throw source.error(at: source.firstInvalidUTF8(in: f..<last) ?? f, "invalid UTF-8 in a property", hint: "save the file as UTF-8")
        }
        return (text, f)
    }

    private mutating func parseNetwork() throws(FormatError) {
        let (n, _) = try name("a network name")
        networkName = n
        try expect("{", "after the network name")
        while true {
            let t = lexer.next()
            if t.kind == .punct(UInt8(ascii: "}")) { break }
            guard lexer.isWord(t, "property") else {
                throw fail(t, "expected 'property' or '}' in the network block, found \(lexer.describe(t))")
            }
            let (text, at) = try propertyText()
            if let problem = networkProperties.apply(text) { throw source.error(at: at, problem) }
        }
    }

    private mutating func parseVariable() throws(FormatError) {
        let (n, at) = try name("a variable name")
        var draft = VariableDraft(name: n, offset: at)
        try expect("{", "after the variable name \(Quote.name(n))")
        var sawType = false
        while true {
            let t = lexer.next()
            if t.kind == .punct(UInt8(ascii: "}")) { break }
            if lexer.isWord(t, "property") {
                let (text, pAt) = try propertyText()
                if let problem = draft.properties.apply(text) { throw source.error(at: pAt, problem) }
                continue
            }
            guard lexer.isWord(t, "type") else {
                throw fail(t, "expected 'type', 'property' or '}' in variable \(Quote.name(n)), found \(lexer.describe(t))")
            }
            if sawType { throw fail(t, "variable \(Quote.name(n)) has two 'type' lines") }
            sawType = true
            let kind = lexer.next()
            guard lexer.isWord(kind, "discrete") else {
                throw fail(kind, "variable \(Quote.name(n)) must be of type 'discrete', found \(lexer.describe(kind))",
                           hint: "only discrete variables are supported")
            }
            try expect("[", "after 'discrete'")
            let countToken = lexer.next()
            guard let countValue = lexer.number(countToken), countValue >= 1, countValue == countValue.rounded(), countValue < 1e9 else {
                throw fail(countToken, "expected the number of states of \(Quote.name(n)), found \(lexer.describe(countToken))")
            }
            try expect("]", "after the number of states")
            try expect("{", "before the states of \(Quote.name(n))")
            while true {
                let s = lexer.peek()
                if s.kind == .punct(UInt8(ascii: "}")) { _ = lexer.next(); break }
                if s.kind == .punct(UInt8(ascii: ",")) { _ = lexer.next(); continue }
                let (state, _) = try name("a state name of \(Quote.name(n)) or '}'")
                draft.states.append(state)
            }
            if draft.states.count != Int(countValue) {
                throw source.error(at: countToken.start,
                                   "variable \(Quote.name(n)) declares \(Int(countValue)) states but lists \(draft.states.count)",
                                   hint: "states: \(NetworkAssembler.list(draft.states))")
            }
            let semi = lexer.next()
            guard semi.kind == .punct(UInt8(ascii: ";")) else {
                throw fail(semi, "expected ';' after the states of \(Quote.name(n)), found \(lexer.describe(semi))")
            }
        }
        if !sawType {
            throw source.error(at: at, "variable \(Quote.name(n)) has no 'type discrete [ N ] { … };' line")
        }
        variables.append(draft)
    }

    /// Numbers up to `;` (commas optional).
    private mutating func numbers(into out: inout [Double], context: String) throws(FormatError) {
        guard let t = lexer.numberList(into: &out) else { return }
        if t.kind == .word {
            throw fail(t, "expected a probability \(context), found \(lexer.describe(t))", hint: "probabilities are decimal numbers such as 0.25")
        }
        throw fail(t, "expected a probability or ';' \(context), found \(lexer.describe(t))")
    }

    private mutating func parseProbability(at start: Int) throws(FormatError) {
        try expect("(", "after 'probability'")
        let (child, childAt) = try name("the variable of the probability table")
        var p = ProbabilityDraft(child: child, childOffset: childAt, offset: start)
        let sep = lexer.peek()
        if sep.kind == .punct(UInt8(ascii: "|")) { _ = lexer.next() }
        while true {
            let t = lexer.peek()
            if t.kind == .punct(UInt8(ascii: ")")) { _ = lexer.next(); break }
            if t.kind == .punct(UInt8(ascii: ",")) { _ = lexer.next(); continue }
            let (parent, pAt) = try name("a parent of \(Quote.name(child)) or ')'")
            p.parents.append((parent, pAt))
        }
        try expect("{", "to open the table of \(Quote.name(child))")
        let context = "in the table of \(Quote.name(child))"
        while true {
            let t = lexer.next()
            if t.kind == .punct(UInt8(ascii: "}")) { break }
            if t.kind == .punct(UInt8(ascii: "(")) {
                let keyStart = p.keys.count
                if let bad = lexer.nameList(into: &p.keys) {
                    throw fail(bad, "expected a parent state or ')' \(context), found \(lexer.describe(bad))")
                }
                let valueStart = p.values.count
                try numbers(into: &p.values, context: context)
                p.rows.append(Row(keyStart: keyStart, keyCount: p.keys.count - keyStart,
                                  valueStart: valueStart, valueCount: p.values.count - valueStart, offset: t.start))
            } else if lexer.isWord(t, "table") {
                if p.table != nil { throw fail(t, "a second 'table' \(context)") }
                var v: [Double] = []
                try numbers(into: &v, context: context)
                p.table = v
                p.tableOffset = t.start
            } else if lexer.isWord(t, "default") {
                if p.defaultRow != nil { throw fail(t, "a second 'default' row \(context)") }
                var v: [Double] = []
                try numbers(into: &v, context: context)
                p.defaultRow = v
                p.defaultOffset = t.start
            } else if lexer.isWord(t, "property") {
                _ = try propertyText()
            } else {
                throw fail(t, "expected '(', 'table', 'default' or '}' \(context), found \(lexer.describe(t))")
            }
        }
        probabilities.append(p)
    }

    // MARK: assembly

    func assemble() throws(FormatError) -> BayesianNetwork {
        let src = source
        var asm = NetworkAssembler(name: networkName, sourceSize: src.bytes.count)
        asm.setNetworkInfo(label: networkProperties.label, description: networkProperties.description)
        for d in variables {
            asm.addVariable(Variable(name: d.name, states: d.states, label: d.properties.label,
                                     description: d.properties.description, role: d.properties.role),
                            original: d.properties.original, at: src.location(at: d.offset))
        }
        if !asm.diagnostics.isEmpty { throw FormatError(asm.diagnostics) }
        var stateTables = [StateTable?](repeating: nil, count: asm.network.count)
        for p in probabilities where !asm.isFull {
            guard let child = asm.lookup(p.child, at: src.location(at: p.childOffset)) else { continue }
            var parents: [Int] = []
            for (name, at) in p.parents {
                if let v = asm.lookup(name, at: src.location(at: at)) { parents.append(v) }
            }
            guard parents.count == p.parents.count,
                  asm.setParents(child, parents, at: src.location(at: p.offset)),
                  let rows = asm.rowCount(child, at: src.location(at: p.offset)) else { continue }
            fill(p, child: child, parents: parents, rows: rows, into: &asm, stateTables: &stateTables)
        }
        return try asm.finish(file: src.file)
    }

    /// The byte-keyed state table of variable `v` (built once per read).
    private func stateTable(_ v: Int, in net: BayesianNetwork, _ cache: inout [StateTable?]) -> StateTable {
        if let t = cache[v] { return t }
        var t = StateTable()
        for (i, s) in net.variables[v].states.enumerated() { t.insert(s, code: Int32(i)) }
        cache[v] = t
        return t
    }

    /// The state index a row key names: bytes are matched through a per-variable hash table
    /// (no String per key); quoted keys with escapes take the String path.
    @inline(__always)
    private func stateIndex(_ key: Token, _ table: StateTable, _ b: UnsafeBufferPointer<UInt8>) -> Int? {
        if key.kind == .word {
            let h = StateTable.hash(b, key.start, key.end)
            guard let e = table.find(b, key.start, key.end, hash: h) else { return nil }
            return Int(table.codes[e])
        }
        guard let s = lexer.string(key) else { return nil }
        var text = s
        return text.withUTF8 { u -> Int? in
            guard let e = table.find(u, 0, u.count, hash: StateTable.hash(u, 0, u.count)) else { return nil }
            return Int(table.codes[e])
        }
    }

    private func fill(_ p: ProbabilityDraft, child: Int, parents: [Int], rows: Int, into asm: inout NetworkAssembler,
                      stateTables: inout [StateTable?]) {
        let src = source
        let net = asm.network
        let childVar = net.variables[child]
        let k = childVar.cardinality
        var values = [Double](repeating: 0, count: rows * k)
        var rowOffset = [Int](repeating: -1, count: rows)   // -1: not given yet
        var ok = true
        if let t = p.table {
            if t.count != rows * k {
                let shape = parents.isEmpty ? "\(k) states" : "\(k) states × \(rows) parent configurations"
                asm.report(src.location(at: p.tableOffset), "the table of \(Quote.name(p.child)) has \(t.count) probabilities; it needs \(rows * k) (\(shape))")
                return
            }
            // JavaBayes order: the child varies slowest.
            for r in 0..<rows { for j in 0..<k { values[r * k + j] = t[j * rows + r] } }
            for r in 0..<rows { rowOffset[r] = p.tableOffset }
        }
        let parentVars = parents.map { net.variables[$0] }
        var strides = [Int](repeating: 1, count: parents.count)
        if parents.count > 1 {
            for i in stride(from: parents.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * parentVars[i + 1].cardinality }
        }
        var givenByRow = [Bool](repeating: false, count: rows)
        let parentTables = parents.map { stateTable($0, in: net, &stateTables) }
        src.bytes.withUnsafeBufferPointer { bytesPointer in
        for row in p.rows {
            guard row.keyCount == parents.count else {
                let names = parentVars.map(\.name).joined(separator: ", ")
                asm.report(src.location(at: row.offset),
                           "a row of \(Quote.name(p.child)) names \(row.keyCount) parent state\(row.keyCount == 1 ? "" : "s"); it needs \(parents.count) (\(names))")
                ok = false
                continue
            }
            var r = 0
            var known = true
            for i in 0..<row.keyCount {
                let key = p.keys[row.keyStart + i]
                guard let s = stateIndex(key, parentTables[i], bytesPointer) else {
                    let state = lexer.string(key) ?? lexer.describe(key)
                    asm.report(src.location(at: key.start),
                               "\(Quote.name(state)) is not a state of \(Quote.name(parentVars[i].name)) (parent of \(Quote.name(p.child)))",
                               hint: "its states are \(NetworkAssembler.list(parentVars[i].states))")
                    known = false
                    break
                }
                r += s * strides[i]
            }
            guard known else { ok = false; continue }
            if givenByRow[r] {
                asm.report(src.location(at: row.offset), "the row \(asm.given(child, r)) is given twice",
                           hint: "first given at \(src.location(at: rowOffset[r]))")
                ok = false
                continue
            }
            guard row.valueCount == k else {
                asm.report(src.location(at: row.offset),
                           "the row \(asm.given(child, r)) has \(row.valueCount) probabilities; \(Quote.name(p.child)) has \(k) states",
                           hint: "states: \(NetworkAssembler.list(childVar.states))")
                ok = false
                continue
            }
            givenByRow[r] = true
            rowOffset[r] = row.offset
            for j in 0..<k { values[r * k + j] = p.values[row.valueStart + j] }
        }
        }
        guard ok else { return }
        if let d = p.defaultRow {
            guard d.count == k else {
                asm.report(src.location(at: p.defaultOffset),
                           "the default row of \(Quote.name(p.child)) has \(d.count) probabilities; \(Quote.name(p.child)) has \(k) states")
                return
            }
            for r in 0..<rows where rowOffset[r] < 0 {
                rowOffset[r] = p.defaultOffset
                for j in 0..<k { values[r * k + j] = d[j] }
            }
        }
        let missing = rowOffset.indices.filter { rowOffset[$0] < 0 }
        if let first = missing.first {
            let more = missing.count > 1 ? " (and \(missing.count - 1) more row\(missing.count == 2 ? "" : "s"))" : ""
            asm.report(src.location(at: p.offset), "the table of \(Quote.name(p.child)) has no row for \(asm.given(child, first))\(more)",
                       hint: "give every parent configuration a row, or a 'default' row")
            return
        }
        asm.setTable(child, values, at: src.location(at: p.offset)) { r in src.location(at: rowOffset[r]) }
    }
}
