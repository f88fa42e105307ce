/// Aligned plain-text tables for the terminal. Column widths are terminal columns
/// (`displayWidth`: 满意度 takes six), so UTF-8 labels stay aligned.
enum TextTable {
    /// Renders rows (the first is the header) with a rule under the header; columns after
    /// the first `leftAligned` are right-aligned; `separatorAfter` puts `|` after that column.
    static func render(_ rows: [[String]], leftAligned: Int = 1, separatorAfter: Int? = nil, indent: String = "") -> String {
        guard let header = rows.first else { return "" }
        let n = header.count
        var widths = [Int](repeating: 0, count: n)
        for r in rows { for (j, c) in r.enumerated() where j < n { widths[j] = max(widths[j], displayWidth(c)) } }
        func pad(_ s: String, _ j: Int) -> String { padToWidth(s, widths[j], alignRight: j >= leftAligned) }
        func line(_ r: [String]) -> String {
            var out = ""
            for j in 0..<n {
                let cell = j < r.count ? r[j] : ""
                if j > 0 { out += (separatorAfter == j - 1) ? " | " : "  " }
                out += pad(cell, j)
            }
            while out.hasSuffix(" ") { out.removeLast() }
            return indent + out
        }
        var lines = [line(header)]
        var rule = ""
        for j in 0..<n {
            if j > 0 { rule += (separatorAfter == j - 1) ? "-+-" : "--" }
            rule += String(repeating: "-", count: widths[j])
        }
        lines.append(indent + rule)
        for r in rows.dropFirst() { lines.append(line(r)) }
        return lines.joined(separator: "\n")
    }
}
