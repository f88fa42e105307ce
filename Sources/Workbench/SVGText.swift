import Foundation
import BNFormats

/// Names and labels escaped for the SVG (BNFormats' `XMLText`).
func xml(_ s: String) -> String { XMLText.escape(s) }

/// A coordinate with two decimals.
func f(_ x: Double) -> String { String(format: "%.2f", x) }

/// `s` cut to `limit` terminal columns with an ellipsis (a CJK character counts two).
func clipToWidth(_ s: String, _ limit: Int) -> String {
    guard displayWidth(s) > limit else { return s }
    var out = "", used = 0
    for ch in s {
        let w = displayWidth(String(ch))
        if used + w > limit - 1 { break }
        out.append(ch)
        used += w
    }
    return out + "…"
}

/// The one SVG builder of every picture Credence draws (`evaluate --plot`, `render`,
/// `fit --plot`, `explain --plot`, `learn --plot`): the document, one element a line, and
/// the chart pieces the plots share (framed panels with a grid, ticks, legends). Every text
/// from the user's files goes through `xml` (escaped); coordinates have two decimals.
struct SVGText {
    var text = ""

    /// The font stack of every picture: DejaVu Sans (the widths the layout estimates), then
    /// Noto Sans CJK (Debian `fonts-noto-cjk`) for Chinese, Japanese and Korean labels, then
    /// the usual fallbacks.
    static let fontStack = "DejaVu Sans, Noto Sans CJK SC, Noto Sans CJK JP, Noto Sans, Helvetica, Arial, sans-serif"

    /// The width in px of `s` at `size` px, estimated from terminal columns (a CJK character
    /// is two columns, about one em): DejaVu Sans averages 0.6 em a Latin character.
    static func textWidth(_ s: String, size: Double, bold: Bool = false) -> Double {
        Double(displayWidth(s)) * size * (bold ? 0.66 : 0.6)
    }

    mutating func line(_ s: String) { text += s + "\n" }

    /// The XML declaration, the `<svg>` element of `width` × `height` px with the font stack,
    /// its `<title>` and a white background; close it with `close()`.
    mutating func open(width: Double, height: Double, title: String, fontSize: Double = 12) {
        line(##"<?xml version="1.0" encoding="UTF-8"?>"##)
        line(##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(f(width))" height="\##(f(height))" viewBox="0 0 \##(f(width)) \##(f(height))" font-family="\##(Self.fontStack)" font-size="\##(f(fontSize))">"##)
        line("<title>\(xml(title))</title>")
        line(##"<rect width="100%" height="100%" fill="#ffffff"/>"##)
    }

    mutating func close() { line("</svg>") }

    /// A `<text>` element; `rotate` turns it a quarter to read bottom-up (a y-axis title).
    mutating func text(_ s: String, x: Double, y: Double, size: Double = 12, weight: String? = nil,
                       fill: String = "#222222", anchor: String = "start", rotate: Bool = false, cls: String? = nil) {
        var a = ##"x="\##(f(x))" y="\##(f(y))" font-size="\##(f(size))" fill="\##(fill)""##
        if let c = cls { a = ##"class="\##(c)" "## + a }
        if anchor != "start" { a += ##" text-anchor="\##(anchor)""## }
        if let w = weight { a += ##" font-weight="\##(w)""## }
        if rotate { a += ##" transform="rotate(-90 \##(f(x)) \##(f(y)))""## }
        line("<text \(a)>\(xml(s))</text>")
    }

    // MARK: chart pieces

    /// A panel's frame, with a light 5 × 5 grid unless `grid` is false.
    mutating func frame(x: Double, y: Double, width: Double, height: Double, grid: Bool = true) {
        if grid {
            for k in 1..<5 {
                let v = Double(k) / 5
                line(##"<line x1="\##(f(x + v * width))" y1="\##(f(y))" x2="\##(f(x + v * width))" y2="\##(f(y + height))" stroke="#eeeeee"/>"##)
                line(##"<line x1="\##(f(x))" y1="\##(f(y + height - v * height))" x2="\##(f(x + width))" y2="\##(f(y + height - v * height))" stroke="#eeeeee"/>"##)
            }
        }
        line(##"<rect x="\##(f(x))" y="\##(f(y))" width="\##(f(width))" height="\##(f(height))" fill="none" stroke="#444444"/>"##)
    }

    /// Six ticks under a panel, labelled `label(v)` for v = 0, 0.2, …, 1 of the axis.
    mutating func xTicks(left: Double, width: Double, bottom: Double,
                         label: (Double) -> String = { String(format: "%.1f", $0) }) {
        for k in 0...5 {
            let x = left + Double(k) / 5 * width
            line(##"<line x1="\##(f(x))" y1="\##(f(bottom))" x2="\##(f(x))" y2="\##(f(bottom + 5))" stroke="#444444"/>"##)
            text(label(Double(k) / 5), x: x, y: bottom + 18, size: 11, anchor: "middle")
        }
    }

    /// Six ticks left of a panel, labelled `label(v)` for v = 0, 0.2, …, 1 of the axis.
    mutating func yTicks(left: Double, top: Double, height: Double,
                         label: (Double) -> String = { String(format: "%.1f", $0) }) {
        for k in 0...5 {
            let y = top + height - Double(k) / 5 * height
            line(##"<line x1="\##(f(left - 5))" y1="\##(f(y))" x2="\##(f(left))" y2="\##(f(y))" stroke="#444444"/>"##)
            text(label(Double(k) / 5), x: left - 8, y: y + 4, size: 11, anchor: "end")
        }
    }

    /// A legend: a colour swatch and a label per entry, then grey notes, from its upper left
    /// corner. Widths are estimated from terminal columns (a CJK character is two).
    mutating func legendBox(_ entries: [(colour: String, label: String)], notes: [String], left x: Double, top y: Double,
                            lineHeight: Double = 17) {
        let columnWidth = 6.6
        let widest = (entries.map { displayWidth($0.label) + 5 } + notes.map(displayWidth)).max() ?? 0
        let bw = Double(widest) * columnWidth + 20, bh = Double(entries.count + notes.count) * lineHeight + 8
        line(##"<g class="legend"><rect x="\##(f(x))" y="\##(f(y))" width="\##(f(bw))" height="\##(f(bh))" rx="3" fill="#ffffff" fill-opacity="0.9" stroke="#cccccc"/>"##)
        for (i, e) in entries.enumerated() {
            let ly = y + 4 + (Double(i) + 0.5) * lineHeight
            line(##"<line x1="\##(f(x + 8))" y1="\##(f(ly))" x2="\##(f(x + 30))" y2="\##(f(ly))" stroke="\##(e.colour)" stroke-width="3"/>"##)
            text(e.label, x: x + 36, y: ly + 4)
        }
        for (i, note) in notes.enumerated() {
            text(note, x: x + 8, y: y + 4 + (Double(entries.count + i) + 0.5) * lineHeight + 4, size: 11, fill: "#666666")
        }
        line("</g>")
    }
}
