/// Aligned plain-text tables for the terminal. Column widths count East Asian wide
/// characters (满意度) as two cells, so UTF-8 labels stay aligned.
public enum TextTable {
    /// Renders rows (the first is the header) with a rule under the header; columns after
    /// the first `leftAligned` are right-aligned; `separatorAfter` puts `|` after that column.
    public static func render(_ rows: [[String]], leftAligned: Int = 1, separatorAfter: Int? = nil, indent: String = "") -> String {
        guard let header = rows.first else { return "" }
        let n = header.count
        var widths = [Int](repeating: 0, count: n)
        for r in rows { for (j, c) in r.enumerated() where j < n { widths[j] = max(widths[j], displayWidth(c)) } }
        func pad(_ s: String, _ j: Int) -> String {
            let fill = String(repeating: " ", count: widths[j] - displayWidth(s))
            return j < leftAligned ? s + fill : fill + s
        }
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

    /// Terminal cells taken by `s` (wide CJK characters count two).
    public static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { acc, u in
            let v = u.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            let zero = (0x300...0x36F).contains(v) || v == 0x200B
            return acc + (zero ? 0 : wide ? 2 : 1)
        }
    }
}
