import BNCore

/// Writes XMLBIF 0.3 (the format `XMLBIFReader` reads): one `VARIABLE` per variable and
/// one `DEFINITION` per CPT, `TABLE` in `BayesianNetwork` layout (the `FOR` variable
/// fastest). Labels, descriptions and latent roles become `PROPERTY` elements; a decision
/// variable gets `TYPE="decision"`. Names are `PortableNames`, the originals and cut
/// points kept as `credence_name`, `credence_outcomes` and `credence_cuts` properties.
/// An influence diagram's utility nodes are written as pyAgrum's BIFXML does
/// (`TYPE="utility"`, one `OUTCOME`, a `DEFINITION` whose `TABLE` has one value per
/// configuration of the `GIVEN` variables, the last fastest); decisions get a `DEFINITION`
/// with their parents and no `TABLE`; the decision order and the LIMID mark are network
/// properties (`credence_decision_order`, `credence_limid`).
public enum XMLBIFWriter {
    /// The XMLBIF text of a network.
    public static func string(_ network: BayesianNetwork) -> String {
        String(decoding: bytes(network), as: UTF8.self)
    }

    /// The XMLBIF text as UTF-8 bytes.
    public static func bytes(_ network: BayesianNetwork) -> [UInt8] {
        bytes(BNDocument(network: network))
    }

    /// The XMLBIF (BIFXML) text of a document with its utilities.
    public static func bytes(_ doc: BNDocument) -> [UInt8] {
        let network = doc.network
        let diagram = !doc.utilities.isEmpty
        let names = PortableNames(network)
        var out = TextSink()
        out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.line("<BIF VERSION=\"0.3\">")
        out.line("<NETWORK>")
        out.line("<NAME>\(XMLText.escape(network.name))</NAME>")
        if let l = network.label { out.line("<PROPERTY>label = \(XMLText.escape(BIFWriter.quoted(l)))</PROPERTY>") }
        if let d = network.description { out.line("<PROPERTY>description = \(XMLText.escape(BIFWriter.quoted(d)))</PROPERTY>") }
        if !doc.decisionOrder.isEmpty {
            let order = doc.decisionOrder.map { network.index(of: $0).map { names.variables[$0] } ?? $0 }
            out.line("<PROPERTY>credence_decision_order = \(XMLText.escape(order.joined(separator: ", ")))</PROPERTY>")
        }
        if doc.limited { out.line("<PROPERTY>credence_limid = true</PROPERTY>") }
        for (i, v) in network.variables.enumerated() {
            out.line("<VARIABLE TYPE=\"\(v.role == .decision ? "decision" : "nature")\">")
            out.line("  <NAME>\(names.variables[i])</NAME>")
            for s in names.states[i] { out.line("  <OUTCOME>\(s)</OUTCOME>") }
            for (key, value) in names.records(for: i, of: network) { out.line("  <PROPERTY>\(key) = \(XMLText.escape(value))</PROPERTY>") }
            if let l = v.label { out.line("  <PROPERTY>label = \(XMLText.escape(BIFWriter.quoted(l)))</PROPERTY>") }
            if let d = v.description { out.line("  <PROPERTY>description = \(XMLText.escape(BIFWriter.quoted(d)))</PROPERTY>") }
            if v.role == .latent { out.line("  <PROPERTY>role = latent</PROPERTY>") }
            out.line("</VARIABLE>")
        }
        for u in doc.utilities {
            out.line("<VARIABLE TYPE=\"utility\">")
            out.line("  <NAME>\(XMLText.escape(u.name))</NAME>")
            out.line("  <OUTCOME>0</OUTCOME>")
            out.line("</VARIABLE>")
        }
        func definition(_ name: String, _ parents: [Int], _ values: [Double]?) {
            out.line("<DEFINITION>")
            out.line("  <FOR>\(name)</FOR>")
            for p in parents { out.line("  <GIVEN>\(names.variables[p])</GIVEN>") }
            if let values {
                out.write("  <TABLE>")
                var first = true
                for x in values {
                    if !first { out.write(" ") }
                    out.write(x)
                    first = false
                }
                out.line("</TABLE>")
            }
            out.line("</DEFINITION>")
        }
        for c in 0..<network.count {
            // In a diagram a decision's table is not a distribution: only its parents are written.
            let policy = diagram && network.variables[c].role == .decision
            definition(names.variables[c], network.parents(of: c), policy ? nil : network.cpts[c].values)
        }
        for u in doc.utilities { definition(XMLText.escape(u.name), u.parents, u.values) }
        out.line("</NETWORK>")
        out.line("</BIF>")
        return out.bytes
    }

    /// Writes an XMLBIF file atomically.
    public static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        try writeAtomically(bytes(network), to: path)
    }

    /// Writes a document (with its utilities) as XMLBIF / BIFXML atomically.
    public static func write(_ doc: BNDocument, to path: String) throws(FormatError) {
        try writeAtomically(bytes(doc), to: path)
    }
}
