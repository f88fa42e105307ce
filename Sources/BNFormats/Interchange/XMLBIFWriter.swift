import BNCore

/// Writes XMLBIF 0.3 (the format `XMLBIFReader` reads): one `VARIABLE` per variable and
/// one `DEFINITION` per CPT, `TABLE` in `BayesianNetwork` layout (the `FOR` variable
/// fastest). Labels, descriptions and latent roles become `PROPERTY` elements; a decision
/// variable gets `TYPE="decision"`. Names are `PortableNames`, the originals and cut
/// points kept as `credence_name`, `credence_outcomes` and `credence_cuts` properties.
public enum XMLBIFWriter {
    /// The XMLBIF text of a network.
    public static func string(_ network: BayesianNetwork) -> String {
        String(decoding: bytes(network), as: UTF8.self)
    }

    /// The XMLBIF text as UTF-8 bytes.
    public static func bytes(_ network: BayesianNetwork) -> [UInt8] {
        let names = PortableNames(network)
        var out = TextSink()
        out.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.line("<BIF VERSION=\"0.3\">")
        out.line("<NETWORK>")
        out.line("<NAME>\(XMLText.escape(network.name))</NAME>")
        if let l = network.label { out.line("<PROPERTY>label = \(XMLText.escape(BIFWriter.quoted(l)))</PROPERTY>") }
        if let d = network.description { out.line("<PROPERTY>description = \(XMLText.escape(BIFWriter.quoted(d)))</PROPERTY>") }
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
        for c in 0..<network.count {
            out.line("<DEFINITION>")
            out.line("  <FOR>\(names.variables[c])</FOR>")
            for p in network.parents(of: c) { out.line("  <GIVEN>\(names.variables[p])</GIVEN>") }
            out.write("  <TABLE>")
            var first = true
            for x in network.cpts[c].values {
                if !first { out.write(" ") }
                out.write(x)
                first = false
            }
            out.line("</TABLE>")
            out.line("</DEFINITION>")
        }
        out.line("</NETWORK>")
        out.line("</BIF>")
        return out.bytes
    }

    /// Writes an XMLBIF file atomically.
    public static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        try writeAtomically(bytes(network), to: path)
    }
}
