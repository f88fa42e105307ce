import Foundation
import Testing
import BNCore
@testable import BNFormats

/// The malformed-input corpus: every file ends in a located error with the right words,
/// never a crash.
@Suite("Malformed inputs end in located errors")
struct InterchangeMalformedTests {
    struct Case: Sendable, CustomStringConvertible {
        var file: String
        /// `line:column` expected in the first diagnostic.
        var at: String
        var words: [String]
        var description: String { file }
    }

    static let cases: [Case] = [
        // BIF
        Case(file: "bif/bad-empty.bif", at: "1:1", words: ["empty", "'network'"]),
        Case(file: "bif/bad-binary.bif", at: "1:1", words: ["expected 'network', 'variable' or 'probability'", "\\x7F", "is this a BIF file?"]),
        Case(file: "bif/bad-truncated.bif", at: "57:12", words: ["expected", "the end of the file"]),
        Case(file: "bif/bad-value-count.bif", at: "13:3", words: ["P(B | A=yes)", "3 probabilities", "2 states"]),
        Case(file: "bif/bad-unknown-parent.bif", at: "12:19", words: ["unknown variable 'Foo'", "declared variables: A, B"]),
        Case(file: "bif/bad-cycle.bif", at: "13:1", words: ["cycle", "A -> B -> A"]),
        Case(file: "bif/bad-duplicate-variable.bif", at: "9:10", words: ["variable 'A' is declared twice", "first declared at"]),
        Case(file: "bif/bad-duplicate-state.bif", at: "3:10", words: ["'A'", "state 'yes' twice"]),
        Case(file: "bif/bad-non-numeric.bif", at: "10:14", words: ["expected a probability", "'abc'"]),
        Case(file: "bif/bad-negative.bif", at: "13:3", words: ["P(B | A=yes)", "negative entry -0.2"]),
        Case(file: "bif/bad-row-sum.bif", at: "14:3", words: ["P(B | A=no)", "sums to 0.8", "not 1"]),
        Case(file: "bif/bad-invalid-utf8.bif", at: "3:11", words: ["invalid UTF-8", "variable name"]),
        Case(file: "bif/bad-unknown-state.bif", at: "14:4", words: ["'maybe' is not a state of 'A'", "yes, no"]),
        Case(file: "bif/bad-missing-row.bif", at: "12:1", words: ["no row for P(B | A=no)", "default"]),
        Case(file: "bif/bad-state-count.bif", at: "4:19", words: ["declares 3 states but lists 2"]),
        Case(file: "bif/bad-unterminated-comment.bif", at: "9:1", words: ["unterminated comment", "'*/'"]),
        Case(file: "bif/bad-no-table.bif", at: "6:10", words: ["'B' has no probability table"]),
        Case(file: "bif/bad-nan.bif", at: "10:9", words: ["expected a probability", "'nan'"]),
        // The records of PortableNames (names and cut points of an exported model).
        Case(file: "bif/bad-credence-states-count.bif", at: "3:10", words: ["credence_outcomes of 'Age' lists 3 states; the variable has 2"]),
        Case(file: "bif/bad-credence-cuts.bif", at: "5:12", words: ["credence_cuts must be decimal numbers", "'30 thirty'"]),
        Case(file: "bif/bad-credence-cuts-count.bif", at: "3:10", words: ["'Age' has 2 states, so it needs 1 cut points, not 2"]),
        // XMLBIF
        Case(file: "xmlbif/bad-malformed.xmlbif", at: "24:1", words: ["</NETWORK> where </VARIABLE> was expected", "opened at 10:1", "not properly nested"]),
        Case(file: "xmlbif/bad-table-count.xmlbif", at: "22:", words: ["the table of 'B' has 3 probabilities; it needs 4"]),
        Case(file: "xmlbif/bad-unknown-given.xmlbif", at: "21:", words: ["unknown variable 'Z'"]),
        Case(file: "xmlbif/bad-non-numeric.xmlbif", at: "17:", words: ["entry 2", "not a number: 'seven'"]),
        Case(file: "xmlbif/bad-truncated.xmlbif", at: "16:15", words: ["the document ends inside <DEFINITION>", "opened at 15:1", "truncated"]),
        // Fuzzer reproducers: Foundation's XMLParser crashed on processing instructions without data.
        Case(file: "xmlbif/crash-pi-without-data.xmlbif", at: "3:1", words: ["the document ends inside <httml>", "opened at 2:1"]),
        Case(file: "xmlbif/crash-pi-inside.xmlbif", at: "1:1", words: ["no variables found"]),
        Case(file: "xmlbif/crash-pi-after-bad-declaration.xmlbif", at: "1:7", words: ["the XML declaration must begin with version=\"1.0\", found versio"]),
        Case(file: "xmlbif/bad-not-xmlbif.xmlbif", at: "1:1", words: ["not an XMLBIF document"]),
        // Hugin NET
        Case(file: "net/bad-missing-states.net", at: "5:6", words: ["node 'A' has no 'states'"]),
        Case(file: "net/bad-data-count.net", at: "21:5", words: ["the data of 'B' has 3 probabilities; it needs 4"]),
        Case(file: "net/bad-syntax.net", at: "17:10", words: ["expected '=' after the attribute 'data'"]),
        Case(file: "net/bad-unterminated-string.net", at: "3:12", words: ["unterminated string"]),
        Case(file: "net/bad-credence-states.net", at: "7:5", words: ["credence_outcomes of 'Age' must be a list"]),
        // GeNIe XDSL (the XML parser locates at the element's line)
        Case(file: "xdsl/bad-equation.xdsl", at: "16:", words: ["equation node 'Service' is continuous", "discretize the network in GeNIe first"]),
        Case(file: "xdsl/bad-noisyadder.xdsl", at: "21:", words: ["noisyadder node 'Damage' is not supported", "Change Type → CPT"]),
        Case(file: "xdsl/bad-noisymax-count.xdsl", at: "27:", words: ["noisymax node 'Damage'", "the parameters are 23 numbers; they need 24", "3 per parent state, 7 parent states, plus 3 for the leak"]),
        Case(file: "xdsl/bad-noisymax-distinguished.xdsl", at: "27:", words: ["the last block of the parent 'Leak' (its distinguished state)", "it must be 0 0 1"]),
        Case(file: "xdsl/bad-noisymax-strengths.xdsl", at: "26:", words: ["the strengths of the parent 'Wear' are 0 0 2", "each of its 3 state indices 0 to 2 once"]),
        Case(file: "xdsl/bad-noisymax-no-strengths.xdsl", at: "21:", words: ["the noisymax node 'Damage' has no <strengths>"]),
        Case(file: "xdsl/bad-mau-parent.xdsl", at: "30:", words: ["the parent 'Returns' of the mau node 'Total' is not a utility or mau node"]),
        Case(file: "xdsl/bad-mau-expression.xdsl", at: "31:", words: ["the mau node 'Total' combines its parents by an <expression>", "weighted sums (<weights>)"]),
        // UAI
        Case(file: "uai/bad-markov.uai", at: "1:1", words: ["MARKOV", "not a Bayesian network"]),
        Case(file: "uai/bad-truncated.uai", at: "13:1", words: ["expected a probability of function 1", "truncated"]),
        Case(file: "uai/bad-count.uai", at: "11:1", words: ["function 1", "has 3 entries; it needs 4"]),
        Case(file: "uai/bad-cycle.uai", at: "6:1", words: ["cycle"]),
    ]

    static let csvCases: [Case] = [
        Case(file: "csv/bad-ragged.csv", at: "3:3", words: ["row 3 has 2 fields; the header has 3", "'dysp'"]),
        Case(file: "csv/bad-unterminated-quote.csv", at: "2:2", words: ["unterminated quoted field"]),
        Case(file: "csv/bad-unknown-state.csv", at: "3:3", words: ["'sometimes' is not a state of 'dysp'", "its states are yes, no"]),
        Case(file: "csv/bad-invalid-utf8.csv", at: "3:2", words: ["invalid UTF-8", "y\\xFFs"]),
        Case(file: "csv/bad-duplicate-header.csv", at: "1:3", words: ["column 'asia' appears twice"]),
        Case(file: "csv/bad-empty.csv", at: "1:1", words: ["empty", "header"]),
        Case(file: "csv/bad-quote-junk.csv", at: "2:1", words: ["unexpected text after a closing quote"]),
    ]

    func check(_ error: FormatError?, _ c: Case, file: String) {
        guard let e = error else { return }
        let first = e.diagnostics[0]
        #expect("\(first.location.line):\(first.location.column)".hasPrefix(c.at), "\(e.description)")
        #expect(first.location.file == file)
        for w in c.words { #expect(e.description.contains(w), "missing '\(w)' in: \(e.description)") }
    }

    @Test("model files", arguments: cases)
    func modelFile(_ c: Case) {
        let path = Shipped.fixturesDir.appendingPathComponent(c.file).path
        let e = #expect(throws: FormatError.self) { try ModelFile.read(path) }
        check(e, c, file: path)
    }

    @Test("CSV files", arguments: csvCases)
    func csvFile(_ c: Case) throws {
        let net = try Shipped.load("asia")
        let path = Shipped.fixturesDir.appendingPathComponent(c.file).path
        let e = #expect(throws: FormatError.self) { try CSVReader.read(path: path, network: net) }
        check(e, c, file: path)
    }

    @Test("the good fixtures load")
    func goodFixtures() throws {
        let dir = Shipped.fixturesDir
        let small = try ModelFile.read(dir.appendingPathComponent("xmlbif/small.xmlbif").path)
        for f in ["net/small.net", "uai/small.uai", "bif/features.bif", "bif/asia.bif"] {
            _ = try ModelFile.read(dir.appendingPathComponent(f).path)
        }
        let net = try ModelFile.read(dir.appendingPathComponent("net/small.net").path)
        #expect(net.variables == small.variables.map { var v = $0; if v.name == "B" { v.label = "B node" }; return v })
        #expect(maxCPTDifference(net, small) == 0)
        let uai = try ModelFile.read(dir.appendingPathComponent("uai/small.uai").path)
        #expect(maxCPTDifference(uai, small) == 0)
        let data = try CSVReader.read(path: dir.appendingPathComponent("csv/asia.csv").path, network: try Shipped.load("asia")).dataset
        #expect(data.columns == [[0, 1, 1], [1, -1, -1], [1, 0, -1]])
    }

    @Test func aTenMegabyteLineIsAnErrorNotACrash() throws {
        let big = String(repeating: "x", count: 10 << 20)
        let e1 = #expect(throws: FormatError.self) { try BIFReader.parse("network t {\n}\n" + big + "\n", file: "big.bif") }
        #expect(e1?.description.hasPrefix("big.bif:3:1: error: expected 'network', 'variable' or 'probability', found 'xxxx") == true)
        #expect((e1?.description.count ?? .max) < 300)
        let numbers = String(repeating: "0.5, ", count: 2 << 20)
        let e2 = #expect(throws: FormatError.self) {
            try BIFReader.parse("variable A { type discrete [ 2 ] { a, b }; }\nprobability ( A ) { table \(numbers) ; }\n", file: "long.bif")
        }
        #expect(e2?.description.contains("long.bif:2:21: error: the table of 'A' has 2097152 probabilities; it needs 2") == true)
        let e3 = #expect(throws: FormatError.self) {
            try CSVReader.parse("a,b\nx,\(big)\ny\n", file: "big.csv")
        }
        #expect(e3?.description.hasPrefix("big.csv:3:2: error: row 3 has 1 field; the header has 2") == true)
        let e4 = #expect(throws: FormatError.self) { try UAIReader.parse("BAYES 1 2 1 1 0 2 " + big, file: "big.uai") }
        #expect(e4?.description.contains("big.uai:1:19") == true)
    }

    @Test func corruptAndTruncatedGzip() throws {
        let dir = try Shipped.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mildew = try Data(contentsOf: Shipped.networksDir.appendingPathComponent("mildew.bif.gz"))
        let truncated = dir.appendingPathComponent("truncated.bif.gz").path
        try mildew.prefix(1000).write(to: URL(fileURLWithPath: truncated))
        let e1 = #expect(throws: FormatError.self) { try ModelFile.read(truncated) }
        #expect(e1?.description == "\(truncated):1:1: error: the gzip stream is truncated")
        let corrupt = dir.appendingPathComponent("corrupt.bif.gz").path
        try Data([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13]).write(to: URL(fileURLWithPath: corrupt))
        let e2 = #expect(throws: FormatError.self) { try ModelFile.read(corrupt) }
        #expect(e2?.description.contains("the gzip stream is corrupt") == true)
        let missing = dir.appendingPathComponent("nope.bif").path
        let e3 = #expect(throws: FormatError.self) { try ModelFile.read(missing) }
        #expect(e3?.description.contains("no such file") == true)
        let e4 = #expect(throws: FormatError.self) { try ModelFile.read(dir.path + "/x.bif/..") }
        #expect(e4 != nil)
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 1)
        let alphabet = Array("network variable probability table default property type discrete {}()[],;|\"/* 0.5 1e-3 -1 yes no A B\n%=".utf8)
        for round in 0..<300 {
            let n = Int(rng.next() % 400)
            var bytes: [UInt8] = []
            for _ in 0..<n {
                bytes.append(round % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))])
            }
            let src = SourceText(file: "r", bytes: bytes)
            _ = try? BIFReader.parse(src)
            _ = try? HuginNetReader.parse(src)
            _ = try? UAIReader.parse(src)
            _ = try? XMLBIFReader.parse(src)
            _ = try? CSVReader.parse(src, network: nil)
        }
    }
}
