import BNCore

/// Reads the Hugin NET format (the "NET language" of the Hugin API reference):
/// ```
/// net { name = "asia"; }
/// node tub { label = "Tuberculosis"; states = ("yes" "no"); }
/// potential ( tub | asia ) { data = (( 0.05 0.95 ) ( 0.01 0.99 )); }
/// ```
/// `data` lists the child fastest and the first parent slowest (the `BayesianNetwork`
/// layout); nesting parentheses are optional. Node kinds `node`, `discrete node`,
/// `decision` (decision role; uniform table when it has no `data`) are read, and `utility`
/// nodes of an influence diagram (`potential (U | A B) { data = (…); }`, one value per
/// parent configuration, the last parent fastest; `readDocument` keeps them); continuous
/// and function nodes are refused with a located error. `%` starts a comment. Attributes
/// other than `states`, `label`, `credence_description`, `credence_role` and the
/// `PortableNames` records `credence_name`, `credence_outcomes`, `credence_cuts` are skipped.
///
/// The NET language has no syntax for the decisions' temporal order or for the memory
/// assumption: Hugin (7 and later) reads every influence diagram as a LIMID whose
/// decisions see exactly their parents. Credence keeps both in custom attributes of the
/// `net` block, which Hugin carries as user attributes: `credence_decision_order =
/// ("D1" "D2");` and `credence_limid = "true";`. Without them the order is a topological
/// order of the decisions and the diagram is solved under no-forgetting (for a file from
/// Hugin this agrees with Hugin's LIMID answer when every decision's parents include the
/// earlier decisions and what they observed).
/// Probabilities are read exactly; rows are checked and renormalised as in `BIFReader`.
public enum HuginNetReader {
    /// Reads a `.net` file.
    public static func read(path: String) throws(FormatError) -> BayesianNetwork {
        try parse(SourceText.load(path: path))
    }

    /// Parses NET text.
    public static func parse(_ text: String, file: String = "<input>") throws(FormatError) -> BayesianNetwork {
        try parse(SourceText(file: file, text: text))
    }

    /// Parses NET bytes (an influence diagram's utilities are left out).
    public static func parse(_ source: SourceText) throws(FormatError) -> BayesianNetwork {
        try parseDocument(source).network
    }

    /// Reads a `.net` file with its utility nodes.
    public static func readDocument(path: String) throws(FormatError) -> BNDocument {
        try parseDocument(SourceText.load(path: path))
    }

    /// Parses NET bytes with utility nodes.
    public static func parseDocument(_ source: SourceText) throws(FormatError) -> BNDocument {
        var parser = HuginNetParser(source)
        try parser.parseDocument()
        return try parser.assemble()
    }
}

struct HuginNetParser {
    /// An attribute value: a string, a word (number or identifier) or a list.
    indirect enum Value {
        case string(String, Int)
        case word(Token)
        case list([Value], Int)
    }

    struct NodeDraft {
        var name: String
        var offset: Int
        var states: [String] = []
        var statesOffset: Int
        var label: String? = nil
        var description: String? = nil
        var role: Variable.Role = .chance
        var hasStates = false
        var original = OriginalNames()
    }

    /// `utility` nodes: name, offset, label.
    var utilityNodes: [(name: String, offset: Int, label: String?)] = []

    struct PotentialDraft {
        var child: String, childOffset: Int
        var parents: [(String, Int)] = []
        var offset: Int
        var data: [Double]? = nil
        var dataOffsets: [Int] = []
        var dataOffset = 0
    }

    var lexer: TokenLexer
    var source: SourceText { lexer.text }
    var networkName = "network"
    var networkLabel: String? = nil
    var networkDescription: String? = nil
    /// `credence_decision_order`: node names with their offsets; `credence_limid`.
    var decisionOrder: [(String, Int)] = []
    var limited = false
    var nodes: [NodeDraft] = []
    var potentials: [PotentialDraft] = []

    init(_ source: SourceText) { lexer = TokenLexer(source, dialect: .net) }

    private func fail(_ t: Token, _ message: String, hint: String? = nil) -> FormatError {
        if case .unterminated(let what) = t.kind {
            return source.error(at: t.start, "unterminated \(what.rawValue)", hint: "a closing '\"' is missing")
        }
        return source.error(at: t.start, message, hint: hint)
    }

    private func text(_ t: Token, _ what: String) throws(FormatError) -> String {
        guard let s = lexer.string(t) else {
            throw source.error(at: source.firstInvalidUTF8(in: t.start..<t.end) ?? t.start, "invalid UTF-8 in \(what)", hint: "save the file as UTF-8")
        }
        return s
    }

    private mutating func expect(_ c: Character, _ context: String) throws(FormatError) {
        let t = lexer.next()
        guard t.kind == .punct(c.asciiValue!) else { throw fail(t, "expected '\(c)' \(context), found \(lexer.describe(t))") }
    }

    private mutating func identifier(_ what: String) throws(FormatError) -> (String, Int) {
        let t = lexer.next()
        guard t.kind == .word else { throw fail(t, "expected \(what), found \(lexer.describe(t))") }
        return (try text(t, what), t.start)
    }

    mutating func parseDocument() throws(FormatError) {
        var sawAnything = false
        while true {
            let t = lexer.next()
            if t.kind == .end { break }
            defer { sawAnything = true }
            if lexer.isWord(t, "net") {
                try parseNet()
            } else if lexer.isWord(t, "node") {
                try parseNode(role: .chance)
            } else if lexer.isWord(t, "discrete") {
                let kind = lexer.next()
                if lexer.isWord(kind, "node") || lexer.isWord(kind, "chance") { try parseNode(role: .chance) }
                else if lexer.isWord(kind, "decision") { try parseNode(role: .decision) }
                else { throw fail(kind, "expected 'node' or 'decision' after 'discrete', found \(lexer.describe(kind))") }
            } else if lexer.isWord(t, "decision") {
                try parseNode(role: .decision)
            } else if lexer.isWord(t, "utility") {
                try parseUtility()
            } else if lexer.isWord(t, "continuous") || lexer.isWord(t, "function") {
                throw fail(t, "\(lexer.describe(t)) nodes are not supported", hint: "Credence reads discrete chance, decision and utility nodes")
            } else if lexer.isWord(t, "potential") {
                try parsePotential(at: t.start)
            } else if lexer.isWord(t, "class") {
                throw fail(t, "object-oriented NET classes are not supported", hint: "export the network as a flat NET file")
            } else {
                throw fail(t, "expected 'net', 'node' or 'potential', found \(lexer.describe(t))\(sawAnything ? "" : " (is this a Hugin NET file?)")")
            }
        }
        if !sawAnything { throw source.error(at: 0, "the file is empty: expected 'net', 'node' or 'potential'") }
    }

    /// `name = value ;` pairs up to `}`; calls `body` for each.
    private mutating func attributes(_ context: String, _ body: (inout Self, String, Int, Value) throws(FormatError) -> Void) throws(FormatError) {
        try expect("{", "to open \(context)")
        while true {
            let t = lexer.next()
            if t.kind == .punct(UInt8(ascii: "}")) { return }
            guard t.kind == .word else { throw fail(t, "expected an attribute name or '}' in \(context), found \(lexer.describe(t))") }
            let key = try text(t, "an attribute name")
            try expect("=", "after the attribute \(Quote.name(key))")
            let v = try value(depth: 0)
            try expect(";", "after the value of \(Quote.name(key))")
            try body(&self, key, t.start, v)
        }
    }

    private mutating func value(depth: Int) throws(FormatError) -> Value {
        let t = lexer.next()
        switch t.kind {
        case .string: return .string(try text(t, "a string"), t.start)
        case .word: return .word(t)
        case .punct(UInt8(ascii: "(")):
            guard depth < 64 else { throw fail(t, "lists are nested too deeply") }
            var items: [Value] = []
            while true {
                let n = lexer.peek()
                if n.kind == .punct(UInt8(ascii: ")")) { _ = lexer.next(); return .list(items, t.start) }
                if n.kind == .punct(UInt8(ascii: ",")) { _ = lexer.next(); continue }
                items.append(try value(depth: depth + 1))
            }
        default:
            throw fail(t, "expected a value (string, number or list), found \(lexer.describe(t))")
        }
    }

    private func string(_ v: Value, _ key: String, at: Int) throws(FormatError) -> String {
        switch v {
        case .string(let s, _): return s
        case .word(let t): return try text(t, "a value")
        case .list(_, let o): throw source.error(at: o, "the attribute \(Quote.name(key)) must be a string, not a list")
        }
    }

    private mutating func parseNet() throws(FormatError) {
        try attributes("the net block") { (p: inout Self, key, at, v) throws(FormatError) in
            switch key {
            case "name": p.networkName = try p.string(v, key, at: at)
            case "label": p.networkLabel = try p.string(v, key, at: at)
            case "credence_description": p.networkDescription = try p.string(v, key, at: at)
            case "credence_decision_order":
                guard case .list(let items, let o) = v else {
                    throw p.source.error(at: at, "credence_decision_order must be a list of decision names such as (\"D1\" \"D2\")")
                }
                for item in items { p.decisionOrder.append((try p.string(item, key, at: o), o)) }
            case "credence_limid":
                let flag = try p.string(v, key, at: at)
                guard flag == "true" || flag == "false" else {
                    throw p.source.error(at: at, "credence_limid must be \"true\" or \"false\", not \(Quote.name(flag))")
                }
                p.limited = flag == "true"
            default: break
            }
        }
    }

    private mutating func parseNode(role: Variable.Role) throws(FormatError) {
        let (name, at) = try identifier("a node name")
        var node = NodeDraft(name: name, offset: at, statesOffset: at, role: role)
        try attributes("node \(Quote.name(name))") { (p: inout Self, key, kat, v) throws(FormatError) in
            switch key {
            case "states":
                guard case .list(let items, let o) = v else {
                    throw p.source.error(at: kat, "the states of \(Quote.name(name)) must be a list such as (\"yes\" \"no\")")
                }
                node.states = []
                for item in items { node.states.append(try p.string(item, key, at: o)) }
                node.statesOffset = o
                node.hasStates = true
            case "label": node.label = try p.string(v, key, at: kat)
            case "credence_description": node.description = try p.string(v, key, at: kat)
            case "credence_role":
                let r = try p.string(v, key, at: kat)
                guard let role = Variable.Role(rawValue: r) else {
                    throw p.source.error(at: kat, "unknown role \(Quote.name(r)); roles are \(Variable.Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                node.role = role
            case PortableNames.Key.states:
                guard case .list(let items, let o) = v else {
                    throw p.source.error(at: kat, "\(key) of \(Quote.name(name)) must be a list such as (\"(-inf,5]\" \"(5,inf)\")")
                }
                var states: [String] = []
                for item in items { states.append(try p.string(item, key, at: o)) }
                node.original.states = states
            case _ where OriginalNames.isRecord(key):
                let text = try p.string(v, key, at: kat)
                if let problem = node.original.apply(key: key, value: text, rawValue: text) { throw p.source.error(at: kat, problem) }
            default: break
            }
        }
        guard node.hasStates else {
            throw source.error(at: at, "node \(Quote.name(name)) has no 'states' attribute", hint: "add states = (\"s1\" \"s2\");")
        }
        nodes.append(node)
    }

    /// `utility U { label = "…"; }`: a utility node (no states).
    private mutating func parseUtility() throws(FormatError) {
        let (name, at) = try identifier("a utility node name")
        var label: String? = nil
        try attributes("utility \(Quote.name(name))") { (p: inout Self, key, kat, v) throws(FormatError) in
            if key == "label" { label = try p.string(v, key, at: kat) }
        }
        utilityNodes.append((name, at, label))
    }

    private mutating func parsePotential(at start: Int) throws(FormatError) {
        try expect("(", "after 'potential'")
        let (child, childAt) = try identifier("the node of the potential")
        var p = PotentialDraft(child: child, childOffset: childAt, offset: start)
        while true {
            let t = lexer.next()
            if t.kind == .punct(UInt8(ascii: ")")) { break }
            if t.kind == .punct(UInt8(ascii: "|")) || t.kind == .punct(UInt8(ascii: ",")) { continue }
            guard t.kind == .word else { throw fail(t, "expected a parent of \(Quote.name(child)) or ')', found \(lexer.describe(t))") }
            p.parents.append((try text(t, "a parent name"), t.start))
        }
        try attributes("the potential of \(Quote.name(child))") { (me: inout Self, key, kat, v) throws(FormatError) in
            guard key == "data" else { return }
            var values: [Double] = []
            var offsets: [Int] = []
            try me.flatten(v, into: &values, &offsets, child: child)
            p.data = values
            p.dataOffsets = offsets
            p.dataOffset = kat
        }
        potentials.append(p)
    }

    private func flatten(_ v: Value, into values: inout [Double], _ offsets: inout [Int], child: String) throws(FormatError) {
        switch v {
        case .word(let t):
            guard let x = lexer.number(t) else {
                throw fail(t, "expected a probability in the data of \(Quote.name(child)), found \(lexer.describe(t))", hint: "probabilities are decimal numbers such as 0.25")
            }
            values.append(x)
            offsets.append(t.start)
        case .string(_, let o):
            throw source.error(at: o - 1, "expected a probability in the data of \(Quote.name(child)), found a string")
        case .list(let items, _):
            for item in items { try flatten(item, into: &values, &offsets, child: child) }
        }
    }

    func assemble() throws(FormatError) -> BNDocument {
        let src = source
        var asm = NetworkAssembler(name: networkName, sourceSize: src.bytes.count)
        asm.setNetworkInfo(label: networkLabel, description: networkDescription)
        for (name, at, _) in utilityNodes where nodes.contains(where: { $0.name == name }) || utilityNodes.filter({ $0.name == name }).count > 1 {
            asm.report(src.location(at: at), "utility \(Quote.name(name)) is declared twice")
        }
        var decision = Set<Int>()
        for n in nodes {
            if let v = asm.addVariable(Variable(name: n.name, states: n.states, label: n.label, description: n.description, role: n.role),
                                       original: n.original, at: src.location(at: n.offset)), n.role == .decision {
                decision.insert(v)
            }
        }
        if !asm.diagnostics.isEmpty { throw FormatError(asm.diagnostics) }
        var utilities: [UtilityNode] = []
        for p in potentials where !asm.isFull {
            if let u = utilityNodes.first(where: { $0.name == p.child }) {
                var parents: [Int] = []
                for (name, at) in p.parents { if let v = asm.lookup(name, at: src.location(at: at)) { parents.append(v) } }
                guard parents.count == p.parents.count else { continue }
                let rows = parents.reduce(1) { $0 * asm.network.variables[$1].cardinality }
                guard let data = p.data, data.count == rows else {
                    asm.report(src.location(at: p.data == nil ? p.offset : p.dataOffset),
                               "the utility \(Quote.name(p.child)) needs \(rows) values (one per parent configuration), found \(p.data?.count ?? 0)")
                    continue
                }
                if utilities.contains(where: { $0.name == u.name }) {
                    asm.report(src.location(at: p.offset), "a second potential for the utility \(Quote.name(u.name))")
                    continue
                }
                utilities.append(UtilityNode(name: u.name, label: u.label, parents: parents, values: data))
                continue
            }
            guard let child = asm.lookup(p.child, at: src.location(at: p.childOffset)) else { continue }
            var parents: [Int] = []
            for (name, at) in p.parents { if let v = asm.lookup(name, at: src.location(at: at)) { parents.append(v) } }
            guard parents.count == p.parents.count, asm.setParents(child, parents, at: src.location(at: p.offset)),
                  let rows = asm.rowCount(child, at: src.location(at: p.offset)) else { continue }
            guard let data = p.data else {
                if decision.contains(child) { continue }   // a decision keeps its uniform table
                asm.report(src.location(at: p.offset), "the potential of \(Quote.name(p.child)) has no 'data'")
                continue
            }
            let k = asm.network.variables[child].cardinality
            guard data.count == rows * k else {
                let shape = parents.isEmpty ? "\(k) states" : "\(k) states × \(rows) parent configurations"
                asm.report(src.location(at: p.dataOffset), "the data of \(Quote.name(p.child)) has \(data.count) probabilities; it needs \(rows * k) (\(shape))")
                continue
            }
            asm.setTable(child, data, at: src.location(at: p.dataOffset)) { r in src.location(at: p.dataOffsets[r * k]) }
        }
        for (name, at, _) in utilityNodes where !utilities.contains(where: { $0.name == name }) && asm.diagnostics.isEmpty {
            asm.report(src.location(at: at), "utility \(Quote.name(name)) has no potential with its values")
        }
        // The decision order names NET nodes; the network may have restored original names.
        var order: [Int] = []
        for (name, at) in decisionOrder {
            guard let i = nodes.firstIndex(where: { $0.name == name }), nodes[i].role == .decision else {
                let decisions = nodes.filter { $0.role == .decision }.map(\.name)
                asm.report(src.location(at: at), "credence_decision_order lists \(Quote.name(name)), which is not a decision node",
                           hint: decisions.isEmpty ? "the file declares no decision" : "the decisions are \(decisions.joined(separator: ", "))")
                continue
            }
            order.append(i)
        }
        var doc = BNDocument(network: try asm.finish(file: src.file))
        doc.utilities = utilities
        doc.decisionOrder = order.map { doc.network.variables[$0].name }
        doc.limited = limited
        if !utilities.isEmpty {
            do { _ = try doc.influenceDiagram() } catch {
                throw FormatError(src.location(at: 0), error.description)
            }
        }
        return doc
    }
}
