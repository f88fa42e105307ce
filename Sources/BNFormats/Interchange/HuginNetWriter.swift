import BNCore

/// Writes the Hugin NET format read by `HuginNetReader` (and Hugin, GeNIe, SamIam,
/// pgmpy). `data` is nested one parenthesis level per parent. Node and state names are
/// `PortableNames`; the originals and the cut points of a discretised variable are kept
/// in the custom attributes `credence_name`, `credence_outcomes` and `credence_cuts`, as
/// descriptions and roles are in `credence_description` and `credence_role` (a decision
/// variable is written as a `node`: pyAgrum and pgmpy refuse `decision` in a network).
/// An influence diagram (a document with utilities) is written as Hugin writes one:
/// `decision` nodes with a potential of their parents and no data, and `utility` nodes
/// with one value per parent configuration. NET has no syntax for the decision order or
/// the memory assumption, so they go in the custom `net` attributes
/// `credence_decision_order` and `credence_limid` (read back by `HuginNetReader`; Hugin
/// keeps them as user attributes but solves every diagram as a LIMID): `losses` says
/// what Hugin itself would not see.
public enum HuginNetWriter {
    /// The NET text of a network.
    public static func string(_ network: BayesianNetwork) throws(FormatError) -> String {
        String(decoding: try bytes(network), as: UTF8.self)
    }

    /// The NET text as UTF-8 bytes.
    public static func bytes(_ network: BayesianNetwork, file: String = "<output>") throws(FormatError) -> [UInt8] {
        try bytes(BNDocument(network: network), file: file)
    }

    /// The NET text of a document, with its utilities.
    public static func bytes(_ doc: BNDocument, file: String = "<output>") throws(FormatError) -> [UInt8] {
        let network = doc.network
        let diagram = !doc.utilities.isEmpty
        let names = PortableNames(network)
        var out = TextSink()
        out.line("net")
        out.line("{")
        out.line("    name = \(BIFWriter.quoted(network.name));")
        if let l = network.label { out.line("    label = \(BIFWriter.quoted(l));") }
        if let d = network.description { out.line("    credence_description = \(BIFWriter.quoted(d));") }
        if diagram && !doc.decisionOrder.isEmpty {
            let order = doc.decisionOrder.map { n in network.index(of: n).map { names.variables[$0] } ?? n }
            out.line("    credence_decision_order = (\(order.map(BIFWriter.quoted).joined(separator: " ")));")
        }
        if diagram && doc.limited { out.line("    credence_limid = \"true\";") }
        out.line("}")
        for (i, v) in network.variables.enumerated() {
            out.line()
            out.line((diagram && v.role == .decision ? "decision " : "node ") + names.variables[i])
            out.line("{")
            if let l = v.label { out.line("    label = \(BIFWriter.quoted(l));") }
            out.line("    states = (\(names.states[i].map(BIFWriter.quoted).joined(separator: " ")));")
            // NET strings carry any text: the records are written plainly, not as `records` escapes `=`.
            for (key, value) in names.records(for: i, of: network) {
                switch key {
                case PortableNames.Key.states: out.line("    \(key) = (\(v.states.map(BIFWriter.quoted).joined(separator: " ")));")
                case PortableNames.Key.name: out.line("    \(key) = \(BIFWriter.quoted(v.name));")
                default: out.line("    \(key) = \(value);")
                }
            }
            if let d = v.description { out.line("    credence_description = \(BIFWriter.quoted(d));") }
            if v.role != .chance { out.line("    credence_role = \"\(v.role.rawValue)\";") }
            out.line("}")
        }
        for c in 0..<network.count {
            let parents = network.parents(of: c)
            let name = names.variables[c]
            out.line()
            out.line(parents.isEmpty ? "potential ( \(name) )" : "potential ( \(name) | \(parents.map { names.variables[$0] }.joined(separator: " ")) )")
            out.line("{")
            if !(diagram && network.variables[c].role == .decision) {
                out.write("    data = ")
                let cards = parents.map { network.variables[$0].cardinality } + [network.variables[c].cardinality]
                var index = 0
                nest(network.cpts[c].values, cards, level: 0, index: &index, into: &out)
                out.line(";")
            }
            out.line("}")
        }
        for u in doc.utilities {
            let name = PortableNames.isPortable(u.name) ? u.name : "utility_\(u.name.unicodeScalars.map { String($0.value, radix: 16) }.joined())"
            out.line()
            out.line("utility \(name)")
            out.line("{")
            if let l = u.label { out.line("    label = \(BIFWriter.quoted(l));") }
            out.line("}")
            out.line()
            out.line(u.parents.isEmpty ? "potential ( \(name) )" : "potential ( \(name) | \(u.parents.map { names.variables[$0] }.joined(separator: " ")) )")
            out.line("{")
            out.write("    data = ")
            var index = 0
            if u.parents.isEmpty { out.write("( "); out.write(u.values[0]); out.write(" )") }
            else { nest(u.values, u.parents.map { network.variables[$0].cardinality }, level: 0, index: &index, into: &out) }
            out.line(";")
            out.line("}")
        }
        return out.bytes
    }

    /// What Hugin would read differently from Credence in the NET text of `doc`, one
    /// sentence each (empty for a network, and for a LIMID). Hugin solves every influence
    /// diagram as a LIMID, so a no-forgetting diagram means the same there only when each
    /// decision's parents already include every earlier decision and its parents (perfect
    /// recall); otherwise the decisions would forget.
    public static func losses(_ doc: BNDocument) -> [String] {
        guard !doc.utilities.isEmpty, !doc.limited, let id = try? doc.influenceDiagram() else { return [] }
        let net = doc.network
        var seen = Set<Int>(), forgetting: [String] = []
        for d in id.decisionOrder {
            let parents = Set(net.parents(of: d))
            let missing = seen.subtracting(parents)
            if !missing.isEmpty {
                forgetting.append("\(Quote.name(net.variables[d].name)) (not a parent: \(missing.sorted().map { net.variables[$0].name }.joined(separator: ", ")))")
            }
            seen.formUnion(parents)
            seen.insert(d)
        }
        guard !forgetting.isEmpty else { return [] }
        return ["Hugin reads every influence diagram in a .net file as a LIMID (a decision sees only its parents); this diagram assumes no-forgetting, which Hugin will not apply to \(forgetting.joined(separator: "; ")). Credence reads the file back as written; for Hugin, add those variables as parents of the decisions."]
    }

    /// Writes a document (with its utilities) as a `.net` file atomically.
    public static func write(_ doc: BNDocument, to path: String) throws(FormatError) {
        try writeAtomically(bytes(doc, file: path), to: path)
    }

    /// Writes a `.net` file atomically.
    public static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        try writeAtomically(bytes(network, file: path), to: path)
    }

    private static func nest(_ values: [Double], _ cards: [Int], level: Int, index: inout Int, into out: inout TextSink) {
        out.write("(")
        if level == cards.count - 1 {
            for j in 0..<cards[level] {
                out.write(j == 0 ? " " : " ")
                out.write(values[index])
                index += 1
            }
            out.write(" ")
        } else {
            for _ in 0..<cards[level] { nest(values, cards, level: level + 1, index: &index, into: &out) }
        }
        out.write(")")
    }
}
