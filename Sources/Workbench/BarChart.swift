import Foundation

/// Horizontal bar charts of distributions for the terminal:
///
///     Churn  yes  ██████▌              0.3271
///            no   █████████████▌       0.6729
enum BarChart {
    /// Renders `labels`/`values` (values in [0, 1]) with bars `width` cells wide; labels
    /// and the title are padded by terminal columns (`displayWidth`), so bars of 满意度 line up.
    static func render(title: String, labels: [String], values: [Double], width: Int = 30) -> String {
        let labelWidth = labels.map(displayWidth).max() ?? 0
        let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var lines: [String] = []
        for (i, (label, v)) in zip(labels, values).enumerated() {
            let cells = max(0, min(1, v)) * Double(width)
            let full = Int(cells)
            let part = Int((cells - Double(full)) * 8)
            var bar = String(repeating: "█", count: full) + eighths[part]
            bar += String(repeating: " ", count: max(0, width + 1 - bar.count))
            let head = i == 0 ? title : padToWidth("", displayWidth(title))
            lines.append("\(head)  \(padToWidth(label, labelWidth))  \(bar) \(formatProbability(v))")
        }
        return lines.joined(separator: "\n")
    }

    /// Four decimals, or scientific notation for tiny values. Halves round away from zero
    /// after rounding to 10 decimals, so an exact tie such as P = 0.07925 prints 0.0793 on
    /// every engine and machine (`%.4f` of the Double went either way with its last bit, which
    /// differs between the junction tree, elimination and BLAS builds).
    static func formatProbability(_ p: Double) -> String {
        if p != 0 && abs(p) < 1e-4 { return String(format: "%.3e", p) }
        guard p.isFinite, abs(p) < 1e6 else { return String(format: "%.4f", p) }
        let tenth = (p * 1e10).rounded()
        return String(format: "%.4f", (tenth / 1e6).rounded(.toNearestOrAwayFromZero) / 1e4)
    }
}

