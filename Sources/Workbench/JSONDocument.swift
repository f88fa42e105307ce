import Foundation

/// The one JSON form of every result the operation layer returns: what `credence … --json`
/// prints, what the HTTP API answers and what the C ABI hands to Python.
///
/// Keys are sorted, so documents diff cleanly. JSON has no infinities or NaN; a non-finite
/// number (a log-probability of an impossible finding, an undefined ratio) is written `null`,
/// except in documents whose schema gives infinities a sign (`explain`'s weights of evidence).
public enum JSONDocument {
    /// How a non-finite number is written.
    public enum NonFinite: Sendable {
        /// `null`, for numbers that are simply undefined.
        case null
        /// The strings `"inf"`, `"-inf"` and `"nan"`, where the sign carries meaning.
        case signedStrings
    }

    /// `value` as JSON text; `pretty` indents it for a terminal.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true, nonFinite: NonFinite = .null) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        switch nonFinite {
        case .null:
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: marker, negativeInfinity: marker, nan: marker)
        case .signedStrings:
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        return text.replacingOccurrences(of: "\"\\u0001credence-non-finite\\u0001\"", with: "null")
    }

    private static let marker = "\u{1}credence-non-finite\u{1}"
}
