import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import BNCore

/// Reads XMLBIF 0.3 (JavaBayes, Weka, pgmpy):
/// ```
/// <BIF VERSION="0.3"><NETWORK><NAME>asia</NAME>
///   <VARIABLE TYPE="nature"><NAME>tub</NAME><OUTCOME>yes</OUTCOME><OUTCOME>no</OUTCOME></VARIABLE>
///   <DEFINITION><FOR>tub</FOR><GIVEN>asia</GIVEN><TABLE>0.05 0.95 0.01 0.99</TABLE></DEFINITION>
/// </NETWORK></BIF>
/// ```
/// `TABLE` lists the `FOR` variable fastest and the last `GIVEN` next, which is the CPT
/// layout of `BayesianNetwork`. `PROBABILITY` is accepted for `DEFINITION` and `VALUE`
/// for `OUTCOME` (older dialects). `TYPE="decision"` gives the decision role; `PROPERTY`
/// texts `label = …`, `description = …`, `role = …` are understood. Numbers are read
/// exactly; rows are checked and renormalised as in `BIFReader`. Locations come from the
/// XML parser (line and column of the element).
public enum XMLBIFReader {
    /// Reads an XMLBIF file.
    public static func read(path: String) throws(FormatError) -> BayesianNetwork {
        try parse(SourceText.load(path: path))
    }

    /// Parses XMLBIF text.
    public static func parse(_ text: String, file: String = "<input>") throws(FormatError) -> BayesianNetwork {
        try parse(SourceText(file: file, text: text))
    }

    /// Parses XMLBIF bytes.
    public static func parse(_ source: SourceText) throws(FormatError) -> BayesianNetwork {
        if source.bytes.allSatisfy({ $0 == 32 || ($0 >= 9 && $0 <= 13) }) {
            throw FormatError(SourceLocation(file: source.file, line: 1, column: 1), "the file is empty: expected an XMLBIF document (<BIF>…</BIF>)")
        }
        if let bad = source.firstInvalidUTF8(in: 0..<source.bytes.count) {
            throw FormatError([source.diagnostic(at: bad, "invalid UTF-8 (byte 0x\(String(source.bytes[bad], radix: 16, uppercase: true)))", hint: "save the file as UTF-8")])
        }
        let collector = XMLBIFCollector(file: source.file, sourceSize: source.bytes.count)
        let parser = XMLParser(data: Data(blankingProcessingInstructions(source.bytes)))
        parser.delegate = collector
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if let problem = collector.problem { throw FormatError([problem]) }
        if !ok {
            let err = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "malformed XML"
            throw FormatError(SourceLocation(file: source.file, line: max(parser.lineNumber, 1), column: max(parser.columnNumber, 1)),
                              "malformed XML: \(err)")
        }
        guard collector.sawBIF else {
            throw FormatError(SourceLocation(file: source.file, line: 1, column: 1),
                              "not an XMLBIF document: no <BIF> or <NETWORK> element")
        }
        return try collector.assemble()
    }
}

/// The bytes with every processing instruction (`<?target …?>`), the XML declaration
/// included, replaced by spaces (line and column numbers are kept).
///
/// swift-corelibs-foundation's `XMLParser` dereferences a null pointer on a processing
/// instruction without data (`<?x?>`), crashing the process (found by fuzzing,
/// Fuzz/run.sh models). XMLBIF needs no processing instructions, and the declaration only
/// names the version and encoding: the input has been checked to be UTF-8, which is what
/// the parser assumes without one. An unterminated `<?` is blanked to the end, which the
/// parser then reports as a document without a root element.
func blankingProcessingInstructions(_ bytes: [UInt8]) -> [UInt8] {
    var out = bytes
    var i = 0
    let n = bytes.count
    while i + 1 < n {
        if bytes[i] == UInt8(ascii: "<") && bytes[i + 1] == UInt8(ascii: "?") {
            var j = i + 2
            while j + 1 < n && !(bytes[j] == UInt8(ascii: "?") && bytes[j + 1] == UInt8(ascii: ">")) { j += 1 }
            let end = j + 1 < n ? j + 2 : n
            for k in i..<end where out[k] != 10 && out[k] != 13 { out[k] = 32 }
            i = end
            continue
        }
        i += 1
    }
    return out
}

/// SAX delegate gathering variables and definitions with their locations.
private final class XMLBIFCollector: NSObject, XMLParserDelegate {
    struct VariableDraft { var name = ""; var states: [String] = []; var properties = ModelProperties(); var at: SourceLocation }
    struct DefinitionDraft {
        var child = ""; var childAt: SourceLocation
        var parents: [(String, SourceLocation)] = []
        var table: String? = nil; var tableAt: SourceLocation
        var at: SourceLocation
    }

    let file: String
    let sourceSize: Int
    var sawBIF = false
    var networkName = "network"
    var networkProperties = ModelProperties()
    var variables: [VariableDraft] = []
    var definitions: [DefinitionDraft] = []
    var problem: Diagnostic?

    private var path: [String] = []
    private var text = ""
    private var elementAt = SourceLocation(file: "", line: 0, column: 0)
    private var variable: VariableDraft?
    private var definition: DefinitionDraft?

    init(file: String, sourceSize: Int) {
        self.file = file
        self.sourceSize = sourceSize
    }

    private func here(_ parser: XMLParser) -> SourceLocation {
        SourceLocation(file: file, line: max(parser.lineNumber, 1), column: max(parser.columnNumber, 1))
    }

    private func fail(_ parser: XMLParser, _ at: SourceLocation, _ message: String, hint: String? = nil) {
        if problem == nil { problem = Diagnostic(at, message, hint: hint) }
        parser.abortParsing()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        let tag = name.uppercased()
        let at = here(parser)
        path.append(tag)
        text = ""
        elementAt = at
        switch tag {
        case "BIF", "NETWORK": sawBIF = true
        case "VARIABLE":
            var v = VariableDraft(at: at)
            let type = (attributes["TYPE"] ?? attributes["type"] ?? "nature").lowercased()
            switch type {
            case "nature": break
            case "decision": v.properties.role = .decision
            default:
                fail(parser, at, "variable of TYPE=\"\(type)\" is not supported", hint: "Credence reads discrete chance (nature) and decision variables")
            }
            variable = v
        case "DEFINITION", "PROBABILITY":
            definition = DefinitionDraft(childAt: at, tableAt: at, at: at)
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parserDidEndDocument(_ parser: XMLParser) {
        if let open = path.last {
            fail(parser, here(parser), "the document ends inside <\(open)>", hint: "an element is not properly closed, or the file is truncated")
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let tag = name.uppercased()
        guard path.last == tag else {
            fail(parser, here(parser), "</\(name)> closes <\(path.last ?? "nothing")>", hint: "the XML elements are not properly nested")
            return
        }
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let at = elementAt
        switch (tag, parent) {
        case ("NAME", "VARIABLE"): variable?.name = value
        case ("NAME", "NETWORK"): if !value.isEmpty { networkName = value }
        case ("OUTCOME", "VARIABLE"), ("VALUE", "VARIABLE"): variable?.states.append(value)
        case ("PROPERTY", "VARIABLE"):
            if let p = variable?.properties.apply(value) { fail(parser, at, p) }
        case ("PROPERTY", "NETWORK"):
            if let p = networkProperties.apply(value) { fail(parser, at, p) }
        case ("VARIABLE", _):
            if let v = variable {
                if v.name.isEmpty { fail(parser, v.at, "a <VARIABLE> without a <NAME>") }
                variables.append(v)
            }
            variable = nil
        case ("FOR", "DEFINITION"), ("FOR", "PROBABILITY"):
            definition?.child = value
            definition?.childAt = at
        case ("GIVEN", "DEFINITION"), ("GIVEN", "PROBABILITY"):
            definition?.parents.append((value, at))
        case ("TABLE", "DEFINITION"), ("TABLE", "PROBABILITY"):
            if definition?.table != nil { fail(parser, at, "a second <TABLE> for \(Quote.name(definition?.child ?? ""))") }
            definition?.table = text
            definition?.tableAt = at
        case ("DEFINITION", _), ("PROBABILITY", _):
            if let d = definition {
                if d.child.isEmpty { fail(parser, d.at, "a <\(tag)> without a <FOR> variable") }
                definitions.append(d)
            }
            definition = nil
        default: break
        }
        path.removeLast()
        text = ""
    }

    func assemble() throws(FormatError) -> BayesianNetwork {
        var asm = NetworkAssembler(name: networkName, sourceSize: sourceSize)
        asm.setNetworkInfo(label: networkProperties.label, description: networkProperties.description)
        for d in variables {
            asm.addVariable(Variable(name: d.name, states: d.states, label: d.properties.label,
                                     description: d.properties.description, role: d.properties.role),
                            original: d.properties.original, at: d.at)
        }
        if !asm.diagnostics.isEmpty { throw FormatError(asm.diagnostics) }
        for d in definitions where !asm.isFull {
            guard let child = asm.lookup(d.child, at: d.childAt) else { continue }
            var parents: [Int] = []
            for (name, at) in d.parents { if let p = asm.lookup(name, at: at) { parents.append(p) } }
            guard parents.count == d.parents.count, asm.setParents(child, parents, at: d.at),
                  let rows = asm.rowCount(child, at: d.at) else { continue }
            guard let table = d.table else {
                asm.report(d.at, "the definition of \(Quote.name(d.child)) has no <TABLE>")
                continue
            }
            var values: [Double] = []
            values.reserveCapacity(rows * asm.network.variables[child].cardinality)
            var index = 0
            var bad = false
            for token in table.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "," }) {
                index += 1
                guard let x = DecimalParser.parse(token) else {
                    asm.report(d.tableAt, "entry \(index) of the table of \(Quote.name(d.child)) is not a number: \(Quote.name(token.prefix(40)))",
                               hint: "probabilities are decimal numbers such as 0.25")
                    bad = true
                    break
                }
                values.append(x)
            }
            if bad { continue }
            let k = asm.network.variables[child].cardinality
            if values.count != rows * k {
                let shape = parents.isEmpty ? "\(k) states" : "\(k) states × \(rows) parent configurations"
                asm.report(d.tableAt, "the table of \(Quote.name(d.child)) has \(values.count) probabilities; it needs \(rows * k) (\(shape))")
                continue
            }
            asm.setTable(child, values, at: d.tableAt) { _ in d.tableAt }
        }
        return try asm.finish(file: file)
    }
}
