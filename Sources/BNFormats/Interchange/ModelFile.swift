import BNCore

/// The model file formats, chosen by file extension.
public enum ModelFormat: String, CaseIterable, Sendable {
    /// Credence's model language (`.bn`).
    case bn
    /// BIF 0.15 (`.bif`).
    case bif
    /// gzip-compressed BIF (`.bif.gz`).
    case bifGzip = "bif.gz"
    /// XMLBIF 0.3 (`.xmlbif`, `.xml`, and pyAgrum's `.bifxml`).
    case xmlbif
    /// Hugin NET (`.net`).
    case net
    /// UAI BAYES (`.uai`); names are not kept.
    case uai
    /// Graphviz DOT (`.dot`, `.gv`), write only.
    case dot
    /// GeNIe / SMILE XDSL (`.xdsl`): Bayesian networks and influence diagrams.
    case xdsl

    /// The format of a path by its extension (case-insensitive), or nil.
    public init?(path: String) {
        let lower = path.lowercased()
        func ends(_ s: String) -> Bool { lower.hasSuffix(s) }
        if ends(".bif.gz") { self = .bifGzip }
        else if ends(".bif") { self = .bif }
        else if ends(".bn") { self = .bn }
        else if ends(".xmlbif") || ends(".xml") || ends(".bifxml") { self = .xmlbif }
        else if ends(".net") { self = .net }
        else if ends(".uai") { self = .uai }
        else if ends(".dot") || ends(".gv") { self = .dot }
        else if ends(".xdsl") { self = .xdsl }
        else { return nil }
    }

    /// Whether networks can be read from this format.
    public var isReadable: Bool { self != .dot }

    /// The extensions recognised, for messages.
    public static let extensionsText = ".bn, .bif, .bif.gz, .xmlbif/.xml/.bifxml, .net, .uai, .xdsl, .dot (write only)"
}

/// Reading and writing networks in any supported format, chosen by extension.
///
/// ```swift
/// let net = try ModelFile.read("/path/to/alarm.bif")      // or .bif.gz, .xmlbif, .net, .uai, .bn
/// try ModelFile.write(net, to: "alarm.xmlbif")             // atomic: temp file + rename
/// ```
/// Every failure is a `FormatError` with located diagnostics (`file:line:column`).
public enum ModelFile {
    /// Reads a network; the format comes from the extension.
    public static func read(_ path: String) throws(FormatError) -> BayesianNetwork {
        try read(path, format: format(of: path))
    }

    /// Reads a network in a given format.
    public static func read(_ path: String, format: ModelFormat) throws(FormatError) -> BayesianNetwork {
        switch format {
        case .bif, .bifGzip: return try BIFReader.read(path: path)
        case .xmlbif: return try XMLBIFReader.read(path: path)
        case .net: return try HuginNetReader.read(path: path)
        case .uai: return try UAIReader.read(path: path)
        case .bn: return try ModelLanguageBridge.read(path: path)
        case .xdsl: return try XDSLReader.read(path: path)
        case .dot:
            throw FormatError(SourceLocation(file: path, line: 0, column: 0), "DOT files can be written but not read",
                              hint: "read a model from one of \(ModelFormat.extensionsText)")
        }
    }

    /// Reads a model with its decision part (utility nodes, decision order, LIMID mark) from
    /// `.bn`, XMLBIF / BIFXML and Hugin `.net`; other formats give a document without utilities.
    public static func readDocument(_ path: String) throws(FormatError) -> BNDocument {
        switch try format(of: path) {
        case .bn: return try BNLanguage.read(contentsOf: path)
        case .xmlbif: return try XMLBIFReader.readDocument(path: path)
        case .net: return try HuginNetReader.readDocument(path: path)
        case .xdsl: return try XDSLReader.readDocument(path: path)
        default: return BNDocument(network: try read(path))
        }
    }

    /// Writes a document atomically: `.bn`, XMLBIF and `.net` keep its utilities; another format is
    /// refused when there are utilities (it would lose them).
    public static func write(_ doc: BNDocument, to path: String) throws(FormatError) {
        let f = try format(of: path)
        switch f {
        case .bn: try BNLanguage.write(doc, to: path)
        case .xmlbif: try XMLBIFWriter.write(doc, to: path)
        case .net: try HuginNetWriter.write(doc, to: path)
        case .xdsl: try XDSLWriter.write(doc, to: path)
        default:
            guard doc.utilities.isEmpty else {
                throw FormatError(SourceLocation(file: path, line: 0, column: 0),
                                  "\(f.rawValue) files cannot hold the utilities of an influence diagram",
                                  hint: "save it as .bn, .net (Hugin), .xdsl (GeNIe) or .xml/.xmlbif (pyAgrum's BIFXML)")
            }
            try write(doc.network, to: path, format: f)
        }
    }

    /// What writing `doc` to `path` keeps for Credence but another program would read
    /// differently (one sentence each; empty when nothing is lost): a no-forgetting
    /// influence diagram in Hugin's `.net` (`HuginNetWriter.losses`).
    public static func losses(writing doc: BNDocument, to path: String) -> [String] {
        switch ModelFormat(path: path) {
        case .net: return HuginNetWriter.losses(doc)
        default: return []
        }
    }

    /// Writes a network atomically; the format comes from the extension.
    public static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        try write(network, to: path, format: format(of: path))
    }

    /// Writes a network atomically in a given format.
    public static func write(_ network: BayesianNetwork, to path: String, format: ModelFormat) throws(FormatError) {
        switch format {
        case .bif, .bifGzip: try BIFWriter.write(network, to: path)
        case .xmlbif: try XMLBIFWriter.write(network, to: path)
        case .net: try HuginNetWriter.write(network, to: path)
        case .uai: try UAIWriter.write(network, to: path)
        case .dot: try DOTWriter.write(network, to: path)
        case .bn: try ModelLanguageBridge.write(network, to: path)
        case .xdsl: try XDSLWriter.write(BNDocument(network: network), to: path)
        }
    }

    /// Parses a network from text in a given format (`file` names it in diagnostics).
    public static func parse(_ text: String, format: ModelFormat, file: String = "<input>") throws(FormatError) -> BayesianNetwork {
        switch format {
        case .bif: return try BIFReader.parse(text, file: file)
        case .xmlbif: return try XMLBIFReader.parse(text, file: file)
        case .net: return try HuginNetReader.parse(text, file: file)
        case .uai: return try UAIReader.parse(text, file: file)
        case .bn: return try BNLanguage.parse(text, file: file).network
        case .xdsl: return try XDSLReader.parseDocument(SourceText(file: file, text: text)).network
        case .bifGzip, .dot:
            throw FormatError(SourceLocation(file: file, line: 0, column: 0), "\(format.rawValue) is not a text format that can be parsed",
                              hint: "parse one of bn, bif, xmlbif, net, uai, xdsl")
        }
    }

    /// The text of a network in a given format, as `write` would save it.
    public static func string(_ network: BayesianNetwork, format: ModelFormat) throws(FormatError) -> String {
        switch format {
        case .bif: return BIFWriter.string(network)
        case .xmlbif: return XMLBIFWriter.string(network)
        case .net: return try HuginNetWriter.string(network)
        case .uai: return UAIWriter.string(network)
        case .dot: return DOTWriter.string(network)
        case .bn: return BNLanguage.print(network)
        case .xdsl: return String(decoding: XDSLWriter.bytes(BNDocument(network: network)), as: UTF8.self)
        case .bifGzip:
            throw FormatError(SourceLocation(file: "<output>", line: 0, column: 0), "bif.gz is compressed, not text",
                              hint: "write it to a file, or ask for bif")
        }
    }

    /// A format by name (`bn`, `bif`, `xmlbif`, `net`, `uai`, `dot`; `xml` for XMLBIF), or an
    /// error listing the names.
    public static func format(named name: String) throws(FormatError) -> ModelFormat {
        if name.lowercased() == "xml" { return .xmlbif }
        guard let f = ModelFormat(rawValue: name.lowercased()) else {
            throw FormatError(SourceLocation(file: "<input>", line: 0, column: 0), "unknown model format \(Quote.name(name))",
                              hint: "use one of \(ModelFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return f
    }

    /// The format of a path, or an error listing the known extensions.
    public static func format(of path: String) throws(FormatError) -> ModelFormat {
        guard let f = ModelFormat(path: path) else {
            throw FormatError(SourceLocation(file: path, line: 0, column: 0), "unknown model file extension",
                              hint: "use one of \(ModelFormat.extensionsText)")
        }
        return f
    }
}
