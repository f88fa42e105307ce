/// One token of the `.bn` model language: its kind and the byte range it covers.
///
/// Words are runs of name characters (ASCII letters, digits, `_ . - +` and any non-ASCII
/// character); the parser decides from context whether a word is a keyword, a name or a
/// number. A string token carries its decoded value.
struct BNToken {
    enum Kind: UInt8 {
        case word, string
        case leftBrace, rightBrace, leftParen, rightParen, leftBracket, rightBracket
        case comma, colon, pipe, equals, tilde, star
        case end
    }

    var kind: Kind
    /// Byte offsets `[start, end)` in the source.
    var start: Int
    var end: Int
    /// Whether this is the first token on its line (used to resynchronise after errors).
    var startsLine: Bool
    /// The decoded value of a string token.
    var value: String? = nil

    /// What the token looks like in a message.
    static func describe(_ kind: Kind) -> String {
        switch kind {
        case .word: return "a name"
        case .string: return "a quoted string"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .comma: return "','"
        case .colon: return "':'"
        case .pipe: return "'|'"
        case .equals: return "'='"
        case .tilde: return "'~'"
        case .star: return "'*'"
        case .end: return "the end of the file"
        }
    }
}
