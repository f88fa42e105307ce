import BNCore
/// The hand-written lexer of the `.bn` model language. It works on UTF-8 bytes, validates
/// the encoding as it goes (an invalid byte is reported where it is), and hands out one
/// token at a time, so even a 10 MB line is one linear pass with no token array.
///
/// Whitespace: space, tab, CR, LF and the Unicode spaces U+00A0, U+2000–U+200B, U+2028,
/// U+2029, U+202F, U+205F, U+3000 and U+FEFF (a byte-order mark). Comments run from `#` or
/// `//` to the end of the line. Full-width punctuation typed with a Chinese input method
/// (`，：（）｛｝［］＝｜～、`) is reported and then read as its ASCII twin, so one slip
/// gives one message; curly quotes `“…”` likewise.
struct BNLexer {
    let bytes: [UInt8]
    private(set) var position = 0
    /// Inside a run of bad bytes: report only the first.
    private var inJunk = false

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// ASCII bytes that may appear in a word: letters, digits, `_ . - +`.
    @inline(__always)
    static func isWordByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."),
             UInt8(ascii: "-"), UInt8(ascii: "+"):
            return true
        default:
            return false
        }
    }

    /// Non-ASCII scalars read as whitespace.
    static func isSpace(_ u: UInt32) -> Bool {
        u == 0xA0 || (u >= 0x2000 && u <= 0x200B) || u == 0x2028 || u == 0x2029 || u == 0x202F
            || u == 0x205F || u == 0x3000 || u == 0xFEFF || u == 0x85
    }

    /// The ASCII token a full-width punctuation scalar stands for.
    static func fullWidth(_ u: UInt32) -> (BNToken.Kind, String)? {
        switch u {
        case 0xFF0C, 0x3001: return (.comma, ",")
        case 0xFF1A: return (.colon, ":")
        case 0xFF08: return (.leftParen, "(")
        case 0xFF09: return (.rightParen, ")")
        case 0xFF5B: return (.leftBrace, "{")
        case 0xFF5D: return (.rightBrace, "}")
        case 0xFF3B: return (.leftBracket, "[")
        case 0xFF3D: return (.rightBracket, "]")
        case 0xFF1D: return (.equals, "=")
        case 0xFF5C: return (.pipe, "|")
        case 0xFF5E: return (.tilde, "~")
        default: return nil
        }
    }

    /// Curly double quotes, read as string delimiters after a report.
    static func isCurlyQuote(_ u: UInt32) -> Bool { u == 0x201C || u == 0x201D }

    /// Whether a non-ASCII scalar ends a word (space, punctuation, quote, C1 control).
    static func endsWord(_ u: UInt32) -> Bool {
        isSpace(u) || fullWidth(u) != nil || isCurlyQuote(u) || (u >= 0x80 && u < 0xA0)
    }

    /// Decodes the UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates, nothing
    /// above U+10FFFF): the scalar and its length, or nil when the bytes are not valid.
    @inline(__always)
    func decode(at i: Int) -> (scalar: UInt32, length: Int)? {
        let b = bytes[i]
        if b < 0x80 { return (UInt32(b), 1) }
        let n: Int
        var cp: UInt32
        let minimum: UInt32
        if b >= 0xC2 && b <= 0xDF { n = 1; cp = UInt32(b & 0x1F); minimum = 0x80 }
        else if b & 0xF0 == 0xE0 { n = 2; cp = UInt32(b & 0x0F); minimum = 0x800 }
        else if b >= 0xF0 && b <= 0xF4 { n = 3; cp = UInt32(b & 0x07); minimum = 0x10000 }
        else { return nil }
        guard i + n < bytes.count else { return nil }
        for k in 1...n {
            let c = bytes[i + k]
            guard c & 0xC0 == 0x80 else { return nil }
            cp = cp << 6 | UInt32(c & 0x3F)
        }
        guard cp >= minimum, cp <= 0x10FFFF, !(cp >= 0xD800 && cp <= 0xDFFF) else { return nil }
        return (cp, n + 1)
    }

    /// Whether an invalid UTF-8 byte was met (names can then not be trusted).
    private(set) var sawInvalidUTF8 = false

    private mutating func invalidByte(at i: Int, _ problems: inout BNProblems) {
        sawInvalidUTF8 = true
        if !inJunk {
            let hex = String(bytes[i], radix: 16, uppercase: true)
            problems.report(i, "invalid UTF-8 byte 0x\(hex.count == 1 ? "0" + hex : hex)",
                            hint: "a .bn file must be UTF-8 text; convert it, e.g. iconv -f GBK -t UTF-8")
        }
        inJunk = true
    }

    private mutating func token(_ kind: BNToken.Kind, _ start: Int, _ end: Int, _ startsLine: Bool) -> BNToken {
        inJunk = false
        position = end
        return BNToken(kind: kind, start: start, end: end, startsLine: startsLine)
    }

    /// The next token; problems met on the way are reported.
    mutating func next(_ problems: inout BNProblems) -> BNToken {
        var startsLine = position == 0
        let n = bytes.count
        while position < n {
            let i = position
            let b = bytes[i]
            switch b {
            case 0x20, 0x09, 0x0D:
                position += 1
            case 0x0A:
                position += 1
                startsLine = true
                inJunk = false
            case UInt8(ascii: "#"):
                skipComment(&problems)
            case UInt8(ascii: "/") where i + 1 < n && bytes[i + 1] == UInt8(ascii: "/"):
                skipComment(&problems)
            case UInt8(ascii: "{"): return token(.leftBrace, i, i + 1, startsLine)
            case UInt8(ascii: "}"): return token(.rightBrace, i, i + 1, startsLine)
            case UInt8(ascii: "("): return token(.leftParen, i, i + 1, startsLine)
            case UInt8(ascii: ")"): return token(.rightParen, i, i + 1, startsLine)
            case UInt8(ascii: "["): return token(.leftBracket, i, i + 1, startsLine)
            case UInt8(ascii: "]"): return token(.rightBracket, i, i + 1, startsLine)
            case UInt8(ascii: ","): return token(.comma, i, i + 1, startsLine)
            case UInt8(ascii: ":"): return token(.colon, i, i + 1, startsLine)
            case UInt8(ascii: "|"): return token(.pipe, i, i + 1, startsLine)
            case UInt8(ascii: "="): return token(.equals, i, i + 1, startsLine)
            case UInt8(ascii: "~"): return token(.tilde, i, i + 1, startsLine)
            case UInt8(ascii: "*"): return token(.star, i, i + 1, startsLine)
            case UInt8(ascii: "\""):
                return string(from: i, delimiterLength: 1, curly: false, startsLine, &problems)
            default:
                if Self.isWordByte(b) { return word(from: i, startsLine, &problems) }
                if b >= 0x80 {
                    guard let (u, len) = decode(at: i) else {
                        invalidByte(at: i, &problems)
                        position += 1
                        continue
                    }
                    if Self.isSpace(u) { position += len; continue }
                    if let (kind, ascii) = Self.fullWidth(u) {
                        problems.report(i, "full-width '\(Character(Unicode.Scalar(u)!))' (U+\(String(u, radix: 16, uppercase: true))) is not allowed here; use \(Quote.name(ascii))")
                        return token(kind, i, i + len, startsLine)
                    }
                    if Self.isCurlyQuote(u) {
                        problems.report(i, "curly quote '\(Character(Unicode.Scalar(u)!))' does not start a string; use '\"'")
                        return string(from: i, delimiterLength: len, curly: true, startsLine, &problems)
                    }
                    if u < 0xA0 {
                        if !inJunk { problems.report(i, "unexpected control character U+\(String(u, radix: 16, uppercase: true))") }
                        inJunk = true
                        position += len
                        continue
                    }
                    return word(from: i, startsLine, &problems)
                }
                if !inJunk {
                    let text: String
                    if b < 0x20 || b == 0x7F {
                        text = "unexpected control character U+\(b < 0x10 ? "000" : "00")\(String(b, radix: 16, uppercase: true))"
                    } else {
                        text = "unexpected character '\(Character(Unicode.Scalar(b)))'"
                    }
                    let hint: String?
                    switch b {
                    case UInt8(ascii: ";"): hint = "statements need no ';'"
                    case UInt8(ascii: "'"): hint = "strings and quoted names use double quotes"
                    case UInt8(ascii: "/"): hint = "comments start with '#' or '//'"
                    case 0: hint = "this looks like a binary file; a .bn model is UTF-8 text"
                    default: hint = nil
                    }
                    problems.report(i, text, hint: hint)
                }
                inJunk = true
                position += 1
            }
        }
        return BNToken(kind: .end, start: n, end: n, startsLine: true)
    }

    /// Skips a comment up to (not including) the newline, checking its UTF-8.
    private mutating func skipComment(_ problems: inout BNProblems) {
        let n = bytes.count
        var i = position
        while i < n {
            let b = bytes[i]
            if b == 0x0A { break }
            if b < 0x80 { i += 1; continue }
            if let (_, len) = decode(at: i) { i += len } else {
                invalidByte(at: i, &problems)
                i += 1
            }
        }
        position = i
    }

    private mutating func word(from start: Int, _ startsLine: Bool, _ problems: inout BNProblems) -> BNToken {
        let n = bytes.count
        // The hot loop: ASCII word bytes, scanned without bounds checks.
        var i = bytes.withUnsafeBufferPointer { p in
            var j = start
            while j < n && Self.isWordByte(p[j]) { j += 1 }
            return j
        }
        var junk = false
        while i < n {
            let b = bytes[i]
            if Self.isWordByte(b) { i += 1; continue }
            if b < 0x80 { break }
            guard let (u, len) = decode(at: i) else {
                if !junk { invalidByte(at: i, &problems) }
                junk = true
                i += 1
                continue
            }
            if Self.endsWord(u) { break }
            i += len
        }
        return token(.word, start, i, startsLine)
    }

    /// A double-quoted string with escapes `\" \\ \n \t \r \u{…}`; it must end on its line.
    private mutating func string(from start: Int, delimiterLength: Int, curly: Bool, _ startsLine: Bool,
                                 _ problems: inout BNProblems) -> BNToken {
        let n = bytes.count
        var i = start + delimiterLength
        var segment = i
        var decoded: [UInt8]? = nil
        var closed = false
        while i < n {
            let b = bytes[i]
            if b == 0x0A { break }
            if b == UInt8(ascii: "\"") {
                decoded?.append(contentsOf: bytes[segment..<i])
                i += 1
                closed = true
                break
            }
            if b == UInt8(ascii: "\\") {
                if decoded == nil { decoded = [] }
                decoded!.append(contentsOf: bytes[segment..<i])
                i = escape(at: i, into: &decoded!, &problems)
                segment = i
                continue
            }
            if b < 0x20 && b != 0x09 {
                if b != 0x0D { problems.report(i, "control character U+00\(b < 0x10 ? "0" : "")\(String(b, radix: 16, uppercase: true)) inside a string", hint: "write \\t, \\n or \\u{…}") }
                i += 1
                continue
            }
            if b >= 0x80 {
                if let (u, len) = decode(at: i) {
                    if curly && u == 0x201D {
                        decoded?.append(contentsOf: bytes[segment..<i])
                        let value = decoded.map { String(decoding: $0, as: UTF8.self) }
                            ?? String(decoding: bytes[segment..<i], as: UTF8.self)
                        var t = token(.string, start, i + len, startsLine)
                        t.value = value
                        return t
                    }
                    i += len
                } else {
                    invalidByte(at: i, &problems)
                    i += 1
                }
                continue
            }
            i += 1
        }
        let value: String
        if closed {
            value = decoded.map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: bytes[segment..<(i - 1)], as: UTF8.self)
        } else {
            decoded?.append(contentsOf: bytes[segment..<i])
            value = decoded.map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: bytes[segment..<i], as: UTF8.self)
            problems.report(start, "unterminated string: the closing '\"' is missing",
                            hint: "a string ends on the line where it starts; write \\n for a line break")
        }
        var t = token(.string, start, i, startsLine)
        t.value = value
        return t
    }

    /// Decodes the escape at `i` (a backslash) into `out`; returns the offset after it.
    private func escape(at i: Int, into out: inout [UInt8], _ problems: inout BNProblems) -> Int {
        let n = bytes.count
        guard i + 1 < n else {
            problems.report(i, "a '\\' at the end of the file")
            return i + 1
        }
        switch bytes[i + 1] {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\"")); return i + 2
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); return i + 2
        case UInt8(ascii: "n"): out.append(0x0A); return i + 2
        case UInt8(ascii: "t"): out.append(0x09); return i + 2
        case UInt8(ascii: "r"): out.append(0x0D); return i + 2
        case UInt8(ascii: "u"):
            var j = i + 2
            guard j < n, bytes[j] == UInt8(ascii: "{") else {
                problems.report(i, "a \\u escape needs braces: \\u{4E2D}")
                return i + 2
            }
            j += 1
            var value: UInt32 = 0
            var digits = 0
            while j < n, let d = hexValue(bytes[j]) {
                if digits < 8 { value = value << 4 | d }
                digits += 1
                j += 1
            }
            guard j < n, bytes[j] == UInt8(ascii: "}"), digits >= 1, digits <= 6,
                  let scalar = Unicode.Scalar(value) else {
                problems.report(i, "invalid \\u{…} escape", hint: "1 to 6 hex digits naming a Unicode scalar, e.g. \\u{6EE1}")
                return j < n && bytes[j] == UInt8(ascii: "}") ? j + 1 : j
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            return j + 1
        default:
            let shown = bytes[i + 1] < 0x80 && bytes[i + 1] >= 0x20 ? String(Character(Unicode.Scalar(bytes[i + 1]))) : "…"
            problems.report(i, "unknown escape '\\\(shown)' in a string", hint: "escapes are \\\" \\\\ \\n \\t \\r \\u{…}")
            out.append(UInt8(ascii: "\\"))
            return i + 1
        }
    }

    private func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
