import BNCore
/// A token of the text model formats (BIF, Hugin NET, UAI).
struct Token {
    /// What was left open at the end of the input.
    enum Unterminated: String { case string, comment }
    enum Kind: Equatable {
        case word
        case string
        case punct(UInt8)
        case end
        /// An unterminated string or comment: the lexer stops here.
        case unterminated(Unterminated)
    }
    var kind: Kind
    /// Byte range of the token (for a string: inside the quotes).
    var start: Int
    var end: Int
}

/// What separates tokens in one format.
struct Dialect: Sendable {
    /// Byte classes: 0 = word, 1 = white space, 2 = punctuation, 3 = quote, 4 = line comment.
    let classes: [UInt8]
    /// Whether `//` and `/* */` comments are recognised where a token starts.
    let cStyleComments: Bool

    init(punctuation: String, quotes: Bool, lineComment: UInt8?, cStyleComments: Bool) {
        var t = [UInt8](repeating: 0, count: 256)
        for c in [9, 10, 11, 12, 13, 32] { t[c] = 1 }
        for c in punctuation.utf8 { t[Int(c)] = 2 }
        if quotes { t[Int(UInt8(ascii: "\""))] = 3 }
        if let c = lineComment { t[Int(c)] = 4 }
        classes = t
        self.cStyleComments = cStyleComments
    }

    /// BIF (Cozman's Interchange Format 0.15 as used by the bnlearn repository). A word is a
    /// maximal run of bytes other than white space, `{ } ( ) [ ] , ; |` and `"`, so state
    /// names such as `Asy/Patch`, `<5`, `>=7.5` or `12+` are single words. Quoted strings
    /// (`"…"`, with `\"` and `\\` escapes) stand for names that contain delimiters. `//`
    /// and `/* */` comments are skipped where a token may start.
    static let bif = Dialect(punctuation: "{}()[],;|", quotes: true, lineComment: nil, cStyleComments: true)
    /// Hugin NET: punctuation `{ } ( ) = ; | ,`, strings in double quotes, `%` comments.
    static let net = Dialect(punctuation: "{}()=;|,", quotes: true, lineComment: UInt8(ascii: "%"), cStyleComments: false)
    /// UAI: numbers separated by white space only.
    static let uai = Dialect(punctuation: "", quotes: false, lineComment: nil, cStyleComments: false)
}

/// Splits a `SourceText` into tokens of one `Dialect`, tracking only a byte offset.
struct TokenLexer {
    let text: SourceText
    let dialect: Dialect
    private(set) var position = 0

    init(_ text: SourceText, dialect: Dialect) {
        self.text = text
        self.dialect = dialect
    }

    /// The next token.
    mutating func next() -> Token {
        let c = dialect.cStyleComments
        return text.bytes.withUnsafeBufferPointer { b in
            dialect.classes.withUnsafeBufferPointer { cls in Self.scan(b, cls, c, &position) }
        }
    }

    /// Peeks at the next token without consuming it.
    func peek() -> Token {
        var p = position
        let c = dialect.cStyleComments
        return text.bytes.withUnsafeBufferPointer { b in
            dialect.classes.withUnsafeBufferPointer { cls in Self.scan(b, cls, c, &p) }
        }
    }

    /// The scanner's hot loop: skips blanks and comments, then reads one token.
    @inline(__always)
    private static func scan(_ b: UnsafeBufferPointer<UInt8>, _ cls: UnsafeBufferPointer<UInt8>, _ cStyleComments: Bool,
                             _ pos: inout Int) -> Token {
        let n = b.count
        var i = pos
        while i < n {
            let c = b[i]
            let k = cls[Int(c)]
            if k == 1 { i += 1; continue }
            if k == 4 {
                while i < n && b[i] != 10 { i += 1 }
                continue
            }
            if cStyleComments && c == UInt8(ascii: "/") && i + 1 < n {
                if b[i + 1] == UInt8(ascii: "/") {
                    i += 2
                    while i < n && b[i] != 10 { i += 1 }
                    continue
                }
                if b[i + 1] == UInt8(ascii: "*") {
                    let open = i
                    i += 2
                    while i + 1 < n && !(b[i] == UInt8(ascii: "*") && b[i + 1] == UInt8(ascii: "/")) { i += 1 }
                    if i + 1 >= n {
                        pos = n
                        return Token(kind: .unterminated(.comment), start: open, end: n)
                    }
                    i += 2
                    continue
                }
            }
            break
        }
        guard i < n else { pos = n; return Token(kind: .end, start: n, end: n) }
        let c = b[i]
        switch cls[Int(c)] {
        case 2:
            pos = i + 1
            return Token(kind: .punct(c), start: i, end: i + 1)
        case 3:
            let open = i
            i += 1
            while i < n && b[i] != UInt8(ascii: "\"") {
                if b[i] == UInt8(ascii: "\\") { i += 1 }
                i += 1
            }
            if i >= n {
                pos = n
                return Token(kind: .unterminated(.string), start: open, end: n)
            }
            pos = i + 1
            return Token(kind: .string, start: open + 1, end: i)
        default:
            let start = i
            while i < n && cls[Int(b[i])] & 0xFB == 0 { i += 1 }
            pos = i
            return Token(kind: .word, start: start, end: i)
        }
    }

    /// Reads numbers up to and including a `;` (commas between them optional) straight from
    /// the bytes: the fast path for probability lists. Returns nil when the list ended at
    /// `;`, or the first token that is neither a number, `,` nor `;` (not consumed).
    mutating func numberList(into out: inout [Double]) -> Token? {
        let c = dialect.cStyleComments
        var pos = position
        let stop: Token? = text.bytes.withUnsafeBufferPointer { b in
            dialect.classes.withUnsafeBufferPointer { cls -> Token? in
                let n = b.count
                while true {
                    // Fast path: blanks and commas, then a plain decimal number parsed in place.
                    while pos < n && (cls[Int(b[pos])] == 1 || b[pos] == UInt8(ascii: ",")) { pos += 1 }
                    if pos < n && b[pos] == UInt8(ascii: ";") { pos += 1; return nil }
                    if let (x, end) = DecimalParser.parseNumberToken(b, pos, isDelimiter: { cls[Int($0)] & 3 != 0 }) {
                        out.append(x)
                        pos = end
                        continue
                    }
                    // General path: comments, exponents, long numbers, errors.
                    let before = pos
                    let t = Self.scan(b, cls, c, &pos)
                    switch t.kind {
                    case .punct(UInt8(ascii: ";")): return nil
                    case .punct(UInt8(ascii: ",")): continue
                    case .word:
                        if let x = DecimalParser.parse(b, t.start..<t.end) { out.append(x); continue }
                        pos = before
                        return t
                    default:
                        pos = before
                        return t
                    }
                }
            }
        }
        position = pos
        return stop
    }

    /// Reads names (words or strings, commas optional) up to and including a `)`. Returns
    /// nil at the `)`, or the first other token (not consumed).
    mutating func nameList(into out: inout [Token]) -> Token? {
        let c = dialect.cStyleComments
        var pos = position
        let stop: Token? = text.bytes.withUnsafeBufferPointer { b in
            dialect.classes.withUnsafeBufferPointer { cls -> Token? in
                while true {
                    let before = pos
                    let t = Self.scan(b, cls, c, &pos)
                    switch t.kind {
                    case .punct(UInt8(ascii: ")")): return nil
                    case .punct(UInt8(ascii: ",")): continue
                    case .word, .string: out.append(t)
                    default:
                        pos = before
                        return t
                    }
                }
            }
        }
        position = pos
        return stop
    }

    /// Whether the token is the word `keyword` (ASCII, case-sensitive).
    func isWord(_ t: Token, _ keyword: StaticString) -> Bool {
        guard t.kind == .word, t.end - t.start == keyword.utf8CodeUnitCount else { return false }
        return text.bytes.withUnsafeBufferPointer { b in
            let k = keyword.utf8Start
            for j in 0..<(t.end - t.start) where b[t.start + j] != k[j] { return false }
            return true
        }
    }

    /// The number a word token spells, or nil.
    func number(_ t: Token) -> Double? {
        guard t.kind == .word else { return nil }
        return text.bytes.withUnsafeBufferPointer { DecimalParser.parse($0, t.start..<t.end) }
    }

    /// The text of a word or string token (escapes resolved), or nil for invalid UTF-8.
    func string(_ t: Token) -> String? {
        guard var s = text.string(t.start..<t.end) else { return nil }
        if t.kind == .string && s.contains("\\") { s = Self.unescape(s) }
        return s
    }

    static func unescape(_ s: String) -> String {
        var out = ""
        var escaped = false
        for ch in s {
            if escaped {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(ch)
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// A short printable rendering of a token for messages.
    func describe(_ t: Token) -> String {
        switch t.kind {
        case .end: return "the end of the file"
        case .punct(let c): return "'\(Character(Unicode.Scalar(c)))'"
        case .unterminated(let what): return "an unterminated \(what.rawValue)"
        case .word, .string:
            return preview(text.bytes, t.start..<t.end, quoted: t.kind == .string)
        }
    }
}

/// At most 40 characters of `bytes[range]`, quoted, with invalid UTF-8 and control bytes
/// shown as `\xNN`.
func preview(_ bytes: [UInt8], _ range: Range<Int>, quoted: Bool = false) -> String {
    let cut = range.lowerBound..<min(range.upperBound, range.lowerBound + 160)
    var out = ""
    var i = cut.lowerBound
    var chars = 0
    while i < cut.upperBound && chars < 40 {
        if let bad = firstInvalidUTF8Offset(bytes, in: i..<cut.upperBound), bad == i {
            out += "\\x" + String(bytes[i], radix: 16, uppercase: true).leftPadded(2)
            i += 1
        } else {
            var len = 1
            let b = bytes[i]
            if b >= 0xF0 { len = 4 } else if b >= 0xE0 { len = 3 } else if b >= 0xC0 { len = 2 }
            let s = String(decoding: bytes[i..<min(i + len, cut.upperBound)], as: UTF8.self)
            if b < 0x20 || b == 0x7F {
                out += "\\x" + String(b, radix: 16, uppercase: true).leftPadded(2)
            } else {
                out += s
            }
            i += len
        }
        chars += 1
    }
    if i < range.upperBound { out += "…" }
    return quoted ? "'\"\(out)\"'" : "\(Quote.name(out))"
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
