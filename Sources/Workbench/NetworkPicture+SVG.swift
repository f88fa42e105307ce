import BNCore
import BNFormats
import Foundation

/// The drawing of a `NetworkPicture`: standalone SVG (the picture) and styled DOT (for
/// people who lay out with their own Graphviz).
///
/// The SVG is meant to be read by programs too: each node is a `<g class="node …">` with
/// `data-variable`, its marks as classes (`observed`, `soft`, `intervened`, `latent`,
/// `decision`, `target`, `compact`); each bar a `<rect class="bar">` with `data-state` and
/// `data-p` whose width is `p × barLength` written to full precision; each prior tick a
/// `<line class="prior">`; each arc a `<g class="arc">` (`cut` when an intervention removes it)
/// with `data-from`, `data-to` and, with arc strengths, `data-mi` in bits.
extension NetworkPicture {
    static let barColour = "#4c78a8", observedBarColour = "#1f4e79", priorColour = "#d62728"
    static let targetColour = "#e45756"

    /// The standalone SVG document.
    public func svg() -> String {
        var o = SVGText()
        o.open(width: width, height: height, title: "\(title), given \(findings)", fontSize: 11)
        o.text(clipToWidth(title, 100), x: Self.margin, y: 24, size: 15, weight: "bold")
        var sub = findings == "(none)" ? "no findings: bars are the prior" : "given \(findings) · P(evidence) = \(BarChart.formatProbability(probabilityOfEvidence))"
        if findings != "(none)" && !compact { sub += " · red tick: prior" }
        if arcStrength == .mi { sub += " · arc width: mutual information of its ends (bits)" }
        if let meu { sub += " · MEU \(DecisionReport.number(meu)); decisions show E[U] per option" }
        o.text(clipToWidth(sub, 170), x: Self.margin, y: 42, size: 11, fill: "#555555")
        let maxMI = max(arcs.compactMap(\.mutualInformation).max() ?? 0, 1e-12)
        for a in arcs { drawArc(&o, a, maxMI: maxMI) }
        for n in nodes { drawNode(&o, n) }
        for u in utilities { drawUtility(&o, u) }
        o.close()
        return o.text
    }

    func drawArc(_ o: inout SVGText, _ a: Arc, maxMI: Double) {
        guard let first = a.points.first, a.points.count >= 2 else { return }
        let colour = a.cut ? "#b5b5b5" : "#555555"
        let w = a.mutualInformation.map { 1 + 5 * ($0 / maxMI).squareRoot() } ?? 1.2
        var d = "M\(f(first.x)),\(f(first.y))"
        var k = 1
        while k + 2 < a.points.count {
            d += " C\(f(a.points[k].x)),\(f(a.points[k].y)) \(f(a.points[k + 1].x)),\(f(a.points[k + 1].y)) \(f(a.points[k + 2].x)),\(f(a.points[k + 2].y))"
            k += 3
        }
        while k < a.points.count { d += " L\(f(a.points[k].x)),\(f(a.points[k].y))"; k += 1 }
        // The arrowhead continues the spline's last tangent to the box.
        let end = a.points[a.points.count - 1], before = a.points[a.points.count - 2]
        var ux = end.x - before.x, uy = end.y - before.y
        let len = (ux * ux + uy * uy).squareRoot()
        if len > 0 { ux /= len; uy /= len } else { ux = 0; uy = 1 }
        let size = 7.0 + w
        let tip = (x: end.x + ux * size, y: end.y + uy * size), half = 2.5 + w * 0.6
        let arrow = "\(f(tip.x)),\(f(tip.y)) \(f(end.x - uy * half)),\(f(end.y + ux * half)) \(f(end.x + uy * half)),\(f(end.y - ux * half))"
        var attrs = ##"class="arc\##(a.cut ? " cut" : "")" data-from="\##(xml(a.from))" data-to="\##(xml(a.to))""##
        var tip2 = "\(a.from) → \(a.to)"
        if let mi = a.mutualInformation {
            attrs += ##" data-mi="\##(mi)""##
            tip2 += String(format: ": I = %.4f bits", mi)
        }
        if a.cut { tip2 += " (cut by do(\(a.to)))" }
        let dash = a.cut ? ##" stroke-dasharray="5 4""## : ""
        o.line(##"<g \##(attrs)><title>\##(xml(tip2))</title><path d="\##(d)" fill="none" stroke="\##(colour)" stroke-width="\##(f(w))"\##(dash)/><polygon points="\##(arrow)" fill="\##(colour)"/></g>"##)
        if let mi = a.mutualInformation, !compact, a.points.count >= 4 {
            let mid = a.points[a.points.count / 2]
            o.text(String(format: "%.3f", mi), x: mid.x + 4, y: mid.y, size: 9, fill: "#777777", cls: "mi")
        }
    }

    func drawNode(_ o: inout SVGText, _ n: Node) {
        var classes = ["node", n.role]
        if n.observed != nil { classes.append("observed") }
        if n.soft != nil { classes.append("soft") }
        if n.intervened != nil { classes.append("intervened") }
        if n.target { classes.append("target") }
        if n.compact { classes.append("compact") }
        let fill = n.intervened != nil ? "#efe6f5" : (n.observed != nil ? "#dce6f1" : (n.soft != nil ? "#fbf1dc" : "#ffffff"))
        let stroke = n.target ? Self.targetColour : "#444444"
        let strokeWidth = n.target ? 2.6 : 1.1
        let dash = n.role == "latent" ? ##" stroke-dasharray="5 3""## : ""
        let rx = n.role == "decision" ? 0.0 : (n.compact ? 6 : 8)
        o.line(##"<g class="\##(classes.joined(separator: " "))" data-variable="\##(xml(n.name))">"##)
        o.line("<title>\(xml(tooltip(n)))</title>")
        o.line(##"<rect class="box" x="\##(f(n.x))" y="\##(f(n.y))" width="\##(f(n.width))" height="\##(f(n.height))" rx="\##(f(rx))" fill="\##(fill)" stroke="\##(stroke)" stroke-width="\##(f(strokeWidth))"\##(dash)/>"##)
        let pad = Self.pad
        if let b = Self.badge(n) {
            let bw = Self.badgeWidth(n) - 4, bx = n.x + n.width - pad - bw
            let colour = b == "do" ? "#7b4397" : "#b07800"
            o.line(##"<g class="badge"><rect x="\##(f(bx))" y="\##(f(n.y + (n.compact ? 6 : 5)))" width="\##(f(bw))" height="12" rx="6" fill="\##(colour)"/>"##)
            o.text(b, x: bx + bw / 2, y: n.y + (n.compact ? 15.5 : 14.5), size: 9.5, weight: "bold", fill: "#ffffff", anchor: "middle")
            o.line("</g>")
        }
        if n.compact {
            o.text(Self.compactCaption(n), x: n.x + pad, y: n.y + 16, size: Self.titleFont, weight: "bold", cls: "name")
            o.line("</g>")
            return
        }
        o.text(clipToWidth(n.name, 40), x: n.x + pad, y: n.y + 15, size: Self.titleFont, weight: "bold", cls: "name")
        var y = n.y + 20
        if let label = n.label {
            o.text(clipToWidth(label, 36), x: n.x + pad, y: y + 10, size: Self.labelFont, fill: "#555555", cls: "label")
            y += 14
        }
        let barX = n.x + pad + Self.stateColumn(n) + 6
        let shown = Self.shownRows(n)
        let fixed = n.observed ?? n.intervened
        // A decision of a diagram: bars span its options' expected utilities, worst to best.
        let euRange = n.expectedUtilities.flatMap { eu in eu.min().map { ($0, eu.max()!) } }
        for s in shown.states {
            var p = n.posterior[s]
            if let (lo, hi) = euRange, let eu = n.expectedUtilities, s < eu.count { p = hi > lo ? (eu[s] - lo) / (hi - lo) : 1 }
            let bold = n.states[s] == fixed
            o.text(clipToWidth(n.states[s], 18), x: n.x + pad, y: y + 10.5, size: Self.rowFont, weight: bold ? "bold" : nil, cls: "state")
            o.line(##"<rect class="track" x="\##(f(barX))" y="\##(f(y + 2.5))" width="\##(f(Self.barLength))" height="9" fill="#eeeeee"/>"##)
            let value = euRange == nil ? "data-p" : "data-eu-scale"
            o.line(##"<rect class="bar" data-state="\##(xml(n.states[s]))" \##(value)="\##(p)" x="\##(f(barX))" y="\##(f(y + 2.5))" width="\##(p * Self.barLength)" height="9" fill="\##(bold ? Self.observedBarColour : Self.barColour)"/>"##)
            if euRange == nil, let prior = n.prior?[s] {
                let px = barX + prior * Self.barLength
                o.line(##"<line class="prior" data-p="\##(prior)" x1="\##(f(px))" y1="\##(f(y + 0.5))" x2="\##(f(px))" y2="\##(f(y + 13.5))" stroke="\##(Self.priorColour)" stroke-width="1.3"/>"##)
            }
            if let eu = n.expectedUtilities, s < eu.count {
                let best = eu[s] == eu.max()
                o.text(DecisionReport.number(eu[s]), x: n.x + n.width - pad, y: y + 10.5, size: Self.rowFont,
                       weight: best ? "bold" : nil, anchor: "end", cls: "expected-utility")
            } else {
                o.text(Self.percent(p), x: n.x + n.width - pad, y: y + 10.5, size: Self.rowFont, weight: bold ? "bold" : nil, anchor: "end", cls: "percent")
            }
            y += Self.rowHeight
        }
        if shown.hidden > 0 {
            o.text("… \(shown.hidden) more states", x: n.x + pad, y: y + 10.5, size: Self.rowFont, fill: "#777777")
        }
        o.line("</g>")
    }

    /// A utility node: a diamond with its name (`<g class="utility" data-utility=…>`).
    func drawUtility(_ o: inout SVGText, _ u: Utility) {
        let cx = u.x + u.width / 2, cy = u.y + u.height / 2
        let points = "\(f(cx)),\(f(u.y)) \(f(u.x + u.width)),\(f(cy)) \(f(cx)),\(f(u.y + u.height)) \(f(u.x)),\(f(cy))"
        o.line(##"<g class="utility" data-utility="\##(xml(u.name))">"##)
        o.line("<title>\(xml("utility \(u.name) | \(u.parents.joined(separator: ", "))"))</title>")
        o.line(##"<polygon class="box" points="\##(points)" fill="#fdf3e1" stroke="#444444" stroke-width="1.1"/>"##)
        o.text(clipToWidth(u.name, 28), x: cx, y: cy + 4, size: Self.titleFont, weight: "bold", anchor: "middle", cls: "name")
        o.line("</g>")
    }

    /// `23.4%`, `<0.1%` for a small positive probability, `100%`.
    static func percent(_ p: Double) -> String {
        if p > 0 && p < 0.0005 { return "<0.1%" }
        if p >= 0.99995 { return "100%" }
        return String(format: "%.1f%%", p * 100)
    }

    func tooltip(_ n: Node) -> String {
        var parts = [n.label.map { "\(n.name) (\($0))" } ?? n.name]
        if let s = n.observed { parts.append("observed \(s)") }
        if let s = n.intervened { parts.append("do(\(n.name)=\(s))") }
        if let w = n.soft { parts.append("soft evidence \(w.map { Dataset.valueText($0) }.joined(separator: ","))") }
        if n.role != "chance" { parts.append(n.role) }
        let shown = zip(n.states, n.posterior).prefix(16).map { "\($0) \(Self.percent($1))" }
        return parts.joined(separator: ", ") + ": " + shown.joined(separator: ", ") + (n.states.count > 16 ? ", …" : "")
    }

    // MARK: DOT

    /// The picture as Graphviz DOT, for people who lay it out themselves: each node a box
    /// labelled with its name, label and (unless compact) a line per state with its
    /// percentage; the marks as DOT styles (observed filled, latent dashed, decision boxes
    /// with square corners, targets red, arcs cut by do() dashed grey, `penwidth` from the
    /// mutual information).
    func dot() -> String {
        var lines = ["digraph \(DOTWriter.quoted(network)) {", "  rankdir=TB;",
                     "  label=\(DOTWriter.quoted("\(title), given \(findings)")); labelloc=t;",
                     "  node [shape=box, style=rounded, fontname=\"DejaVu Sans\", fontsize=10];"]
        for n in nodes {
            var caption = [n.name] + (n.label.map { [$0] } ?? [])
            if !n.compact {
                let shown = Self.shownRows(n)
                caption += shown.states.map { "\(n.states[$0])  \(Self.percent(n.posterior[$0]))" }
                if shown.hidden > 0 { caption.append("… \(shown.hidden) more states") }
            } else if let s = n.observed ?? n.intervened {
                caption.append("= \(s)")
            }
            var style = [n.role == "decision" ? "solid" : "rounded"]
            if n.role == "latent" { style.append("dashed") }
            var attrs = ["label=\(DOTWriter.quoted(caption.joined(separator: "\n")))"]
            if n.observed != nil || n.intervened != nil || n.soft != nil {
                style.append("filled")
                attrs.append("fillcolor=\(n.intervened != nil ? "\"#efe6f5\"" : (n.observed != nil ? "\"#dce6f1\"" : "\"#fbf1dc\""))")
            }
            attrs.append("style=\(DOTWriter.quoted(style.joined(separator: ",")))")
            if n.target { attrs.append("color=\"\(Self.targetColour)\", penwidth=2.5") }
            lines.append("  \(DOTWriter.quoted(n.name)) [\(attrs.joined(separator: ", "))];")
        }
        let maxMI = max(arcs.compactMap(\.mutualInformation).max() ?? 0, 1e-12)
        for a in arcs {
            var attrs: [String] = []
            if a.cut { attrs += ["style=dashed", "color=grey"] }
            if let mi = a.mutualInformation {
                attrs.append(String(format: "penwidth=%.2f, tooltip=\"I = %.4f bits\"", 1 + 5 * (mi / maxMI).squareRoot(), mi))
            }
            lines.append("  \(DOTWriter.quoted(a.from)) -> \(DOTWriter.quoted(a.to))" + (attrs.isEmpty ? ";" : " [\(attrs.joined(separator: ", "))];"))
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
