import Foundation
import Testing
import BNCore
@testable import BNFormats

@Suite("Model language: parsing values")
struct ModelLanguageParseTests {
    @Test func winbackFixtureValues() throws {
        let doc = try BNLanguage.read(contentsOf: BNFixtures.path("good/winback.bn"))
        let net = doc.network
        #expect(net.name == "winback")
        #expect(net.label == "售后流失客户招揽 / dealer win-back")
        #expect(net.description == "a test model")
        #expect(net.names == ["Warranty", "CarClass", "Reason", "Incentive", "Returned", "满意度"])
        let reason = try net.require("Reason")
        #expect(net.variables[reason].states == ["service", "price", "other place"])
        #expect(net.variables[reason].label == "真实原因")
        #expect(net.variables[reason].description == "why they \"really\" left")
        #expect(net.variables[reason].role == .latent)
        #expect(net.variables[try net.require("Incentive")].role == .decision)
        #expect(net.variables[try net.require("Warranty")].role == .chance)
        #expect(net.variables[5].label == "满意度")
        #expect(net.variables[5].states == ["低", "高"])

        #expect(net.cpts[0].values == [0.2, 0.8])
        #expect(net.cpts[1].values == [0.5, 0.3, 0.2])
        #expect(net.cpts[3].values == [0.5, 0.5])
        // Named row in state order (低, 高) although written 高 first.
        #expect(net.parents(of: 5) == [4])
        #expect(net.cpts[5].values == [0.1, 0.9, 0.6, 0.4])
        // Rows keyed by parent states, a uniform row and a default row.
        #expect(net.parents(of: reason) == [0, 1])
        let third = 1.0 / 3
        #expect(net.cpts[reason].values == [0.5, 0.3, 0.2,      // in_warranty, economy
                                             0.2, 0.5, 0.3,      // in_warranty, mid (default)
                                             third, third, third, // in_warranty, premium (uniform)
                                             0.1, 0.6, 0.3,      // expired, economy
                                             0.2, 0.5, 0.3,      // expired, mid (default)
                                             0.2, 0.5, 0.3])     // expired, premium (default)
        // Whole table, last parent fastest.
        let ret = try net.require("Returned")
        #expect(net.parents(of: ret) == [reason, 3])
        let r = net.cpts[ret].values
        #expect(Array(r.prefix(10)) == [0.1, 0.9, 0.4, 0.6, 0.05, 0.95, 0.3, 0.7, 0.2, 0.8])
        #expect(abs(r[10] - 0.3333333) < 1e-15 && abs(r[11] - 0.6666667) < 1e-15)

        #expect(doc.evidence == [.state(variable: "Warranty", state: "expired"),
                                 .likelihood(variable: "满意度", weights: [0.8, 0.2])])
        #expect(doc.interventions == [.init(variable: "Incentive", state: "voucher_500")])
        #expect(doc.query == ["Returned", "Reason"])
        #expect(doc.hasQuestion)
        let e = try doc.resolvedEvidence()
        #expect(e.hard == [0: 1])
        #expect(e.soft == [5: [0.8, 0.2]])
        #expect(e.interventions == [3: 1])
        #expect(try doc.queryIndices() == [4, 2])
    }

    @Test func minimalFileWithoutHeaderTakesTheFileName() throws {
        let doc = try BNLanguage.read(contentsOf: BNFixtures.path("good/minimal.bn"))
        #expect(doc.network.name == "minimal")
        #expect(doc.network.label == nil)
        #expect(doc.network.cpts[0].values == [0.3, 0.7])
        #expect(!doc.hasQuestion)
        #expect(try BNLanguage.parse("variable A { x }\nP(A) = 1").network.name == "network")
    }

    @Test func everyShippedModelParses() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: BNFixtures.modelsDir.path).filter { $0.hasSuffix(".bn") }.sorted()
        #expect(files.count >= 4)
        for f in files {
            let doc = try BNLanguage.read(contentsOf: BNFixtures.modelsDir.appendingPathComponent(f).path)
            #expect(doc.network.count >= 13, "\(f)")
            #expect(doc.network.label?.isEmpty == false, "\(f)")
        }
        let dealer = try BNLanguage.read(contentsOf: BNFixtures.modelsDir.appendingPathComponent("dealer_winback.bn").path).network
        let reason = try dealer.require("TrueReason")
        #expect(dealer.variables[reason].role == .latent)
        #expect(dealer.variables[reason].label == "真实流失原因")
        #expect(dealer.parents(of: reason).map { dealer.variables[$0].name } == ["Warranty", "CarClass", "Distance", "Usage"])
        // (in_warranty, economy, near, low): 0.733 0.110 0.055 0.037 0.022 0.043 sums to 1.
        #expect(Array(dealer.cpts[reason].values.prefix(6)) == [0.733, 0.110, 0.055, 0.037, 0.022, 0.043])
    }

    @Test func chineseIdentifiersAndQuotedNames() throws {
        let text = """
        variable 满意度 "客户满意度" { 低, 中, 高 }
        variable "has space" { "state one", s2 }
        P(满意度) = { 低: 0.2, 中: 0.3, 高: 0.5 }
        P("has space" | 满意度) {
          (低): 0.9 0.1
          (中): { "state one": 0.5, s2: 0.5 }
          (高): 0.1 0.9
        }
        query { "has space", 满意度 }
        """
        let doc = try BNLanguage.parse(text)
        #expect(doc.network.names == ["满意度", "has space"])
        #expect(doc.network.variables[0].label == "客户满意度")
        #expect(doc.network.cpts[1].values == [0.9, 0.1, 0.5, 0.5, 0.1, 0.9])
        #expect(doc.query == ["has space", "满意度"])
    }

    @Test func statementsInAnyOrderAndUniformTables() throws {
        let text = """
        P(B | A) = uniform
        P(A) { (): 0.25 0.75 }
        variable B { x, y, z }
        variable A { a1, a2 }
        """
        let net = try BNLanguage.parse(text).network
        #expect(net.names == ["B", "A"])
        #expect(net.parents(of: 0) == [1])
        #expect(net.cpts[0].values == [Double](repeating: 1.0 / 3, count: 6))
        #expect(net.cpts[1].values == [0.25, 0.75])
    }

    @Test func rowsWithinToleranceAreRescaled() throws {
        // 0.3333333 × 3 = 0.9999999 is within 1e-6 and gets divided by its sum.
        let net = try BNLanguage.parse("variable A { a, b, c }\nP(A) = 0.3333333 0.3333333 0.3333333").network
        #expect(net.cpts[0].values.allSatisfy { $0 == 0.3333333 / (0.3333333 + 0.3333333 + 0.3333333) })
        // 0.1 + 0.2 + 0.7 is 1 only up to rounding: kept as written.
        let kept = try BNLanguage.parse("variable A { a, b, c }\nP(A) = 0.1 0.2 0.7").network
        #expect(kept.cpts[0].values == [0.1, 0.2, 0.7])
        #expect(BNLanguage.normalizationTolerance == 1e-6)
    }

    @Test func numbersAreExact() throws {
        // Shortest round-trip texts, exponents, long mantissas and subnormals read exactly.
        let texts = ["0.1", "1e-05", "5e-324", "2.2250738585072014e-308", "0.30000000000000004",
                     "1.0", "0.123456789012345678901234567890", "7.", ".5", "1E-3", "+0.25"]
        for t in texts {
            let bytes = Array(t.utf8)
            #expect(bytes.withUnsafeBufferPointer { DecimalParser.parse($0, 0..<bytes.count) } == Double(t)!, "\(t)")
        }
        for bad in ["inf", "nan", "0x1p3", "1e", "--1", "1.2.3", "", "e5", "1e99999"] {
            let bytes = Array(bad.utf8)
            #expect(bytes.withUnsafeBufferPointer { DecimalParser.parse($0, 0..<bytes.count) } == nil, "\(bad)")
        }
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let x = Double(bitPattern: rng.next() >> 2)   // positive, any exponent
            let t = Array("\(x)".utf8)
            #expect(t.withUnsafeBufferPointer { DecimalParser.parse($0, 0..<t.count) } == x)
        }
    }

    @Test func commentsStringsAndEscapes() throws {
        let text = """
        # comment with 中文 and "quotes"
        network n "tab\\there \\u{6EE1}\\\\ \\"q\\"" // trailing comment
        variable A { a } description "line1\\nline2"
        P(A) = 1 # one state
        """
        let net = try BNLanguage.parse(text).network
        #expect(net.label == "tab\there 满\\ \"q\"")
        #expect(net.variables[0].description == "line1\nline2")
        #expect(net.cpts[0].values == [1])
    }

    @Test func byteOrderMarkAndCRLF() throws {
        let text = "\u{FEFF}variable A { a, b }\r\nP(A) = 0.5 0.5\r\n"
        #expect(try BNLanguage.parse(text).network.cpts[0].values == [0.5, 0.5])
    }

    @Test func structureAloneDeclaresAndChecksParents() throws {
        let text = """
        structure [A][B|A][C|A:B]
        variable A { a1, a2 }
        variable B { b1, b2 }
        variable C { c1, c2 }
        P(A) = 0.5 0.5
        P(B | A) = uniform
        P(C | B, A) { default: 0.1 0.9 }
        """
        let net = try BNLanguage.parse(text).network
        // The table's order (B, A) is the layout; the structure only has to agree as a set.
        #expect(net.parents(of: 2) == [1, 0])
        #expect(net.cpts[2].values == [0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9])
    }

    @Test func theDocumentedExampleParses() throws {
        // The complete example of docs/model-language.md, so the page stays true.
        let docs = BNFixtures.modelsDir.deletingLastPathComponent().appendingPathComponent("docs/model-language.md")
        let page = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(page.range(of: "## A complete example"))
        let fence = try #require(page.range(of: "```\n", range: start.upperBound..<page.endIndex))
        let end = try #require(page.range(of: "\n```", range: fence.upperBound..<page.endIndex))
        let doc = try BNLanguage.parse(String(page[fence.upperBound..<end.lowerBound]), file: "model-language.md")
        #expect(doc.network.names == ["Warranty", "CarClass", "Reason", "Incentive", "Returned", "满意度"])
        let reason = doc.network.cpts[2].values
        #expect(Array(reason[9..<12]) == [0.1, 0.6, 0.3])   // (expired, economy), given by name
        #expect(doc.query == ["Returned", "Reason"])
        #expect(try doc.resolvedEvidence().interventions == [3: 1])
    }

    @Test func readingAMissingFileIsAnError() {
        let e = #expect(throws: FormatError.self) { try BNLanguage.read(contentsOf: "/nonexistent/x.bn") }
        #expect(e?.description.contains("no such file") == true)
    }
}
