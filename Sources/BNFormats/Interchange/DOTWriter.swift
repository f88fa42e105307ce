import BNCore

/// Writes a network's graph in Graphviz DOT (write only): one node per variable, labelled
/// with its name, its label when it has one (`Satisfaction\n满意度\n(3 states)`) and
/// its number of states, one edge per parent; latent variables are dashed and decision
/// variables boxed.
public enum DOTWriter {
    /// The DOT text of a network's graph.
    public static func string(_ network: BayesianNetwork) -> String {
        var lines = ["digraph \(quoted(network.name)) {",
                     "  rankdir=TB;",
                     "  node [shape=ellipse, fontname=\"Helvetica\"];"]
        if let l = network.label { lines.append("  label=\(quoted(l));") }
        for v in network.variables {
            let caption = [v.name] + (v.label.map { $0 == v.name ? [] : [$0] } ?? []) + ["(\(v.cardinality) states)"]
            var attrs = ["label=\(quoted(caption.joined(separator: "\n")))"]
            switch v.role {
            case .latent: attrs.append("style=dashed")
            case .decision: attrs.append("shape=box")
            case .chance: break
            }
            lines.append("  \(quoted(v.name)) [\(attrs.joined(separator: ", "))];")
        }
        for c in 0..<network.count {
            for p in network.parents(of: c) {
                lines.append("  \(quoted(network.variables[p].name)) -> \(quoted(network.variables[c].name));")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes a `.dot` file atomically.
    public static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        try writeAtomically(Array(string(network).utf8), to: path)
    }

    /// A DOT double-quoted string.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out + "\""
    }
}
