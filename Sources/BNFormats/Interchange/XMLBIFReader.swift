import Foundation
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
/// for `OUTCOME` (older dialects). `TYPE="decision"` gives the decision role (a definition
/// without `TABLE` gives its parents, the information arcs); `TYPE="utility"` is a utility
/// node of an influence diagram (pyAgrum's BIFXML: its `TABLE` lists one value per
/// configuration of the `GIVEN` variables, the last fastest), read by `readDocument`.
/// The network properties `credence_decision_order = D1, D2` and `credence_limid = true`
/// keep the decision order and the LIMID mark. `PROPERTY`
/// texts `label = …`, `description = …`, `role = …` are understood. Numbers are read
/// exactly; rows are checked and renormalised as in `BIFReader`. The XML is read by
/// `XMLScanner`; problems are located at the element's `<`.
public enum XMLBIFReader {
    /// Reads an XMLBIF file (an influence diagram's utilities are left out).
    public static func read(path: String) throws(FormatError) -> BayesianNetwork {
        try parse(SourceText.load(path: path))
    }

    /// Reads an XMLBIF / BIFXML file with its utility nodes, decision order and LIMID mark.
    public static func readDocument(path: String) throws(FormatError) -> BNDocument {
        try parseDocument(SourceText.load(path: path))
    }

    /// Parses XMLBIF text.
    public static func parse(_ text: String, file: String = "<input>") throws(FormatError) -> BayesianNetwork {
        try parse(SourceText(file: file, text: text))
    }

    /// Parses XMLBIF bytes.
    public static func parse(_ source: SourceText) throws(FormatError) -> BayesianNetwork {
        try parseDocument(source).network
    }

    /// Parses XMLBIF bytes with utility nodes.
    public static func parseDocument(_ source: SourceText) throws(FormatError) -> BNDocument {
        let collector = XMLBIFCollector(file: source.file, sourceSize: source.bytes.count)
        try scanXML(source, collector, document: "an XMLBIF document (<BIF>…</BIF>)", encodingHint: "save the file as UTF-8")
        guard collector.sawBIF else {
            throw FormatError(SourceLocation(file: source.file, line: 1, column: 1),
                              "not an XMLBIF document: no <BIF> or <NETWORK> element")
        }
        return try collector.assemble()
    }
}

/// SAX delegate gathering variables and definitions with their locations.
private final class XMLBIFCollector: XMLCollecting {
    struct VariableDraft { var name = ""; var states: [String] = []; var properties = ModelProperties(); var at: SourceLocation; var utility = false }
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
    var decisionOrder: [String] = []
    var limited = false
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

    private func fail(_ at: SourceLocation, _ message: String, hint: String? = nil) {
        if problem == nil { problem = Diagnostic(at, message, hint: hint) }
    }

    func startElement(_ name: String, attributes: [String: String], at: SourceLocation) {
        let tag = name.uppercased()
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
            case "utility": v.utility = true
            default:
                fail(at, "variable of TYPE=\"\(type)\" is not supported", hint: "Credence reads discrete chance (nature), decision and utility variables")
            }
            variable = v
        case "DEFINITION", "PROBABILITY":
            definition = DefinitionDraft(childAt: at, tableAt: at, at: at)
        default: break
        }
    }

    func characters(_ string: String) { text += string }

    func endElement(_ name: String) {
        let tag = name.uppercased()
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let at = elementAt
        switch (tag, parent) {
        case ("NAME", "VARIABLE"): variable?.name = value
        case ("NAME", "NETWORK"): if !value.isEmpty { networkName = value }
        case ("OUTCOME", "VARIABLE"), ("VALUE", "VARIABLE"): variable?.states.append(value)
        case ("PROPERTY", "VARIABLE"):
            if let p = variable?.properties.apply(value) { fail(at, p) }
        case ("PROPERTY", "NETWORK"):
            let kv = value.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2 && kv[0] == "credence_decision_order" {
                decisionOrder = kv[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            } else if kv.count == 2 && kv[0] == "credence_limid" {
                limited = kv[1] == "true"
            } else if let p = networkProperties.apply(value) { fail(at, p) }
        case ("VARIABLE", _):
            if let v = variable {
                if v.name.isEmpty { fail(v.at, "a <VARIABLE> without a <NAME>") }
                variables.append(v)
            }
            variable = nil
        case ("FOR", "DEFINITION"), ("FOR", "PROBABILITY"):
            definition?.child = value
            definition?.childAt = at
        case ("GIVEN", "DEFINITION"), ("GIVEN", "PROBABILITY"):
            definition?.parents.append((value, at))
        case ("TABLE", "DEFINITION"), ("TABLE", "PROBABILITY"):
            if definition?.table != nil { fail(at, "a second <TABLE> for \(Quote.name(definition?.child ?? ""))") }
            definition?.table = text
            definition?.tableAt = at
        case ("DEFINITION", _), ("PROBABILITY", _):
            if let d = definition {
                if d.child.isEmpty { fail(d.at, "a <\(tag)> without a <FOR> variable") }
                definitions.append(d)
            }
            definition = nil
        default: break
        }
        path.removeLast()
        text = ""
    }

    func assemble() throws(FormatError) -> BNDocument {
        var asm = NetworkAssembler(name: networkName, sourceSize: sourceSize)
        asm.setNetworkInfo(label: networkProperties.label, description: networkProperties.description)
        var utilityAt: [String: SourceLocation] = [:]
        for d in variables {
            if d.utility {
                if utilityAt[d.name] != nil || variables.contains(where: { !$0.utility && $0.name == d.name }) {
                    asm.report(d.at, "utility \(Quote.name(d.name)) is declared twice")
                }
                utilityAt[d.name] = d.at
                continue
            }
            asm.addVariable(Variable(name: d.name, states: d.states, label: d.properties.label,
                                     description: d.properties.description, role: d.properties.role),
                            original: d.properties.original, at: d.at)
        }
        if !asm.diagnostics.isEmpty { throw FormatError(asm.diagnostics) }
        var utilities: [UtilityNode] = []
        var defined = Set<String>()
        for d in definitions where !asm.isFull && utilityAt[d.child] != nil {
            defined.insert(d.child)
            var parents: [Int] = []
            for (name, at) in d.parents { if let p = asm.lookup(name, at: at) { parents.append(p) } }
            guard parents.count == d.parents.count else { continue }
            let rows = parents.reduce(1) { $0 * asm.network.variables[$1].cardinality }
            guard let values = numbers(d, &asm) else { continue }
            guard values.count == rows else {
                asm.report(d.tableAt, "the table of the utility \(Quote.name(d.child)) has \(values.count) values; it needs \(rows) (one per configuration of \(parents.isEmpty ? "no parents" : d.parents.map(\.0).joined(separator: ", ")))")
                continue
            }
            utilities.append(UtilityNode(name: d.child, parents: parents, values: values))
        }
        for (name, at) in utilityAt.sorted(by: { $0.key < $1.key }) where !defined.contains(name) {
            asm.report(at, "utility \(Quote.name(name)) has no <DEFINITION> with its values")
        }
        for d in definitions where !asm.isFull && utilityAt[d.child] == nil {
            guard let child = asm.lookup(d.child, at: d.childAt) else { continue }
            var parents: [Int] = []
            for (name, at) in d.parents { if let p = asm.lookup(name, at: at) { parents.append(p) } }
            guard parents.count == d.parents.count, asm.setParents(child, parents, at: d.at),
                  let rows = asm.rowCount(child, at: d.at) else { continue }
            // A decision's definition may give only its parents (what it observes).
            if d.table == nil && asm.network.variables[child].role == .decision { continue }
            guard d.table != nil, let values = numbers(d, &asm) else {
                if d.table == nil { asm.report(d.at, "the definition of \(Quote.name(d.child)) has no <TABLE>") }
                continue
            }
            let k = asm.network.variables[child].cardinality
            if values.count != rows * k {
                let shape = parents.isEmpty ? "\(k) states" : "\(k) states × \(rows) parent configurations"
                asm.report(d.tableAt, "the table of \(Quote.name(d.child)) has \(values.count) probabilities; it needs \(rows * k) (\(shape))")
                continue
            }
            asm.setTable(child, values, at: d.tableAt) { _ in d.tableAt }
        }
        let network = try asm.finish(file: file)
        var doc = BNDocument(network: network)
        doc.utilities = utilities
        doc.decisionOrder = decisionOrder
        doc.limited = limited
        if !utilities.isEmpty || !decisionOrder.isEmpty {
            do { _ = try doc.influenceDiagram() } catch {
                throw FormatError(SourceLocation(file: file, line: 1, column: 1), error.description)
            }
        }
        return doc
    }

    /// The numbers of a definition's `TABLE` (nil after reporting one that is not a number).
    private func numbers(_ d: DefinitionDraft, _ asm: inout NetworkAssembler) -> [Double]? {
        var values: [Double] = []
        var index = 0
        for token in (d.table ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "," }) {
            index += 1
            guard let x = DecimalParser.parse(token) else {
                asm.report(d.tableAt, "entry \(index) of the table of \(Quote.name(d.child)) is not a number: \(Quote.name(token.prefix(40)))",
                           hint: "table entries are decimal numbers such as 0.25 or -500")
                return nil
            }
            values.append(x)
        }
        return values
    }
}
