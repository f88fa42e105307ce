import BNCore

/// Writes a `BNDocument` in the `.bn` model language so that parsing the text gives the
/// same network back: variables, states, labels, descriptions, roles, parents in order and
/// every CPT entry bit for bit (Doubles are printed with Swift's shortest round-trip digits).
///
/// Layout: the `network` header, one `variable` line per variable, then one table per
/// variable in variable order — `P(X) = { s: p, … }` for a root, rows keyed by parent states
/// for a child (`uniform` where a row or the whole table is exactly uniform) — and the
/// question blocks last.
struct BNPrinter {
    private var out = ""

    static func string(_ doc: BNDocument) -> String {
        var p = BNPrinter()
        p.out.reserveCapacity(Self.estimate(doc.network))
        p.document(doc)
        return p.out
    }

    private static func estimate(_ net: BayesianNetwork) -> Int {
        net.cpts.reduce(4096) { $0 + $1.values.count * 12 }
    }

    // MARK: lexical forms

    /// A name as a bare word when the lexer reads it back as one word, else quoted.
    static func name(_ s: String) -> String {
        isBare(s) ? s : quoted(s)
    }

    /// A column of a derivation: quoted also when bare it would read as a number or an operator.
    static func columnName(_ s: String) -> String {
        isBare(s) && Double(s) == nil && s != "+" && s != "-" ? s : quoted(s)
    }

    static func isBare(_ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        for u in s.unicodeScalars {
            if u.value < 0x80 {
                if !BNLexer.isWordByte(UInt8(u.value)) { return false }
            } else if BNLexer.endsWord(u.value) {
                return false
            }
        }
        return true
    }

    /// A double-quoted string with `\" \\ \n \t \r \u{…}` escapes.
    static func quoted(_ s: String) -> String {
        var r = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            case "\n": r += "\\n"
            case "\t": r += "\\t"
            case "\r": r += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value < 0xA0) || u.value == 0x2028 || u.value == 0x2029 {
                    r += "\\u{\(String(u.value, radix: 16, uppercase: true))}"
                } else {
                    r.unicodeScalars.append(u)
                }
            }
        }
        return r + "\""
    }

    /// Shortest round-trip digits (`0.2`, `1e-05`).
    @inline(__always)
    private mutating func number(_ x: Double) {
        out += "\(x)"
    }

    // MARK: document

    private mutating func document(_ doc: BNDocument) {
        let net = doc.network
        out += "network \(Self.name(net.name))"
        if let l = net.label { out += " \(Self.quoted(l))" }
        if let d = net.description { out += " description \(Self.quoted(d))" }
        out += "\n\n"
        for v in net.variables {
            out += "variable \(Self.name(v.name))"
            if let l = v.label { out += " \(Self.quoted(l))" }
            out += " { "
            out += v.states.map(Self.name).joined(separator: ", ")
            out += " }"
            if v.role != .chance { out += " \(v.role.rawValue)" }
            if let cuts = v.cutPoints {
                out += " cuts ["
                for (j, x) in cuts.enumerated() {
                    if j > 0 { out += ", " }
                    number(x)
                }
                out += "]"
            }
            if let derivation = v.derivation { out += " from \(derivation.text(name: Self.columnName))" }
            if let d = v.description { out += " description \(Self.quoted(d))" }
            out += "\n"
        }
        for v in 0..<net.count {
            out += "\n"
            table(net, v)
        }
        for u in doc.utilities { utility(net, u) }
        if !doc.decisionOrder.isEmpty {
            out += "\norder { \(doc.decisionOrder.map(Self.name).joined(separator: ", ")) }\n"
        }
        if doc.limited { out += "\nlimid\n" }
        question(doc)
    }

    private mutating func table(_ net: BayesianNetwork, _ v: Int) {
        let variable = net.variables[v]
        let parents = net.parents(of: v)
        let values = net.cpts[v].values
        let k = variable.cardinality
        let uniform = 1 / Double(k)
        let heading = parents.isEmpty ? "P(\(Self.name(variable.name)))"
            : "P(\(Self.name(variable.name)) | \(parents.map { Self.name(net.variables[$0].name) }.joined(separator: ", ")))"
        if values.allSatisfy({ $0 == uniform }) {
            out += "\(heading) = uniform\n"
            return
        }
        if parents.isEmpty {
            out += "\(heading) = { "
            for j in 0..<k {
                if j > 0 { out += ", " }
                out += "\(Self.name(variable.states[j])): "
                number(values[j])
            }
            out += " }\n"
            return
        }
        out += "\(heading) {\n"
        let names = parents.map { Self.name(net.variables[$0].name) }
        out += "  # (\(names.joined(separator: ", "))): \(variable.states.map(Self.name).joined(separator: " "))\n"
        let cards = parents.map { net.variables[$0].cardinality }
        let stateNames = parents.map { net.variables[$0].states.map(Self.name) }
        var odometer = [Int](repeating: 0, count: parents.count)
        let rows = values.count / k
        for r in 0..<rows {
            out += "  ("
            for j in 0..<parents.count {
                if j > 0 { out += ", " }
                out += stateNames[j][odometer[j]]
            }
            out += "):"
            var isUniform = true
            for j in 0..<k where values[r * k + j] != uniform { isUniform = false; break }
            if isUniform {
                out += " uniform"
            } else {
                for j in 0..<k {
                    out += " "
                    number(values[r * k + j])
                }
            }
            out += "\n"
            var j = parents.count - 1
            while j >= 0 {
                odometer[j] += 1
                if odometer[j] < cards[j] { break }
                odometer[j] = 0
                j -= 1
            }
        }
        out += "}\n"
    }

    /// `utility U "label" | A, B { (a, b): u … }` (rows), or `utility U = u` without parents.
    private mutating func utility(_ net: BayesianNetwork, _ u: UtilityNode) {
        out += "\nutility \(Self.name(u.name))"
        if let l = u.label { out += " \(Self.quoted(l))" }
        if u.parents.isEmpty {
            out += " = "
            number(u.values.first ?? 0)
            out += "\n"
            return
        }
        out += " | " + u.parents.map { Self.name(net.variables[$0].name) }.joined(separator: ", ") + " {\n"
        let cards = u.parents.map { net.variables[$0].cardinality }
        for (r, x) in u.values.enumerated() {
            var rest = r
            var states: [String] = []
            for (p, c) in zip(u.parents, cards).reversed() {
                states.append(Self.name(net.variables[p].states[rest % c]))
                rest /= c
            }
            out += "  (\(states.reversed().joined(separator: ", "))): "
            number(x)
            out += "\n"
        }
        out += "}\n"
    }

    private mutating func question(_ doc: BNDocument) {
        if !doc.evidence.isEmpty {
            out += "\nevidence { "
            for (i, f) in doc.evidence.enumerated() {
                if i > 0 { out += ", " }
                switch f {
                case .state(let v, let s):
                    out += "\(Self.name(v)) = \(Self.name(s))"
                case .likelihood(let v, let w):
                    out += "\(Self.name(v)) ~ ["
                    for (j, x) in w.enumerated() {
                        if j > 0 { out += ", " }
                        number(x)
                    }
                    out += "]"
                }
            }
            out += " }\n"
        }
        if !doc.interventions.isEmpty {
            out += "\ndo { " + doc.interventions.map { "\(Self.name($0.variable)) = \(Self.name($0.state))" }.joined(separator: ", ") + " }\n"
        }
        if !doc.query.isEmpty {
            out += "\nquery { " + doc.query.map(Self.name).joined(separator: ", ") + " }\n"
        }
    }
}
