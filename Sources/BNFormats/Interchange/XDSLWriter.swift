import BNCore

/// Writes GeNIe / SMILE's XDSL (the format `XDSLReader` reads): a `cpt` node per chance
/// variable (probabilities in `BayesianNetwork` layout, the node's states fastest), a
/// `decision` node per decision of an influence diagram (its parents, no table; in a plain
/// network a decision is a `cpt`), a `utility` node per utility (one value per parent
/// configuration, last parent fastest), and a GeNIe extension with each node's label and a
/// grid position so GeNIe opens the file as drawn. Ids are `PortableNames`; the originals,
/// descriptions and cut points are kept as `<property id="credence_…">`.
public enum XDSLWriter {
    /// The XDSL text of a document as UTF-8 bytes.
    public static func bytes(_ doc: BNDocument) -> [UInt8] {
        let network = doc.network
        let diagram = !doc.utilities.isEmpty
        let names = PortableNames(network)
        var out = TextSink()
        let id = PortableNames.isPortable(network.name) ? network.name : "Network"
        out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.line("<smile version=\"1.0\" id=\"\(XMLText.escape(id))\" numsamples=\"10000\" discsamples=\"10000\">")
        out.line("  <nodes>")
        // SMILE wants parents before children.
        for v in network.dag.topologicalOrder() {
            let variable = network.variables[v]
            let policy = diagram && variable.role == .decision
            let kind = policy ? "decision" : "cpt"
            out.line("    <\(kind) id=\"\(names.variables[v])\">")
            for s in names.states[v] { out.line("      <state id=\"\(XMLText.escape(s))\" />") }
            let parents = network.parents(of: v)
            if !parents.isEmpty { out.line("      <parents>\(parents.map { names.variables[$0] }.joined(separator: " "))</parents>") }
            if !policy {
                out.write("      <probabilities>")
                numbers(network.cpts[v].values, &out)
                out.line("</probabilities>")
            }
            for (key, value) in names.records(for: v, of: network) {
                out.line("      <property id=\"\(key)\">\(XMLText.escape(value))</property>")
            }
            if let d = variable.description { out.line("      <property id=\"credence_description\">\(XMLText.escape(d))</property>") }
            out.line("    </\(kind)>")
        }
        let utilityIDs = doc.utilities.map { PortableNames.isPortable($0.name) ? $0.name : "U_" + $0.name.unicodeScalars.map { String($0.value, radix: 16) }.joined() }
        for (u, uid) in zip(doc.utilities, utilityIDs) {
            out.line("    <utility id=\"\(uid)\">")
            if !u.parents.isEmpty { out.line("      <parents>\(u.parents.map { names.variables[$0] }.joined(separator: " "))</parents>") }
            out.write("      <utilities>")
            numbers(u.values, &out)
            out.line("</utilities>")
            out.line("    </utility>")
        }
        out.line("  </nodes>")
        out.line("  <extensions>")
        out.line("    <genie version=\"1.0\" app=\"Credence\" name=\"\(XMLText.escape(network.label ?? network.name))\">")
        let all = (0..<network.count).map { (names.variables[$0], network.variables[$0].label ?? network.variables[$0].name) }
            + zip(doc.utilities, utilityIDs).map { ($1, $0.label ?? $0.name) }
        for (i, (nodeID, label)) in all.enumerated() {
            let x = 40 + (i % 6) * 160, y = 40 + (i / 6) * 100
            out.line("      <node id=\"\(nodeID)\">")
            out.line("        <name>\(XMLText.escape(label))</name>")
            out.line("        <interior color=\"e5f6f7\" />")
            out.line("        <outline color=\"000080\" />")
            out.line("        <font color=\"000000\" name=\"Arial\" size=\"8\" />")
            out.line("        <position>\(x) \(y) \(x + 120) \(y + 50)</position>")
            out.line("      </node>")
        }
        out.line("    </genie>")
        out.line("  </extensions>")
        out.line("</smile>")
        return out.bytes
    }

    private static func numbers(_ values: [Double], _ out: inout TextSink) {
        var first = true
        for x in values {
            if !first { out.write(" ") }
            out.write(x)
            first = false
        }
    }

    /// Writes an XDSL file atomically.
    public static func write(_ doc: BNDocument, to path: String) throws(FormatError) {
        try writeAtomically(bytes(doc), to: path)
    }
}
