import BNCore
import BNLearning
import Foundation

/// The picture of `credence fit --plot`: the EM log-likelihood trace (Dempster, Laird &
/// Rubin 1977: the observed-data log-likelihood ℓ never decreases from one EM iteration to
/// the next), ℓ against the iteration, with the start and the returned value labelled.
public struct TracePlot: Sendable {
    var title: String
    var subtitle: String
    /// ℓ after each M-step; `trace[0]` is the start.
    var trace: [Double]

    static let width = 760.0, height = 470.0, left = 104.0, top = 82.0, panelWidth = 620.0, panelHeight = 300.0

    /// The standalone SVG document.
    public func svg() -> String {
        var o = SVGText()
        o.open(width: Self.width, height: Self.height, title: title)
        o.text(clipToWidth(title, 80), x: 24, y: 32, size: 17, weight: "bold")
        o.text(clipToWidth(subtitle, 110), x: 24, y: 54, size: 12.5, fill: "#555555")
        let finite = trace.filter(\.isFinite)
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if hi - lo < 1e-9 { lo -= 1; hi += 1 }
        let span = hi - lo
        lo -= span * 0.05; hi += span * 0.05
        let n = max(trace.count - 1, 1)
        let x0 = Self.left, y0 = Self.top, w = Self.panelWidth, h = Self.panelHeight
        let px = { (i: Int) in x0 + Double(i) / Double(n) * w }, py = { (v: Double) in y0 + h - (v - lo) / (hi - lo) * h }
        o.line(##"<g class="trace">"##)
        o.frame(x: x0, y: y0, width: w, height: h)
        o.xTicks(left: x0, width: w, bottom: y0 + h) { String(format: "%g", ($0 * Double(n) * 10).rounded() / 10) }
        o.yTicks(left: x0, top: y0, height: h) { Self.number(lo + $0 * (hi - lo)) }
        o.text("EM iteration (M-steps)", x: x0 + w / 2, y: y0 + h + 40, anchor: "middle")
        o.text("log-likelihood ℓ (nats)", x: x0 - 78, y: y0 + h / 2, anchor: "middle", rotate: true)
        let points = trace.enumerated().filter { $0.element.isFinite }
        let pts = points.map { "\(f(px($0.offset))),\(f(py($0.element)))" }.joined(separator: " ")
        o.line(##"<polyline class="curve" fill="none" stroke="#1f77b4" stroke-width="2" stroke-linejoin="round" points="\##(pts)"/>"##)
        if points.count <= 60 {
            for (i, v) in points {
                o.line(##"<circle class="point" data-iteration="\##(i)" data-value="\##(v)" cx="\##(f(px(i)))" cy="\##(f(py(v)))" r="2.6" fill="#1f77b4"><title>iteration \##(i): ℓ = \##(String(format: "%.4f", v))</title></circle>"##)
            }
        }
        if let first = points.first, let last = points.last {
            o.text("start \(String(format: "%.2f", first.element))", x: px(first.offset) + 6, y: py(first.element) + 16, size: 11, fill: "#555555")
            o.text("ℓ = \(String(format: "%.4f", last.element))", x: px(last.offset) - 4, y: py(last.element) - 8, size: 11, weight: "bold", anchor: "end")
        }
        o.line("</g>")
        o.close()
        return o.text
    }

    /// A tick label: short, with as many decimals as the axis needs.
    static func number(_ v: Double) -> String {
        abs(v) >= 1000 ? String(format: "%.0f", v) : (abs(v) >= 10 ? String(format: "%.1f", v) : String(format: "%.3f", v))
    }
}

extension TracePlot {
    /// The plot of an EM fit.
    public init(_ report: LearningTasks.FitReport, model: String, data: String) throws {
        guard let em = report.em, !em.logLikelihoodTrace.isEmpty else {
            throw WorkbenchError.usage("--plot draws the EM log-likelihood trace; this fit ran no EM (give --method em)")
        }
        let file = { (p: String) in URL(fileURLWithPath: p).lastPathComponent }
        self.init(title: "EM log-likelihood of \(file(model)) on \(file(data))",
                  subtitle: "\(report.rows) rows, \(report.missingCells) missing cells · \(em.iterations) iterations, "
                      + (em.converged ? "converged" : "stopped at the cap") + (em.restartsRun > 0 ? " · best of \(em.restartsRun + 1) starts" : ""),
                  trace: em.logLikelihoodTrace)
    }
}

/// The picture of `credence explain --plot`: two tornado charts of `P(t | e)`.
///
/// Top: each finding's impact, `P(t | e) − P(t | e₋ᵢ)` (what the finding adds to the target's
/// probability; bars right of zero raise it, left lower it), largest first. Bottom: the CPT
/// parameters the probability is most sensitive to, `∂P(t | e)/∂θ` under proportional
/// co-variation (Chan & Darwiche 2002), largest |slope| first. Each panel has its own
/// symmetric scale.
public struct TornadoPlot: Sendable {
    var explanation: Explanation

    public init(_ explanation: Explanation) { self.explanation = explanation }

    static let width = 900.0, labelWidth = 330.0, barArea = 440.0, rowHeight = 22.0

    /// One bar: its label, its value, and the text beside it.
    struct Bar { var label: String; var value: Double; var note: String }

    /// The standalone SVG document.
    public func svg() -> String {
        let x = explanation
        let impacts = x.impacts.map { Bar(label: $0.finding, value: $0.change, note: String(format: "%+.4f (without: %.4f)", $0.change, $0.without)) }
        let sens = x.sensitivities.map { s in
            let given = s.parentStates.isEmpty ? "" : " | " + s.parentStates.joined(separator: ", ")
            return Bar(label: "P(\(s.variable)=\(s.state)\(given))", value: s.derivative, note: String(format: "%+.4f (θ = %.3f)", s.derivative, s.value))
        }
        let panels = [("Impact of each finding: P(\(x.target)=\(x.state) | e) − P(… | e without it)", impacts, "impacts",
                       "no findings: nothing to weigh"),
                      ("Sensitivity to CPT parameters: ∂P(\(x.target)=\(x.state) | e)/∂θ", sens, "sensitivities",
                       "no parameter strictly between 0 and 1 to differentiate")]
        var height = 80.0
        for (_, bars, _, _) in panels { height += 56 + Double(max(bars.count, 1)) * Self.rowHeight }
        var o = SVGText()
        o.open(width: Self.width, height: height, title: "Why P(\(x.target)=\(x.state)) is \(x.probability)")
        o.text(clipToWidth("Why P(\(x.target) = \(x.state) | e) = \(String(format: "%.4f", x.probability))", 80), x: 24, y: 32, size: 17, weight: "bold")
        o.text(clipToWidth("given \(x.findings)", 120), x: 24, y: 54, size: 12.5, fill: "#555555")
        var y = 88.0
        for (title, bars, cls, empty) in panels {
            o.text(clipToWidth(title, 120), x: 24, y: y, size: 13.5, weight: "bold")
            y += 14
            y = drawPanel(&o, bars, top: y, cls: cls, empty: empty) + 42
        }
        o.close()
        return o.text
    }

    /// A tornado panel from `top`; returns its bottom.
    func drawPanel(_ o: inout SVGText, _ bars: [Bar], top: Double, cls: String, empty: String) -> Double {
        let x0 = 24 + Self.labelWidth, centre = x0 + Self.barArea / 2, half = Self.barArea / 2 - 4
        let bottom = top + Double(max(bars.count, 1)) * Self.rowHeight
        o.line(##"<g class="\##(cls)">"##)
        o.line(##"<line x1="\##(f(centre))" y1="\##(f(top))" x2="\##(f(centre))" y2="\##(f(bottom))" stroke="#444444"/>"##)
        guard !bars.isEmpty else {
            o.text(empty, x: 24, y: top + 15, size: 12, fill: "#777777")
            o.line("</g>")
            return bottom
        }
        let scale = max(bars.map { abs($0.value) }.filter(\.isFinite).max() ?? 0, 1e-12)
        for (i, b) in bars.enumerated() {
            let y = top + Double(i) * Self.rowHeight
            let v = b.value.isFinite ? b.value : 0
            let w = abs(v) / scale * half
            let bx = v >= 0 ? centre : centre - w
            o.text(clipToWidth(b.label, 52), x: x0 - 8, y: y + 15, size: 11.5, anchor: "end")
            o.line(##"<rect class="bar" data-label="\##(xml(b.label))" data-value="\##(b.value)" x="\##(f(bx))" y="\##(f(y + 4))" width="\##(f(w))" height="\##(f(Self.rowHeight - 8))" fill="\##(v >= 0 ? "#2ca02c" : "#d62728")" fill-opacity="0.8"><title>\##(xml(b.label)): \##(xml(b.note))</title></rect>"##)
            o.text(b.note, x: v >= 0 ? centre - 6 : centre + 6, y: y + 15, size: 10.5, fill: "#555555", anchor: v >= 0 ? "end" : "start")
        }
        o.text(String(format: "−%.3g", scale), x: centre - half, y: bottom + 16, size: 10.5, fill: "#555555", anchor: "middle")
        o.text("0", x: centre, y: bottom + 16, size: 10.5, fill: "#555555", anchor: "middle")
        o.text(String(format: "+%.3g", scale), x: centre + half, y: bottom + 16, size: 10.5, fill: "#555555", anchor: "middle")
        o.line("</g>")
        return bottom
    }
}

extension NetworkPicture {
    /// The picture of `credence learn --plot`: the learned graph, every node a monitor of its
    /// marginal, each arc as wide as the mutual information of its ends under the learned
    /// tables (and labelled with it), written to `path` (.svg, .png or .pdf).
    public static func learned(_ network: BayesianNetwork, data: String, to path: String) throws -> NetworkPicture {
        let format = try PictureFormat(plot: path)
        let picture = try NetworkPicture(network: network, request: RenderRequest(
            arcStrength: .mi, title: "learned from \(URL(fileURLWithPath: data).lastPathComponent): \(plural(network.dag.edgeCount, "arc")), width by mutual information"))
        try PictureFile.write(svg: picture.svg(), to: path, format: format)
        return picture
    }
}

extension LearningTasks {
    /// One arc of a learned graph and its strength: the mutual information of its ends in bits.
    public struct ArcStrengthEntry: Codable, Sendable {
        var from: String
        var to: String
        var mutualInformation: Double
        public init(from: String, to: String, mutualInformation: Double) {
            self.from = from; self.to = to; self.mutualInformation = mutualInformation
        }
    }
}
