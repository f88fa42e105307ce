import BNCore
import BNFormats
import Foundation

/// How arcs are weighted in a picture of a network.
public enum ArcStrength: String, Codable, Sendable, CaseIterable {
    /// Width by the mutual information `I(parent; child | e)` of the arc's ends given the findings.
    case mi
    /// Every arc the same width.
    case none
}

/// What to draw: a network's findings (as the session or `--evidence/--soft/--do` state
/// them), the targets to highlight, how to weight arcs, and whether nodes are monitors or
/// name-only boxes.
public struct RenderRequest: Equatable, Sendable {
    var findings: FindingSet
    var targets: [String]
    var arcStrength: ArcStrength
    /// Name-only boxes (targets stay monitors); nil: above `NetworkPicture.compactThreshold` variables.
    var compact: Bool?
    /// The headline (default: the network's name and label).
    var title: String?
    /// The decision part of an influence diagram (utilities, order): utility nodes are drawn
    /// as diamonds and each decision shows the expected utility of its options.
    var decisions: DecisionSpec

    public init(findings: FindingSet = FindingSet(), targets: [String] = [], arcStrength: ArcStrength = .none,
                compact: Bool? = nil, title: String? = nil, decisions: DecisionSpec = DecisionSpec()) {
        self.decisions = decisions
        self.findings = findings
        self.targets = targets
        self.arcStrength = arcStrength
        self.compact = compact
        self.title = title
    }
}

/// A picture of a Bayesian network under its findings, laid out by Graphviz (`GraphLayout`)
/// and drawn by Credence as SVG (`svg()`, NetworkPicture+SVG.swift) or as styled DOT (`dot()`).
///
/// Each node is a monitor: its name and label, then one row per state with a bar of length
/// `posterior × barLength` and the percentage, and under findings a thin tick at the prior
/// `P(x)` (no findings), so the change shows. Observed nodes are shaded with the state in
/// bold, soft evidence and `do()` carry a badge, arcs into an intervened node are cut (dashed,
/// grey: `do(X)` removes them, Pearl 2000), latent nodes have a dashed outline, decision
/// nodes square corners, targets a red outline. With `ArcStrength.mi` an arc's width grows
/// with the mutual information of its ends given the findings. Above `compactThreshold`
/// variables (or on request) nodes are name-only boxes and only the targets stay monitors.
public struct NetworkPicture: Codable, Sendable {
    /// One variable as drawn.
    struct Node: Codable, Sendable {
        var name: String
        var label: String?
        /// `chance`, `latent` or `decision`.
        var role: String
        var states: [String]
        /// `P(X | e)`.
        var posterior: [Double]
        /// `P(X)` without findings; present when there are findings.
        var prior: [Double]?
        var observed: String?
        var intervened: String?
        /// The likelihood weights of soft evidence.
        var soft: [Double]?
        var target: Bool
        /// A name-only box (no state rows).
        var compact: Bool
        /// The box: upper left corner and size, in px.
        var x: Double, y: Double, width: Double, height: Double
        /// A decision of an influence diagram: `E[U | e, D = d]` for each option `d`, every
        /// other decision optimal (`DecisionReport.expectedUtilities`); its rows show these
        /// instead of percentages.
        var expectedUtilities: [Double]? = nil
    }

    /// A utility node of an influence diagram, drawn as a diamond with its name.
    struct Utility: Codable, Sendable {
        var name: String
        var parents: [String]
        /// The diamond's bounding box, px.
        var x: Double, y: Double, width: Double, height: Double
    }

    /// One arc as drawn.
    public struct Arc: Codable, Sendable {
        public var from: String
        public var to: String
        /// `I(from; to | e)` in bits (with `ArcStrength.mi`).
        public var mutualInformation: Double?
        /// Cut by an intervention on `to`.
        var cut: Bool
        /// The spline's control points (px), tail to the arrowhead's base; not in JSON.
        var points: [GraphLayout.Point] = []

        enum CodingKeys: String, CodingKey { case from, to, mutualInformation, cut }
    }

    var network: String
    var title: String
    /// The findings in words (`(none)` without).
    var findings: String
    var probabilityOfEvidence: Double
    var compact: Bool
    var arcStrength: ArcStrength
    var width: Double
    var height: Double
    var nodes: [Node]
    public var arcs: [Arc]
    /// The utility nodes (influence diagrams only).
    var utilities: [Utility] = []
    /// The maximum expected utility under the findings (influence diagrams only).
    var meu: Double?

    /// The length in px of a bar at probability 1.
    static let barLength = 90.0
    /// Above this many variables nodes are name-only boxes unless asked otherwise.
    static let compactThreshold = 60
    /// A monitor shows at most this many state rows (the most probable, in state order) and
    /// a row counting the rest.
    static let maxRows = 12

    // Monitor geometry, px.
    /// The headline of a picture: the network's name and label. BIF files from bnlearn's
    /// repository all say `network unknown`, so a network named `unknown` (or nothing) is
    /// called after its file, when there is one.
    public static func title(of network: BayesianNetwork, modelPath: String?) -> String {
        var name = network.name
        if let modelPath, name.isEmpty || name == "unknown" {
            name = URL(fileURLWithPath: modelPath).deletingPathExtension().lastPathComponent
        }
        return network.label.map { "\(name) — \($0)" } ?? name
    }

    static let pad = 6.0, rowHeight = 14.0, rowFont = 10.5, titleFont = 12.0, labelFont = 11.0
    static let percentWidth = 40.0, compactHeight = 24.0, margin = 16.0, headerHeight = 58.0

    /// Draws `network` under `request`: posteriors (and priors under findings) from `service`
    /// (the network's query service), layout from Graphviz. Unknown targets and bad findings
    /// are errors naming them.
    public init(network: BayesianNetwork, request: RenderRequest, service: QueryService? = nil) throws {
        let service = service ?? QueryService(network: network)
        let targetIndices = Set(try request.targets.map { name throws in try network.require(name) })
        let f = request.findings
        _ = try f.evidence(in: network)   // bad findings fail before any work
        let compact = request.compact ?? (network.count > Self.compactThreshold)

        // The boxes' sizes do not depend on the posteriors (only how many rows show), so
        // Graphviz lays them out while the junction tree computes them.
        var nodes: [Node] = []
        for (v, variable) in network.variables.enumerated() {
            var node = Node(name: variable.name, label: variable.label == variable.name ? nil : variable.label,
                            role: variable.role.rawValue, states: variable.states,
                            posterior: [Double](repeating: 0, count: variable.cardinality),
                            prior: nil, observed: f.evidence[variable.name], intervened: f.interventions[variable.name],
                            soft: f.soft[variable.name], target: targetIndices.contains(v),
                            compact: compact && !targetIndices.contains(v), x: 0, y: 0, width: 0, height: 0)
            (node.width, node.height) = Self.size(of: node)
            nodes.append(node)
        }
        var pairs: [(Int, Int)] = []
        for c in 0..<network.count { for p in network.parents(of: c) { pairs.append((p, c)) } }
        // Utility nodes follow the variables in the layout: node network.count + u.
        let report = request.decisions.isEmpty ? nil : try DecisionService.decide(network, request.decisions, findings: f)
        var utilities: [Utility] = []
        var utilityArcs: [(Int, Int)] = []
        for (u, utility) in request.decisions.utilities.enumerated() {
            let w = max(SVGText.textWidth(clipToWidth(utility.name, 28), size: Self.titleFont, bold: true) * 1.6 + 24, 70)
            utilities.append(Utility(name: utility.name, parents: utility.parents, x: 0, y: 0, width: w, height: 46))
            for p in utility.parents { utilityArcs.append((try network.require(p), network.count + u)) }
        }
        if let report {
            for option in report.expectedUtilities {
                if let v = network.index(of: option.decision) {
                    nodes[v].expectedUtilities = option.expectedUtilities
                    (nodes[v].width, nodes[v].height) = Self.size(of: nodes[v])
                }
            }
        }
        let sizes = nodes.map { (width: $0.width, height: $0.height) } + utilities.map { (width: $0.width, height: $0.height) }
        let edges = pairs + utilityArcs
        let laidOut = LayoutJob()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            laidOut.result = Result { try GraphLayout.bestLayout(sizes: sizes, edges: edges, nodeSeparation: compact ? 14 : 22,
                                                                 rankSeparation: compact ? 30 : 40) }
        }
        defer { group.wait() }   // never leave the layout running behind an error

        let (posteriors, logP) = try service.allMarginals(under: f)
        let priors = f.isEmpty ? nil : try service.allMarginals(under: FindingSet()).marginals
        for v in nodes.indices {
            nodes[v].posterior = posteriors[v]
            nodes[v].prior = priors?[v]
        }
        let strengths = request.arcStrength == .mi ? try service.mutualInformation(of: pairs, under: f) : nil
        group.wait()
        let layout = try laidOut.result!.get()

        let dx = Self.margin, dy = Self.headerHeight
        for i in nodes.indices {
            nodes[i].x = layout.centres[i].x - nodes[i].width / 2 + dx
            nodes[i].y = layout.centres[i].y - nodes[i].height / 2 + dy
        }
        for u in utilities.indices {
            let centre = layout.centres[network.count + u]
            utilities[u].x = centre.x - utilities[u].width / 2 + dx
            utilities[u].y = centre.y - utilities[u].height / 2 + dy
        }
        var arcs: [Arc] = []
        for (k, (p, c)) in pairs.enumerated() {
            arcs.append(Arc(from: network.variables[p].name, to: network.variables[c].name,
                            mutualInformation: strengths?[k], cut: f.interventions[network.variables[c].name] != nil,
                            points: layout.edges[k].map { .init(x: $0.x + dx, y: $0.y + dy) }))
        }
        for (k, (p, u)) in utilityArcs.enumerated() {
            arcs.append(Arc(from: network.variables[p].name, to: utilities[u - network.count].name, mutualInformation: nil, cut: false,
                            points: layout.edges[pairs.count + k].map { .init(x: $0.x + dx, y: $0.y + dy) }))
        }
        self.utilities = utilities
        self.meu = report?.meu
        self.network = network.name
        self.title = request.title ?? Self.title(of: network, modelPath: nil)
        self.findings = f.description(in: network)
        self.probabilityOfEvidence = exp(logP)
        self.compact = compact
        self.arcStrength = request.arcStrength
        self.nodes = nodes
        self.arcs = arcs
        self.width = max(layout.width + 2 * Self.margin, 560)
        self.height = layout.height + Self.headerHeight + Self.margin
    }

    /// The rows a monitor shows: every state, or the `maxRows − 1` most probable (in state
    /// order) and the number left out.
    static func shownRows(_ node: Node) -> (states: [Int], hidden: Int) {
        let k = node.states.count
        guard k > maxRows else { return (Array(0..<k), 0) }
        let top = (0..<k).sorted { (node.posterior[$0], -$0) > (node.posterior[$1], -$1) }.prefix(maxRows - 1)
        return (top.sorted(), k - (maxRows - 1))
    }

    /// The width of a monitor's state column, px (state names cut at 18 columns).
    static func stateColumn(_ node: Node) -> Double {
        let widest = node.states.map { min(displayWidth($0), 18) }.max() ?? 1
        return Double(widest) * rowFont * 0.66 + 4
    }

    /// A box's size: a name-only box, or a monitor (header, a row per shown state).
    static func size(of node: Node) -> (Double, Double) {
        let title = SVGText.textWidth(compactCaption(node), size: titleFont, bold: true) + 2 * pad + badgeWidth(node)
        if node.compact { return (max(title, 32), compactHeight) }
        let label = node.label.map { SVGText.textWidth(clipToWidth($0, 36), size: labelFont) + 2 * pad } ?? 0
        let values = node.expectedUtilities.map { eu in
            eu.map { SVGText.textWidth(DecisionReport.number($0), size: rowFont, bold: true) }.max() ?? 0 } ?? 0
        let rows = stateColumn(node) + 6 + barLength + 4 + max(percentWidth, values + 4) + 2 * pad
        let header = 20.0 + (node.label == nil ? 0 : 14)
        let shown = shownRows(node)
        let count = Double(shown.states.count + (shown.hidden > 0 ? 1 : 0))
        return (max(title, label, rows), header + count * rowHeight + 6)
    }

    /// A name-only box's text: the name, and the state when it is observed or set.
    static func compactCaption(_ node: Node) -> String {
        guard node.compact, let s = node.observed ?? node.intervened else { return clipToWidth(node.name, 28) }
        return clipToWidth(node.name, 28) + " = " + clipToWidth(s, 16)
    }

    /// The badge in a node's header: `do` for an intervention, `soft` for soft evidence.
    static func badge(_ node: Node) -> String? {
        node.intervened != nil ? "do" : (node.soft != nil ? "soft" : nil)
    }

    static func badgeWidth(_ node: Node) -> Double {
        badge(node).map { SVGText.textWidth($0, size: 9.5) + 12 } ?? 0
    }
}

/// The Graphviz layout computed beside the posteriors (written by one job, read after it ends).
private final class LayoutJob: @unchecked Sendable {
    var result: Result<GraphLayout, Error>?
}
