import BNCore

/// What an `XMLScanner` reports, in document order: the SAX-style consumer behind the XMLBIF
/// and XDSL readers.
protocol XMLCollecting: AnyObject {
    /// A start tag, or an empty-element tag (`<x/>`, followed at once by its `endElement`).
    /// Names are as written (namespace prefixes kept, no namespace processing); attribute
    /// values have their references expanded and their white space normalised (XML 1.0
    /// §3.3.3). `at` is the element's `<`.
    func startElement(_ name: String, attributes: [String: String], at: SourceLocation)
    /// Character data inside the root element: text with its references expanded, line ends
    /// normalised to `\n`, and CDATA sections, merged up to the next tag.
    func characters(_ text: String)
    /// The end of the innermost open element (the scanner has checked that the names match).
    func endElement(_ name: String)
    /// The first problem the collector found; the scanner stops after the event that set it.
    var problem: Diagnostic? { get }
}

/// Runs `collector` over the XML of `source`: an empty file is an error naming `document`
/// (what was expected); otherwise `XMLScanner` reports the first problem, the collector's
/// or the document's, as a located error.
func scanXML(_ source: SourceText, _ collector: some XMLCollecting, document: String, encodingHint: String) throws(FormatError) {
    if source.bytes.allSatisfy({ $0 == 32 || ($0 >= 9 && $0 <= 13) }) {
        throw FormatError(SourceLocation(file: source.file, line: 1, column: 1), "the file is empty: expected \(document)")
    }
    var scanner = XMLScanner(source, collector, document: document, encodingHint: encodingHint)
    try scanner.scan()
}

/// A strict, streaming scanner for the XML 1.0 of the interchange formats (XMLBIF, BIFXML,
/// XDSL), written here so that reading them needs no libxml2 (issue 16: `libcredence_c.so`
/// depends on libc, libm, libstdc++, OpenBLAS and zlib only).
///
/// One pass over the bytes, no recursion, no tree: start tags (with attributes), character
/// data and end tags go to the collector as they are met. It reads:
/// - UTF-8 only (a UTF-8 byte-order mark is skipped; a UTF-16 one, invalid UTF-8, or a
///   non-ASCII file declaring another encoding is refused with `encodingHint`); the
///   characters XML 1.0 §2.2 forbids (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF)
///   are refused where they are;
/// - the XML declaration (`<?xml version="1.x" encoding="…" standalone="…"?>`, only at the
///   very start) and other processing instructions (skipped);
/// - comments (no `--` inside), CDATA sections (their text is character data);
/// - one DOCTYPE before the root: the external DTD is not read and the internal subset is
///   skipped; entity declarations and parameter-entity references are refused, so there is
///   no entity expansion at all (no external entities, no "billion laughs");
/// - attributes in single or double quotes, no `<` in a value, no attribute twice;
/// - the five predefined entities (`&lt; &gt; &amp; &quot; &apos;`) and decimal and
///   hexadecimal character references (`&#233; &#xE9;`) in text and attribute values;
/// - one root element: nesting checked tag by tag, no text after the root, every element
///   closed by the end of the file, at most `maximumDepth` levels.
///
/// Every problem is a `FormatError` at `file:line:column` saying what would be right. Line
/// and column of each element come from a cursor that only moves forward (`LineCursor`), so
/// locating every element costs one extra pass over the bytes in all, even on one long line.
struct XMLScanner<Collector: XMLCollecting> {
    /// The deepest nesting accepted: libxml2's default, and far deeper than any model
    /// format goes (XMLBIF nests four levels, XDSL six).
    static var maximumDepth: Int { 256 }

    private let source: SourceText
    private let bytes: [UInt8]
    private let collector: Collector
    private let document: String
    private let encodingHint: String
    private var i = 0
    private var cursor = LineCursor()
    private var open: [(name: String, at: SourceLocation)] = []
    private var text: [UInt8] = []
    private var root: (name: String, closedAt: SourceLocation?)? = nil
    private var sawDoctype = false

    /// A scanner of `source` feeding `collector`; `document` names what the file should
    /// hold and `encodingHint` is the advice given for a file that is not UTF-8.
    init(_ source: SourceText, _ collector: Collector, document: String, encodingHint: String) {
        self.source = source
        self.bytes = source.bytes
        self.collector = collector
        self.document = document
        self.encodingHint = encodingHint
    }

    /// Scans the whole document, or stops at its first problem or the collector's.
    mutating func scan() throws(FormatError) {
        try checkCharacters()
        let n = bytes.count
        if n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
        if hasPrefix("<?xml", at: i) && (i + 5 == n || isSpace(bytes[i + 5]) || bytes[i + 5] == UInt8(ascii: "?")) {
            try xmlDeclaration()
        }
        while i < n {
            if bytes[i] == UInt8(ascii: "<") {
                guard i + 1 < n else { throw fail(i, "the file ends after '<'", hint: truncatedHint) }
                switch bytes[i + 1] {
                case UInt8(ascii: "/"): try endTag()
                case UInt8(ascii: "?"): try processingInstruction()
                case UInt8(ascii: "!"): try declaration()
                default: try startTag()
                }
            } else if open.isEmpty {
                try textOutsideRoot()
            } else {
                try characterData()
            }
        }
        if let top = open.last {
            throw fail(n, "the document ends inside <\(Quote.short(top.name))>",
                       hint: "<\(Quote.short(top.name))> opened at \(place(top.at)) is not closed: an element is not properly closed, or the file is truncated")
        }
        if root == nil { throw fail(n, "no root element: expected \(document)") }
    }

    // MARK: - Elements

    private mutating func startTag() throws(FormatError) {
        let start = i
        i += 1
        let name = try name(expected: "an element name after '<'", hint: "write &lt; for the character < in text")
        var attributes: [String: String] = [:]
        var empty = false
        while true {
            let spaced = skipSpace()
            guard i < bytes.count else { throw fail(start, "the file ends inside the start tag <\(Quote.short(name))>", hint: truncatedHint) }
            if bytes[i] == UInt8(ascii: ">") { i += 1; break }
            if bytes[i] == UInt8(ascii: "/") {
                guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ">") else {
                    throw fail(i, "expected '/>' to end the empty element <\(Quote.short(name))>, found \(found(i + 1))")
                }
                i += 2
                empty = true
                break
            }
            guard spaced else { throw fail(i, "expected white space, '>' or '/>' after <\(Quote.short(name))…, found \(found(i))") }
            let attributeAt = i
            let attribute = try self.name(expected: "an attribute name, '>' or '/>' in <\(Quote.short(name))>", hint: "attributes are written name=\"value\"")
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else {
                throw fail(i, "expected '=' after the attribute \(Quote.short(attribute)) of <\(Quote.short(name))>, found \(found(i))", hint: "attributes are written \(Quote.short(attribute))=\"value\"")
            }
            i += 1
            skipSpace()
            let value = try attributeValue(attribute, of: name)
            guard attributes.updateValue(value, forKey: attribute) == nil else {
                throw fail(attributeAt, "the attribute \(Quote.short(attribute)) appears twice in <\(Quote.short(name))>", hint: "an attribute may appear once in an element")
            }
        }
        if let (rootName, closedAt) = root, open.isEmpty {
            throw fail(start, "a second root element <\(Quote.short(name))>",
                       hint: "an XML document has one root element (here <\(Quote.short(rootName))>, closed at \(closedAt.map(place) ?? "?")): put everything inside it")
        }
        if open.count >= Self.maximumDepth {
            throw fail(start, "elements nested more than \(Self.maximumDepth) deep", hint: "is this \(document)? model files nest a few levels")
        }
        if root == nil { root = (name, nil) }
        let at = location(start)
        try flushText()
        open.append((name, at))
        collector.startElement(name, attributes: attributes, at: at)
        try checkCollector()
        if empty { try close(at: start) }
    }

    private mutating func endTag() throws(FormatError) {
        let start = i
        i += 2
        let name = try name(expected: "an element name after '</'")
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else {
            throw fail(i, i < bytes.count ? "expected '>' to end </\(Quote.short(name)), found \(found(i))" : "the file ends inside the end tag </\(Quote.short(name))", hint: truncatedHint)
        }
        i += 1
        guard let top = open.last else {
            throw fail(start, "</\(Quote.short(name))> closes no element", hint: "the root element <\(root?.name ?? name)> is already closed")
        }
        guard top.name == name else {
            throw fail(start, "</\(Quote.short(name))> where </\(Quote.short(top.name))> was expected",
                       hint: "<\(Quote.short(top.name))> opened at \(place(top.at)) is not closed: the XML elements are not properly nested")
        }
        try close(at: start)
    }

    /// Ends the innermost open element (its end tag starts at `offset`).
    private mutating func close(at offset: Int) throws(FormatError) {
        try flushText()
        let name = open.removeLast().name
        if open.isEmpty {
            let closedAt = location(offset)
            root?.closedAt = closedAt
        }
        collector.endElement(name)
        try checkCollector()
    }

    // MARK: - Text

    /// Text inside the root, up to the next `<`, into `text`.
    private mutating func characterData() throws(FormatError) {
        let n = bytes.count
        while i < n {
            var j = i
            while j < n {
                let b = bytes[j]
                if b == UInt8(ascii: "<") || b == UInt8(ascii: "&") || b == UInt8(ascii: "]") || b == 13 { break }
                j += 1
            }
            text.append(contentsOf: bytes[i..<j])
            i = j
            guard j < n else { return }
            switch bytes[j] {
            case UInt8(ascii: "<"): return
            case UInt8(ascii: "&"): text.append(contentsOf: try reference().utf8)
            case UInt8(ascii: "]"):
                if hasPrefix("]]>", at: j) { throw fail(j, "']]>' is not allowed in text", hint: "write ]]&gt;") }
                text.append(bytes[j])
                i += 1
            default:   // CR or CR LF is one line feed (XML 1.0 §2.11)
                text.append(10)
                i += 1
                if i < n && bytes[i] == 10 { i += 1 }
            }
        }
    }

    private mutating func flushText() throws(FormatError) {
        guard !text.isEmpty else { return }
        collector.characters(String(decoding: text, as: UTF8.self))
        text.removeAll(keepingCapacity: true)
        try checkCollector()
    }

    /// Outside the root only white space (and markup) may stand.
    private mutating func textOutsideRoot() throws(FormatError) {
        skipSpace()
        guard i < bytes.count, bytes[i] != UInt8(ascii: "<") else { return }
        if let (name, closedAt) = root {
            throw fail(i, "text after the root element <\(Quote.short(name))>: \(snippet(i))",
                       hint: "the document ended with </\(Quote.short(name))> at \(closedAt.map(place) ?? "?"); text belongs inside the root element")
        }
        throw fail(i, "text before the root element: \(snippet(i))", hint: "is this an XML file? expected \(document)")
    }

    /// The character of the entity or character reference at `i` (the `&`).
    private mutating func reference() throws(FormatError) -> String {
        let start = i
        i += 1
        let n = bytes.count
        if i < n && bytes[i] == UInt8(ascii: "#") {
            i += 1
            let hex = i < n && bytes[i] == UInt8(ascii: "x")
            if hex { i += 1 }
            let digitsStart = i
            var value: UInt32 = 0
            while i < n, let d = digit(bytes[i], hex: hex) {
                value = min(value * (hex ? 16 : 10) + d, 0x110000)
                i += 1
            }
            guard i > digitsStart, i < n, bytes[i] == UInt8(ascii: ";") else {
                throw fail(start, "a malformed character reference \(snippet(start, stoppingAt: ";"))",
                           hint: hex ? "write &#x followed by hexadecimal digits and ';', as in &#xE9;" : "write &# followed by decimal digits and ';', as in &#233;, or &amp; for the character &")
            }
            i += 1
            guard value == 9 || value == 10 || value == 13 || (value >= 0x20 && value <= 0xD7FF) || (value >= 0xE000 && value <= 0xFFFD)
                    || (value >= 0x10000 && value <= 0x10FFFF), let scalar = Unicode.Scalar(value) else {
                throw fail(start, "\(Quote.short(String(decoding: bytes[start..<i], as: UTF8.self))) is not a character XML allows",
                           hint: "XML 1.0 allows tab, line feed, carriage return and U+0020 to U+10FFFF without surrogates, U+FFFE and U+FFFF")
            }
            return String(scalar)
        }
        guard i < n, isNameStart(bytes[i]) else {
            throw fail(start, "'&' does not start an entity reference", hint: "write &amp; for the character &")
        }
        let nameStart = i
        while i < n && isNameChar(bytes[i]) { i += 1 }
        let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
        guard i < n, bytes[i] == UInt8(ascii: ";") else {
            throw fail(start, "the reference &\(Quote.short(name)) is not closed by ';'", hint: "write &amp; for the character &")
        }
        i += 1
        switch name {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            throw fail(start, "unknown entity &\(Quote.short(name));",
                       hint: "XML defines &lt; &gt; &amp; &quot; &apos;; write other characters as they are (UTF-8) or as character references such as &#233;")
        }
    }

    /// A quoted attribute value at `i`, references expanded, tab/LF/CR (and CR LF) as spaces.
    private mutating func attributeValue(_ attribute: String, of element: String) throws(FormatError) -> String {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
            throw fail(i, "the value of the attribute \(Quote.short(attribute)) of <\(Quote.short(element))> must be in quotes, found \(found(i))", hint: "\(Quote.short(attribute))=\"value\"")
        }
        let quote = bytes[i]
        let start = i
        i += 1
        var value: [UInt8] = []
        while true {
            guard i < bytes.count else {
                throw fail(start, "the value of the attribute \(Quote.short(attribute)) of <\(Quote.short(element))> has no closing quote", hint: truncatedHint)
            }
            let b = bytes[i]
            switch b {
            case quote:
                i += 1
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "<"):
                throw fail(i, "'<' in the value of the attribute \(Quote.short(attribute)) of <\(Quote.short(element))>", hint: "write &lt; for the character <, or close the quote")
            case UInt8(ascii: "&"):
                value.append(contentsOf: try reference().utf8)
            case 9, 10:
                value.append(32)
                i += 1
            case 13:
                value.append(32)
                i += 1
                if i < bytes.count && bytes[i] == 10 { i += 1 }
            default:
                value.append(b)
                i += 1
            }
        }
    }

    // MARK: - Markup other than elements

    /// `<!--…-->`, `<![CDATA[…]]>` or `<!DOCTYPE …>` at `i`.
    private mutating func declaration() throws(FormatError) {
        if hasPrefix("<!--", at: i) {
            try comment()
        } else if hasPrefix("<![CDATA[", at: i) {
            let start = i
            guard !open.isEmpty else { throw fail(start, "a CDATA section outside the root element", hint: "CDATA holds text, which belongs inside the root element") }
            guard let end = find("]]>", from: i + 9) else { throw fail(start, "a CDATA section without its end ']]>'", hint: truncatedHint) }
            var k = i + 9
            while k < end {   // CR and CR LF are line feeds here too
                if bytes[k] == 13 { text.append(10); if k + 1 < end && bytes[k + 1] == 10 { k += 1 } } else { text.append(bytes[k]) }
                k += 1
            }
            i = end + 3
        } else if hasPrefix("<!DOCTYPE", at: i) {
            try doctype()
        } else {
            var k = i + 2
            while k < bytes.count && isNameChar(bytes[k]) { k += 1 }
            throw fail(i, "unknown markup \(Quote.name(String(decoding: bytes[i..<k], as: UTF8.self)))", hint: "XML has <!-- comments -->, <![CDATA[…]]> sections and one <!DOCTYPE …> before the root element")
        }
    }

    private mutating func comment() throws(FormatError) {
        guard let dashes = find("--", from: i + 4), dashes + 2 < bytes.count else {
            throw fail(i, "a comment without its end '-->'", hint: truncatedHint)
        }
        guard bytes[dashes + 2] == UInt8(ascii: ">") else {
            throw fail(dashes, "'--' inside a comment", hint: "an XML comment ends at the first '--', which must be followed by '>'")
        }
        i = dashes + 3
    }

    /// `<?target …?>` at `i`, skipped (the XML declaration is read by `xmlDeclaration`).
    private mutating func processingInstruction() throws(FormatError) {
        let start = i
        i += 2
        let target = try name(expected: "a processing-instruction name after '<?'")
        if target.lowercased() == "xml" {
            throw fail(start, "the XML declaration <?xml …?> must be at the very start of the file",
                       hint: "remove what comes before it, white space included")
        }
        guard let end = find("?>", from: i) else { throw fail(start, "a processing instruction without its end '?>'", hint: truncatedHint) }
        guard end == i || isSpace(bytes[i]) else {
            throw fail(i, "expected white space or '?>' after <?\(Quote.short(target)), found \(found(i))")
        }
        i = end + 2
    }

    /// `<?xml version="1.x" encoding="…" standalone="yes|no"?>` at `i` (the start of the file).
    private mutating func xmlDeclaration() throws(FormatError) {
        let start = i
        let example = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        i += 5
        var expected = ["version", "encoding", "standalone"]
        while true {
            let spaced = skipSpace()
            if hasPrefix("?>", at: i) {
                guard expected.first != "version" else { break }
                i += 2
                return
            }
            guard i < bytes.count else { throw fail(start, "the XML declaration has no end '?>'", hint: example) }
            guard spaced, isNameStart(bytes[i]) else { throw fail(i, "expected white space, a setting or '?>' in the XML declaration, found \(found(i))", hint: example) }
            let nameAt = i
            let setting = try name(expected: "a setting of the XML declaration")
            guard let k = expected.firstIndex(of: setting), k == 0 || expected[0] != "version" else {
                throw fail(nameAt, expected.first == "version"
                                ? "the XML declaration must begin with version=\"1.0\", found \(Quote.short(setting))"
                                : "unexpected \(Quote.short(setting)) in the XML declaration (version, then encoding, then standalone)", hint: example)
            }
            expected.removeFirst(k + 1)
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { throw fail(i, "expected '=' after \(Quote.short(setting)) in the XML declaration, found \(found(i))", hint: example) }
            i += 1
            skipSpace()
            let valueAt = i
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'"),
                  let close = find(bytes[i], from: i + 1) else {
                throw fail(i, "the value of \(Quote.short(setting)) in the XML declaration must be in quotes", hint: example)
            }
            let value = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
            i = close + 1
            switch setting {
            case "version":
                guard value.hasPrefix("1."), value.count > 2, value.dropFirst(2).allSatisfy({ ("0"..."9").contains($0) }) else {
                    throw fail(valueAt, "XML version \"\(Quote.short(value))\" is not 1.x", hint: example)
                }
            case "encoding":
                let utf8 = ["utf-8", "utf8", "us-ascii", "ascii"].contains(value.lowercased())
                if !utf8, let nonASCII = bytes.firstIndex(where: { $0 >= 0x80 }) {
                    throw fail(valueAt, "the file declares encoding=\"\(Quote.short(value))\" and holds non-ASCII text (at \(place(source.location(at: nonASCII)))); Credence reads XML in UTF-8",
                               hint: encodingHint)
                }
            default:
                guard value == "yes" || value == "no" else { throw fail(valueAt, "standalone must be \"yes\" or \"no\", not \"\(Quote.short(value))\"", hint: example) }
            }
        }
        throw fail(start, "the XML declaration must begin with version=\"1.0\"", hint: example)
    }

    /// `<!DOCTYPE name [SYSTEM "…" | PUBLIC "…" "…"] [[internal subset]]>` at `i`: checked
    /// and skipped; the external DTD is not read, entity declarations are refused.
    private mutating func doctype() throws(FormatError) {
        let start = i
        guard root == nil, !sawDoctype else {
            throw fail(start, root == nil ? "a second DOCTYPE" : "a DOCTYPE inside or after the root element", hint: "an XML document has at most one DOCTYPE, before its root element")
        }
        sawDoctype = true
        i += 9
        guard skipSpace() else { throw fail(i, "expected white space after <!DOCTYPE, found \(found(i))") }
        _ = try name(expected: "the root element's name after <!DOCTYPE")
        var spaced = skipSpace()
        for (keyword, literals) in [("SYSTEM", 1), ("PUBLIC", 2)] as [(StaticString, Int)] where spaced && hasPrefix(keyword, at: i) {
            i += keyword.utf8CodeUnitCount
            for _ in 0..<literals {
                guard skipSpace() else { throw fail(i, "expected white space and a quoted identifier after \(keyword), found \(found(i))") }
                try quotedLiteral(in: "the DOCTYPE")
            }
            spaced = skipSpace()
        }
        if i < bytes.count && bytes[i] == UInt8(ascii: "[") {
            i += 1
            try internalSubset()
            skipSpace()
        }
        guard i < bytes.count else { throw fail(start, "the file ends inside the DOCTYPE", hint: truncatedHint) }
        guard bytes[i] == UInt8(ascii: ">") else { throw fail(i, "expected '>' to end the DOCTYPE, found \(found(i))") }
        i += 1
    }

    /// The declarations between `[` and `]` of a DOCTYPE, skipped up to and past the `]`.
    private mutating func internalSubset() throws(FormatError) {
        let noEntities = "Credence expands no DTD entities (nothing is read from other files, nothing grows): write the text itself, or &lt; &gt; &amp; &quot; &apos; and character references such as &#233;"
        while true {
            skipSpace()
            guard i < bytes.count else { throw fail(i, "the file ends inside the DOCTYPE's declarations", hint: truncatedHint) }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return }
            if bytes[i] == UInt8(ascii: "%") { throw fail(i, "a parameter-entity reference in the DOCTYPE", hint: noEntities) }
            if hasPrefix("<!--", at: i) { try comment(); continue }
            if hasPrefix("<?", at: i) { try processingInstruction(); continue }
            if hasPrefix("<!ENTITY", at: i) { throw fail(i, "the DOCTYPE declares an entity (<!ENTITY …>)", hint: noEntities) }
            guard hasPrefix("<!ELEMENT", at: i) || hasPrefix("<!ATTLIST", at: i) || hasPrefix("<!NOTATION", at: i) else {
                throw fail(i, "expected a declaration (<!ELEMENT, <!ATTLIST, <!NOTATION, a comment) or ']' in the DOCTYPE, found \(found(i))")
            }
            let start = i
            i += 2
            while true {
                guard i < bytes.count else { throw fail(start, "a declaration in the DOCTYPE without its end '>'", hint: truncatedHint) }
                let b = bytes[i]
                if b == UInt8(ascii: ">") { i += 1; break }
                if b == UInt8(ascii: "%") { throw fail(i, "a parameter-entity reference in the DOCTYPE", hint: noEntities) }
                if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") { try quotedLiteral(in: "a declaration of the DOCTYPE") } else { i += 1 }
            }
        }
    }

    /// A string in single or double quotes at `i`, skipped.
    private mutating func quotedLiteral(in place: String) throws(FormatError) {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
            throw fail(i, "expected a quoted string in \(place), found \(found(i))")
        }
        guard let close = find(bytes[i], from: i + 1) else { throw fail(i, "a quoted string in \(place) without its closing quote", hint: truncatedHint) }
        i = close + 1
    }

    // MARK: - Characters and names

    /// Refuses a UTF-16 file, invalid UTF-8 and the characters XML 1.0 forbids.
    private func checkCharacters() throws(FormatError) {
        if bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)) {
            throw fail(0, "the file is UTF-16 (it starts with the byte-order mark \(bytes[0] == 0xFF ? "FF FE" : "FE FF"))", hint: encodingHint)
        }
        if let bad = source.firstInvalidUTF8(in: 0..<bytes.count) {
            throw fail(bad, "invalid UTF-8 (byte 0x\(String(bytes[bad], radix: 16, uppercase: true)))", hint: encodingHint)
        }
        for k in bytes.indices {
            let b = bytes[k]
            if b < 0x20 && b != 9 && b != 10 && b != 13 {
                throw fail(k, "the control character U+\(hex4(UInt32(b))) is not allowed in XML", hint: "XML 1.0 allows tab, line feed and carriage return; remove it")
            }
            if b == 0xEF && k + 2 < bytes.count && bytes[k + 1] == 0xBF && (bytes[k + 2] == 0xBE || bytes[k + 2] == 0xBF) {
                throw fail(k, "the noncharacter U+\(bytes[k + 2] == 0xBE ? "FFFE" : "FFFF") is not allowed in XML", hint: "remove it")
            }
        }
    }

    /// An XML name at `i` (ASCII letters, digits, `_ : - .`, and any non-ASCII character).
    private mutating func name(expected: String, hint: String? = nil) throws(FormatError) -> String {
        let start = i
        guard i < bytes.count, isNameStart(bytes[i]) else { throw fail(i, "expected \(expected), found \(found(i))", hint: hint) }
        i += 1
        while i < bytes.count && isNameChar(bytes[i]) { i += 1 }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private func isNameStart(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b >= 0x80
    }

    private func isNameChar(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }

    private func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 9 || b == 13 }

    private func digit(_ b: UInt8, hex: Bool) -> UInt32? {
        if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { return UInt32(b - UInt8(ascii: "0")) }
        guard hex else { return nil }
        if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f") { return UInt32(b - UInt8(ascii: "a") + 10) }
        if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F") { return UInt32(b - UInt8(ascii: "A") + 10) }
        return nil
    }

    /// Skips white space; whether there was any.
    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = i
        while i < bytes.count && isSpace(bytes[i]) { i += 1 }
        return i > start
    }

    private func hasPrefix(_ s: StaticString, at k: Int) -> Bool {
        let count = s.utf8CodeUnitCount
        guard k + count <= bytes.count else { return false }
        return s.withUTF8Buffer { p in
            for m in 0..<count where bytes[k + m] != p[m] { return false }
            return true
        }
    }

    /// The offset of the next `s` at or after `k`.
    private func find(_ s: StaticString, from k: Int) -> Int? {
        let first = s.withUTF8Buffer { $0[0] }
        var j = k
        while let hit = find(first, from: j) {
            if hasPrefix(s, at: hit) { return hit }
            j = hit + 1
        }
        return nil
    }

    private func find(_ b: UInt8, from k: Int) -> Int? {
        var j = k
        while j < bytes.count {
            if bytes[j] == b { return j }
            j += 1
        }
        return nil
    }

    // MARK: - Reporting

    private var truncatedHint: String { "the file may be truncated" }

    private func checkCollector() throws(FormatError) {
        if let problem = collector.problem { throw FormatError([problem]) }
    }

    /// The location of byte `offset` (the cursor moves forward only; earlier offsets, asked
    /// for when reporting, are counted from the start).
    private mutating func location(_ offset: Int) -> SourceLocation {
        guard offset >= cursor.offset else { return source.location(at: offset) }
        cursor.advance(to: offset, in: bytes)
        return SourceLocation(file: source.file, line: cursor.line, column: cursor.column)
    }

    private func fail(_ offset: Int, _ message: String, hint: String? = nil) -> FormatError {
        source.error(at: offset, message, hint: hint)
    }

    private func place(_ at: SourceLocation) -> String { "\(at.line):\(at.column)" }

    /// What stands at `k`, for "found …": a quoted character, white space or the end of the file.
    private func found(_ k: Int) -> String {
        guard k < bytes.count else { return "the end of the file" }
        if isSpace(bytes[k]) { return "white space" }
        return snippet(k, length: 1)
    }

    /// Up to `length` characters from `k` (to the end of the line, or through `stop`), quoted.
    private func snippet(_ k: Int, length: Int = 24, stoppingAt stop: Character? = nil) -> String {
        var out = ""
        for c in String(decoding: bytes[k..<min(bytes.count, k + 4 * length)], as: UTF8.self) {
            if c == "\n" || c == "\r" || out.count == length { break }
            out.append(c)
            if c == stop { break }
        }
        return Quote.name(out)
    }

    private func hex4(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}

/// Line and column (Unicode scalars, as `SourceText.location`) of increasing byte offsets.
private struct LineCursor {
    var offset = 0
    var line = 1
    var column = 1

    mutating func advance(to target: Int, in bytes: [UInt8]) {
        while offset < target {
            let b = bytes[offset]
            if b == 10 { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
            offset += 1
        }
    }
}
