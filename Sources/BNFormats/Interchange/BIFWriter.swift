import BNCore

/// Writes a network in BIF (Interchange Format 0.15), readable by `BIFReader`, pgmpy and
/// bnlearn. Root tables are written with `table`, conditional ones one row per parent
/// configuration (`(a, b) 0.1, 0.9;`). Numbers use the shortest text that reads back to
/// the same Double; names that are not plain BIF words are quoted. Labels, descriptions
/// and non-chance roles are written as properties.
public enum BIFWriter {
    /// The BIF text of a network.
    public static func string(_ network: BayesianNetwork) -> String {
        String(decoding: bytes(network), as: UTF8.self)
    }

    /// The BIF text as UTF-8 bytes.
    public static func bytes(_ network: BayesianNetwork) -> [UInt8] {
        let names = PortableNames(network)
        var out = TextSink()
        out.line("network \(word(network.name)) {")
        if let l = network.label { out.line("  property label = \(quoted(l)) ;") }
        if let d = network.description { out.line("  property description = \(quoted(d)) ;") }
        out.line("}")
        for (i, v) in network.variables.enumerated() {
            out.line("variable \(names.variables[i]) {")
            out.line("  type discrete [ \(v.cardinality) ] { \(names.states[i].joined(separator: ", ")) };")
            for (key, value) in names.records(for: i, of: network) { out.line("  property \(key) = \(value) ;") }
            if let l = v.label { out.line("  property label = \(quoted(l)) ;") }
            if let d = v.description { out.line("  property description = \(quoted(d)) ;") }
            if v.role != .chance { out.line("  property role = \(v.role.rawValue) ;") }
            out.line("}")
        }
        for c in 0..<network.count {
            let v = network.variables[c]
            let parents = network.parents(of: c)
            let k = v.cardinality
            let values = network.cpts[c].values
            if parents.isEmpty {
                out.line("probability ( \(names.variables[c]) ) {")
                out.write("  table ")
                row(values[...], into: &out)
                out.line("}")
                continue
            }
            out.line("probability ( \(names.variables[c]) | \(parents.map { names.variables[$0] }.joined(separator: ", ")) ) {")
            let parentStates = parents.map { names.states[$0] }
            let cards = parents.map { network.variables[$0].cardinality }
            var config = [Int](repeating: 0, count: parents.count)
            for r in 0..<(values.count / k) {
                out.write("  (")
                for i in 0..<config.count {
                    if i > 0 { out.write(", ") }
                    out.write(parentStates[i][config[i]])
                }
                out.write(") ")
                row(values[(r * k)..<(r * k + k)], into: &out)
                var i = config.count - 1
                while i >= 0 {
                    config[i] += 1
                    if config[i] < cards[i] { break }
                    config[i] = 0
                    i -= 1
                }
            }
            out.line("}")
        }
        return out.bytes
    }

    /// Writes a `.bif` file (gzip-compressed when the path ends in `.gz`), atomically.
    public static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        var data = bytes(network)
        if path.hasSuffix(".gz") {
            do { data = try Gzip.compress(data) } catch {
                throw FormatError(SourceLocation(file: path, line: 0, column: 0), error.message)
            }
        }
        try writeAtomically(data, to: path)
    }

    private static func row(_ values: ArraySlice<Double>, into out: inout TextSink) {
        out.write(values, separator: ", ")
        out.line(";")
    }

    /// A name as a BIF word, quoted when it holds delimiters, white space or comment starts.
    static func word(_ name: String) -> String {
        let plain = !name.isEmpty && !name.hasPrefix("//") && !name.hasPrefix("/*") && name.utf8.allSatisfy { c in
            !(c <= 32 || c == 127 || "{}()[],;|\"".utf8.contains(c))
        }
        return plain ? name : quoted(name)
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.append(ch)
            }
        }
        return out + "\""
    }
}
