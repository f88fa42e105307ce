/// Text for XML documents (XMLBIF, the SVG pictures of the workbench), whatever names the
/// user's files hold.
public enum XMLText {
    /// `s` safe as element text and as an attribute value: `&`, `<`, `>` and both quotes
    /// become entities, tab, line feed and carriage return character references (attribute
    /// normalisation would turn them into spaces), and the characters XML 1.0 forbids
    /// (the other C0 controls, U+FFFE, U+FFFF) U+FFFD, so the document stays well-formed.
    /// Readers trim element text, so leading and trailing white space of a name does not
    /// survive XMLBIF.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out += "&#\(u.value);"
            default:
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { out += "\u{FFFD}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
