import Foundation
import BNCore

/// Reads GeNIe / SMILE's XDSL (`.xdsl`), Bayesian networks and influence diagrams:
/// ```
/// <smile version="1.0" id="venture">
///   <nodes>
///     <cpt id="Success"><state id="yes"/><state id="no"/><probabilities>0.2 0.8</probabilities></cpt>
///     <decision id="Invest"><state id="invest"/><state id="keep"/><parents>Forecast</parents></decision>
///     <utility id="Gain"><parents>Invest Success</parents><utilities>10000 -5000 500 500</utilities></utility>
///   </nodes>
///   <extensions><genie …><node id="Success"><name>Success of the venture</name>…</node></genie></extensions>
/// </smile>
/// ```
/// Node kinds: `cpt` (probabilities with the node's states fastest and the last parent
/// next: the `BayesianNetwork` layout), `noisymax` (`strengths` and `parameters`, expanded
/// to the full CPT by `NoisyMax`: GeNIe's Noisy-MAX with its leak), `deterministic`
/// (`resultingstates`: the state taken for each parent configuration, a 0/1 table),
/// `decision` (its `parents` are what it observes), `utility` (one value per parent
/// configuration, last parent fastest) and `mau` (a multi-attribute utility `Σ wᵢ Uᵢ` over
/// utility and other mau nodes, `weights` in `parents` order). Credence keeps one table per
/// utility node and adds up the terminal ones, so a mau node is folded away: each utility
/// node below it is scaled by the product of the weights on its path to the top (summed
/// over paths), which gives the same total utility `Σ_m Σ_i w_{m,i} U_i` for every
/// configuration. `noisyadder`, `demorgan` and other canonical gates are refused (convert
/// them to CPT nodes in GeNIe), and so are continuous nodes (`equation`, whose network must
/// be discretized in GeNIe first), each with a located error naming the node. GeNIe's
/// display names (`<extensions>` → `<node><name>`) become labels; `<property
/// id="credence_…">` keep Credence's records. The XML is read by `XMLScanner`; errors are
/// located at the element's `<`.
public enum XDSLReader {
    /// Reads an XDSL file with its utilities.
    public static func readDocument(path: String) throws(FormatError) -> BNDocument {
        try parseDocument(SourceText.load(path: path))
    }

    /// Reads an XDSL file's network (utilities left out).
    public static func read(path: String) throws(FormatError) -> BayesianNetwork {
        try readDocument(path: path).network
    }

    /// Parses XDSL bytes.
    public static func parseDocument(_ source: SourceText) throws(FormatError) -> BNDocument {
        let collector = XDSLCollector(file: source.file, sourceSize: source.bytes.count)
        try scanXML(source, collector, document: "an XDSL document (<smile>…</smile>)",
                         encodingHint: "GeNIe may save ISO-8859-1: re-save the file as UTF-8")
        guard collector.sawSmile else {
            throw FormatError(SourceLocation(file: source.file, line: 1, column: 1), "not an XDSL document: no <smile> element")
        }
        return try collector.assemble()
    }
}

/// SAX delegate gathering XDSL nodes with their locations.
private final class XDSLCollector: XMLCollecting {
    struct NodeDraft {
        var kind: String
        var id: String
        var at: SourceLocation
        var states: [String] = []
        var parents: [String] = []
        var parentsAt: SourceLocation
        /// `probabilities`, `utilities`, `resultingstates`, `weights` or (noisymax)
        /// `parameters` text and where it is.
        var table: String? = nil
        var tableAt: SourceLocation
        /// A noisymax node's `strengths` and where they are.
        var strengths: String? = nil
        var strengthsAt: SourceLocation? = nil
        var properties: [String: String] = [:]
    }

    let file: String
    let sourceSize: Int
    var sawSmile = false
    var networkName = "network"
    var nodes: [NodeDraft] = []
    var labels: [String: String] = [:]
    var problem: Diagnostic?

    private var path: [String] = []
    private var text = ""
    private var elementAt = SourceLocation(file: "", line: 0, column: 0)
    private var node: NodeDraft?
    private var genieNode: String?
    private var propertyID: String?

    static let tableElements: Set<String> = ["probabilities", "utilities", "resultingstates", "weights", "parameters"]
    /// The node kinds read.
    static let kinds: Set<String> = ["cpt", "noisymax", "deterministic", "decision", "utility", "mau"]
    /// Canonical gates without a documented expansion here: GeNIe turns them into CPTs.
    static let canonical: Set<String> = ["noisyadder", "demorgan", "cast", "tabular"]
    /// Continuous nodes.
    static let continuous: Set<String> = ["equation"]

    init(file: String, sourceSize: Int) {
        self.file = file
        self.sourceSize = sourceSize
    }

    private func fail(_ at: SourceLocation, _ message: String, hint: String? = nil) {
        if problem == nil { problem = Diagnostic(at, message, hint: hint) }
    }

    private var inNodes: Bool { path.count >= 2 && path[path.count - 2] == "nodes" }

    func startElement(_ name: String, attributes: [String: String], at: SourceLocation) {
        path.append(name)
        text = ""
        elementAt = at
        if name == "smile" {
            sawSmile = true
            if let id = attributes["id"], !id.isEmpty { networkName = id }
            return
        }
        if path.count >= 2 && path[path.count - 2] == "nodes" && path.contains("smile") && !path.contains("extensions") {
            let id = attributes["id"] ?? ""
            if Self.canonical.contains(name) {
                fail(at, "\(name) node \(Quote.name(id)) is not supported",
                     hint: "in GeNIe, convert it to a CPT node (right-click → Change Type → CPT) and save again; Credence reads cpt, noisymax, deterministic, decision, utility and mau nodes")
                return
            }
            if Self.continuous.contains(name) {
                fail(at, "\(name) node \(Quote.name(id)) is continuous; Credence reads discrete networks only",
                     hint: "discretize the network in GeNIe first (Network → Discretize, which makes a discrete copy) and save that copy as XDSL")
                return
            }
            guard Self.kinds.contains(name) else {
                fail(at, "unknown XDSL node kind <\(name)>", hint: "XDSL nodes are cpt, noisymax, deterministic, decision, utility, mau, equation")
                return
            }
            if id.isEmpty { fail(at, "a <\(name)> node without an id") }
            node = NodeDraft(kind: name, id: id, at: at, parentsAt: at, tableAt: at)
            return
        }
        if node != nil && name == "state" {
            guard let id = attributes["id"], !id.isEmpty else { fail(at, "a <state> without an id in \(Quote.name(node!.id))"); return }
            node!.states.append(id)
        }
        if name == "property" { propertyID = attributes["id"] }
        if path.contains("genie") && name == "node" { genieNode = attributes["id"] }
    }

    func characters(_ string: String) { text += string }

    func endElement(_ name: String) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if node != nil {
            switch name {
            case "parents":
                node!.parents = value.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).map(String.init)
                node!.parentsAt = elementAt
            case _ where Self.tableElements.contains(name):
                if node!.table != nil { fail(elementAt, "a second table (<\(name)>) for \(Quote.name(node!.id))") }
                node!.table = value
                node!.tableAt = elementAt
            case "strengths":
                node!.strengths = value
                node!.strengthsAt = elementAt
            case "expression" where node!.kind == "mau":
                fail(elementAt, "the mau node \(Quote.name(node!.id)) combines its parents by an <expression>",
                     hint: "Credence reads weighted sums (<weights>) only: in GeNIe, give the mau node linear weights, or replace it by a utility node")
            case "property":
                if let id = propertyID { node!.properties[id] = value }
            default: break
            }
            if inNodes && name == node!.kind {
                nodes.append(node!)
                node = nil
            }
        } else if name == "name", let g = genieNode, path.count >= 2, path[path.count - 2] == "node" {
            if !value.isEmpty { labels[g] = value }
        } else if name == "node" && path.contains("genie") {
            genieNode = nil
        }
        path.removeLast()
        text = ""
    }

    /// The numbers of `d`'s table (or of `text`, its `what`, at `at`).
    private func numbers(_ d: NodeDraft, _ asm: inout NetworkAssembler, text: String? = nil, what: String = "table",
                         at: SourceLocation? = nil) -> [Double]? {
        var values: [Double] = []
        var index = 0
        for token in (text ?? d.table ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
            index += 1
            guard let x = DecimalParser.parse(token) else {
                asm.report(at ?? d.tableAt, "entry \(index) of the \(what) of \(Quote.name(d.id)) is not a number: \(Quote.name(token.prefix(40)))")
                return nil
            }
            values.append(x)
        }
        return values
    }

    func assemble() throws(FormatError) -> BNDocument {
        var asm = NetworkAssembler(name: networkName, sourceSize: sourceSize)
        let valueKinds: Set<String> = ["utility", "mau"]
        for d in nodes where !valueKinds.contains(d.kind) {
            var original = OriginalNames()
            for (key, value) in d.properties.sorted(by: { $0.key < $1.key }) where OriginalNames.isRecord(key) {
                // The writer stores each record as BIF writes it, a quoted string (`"30.0"`).
                let quoted = value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"")
                let text = quoted ? TokenLexer.unescape(String(value.dropFirst().dropLast())) : value
                if let p = original.apply(key: key, value: text, rawValue: value) { asm.report(d.at, p) }
            }
            if d.states.isEmpty { asm.report(d.at, "node \(Quote.name(d.id)) has no <state>", hint: "<state id=\"yes\" />") }
            asm.addVariable(Variable(name: d.id, states: d.states, label: labels[d.id].flatMap { $0 == d.id ? nil : $0 },
                                     role: d.kind == "decision" ? .decision : .chance),
                            original: original, at: d.at)
        }
        if !asm.diagnostics.isEmpty { throw FormatError(asm.diagnostics) }
        var utilityTables: [String: (parents: [Int], values: [Double], at: SourceLocation)] = [:]
        var maus: [NodeDraft] = []
        for d in nodes where !asm.isFull {
            if d.kind == "mau" { maus.append(d); continue }
            if d.kind == "utility" {
                var parents: [Int] = []
                for p in d.parents { if let v = asm.lookup(p, at: d.parentsAt) { parents.append(v) } }
                guard parents.count == d.parents.count, let values = numbers(d, &asm) else { continue }
                let rows = parents.reduce(1) { $0 * asm.network.variables[$1].cardinality }
                guard values.count == rows else {
                    asm.report(d.tableAt, "the utilities of \(Quote.name(d.id)) are \(values.count) values; it needs \(rows) (one per configuration of \(d.parents.isEmpty ? "no parents" : d.parents.joined(separator: ", ")))")
                    continue
                }
                utilityTables[d.id] = (parents, values, d.at)
                continue
            }
            guard let child = asm.lookup(d.id, at: d.at) else { continue }
            var parents: [Int] = []
            for p in d.parents { if let v = asm.lookup(p, at: d.parentsAt) { parents.append(v) } }
            guard parents.count == d.parents.count, asm.setParents(child, parents, at: d.at),
                  let rows = asm.rowCount(child, at: d.at) else { continue }
            let k = asm.network.variables[child].cardinality
            switch d.kind {
            case "decision":
                continue
            case "noisymax":
                guard d.strengths != nil || parents.isEmpty else {
                    asm.report(d.at, "the noisymax node \(Quote.name(d.id)) has no <strengths>",
                               hint: "one permutation of state indices per parent, e.g. <strengths>0 1</strengths> for a binary parent")
                    continue
                }
                let strengthsText = d.strengths ?? "", sAt = d.strengthsAt ?? d.at
                guard d.table != nil else { asm.report(d.at, "the noisymax node \(Quote.name(d.id)) has no <parameters>"); continue }
                guard let s = numbers(d, &asm, text: strengthsText, what: "strengths", at: sAt) else { continue }
                guard s.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e9 }) else {
                    asm.report(sAt, "the strengths of \(Quote.name(d.id)) must be whole numbers (parent state indices)")
                    continue
                }
                guard let theta = numbers(d, &asm, what: "parameters") else { continue }
                do {
                    let values = try NoisyMax.cpt(childStates: k, parentCardinalities: parents.map { asm.network.variables[$0].cardinality },
                                                  parentNames: d.parents, strengths: s.map { Int($0) }, parameters: theta)
                    asm.setTable(child, values, at: d.tableAt) { _ in d.tableAt }
                } catch {
                    let strengthsProblem = error.message.hasPrefix("the strengths")
                    asm.report(strengthsProblem ? sAt : d.tableAt, "noisymax node \(Quote.name(d.id)): \(error.message)", hint: error.hint)
                }
            case "deterministic":
                let states = asm.network.variables[child].states
                let picked = (d.table ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).map(String.init)
                guard picked.count == rows else {
                    asm.report(d.tableAt, "the resulting states of \(Quote.name(d.id)) are \(picked.count); it needs \(rows) (one per parent configuration)")
                    continue
                }
                var values = [Double](repeating: 0, count: rows * k)
                var ok = true
                for (r, s) in picked.enumerated() {
                    guard let i = states.firstIndex(of: s) else {
                        asm.report(d.tableAt, "\(Quote.name(s)) is not a state of \(Quote.name(d.id))", hint: "its states are \(states.joined(separator: ", "))")
                        ok = false
                        break
                    }
                    values[r * k + i] = 1
                }
                if ok { asm.setTable(child, values, at: d.tableAt) { _ in d.tableAt } }
            default:
                guard d.table != nil else { asm.report(d.at, "the cpt node \(Quote.name(d.id)) has no <probabilities>"); continue }
                guard let values = numbers(d, &asm) else { continue }
                guard values.count == rows * k else {
                    let shape = parents.isEmpty ? "\(k) states" : "\(k) states × \(rows) parent configurations"
                    asm.report(d.tableAt, "the probabilities of \(Quote.name(d.id)) are \(values.count) numbers; it needs \(rows * k) (\(shape))")
                    continue
                }
                asm.setTable(child, values, at: d.tableAt) { _ in d.tableAt }
            }
        }
        // Multi-attribute utilities folded into the utility nodes: the weight of a node is
        // the sum over its mau children of (the child's weight × the edge's weight); a node
        // under no mau is terminal (weight 1).
        var edges: [String: [(mau: String, weight: Double)]] = [:]
        let mauNames = Set(maus.map(\.id))
        for m in maus {
            guard let w = numbers(m, &asm, what: "weights") else { continue }
            guard w.count == m.parents.count else {
                asm.report(m.tableAt, "the mau node \(Quote.name(m.id)) has \(w.count) weights for \(m.parents.count) parents")
                continue
            }
            for (p, x) in zip(m.parents, w) {
                guard utilityTables[p] != nil || mauNames.contains(p) else {
                    asm.report(m.parentsAt, "the parent \(Quote.name(p)) of the mau node \(Quote.name(m.id)) is not a utility or mau node",
                               hint: "a mau node combines the values of utility and mau nodes")
                    continue
                }
                edges[p, default: []].append((m.id, x))
            }
        }
        var weights: [String: Double] = [:]
        func weight(_ name: String, depth: Int) -> Double {
            if let w = weights[name] { return w }
            guard let up = edges[name], depth <= maus.count else { return 1 }
            let w = up.reduce(0.0) { $0 + $1.weight * weight($1.mau, depth: depth + 1) }
            weights[name] = w
            return w
        }
        let network = try asm.finish(file: file)
        var doc = BNDocument(network: network)
        for d in nodes where d.kind == "utility" {
            guard let t = utilityTables[d.id] else { continue }
            let w = weight(d.id, depth: 0)
            doc.utilities.append(UtilityNode(name: d.id, label: labels[d.id].flatMap { $0 == d.id ? nil : $0 },
                                             parents: t.parents, values: t.values.map { $0 * w }))
        }
        if !doc.utilities.isEmpty {
            do { _ = try doc.influenceDiagram() } catch {
                throw FormatError(SourceLocation(file: file, line: 1, column: 1), error.description)
            }
        }
        return doc
    }
}
