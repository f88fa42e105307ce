import Testing
import BNCore
@testable import BNFormats

/// `XMLScanner`, the XML reader under XMLBIF, BIFXML and XDSL: each construct gives the
/// events it should, each well-formedness problem a located error, and no input crashes it.
@Suite("XML scanner")
struct XMLScannerTests {
    /// Writes every event down: `<name a=v @line:column`, `"text"`, `</name`.
    final class Recorder: XMLCollecting {
        var events: [String] = []
        var problem: Diagnostic?
        var stopAt: String?

        func startElement(_ name: String, attributes: [String: String], at: BNFormats.SourceLocation) {
            let attrs = attributes.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            events.append("<\(name)\(attrs) @\(at.line):\(at.column)")
            if name == stopAt { problem = Diagnostic(at, "stop here") }
        }
        func characters(_ text: String) { events.append("\"\(text)\"") }
        func endElement(_ name: String) { events.append("</\(name)") }
    }

    static func scan(_ xml: String, file: String = "x.xml", stopAt: String? = nil) throws(FormatError) -> [String] {
        try scan(Array(xml.utf8), file: file, stopAt: stopAt)
    }

    static func scan(_ bytes: [UInt8], file: String = "x.xml", stopAt: String? = nil) throws(FormatError) -> [String] {
        let recorder = Recorder()
        recorder.stopAt = stopAt
        try scanXML(SourceText(file: file, bytes: bytes), recorder, document: "an XML document", encodingHint: "save the file as UTF-8")
        return recorder.events
    }

    /// The first diagnostic of scanning `xml`, as printed (`x.xml:l:c: error: …`, hint on the next line).
    static func problem(_ xml: String) -> String { problem(Array(xml.utf8)) }

    static func problem(_ bytes: [UInt8]) -> String {
        do {
            let events = try scan(bytes)
            return "no error; events \(events)"
        } catch {
            return error.diagnostics[0].description
        }
    }

    // MARK: - Constructs

    @Test func elementsAttributesAndTextWithTheirLocations() throws {
        let xml = "<a x=\"1\" y='two words'>\n  hi <b/><c z = \"3\" >there</c>\n</a>\n"
        #expect(try Self.scan(xml) == ["<a x=1 y=two words @1:1", "\"\n  hi \"", "<b @2:6", "</b", "<c z=3 @2:10", "\"there\"", "</c", "\"\n\"", "</a"])
    }

    @Test func theDeclarationProcessingInstructionsAndCommentsAreSkipped() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone='yes'?>\n<?xml-stylesheet href=\"s.xsl\"?><!-- a - comment -->\n<r><?pi data?>a<!---->b<?x?></r><!-- after -->\n<?after?>"
        #expect(try Self.scan(xml) == ["<r @3:1", "\"ab\"", "</r"])
        // Processing instructions without data were a crash in Foundation's XMLParser.
        #expect(try Self.scan("<?x?><r/>") == ["<r @1:6", "</r"])
        #expect(try Self.scan("<?xmlversio?><r/>") == ["<r @1:14", "</r"])
    }

    @Test func cdataIsCharacterData() throws {
        #expect(try Self.scan("<r>a<![CDATA[<b>&amp; ]] ]>]]>c</r>") == ["<r @1:1", "\"a<b>&amp; ]] ]>c\"", "</r"])
        #expect(try Self.scan("<r><![CDATA[]]></r>") == ["<r @1:1", "</r"])
    }

    @Test func referencesInTextAndAttributes() throws {
        #expect(try Self.scan("<r a=\"&lt;&gt;&amp;&quot;&apos;\">&lt;&gt;&amp;&quot;&apos; &#233;&#xE9;&#x1F600;</r>")
                == ["<r a=<>&\"' @1:1", "\"<>&\"' éé😀\"", "</r"])
        #expect(try Self.scan("<r a='&#10;&#x9;'/>") == ["<r a=\n\t @1:1", "</r"])
    }

    @Test func whiteSpaceInAttributesAndLineEndsInText() throws {
        #expect(try Self.scan("<r a=\"x\ty\nz\r\nw\"/>") == ["<r a=x y z w @1:1", "</r"])
        #expect(try Self.scan("<r>a\r\nb\rc</r>") == ["<r @1:1", "\"a\nb\nc\"", "</r"])
    }

    @Test func namespacePrefixesStayAsWritten() throws {
        #expect(try Self.scan("<x:r xmlns:x=\"urn:x\" x:a=\"1\"><x:c/></x:r>") == ["<x:r x:a=1 xmlns:x=urn:x @1:1", "<x:c @1:30", "</x:c", "</x:r"])
    }

    @Test func aDoctypeWithItsInternalSubsetIsSkipped() throws {
        // The DTD of XMLBIF 0.3 as Weka and JavaBayes write it.
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE BIF [
            <!ELEMENT BIF ( NETWORK )*>
                  <!ATTLIST BIF VERSION CDATA #REQUIRED>
            <!-- a comment with ] and > -->
            <!ATTLIST VARIABLE TYPE (nature|decision|utility) "nature" x CDATA "a>b]">
            <?pi inside?>
            <!NOTATION n SYSTEM "n">
        ]>
        <BIF VERSION="0.3"/>
        """
        #expect(try Self.scan(xml) == ["<BIF VERSION=0.3 @10:1", "</BIF"])
        #expect(try Self.scan("<!DOCTYPE r SYSTEM \"r.dtd\"><r/>") == ["<r @1:28", "</r"])
        #expect(try Self.scan("<!DOCTYPE r PUBLIC \"-//x\" 'r.dtd' [ ]\n><r/>") == ["<r @2:2", "</r"])
    }

    @Test func aUTF8ByteOrderMarkIsSkippedAndColumnsCountCharacters() throws {
        #expect(try Self.scan([0xEF, 0xBB, 0xBF] + Array("<?xml version='1.0'?><r/>".utf8)) == ["<r @1:23", "</r"])
        #expect(try Self.scan("<r a=\"é😀\"><s/></r>") == ["<r a=é😀 @1:1", "<s @1:11", "</s", "</r"])
    }

    @Test func theCollectorsProblemStopsTheScan() throws {
        let e = #expect(throws: FormatError.self) { try Self.scan("<r><a/><stop/><a x=\"<\"/></r>", stopAt: "stop") }
        #expect(e?.description == "x.xml:1:8: error: stop here")
    }

    // MARK: - Errors, each at its line and column

    @Test func wellFormednessErrors() {
        let cases: [(String, String)] = [
            ("<a>\n  <b></a>", "x.xml:2:6: error: </a> where </b> was expected\n  hint: <b> opened at 2:3 is not closed: the XML elements are not properly nested"),
            ("<a>\n<b>\n", "x.xml:3:1: error: the document ends inside <b>\n  hint: <b> opened at 2:1 is not closed: an element is not properly closed, or the file is truncated"),
            ("<a x=\"1<2\"/>", "x.xml:1:8: error: '<' in the value of the attribute x of <a>\n  hint: write &lt; for the character <, or close the quote"),
            ("<a x=\"1\" x='2'/>", "x.xml:1:10: error: the attribute x appears twice in <a>\n  hint: an attribute may appear once in an element"),
            ("<a/>\nhello", "x.xml:2:1: error: text after the root element <a>: 'hello'\n  hint: the document ended with </a> at 1:1; text belongs inside the root element"),
            ("<a></a>\n<b/>", "x.xml:2:1: error: a second root element <b>\n  hint: an XML document has one root element (here <a>, closed at 1:4): put everything inside it"),
            ("network x {}", "x.xml:1:1: error: text before the root element: 'network x {}'\n  hint: is this an XML file? expected an XML document"),
            ("<a></a></a>", "x.xml:1:8: error: </a> closes no element\n  hint: the root element <a> is already closed"),
            ("<a x=1/>", "x.xml:1:6: error: the value of the attribute x of <a> must be in quotes, found '1'\n  hint: x=\"value\""),
            ("<a x \"1\"/>", "x.xml:1:6: error: expected '=' after the attribute x of <a>, found '\"'\n  hint: attributes are written x=\"value\""),
            ("<a x='1'y='2'/>", "x.xml:1:9: error: expected white space, '>' or '/>' after <a…, found 'y'"),
            ("<a>1 < 2</a>", "x.xml:1:7: error: expected an element name after '<', found white space\n  hint: write &lt; for the character < in text"),
            ("<a>\n  <b></b\n", "x.xml:3:1: error: the file ends inside the end tag </b\n  hint: the file may be truncated"),
            ("<a>\n<b x=\"1\"", "x.xml:2:1: error: the file ends inside the start tag <b>\n  hint: the file may be truncated"),
            ("<a x=\"1", "x.xml:1:6: error: the value of the attribute x of <a> has no closing quote\n  hint: the file may be truncated"),
            ("<a>x]]>y</a>", "x.xml:1:5: error: ']]>' is not allowed in text\n  hint: write ]]&gt;"),
            ("<!-- only a comment -->\n", "x.xml:2:1: error: no root element: expected an XML document"),
            ("<a", "x.xml:1:1: error: the file ends inside the start tag <a>\n  hint: the file may be truncated"),
            ("<a><", "x.xml:1:4: error: the file ends after '<'\n  hint: the file may be truncated"),
        ]
        for (xml, expected) in cases { #expect(Self.problem(xml) == expected, "\(xml)") }
    }

    @Test func referenceErrors() {
        let cases: [(String, String)] = [
            ("<a>AT&T</a>", "x.xml:1:6: error: the reference &T is not closed by ';'\n  hint: write &amp; for the character &"),
            ("<a>\n a & b</a>", "x.xml:2:4: error: '&' does not start an entity reference\n  hint: write &amp; for the character &"),
            ("<a>&nbsp;</a>", "x.xml:1:4: error: unknown entity &nbsp;\n  hint: XML defines &lt; &gt; &amp; &quot; &apos;; write other characters as they are (UTF-8) or as character references such as &#233;"),
            ("<a x='&#0;'/>", "x.xml:1:7: error: &#0; is not a character XML allows\n  hint: XML 1.0 allows tab, line feed, carriage return and U+0020 to U+10FFFF without surrogates, U+FFFE and U+FFFF"),
            ("<a>&#xD800;</a>", "x.xml:1:4: error: &#xD800; is not a character XML allows\n  hint: XML 1.0 allows tab, line feed, carriage return and U+0020 to U+10FFFF without surrogates, U+FFFE and U+FFFF"),
            ("<a>&#99999999999999999999;</a>", "x.xml:1:4: error: &#99999999999999999999; is not a character XML allows\n  hint: XML 1.0 allows tab, line feed, carriage return and U+0020 to U+10FFFF without surrogates, U+FFFE and U+FFFF"),
            ("<a>&#x;</a>", "x.xml:1:4: error: a malformed character reference '&#x;'\n  hint: write &#x followed by hexadecimal digits and ';', as in &#xE9;"),
            ("<a>&#12a;</a>", "x.xml:1:4: error: a malformed character reference '&#12a;'\n  hint: write &# followed by decimal digits and ';', as in &#233;, or &amp; for the character &"),
        ]
        for (xml, expected) in cases { #expect(Self.problem(xml) == expected, "\(xml)") }
    }

    @Test func markupErrors() {
        let cases: [(String, String)] = [
            ("<a><!-- a -- b --></a>", "x.xml:1:11: error: '--' inside a comment\n  hint: an XML comment ends at the first '--', which must be followed by '>'"),
            ("<a>\n<!-- open", "x.xml:2:1: error: a comment without its end '-->'\n  hint: the file may be truncated"),
            ("<![CDATA[x]]><a/>", "x.xml:1:1: error: a CDATA section outside the root element\n  hint: CDATA holds text, which belongs inside the root element"),
            ("<a><![CDATA[x</a>", "x.xml:1:4: error: a CDATA section without its end ']]>'\n  hint: the file may be truncated"),
            ("<a><!ELEMENT a ANY></a>", "x.xml:1:4: error: unknown markup '<!ELEMENT'\n  hint: XML has <!-- comments -->, <![CDATA[…]]> sections and one <!DOCTYPE …> before the root element"),
            ("<a><? x?></a>", "x.xml:1:6: error: expected a processing-instruction name after '<?', found white space"),
            ("<a><?x\n", "x.xml:1:4: error: a processing instruction without its end '?>'\n  hint: the file may be truncated"),
            ("<a/><!DOCTYPE a>", "x.xml:1:5: error: a DOCTYPE inside or after the root element\n  hint: an XML document has at most one DOCTYPE, before its root element"),
            ("<!DOCTYPE a><!DOCTYPE a><a/>", "x.xml:1:13: error: a second DOCTYPE\n  hint: an XML document has at most one DOCTYPE, before its root element"),
            ("<!DOCTYPE a [ <!ELEMENT a ANY>\n", "x.xml:2:1: error: the file ends inside the DOCTYPE's declarations\n  hint: the file may be truncated"),
            ("<!DOCTYPE a [ <!FOO> ]><a/>", "x.xml:1:15: error: expected a declaration (<!ELEMENT, <!ATTLIST, <!NOTATION, a comment) or ']' in the DOCTYPE, found '<'"),
        ]
        for (xml, expected) in cases { #expect(Self.problem(xml) == expected, "\(xml)") }
    }

    @Test func entityDeclarationsAndExternalEntitiesAreRefused() {
        let hint = "\n  hint: Credence expands no DTD entities (nothing is read from other files, nothing grows): write the text itself, or &lt; &gt; &amp; &quot; &apos; and character references such as &#233;"
        // Billion laughs, an external entity, a parameter entity.
        let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">\n]>\n<lolz>&lol2;</lolz>"
        #expect(Self.problem(laughs) == "x.xml:3:2: error: the DOCTYPE declares an entity (<!ENTITY …>)" + hint)
        #expect(Self.problem("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>") == "x.xml:1:14: error: the DOCTYPE declares an entity (<!ENTITY …>)" + hint)
        #expect(Self.problem("<!DOCTYPE r [ %pe; ]><r/>") == "x.xml:1:15: error: a parameter-entity reference in the DOCTYPE" + hint)
        #expect(Self.problem("<!DOCTYPE r [ <!ELEMENT r %pe;> ]><r/>") == "x.xml:1:27: error: a parameter-entity reference in the DOCTYPE" + hint)
        // Without a declaration an entity reference is just unknown.
        #expect(Self.problem("<r>&x;</r>").hasPrefix("x.xml:1:4: error: unknown entity &x;"))
    }

    @Test func declarationErrors() {
        let example = "\n  hint: <?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        #expect(Self.problem("<?xml versio=\"1.0\"?><a/>") == "x.xml:1:7: error: the XML declaration must begin with version=\"1.0\", found versio" + example)
        #expect(Self.problem("<?xml version=\"2.0\"?><a/>") == "x.xml:1:15: error: XML version \"2.0\" is not 1.x" + example)
        #expect(Self.problem("<?xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"?><a/>") == "x.xml:1:38: error: unexpected encoding in the XML declaration (version, then encoding, then standalone)" + example)
        #expect(Self.problem("<?xml ?><a/>") == "x.xml:1:1: error: the XML declaration must begin with version=\"1.0\"" + example)
        #expect(Self.problem("<?xml version=\"1.0\"") == "x.xml:1:1: error: the XML declaration has no end '?>'" + example)
        #expect(Self.problem("<?xml") == "x.xml:1:1: error: the XML declaration has no end '?>'" + example)
        #expect(Self.problem(" <?xml version=\"1.0\"?><a/>") == "x.xml:1:2: error: the XML declaration <?xml …?> must be at the very start of the file\n  hint: remove what comes before it, white space included")
        // A file that says ISO-8859-1: fine while it is ASCII, refused once it is not.
        #expect(throws: Never.self) { try Self.scan("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>") }
        #expect(Self.problem("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>é</a>")
                == "x.xml:1:30: error: the file declares encoding=\"ISO-8859-1\" and holds non-ASCII text (at 2:4); Credence reads XML in UTF-8\n  hint: save the file as UTF-8")
    }

    @Test func encodingErrors() {
        let hint = "\n  hint: save the file as UTF-8"
        #expect(Self.problem([0xFF, 0xFE, 0x3C, 0x00, 0x61, 0x00]) == "x.xml:1:1: error: the file is UTF-16 (it starts with the byte-order mark FF FE)" + hint)
        #expect(Self.problem([0xFE, 0xFF, 0x00, 0x3C]) == "x.xml:1:1: error: the file is UTF-16 (it starts with the byte-order mark FE FF)" + hint)
        #expect(Self.problem(Array("<a>\n caf".utf8) + [0xE9] + Array("</a>".utf8)) == "x.xml:2:5: error: invalid UTF-8 (byte 0xE9)" + hint)
        #expect(Self.problem(Array("<a>x".utf8) + [0x01] + Array("</a>".utf8))
                == "x.xml:1:5: error: the control character U+0001 is not allowed in XML\n  hint: XML 1.0 allows tab, line feed and carriage return; remove it")
        #expect(Self.problem(Array("<a>".utf8) + [0xEF, 0xBF, 0xBF] + Array("</a>".utf8)) == "x.xml:1:4: error: the noncharacter U+FFFF is not allowed in XML\n  hint: remove it")
    }

    @Test func theReadersGiveTheirOwnEncodingHints() {
        // GeNIe's XDSL in ISO-8859-1 with a non-ASCII byte, and an XMLBIF file saved as UTF-16.
        let latin1 = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<smile id=\"caf".utf8) + [0xE9] + Array("\"/>".utf8)
        let e1 = #expect(throws: FormatError.self) { try XDSLReader.parseDocument(SourceText(file: "g.xdsl", bytes: latin1)) }
        #expect(e1?.description == "g.xdsl:2:15: error: invalid UTF-8 (byte 0xE9)\n  hint: GeNIe may save ISO-8859-1: re-save the file as UTF-8")
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("<BIF/>".utf8).flatMap { [$0, 0] }
        let e2 = #expect(throws: FormatError.self) { try XMLBIFReader.parse(SourceText(file: "w.xml", bytes: utf16)) }
        #expect(e2?.description == "w.xml:1:1: error: the file is UTF-16 (it starts with the byte-order mark FF FE)\n  hint: save the file as UTF-8")
        // A well-formedness error in XDSL is located like any other.
        let e3 = #expect(throws: FormatError.self) {
            try XDSLReader.parseDocument(SourceText(file: "n.xdsl", text: "<smile id=\"n\">\n<nodes>\n<cpt id=\"A\"><state id=\"a\"/></nodes>\n</smile>"))
        }
        #expect(e3?.description == "n.xdsl:3:28: error: </nodes> where </cpt> was expected\n  hint: <cpt> opened at 3:1 is not closed: the XML elements are not properly nested")
    }

    @Test func deepNestingIsALocatedErrorNotAStackOverflow() {
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        let limit = XMLScanner<Recorder>.maximumDepth
        #expect(Self.problem(deep) == "x.xml:1:\(3 * limit + 1): error: elements nested more than \(limit) deep\n  hint: is this an XML document? model files nest a few levels")
        let fits = String(repeating: "<a>", count: limit) + String(repeating: "</a>", count: limit)
        #expect(((try? Self.scan(fits))?.count) == 2 * limit)
    }

    @Test func longNamesAreCutInMessages() {
        let name = String(repeating: "n", count: 1 << 20)
        let message = Self.problem("<\(name)>")
        #expect(message.hasPrefix("x.xml:1:1048579: error: the document ends inside <nnnn"))
        #expect(message.count < 400)
    }

    // MARK: - Truncation and noise

    /// Every prefix of a real XMLBIF file (declaration, DTD, comment, CDATA, references)
    /// reads or ends in an error located inside the prefix; none crashes.
    @Test func everyTruncationOfAnXMLBIFFileIsALocatedError() throws {
        let asia = String(decoding: XMLBIFWriter.bytes(try Shipped.load("asia")), as: UTF8.self)
        var full = asia.replacingOccurrences(of: "<BIF VERSION=\"0.3\">", with: """
            <!DOCTYPE BIF [
              <!ELEMENT BIF ( NETWORK )*>
              <!ATTLIST BIF VERSION CDATA #REQUIRED>
            ]>
            <!-- asia, with a bit of every construct -->
            <BIF VERSION='0.3'>
            """)
        full = full.replacingOccurrences(of: "<NAME>unknown</NAME>", with: "<NAME><![CDATA[unk]]>n&#x6F;wn</NAME><?note truncated?>")
        #expect(full.contains("CDATA[unk]]>n&#x6F;wn"))
        full = full.replacingOccurrences(of: "<OUTCOME>yes</OUTCOME>", with: "<OUTCOME>&#121;e&#x73;</OUTCOME>")
        let bytes = Array(full.utf8)
        #expect(bytes.count > 2_000)
        let whole = try XMLBIFReader.parse(SourceText(file: "asia.xml", bytes: bytes))
        #expect(whole.names == (try Shipped.load("asia")).names)
        var complete = bytes.count   // the length without the trailing white space
        while complete > 0 && [9, 10, 13, 32].contains(bytes[complete - 1]) { complete -= 1 }
        var located = 0
        for cut in 0..<bytes.count {
            let prefix = SourceText(file: "asia.xml", bytes: Array(bytes[..<cut]))
            do {
                _ = try XMLBIFReader.parse(prefix)
                #expect(cut >= complete, "the first \(cut) bytes read without an error")
            } catch {
                let at = error.diagnostics[0].location
                let end = prefix.location(at: cut)
                #expect(at.file == "asia.xml" && at.line >= 1 && at.column >= 1, "\(cut): \(error)")
                #expect(at.line < end.line || (at.line == end.line && at.column <= end.column), "\(cut): \(error) is past the end")
                located += 1
            }
        }
        #expect(located == complete)
    }

    @Test func randomMarkupNeverCrashes() {
        var rng = SplitMix64(seed: 16)
        let pieces = ["<a>", "</a>", "<b x='1'>", "</b>", "<c/>", "<!--", "-->", "<![CDATA[", "]]>", "<?p ", "?>", "<!DOCTYPE a [",
                      "<!ENTITY", "]>", "&amp;", "&#x41;", "&", "\"", "'", "=", " ", "\n", "text", "<", ">", "é", "\r\n"]
        for _ in 0..<2_000 {
            var s = ""
            for _ in 0..<Int(rng.next() % 30) { s += pieces[Int(rng.next() % UInt64(pieces.count))] }
            do { _ = try Self.scan(s) } catch {
                let at = error.diagnostics[0].location
                #expect(at.line >= 1 && at.column >= 1, "\(s): \(error)")
            }
        }
    }
}
