/// "Did you mean …?" for every message that names something the user mistyped: variables,
/// states, commands, columns.
public enum NameSuggestion {
    /// A close name, if any: equal ignoring case, or within an edit distance (insertions,
    /// deletions, substitutions and swaps of neighbours) of 1 for names of 3–5 scalars and 2
    /// for longer ones.
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let a = Array(name.unicodeScalars)
        let allowed = a.count <= 2 ? 0 : (a.count <= 5 ? 1 : 2)
        var best: (String, Int)? = nil
        for c in candidates {
            if c.lowercased() == name.lowercased() { return c }
            let b = Array(c.unicodeScalars)
            guard allowed > 0, abs(a.count - b.count) <= allowed, !b.isEmpty else { continue }
            var older = [Int](repeating: 0, count: b.count + 1)
            var previous = Array(0...b.count)
            var current = previous
            for i in 1...a.count {
                current[0] = i
                for j in 1...b.count {
                    current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        current[j] = min(current[j], older[j - 2] + 1)
                    }
                }
                (older, previous, current) = (previous, current, older)
            }
            let d = previous[b.count]
            if d <= allowed, best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }
}
