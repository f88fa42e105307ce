import BNCore

/// Writes the Hugin NET format read by `HuginNetReader` (and Hugin, GeNIe, SamIam,
/// pgmpy). `data` is nested one parenthesis level per parent. Node names must be NET
/// identifiers (no white space or `{ } ( ) = ; | , " %`); a name that is not is refused
/// with an error naming it. Descriptions and latent roles use the custom attributes
/// `credence_description` and `credence_role`.
public enum HuginNetWriter {
    /// The NET text of a network.
    public static func string(_ network: BayesianNetwork) throws(FormatError) -> String {
        String(decoding: try bytes(network), as: UTF8.self)
    }

    /// The NET text as UTF-8 bytes.
    public static func bytes(_ network: BayesianNetwork, file: String = "<output>") throws(FormatError) -> [UInt8] {
        for v in network.variables where !isIdentifier(v.name) {
            throw FormatError(SourceLocation(file: file, line: 0, column: 0),
                              "the variable name '\(v.name)' cannot be written to Hugin NET",
                              hint: "NET node names may not contain white space or { } ( ) = ; | , \" %; rename it first")
        }
        var out = TextSink()
        out.line("net")
        out.line("{")
        out.line("    name = \(BIFWriter.quoted(network.name));")
        if let l = network.label { out.line("    label = \(BIFWriter.quoted(l));") }
        if let d = network.description { out.line("    credence_description = \(BIFWriter.quoted(d));") }
        out.line("}")
        for v in network.variables {
            out.line()
            out.line(v.role == .decision ? "decision \(v.name)" : "node \(v.name)")
            out.line("{")
            if let l = v.label { out.line("    label = \(BIFWriter.quoted(l));") }
            out.line("    states = (\(v.states.map(BIFWriter.quoted).joined(separator: " ")));")
            if let d = v.description { out.line("    credence_description = \(BIFWriter.quoted(d));") }
            if v.role == .latent { out.line("    credence_role = \"latent\";") }
            out.line("}")
        }
        for c in 0..<network.count {
            let parents = network.parents(of: c)
            let name = network.variables[c].name
            out.line()
            out.line(parents.isEmpty ? "potential ( \(name) )" : "potential ( \(name) | \(parents.map { network.variables[$0].name }.joined(separator: " ")) )")
            out.line("{")
            out.write("    data = ")
            let cards = parents.map { network.variables[$0].cardinality } + [network.variables[c].cardinality]
            var index = 0
            nest(network.cpts[c].values, cards, level: 0, index: &index, into: &out)
            out.line(";")
            out.line("}")
        }
        return out.bytes
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

    static func isIdentifier(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { c in !(c <= 32 || c == 127 || "{}()=;|,\"%".utf8.contains(c)) }
    }
}
