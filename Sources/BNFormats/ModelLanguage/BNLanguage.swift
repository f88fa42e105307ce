import BNCore

/// Credence's model language (`.bn`): readable, diffable, forgiving to write and strict to
/// check. The grammar, with examples, is in `docs/model-language.md`.
///
/// ```swift
/// let doc = try BNLanguage.read(contentsOf: "models/dealer_winback.bn")
/// let text = BNLanguage.print(doc.network)          // parses back to the same network
/// try BNLanguage.write(doc, to: "copy.bn")           // atomic: temp file + rename
/// ```
/// Reading never stops at the first problem: a `FormatError` carries every problem found,
/// each at `file:line:column` (columns count Unicode scalars), in input order.
public enum BNLanguage {
    /// A row must sum to 1 within this (1e-6); it is then divided by its sum, unless it sums
    /// to 1 up to floating-point rounding (within `roundingSlack`), when it is kept as written.
    public static let normalizationTolerance = BayesianNetwork.normalizationTolerance

    /// Rows within this of 1 (1e-12) are already normalised and are kept bit for bit.
    public static let roundingSlack = BNResolver.roundingSlack

    /// Parses `.bn` text. `file` names the input in diagnostics.
    public static func parse(_ text: String, file: String = "<input>") throws(FormatError) -> BNDocument {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses `.bn` source bytes (UTF-8; an invalid byte is reported where it is).
    public static func parse(bytes: [UInt8], file: String) throws(FormatError) -> BNDocument {
        var parser = BNParser(bytes: bytes, file: file)
        let syntax = parser.parse()
        var problems = parser.problems
        // Too many problems already, or text that is not UTF-8 (most often a file saved in
        // a legacy encoding such as GBK): names cannot be trusted, so report what was
        // found without checking the model.
        if problems.isFull || parser.sawInvalidUTF8 { try problems.check() }
        var resolver = BNResolver(syntax: syntax, problems: problems, defaultName: defaultName(file))
        let doc = resolver.resolve()
        problems = resolver.problems
        try problems.check()
        return doc!
    }

    /// Reads and parses a `.bn` file.
    public static func read(contentsOf path: String) throws(FormatError) -> BNDocument {
        let bytes: [UInt8]
        do {
            bytes = try readBytes(path: path)
        } catch {
            throw FormatError(SourceLocation(file: path, line: 0, column: 0), error.message)
        }
        return try parse(bytes: bytes, file: path)
    }

    /// The text of a document: the network followed by its evidence, do and query blocks.
    public static func print(_ doc: BNDocument) -> String {
        BNPrinter.string(doc)
    }

    /// The text of a network.
    public static func print(_ network: BayesianNetwork) -> String {
        BNPrinter.string(BNDocument(network: network))
    }

    /// Writes a document atomically: a temporary file in the same directory is written,
    /// flushed and renamed over `path`, so a failed save never damages what was there.
    public static func write(_ doc: BNDocument, to path: String) throws(FormatError) {
        try writeAtomically(Array(print(doc).utf8), to: path)
    }

    /// Writes a network atomically (see `write(_:to:)` for documents).
    public static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        try write(BNDocument(network: network), to: path)
    }

    /// The network name used when a file has no `network` header: the file's base name
    /// without `.bn`, or `network`.
    static func defaultName(_ file: String) -> String {
        var base = Substring(file)
        if let slash = base.lastIndex(of: "/") { base = base[base.index(after: slash)...] }
        if base.lowercased().hasSuffix(".bn") { base = base.dropLast(3) }
        let name = String(base)
        return name.isEmpty || name.hasPrefix("<") || !BNPrinter.isBare(name) ? "network" : name
    }
}
