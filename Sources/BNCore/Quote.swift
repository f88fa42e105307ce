/// Names and values as error messages quote them: in single quotes, and at most
/// `Quote.limit` characters of them, so a message about a megabyte-long name stays short
/// and is quick to build (a malformed file is rejected as fast as a well-formed one is
/// read). Every error enum and diagnostic of Credence quotes user text through this.
public enum Quote {
    /// The most characters of a name or value that a message shows.
    public static let limit = 48

    /// `'name'`; a longer text shows its first `limit` characters and its size in bytes:
    /// `'aaaa…' (1048576 bytes)`.
    public static func name<S: StringProtocol>(_ text: S) -> String {
        let shown = prefix(text)
        return shown.truncated ? "'\(shown.text)…' (\(text.utf8.count) bytes)" : "'\(shown.text)'"
    }

    /// At most `limit` characters of `text`, without quotes, `…` marking a cut.
    public static func short<S: StringProtocol>(_ text: S) -> String {
        let shown = prefix(text)
        return shown.truncated ? shown.text + "…" : shown.text
    }

    /// The first `limit` characters, and whether any were left off. Walks at most
    /// `limit + 1` characters of `text`, whatever its length.
    static func prefix<S: StringProtocol>(_ text: S) -> (text: String, truncated: Bool) {
        var out = ""
        var n = 0
        for ch in text {
            if n == limit { return (out, true) }
            out.append(ch)
            n += 1
        }
        return (out, false)
    }
}
