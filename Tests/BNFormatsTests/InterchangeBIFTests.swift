import Foundation
import Testing
import BNCore
@testable import BNFormats

@Suite("BIF reader and writer")
struct InterchangeBIFTests {
    @Test("every shipped network loads with the counts of SOURCES.md", arguments: Shipped.networks)
    func shippedNetworkCounts(_ facts: Shipped.Facts) throws {
        let net = try Shipped.load(facts.name)
        #expect(net.count == facts.nodes)
        #expect(net.dag.edgeCount == facts.edges)
        #expect(net.freeParameterCount == facts.free)
        #expect(net.cpts.reduce(0) { $0 + $1.values.count } == facts.entries)
        #expect((0..<net.count).map { net.parents(of: $0).count }.max() == facts.maxInDegree)
        #expect(net.cardinalities.max() == facts.maxStates)
        // Rows are renormalised on load: every row sums to 1 within a few ulps.
        for v in 0..<net.count {
            let k = net.variables[v].cardinality
            let vals = net.cpts[v].values
            for r in 0..<(vals.count / k) {
                let s = vals[(r * k)..<(r * k + k)].reduce(0, +)
                #expect(abs(s - 1) < 1e-13)
            }
        }
    }

    @Test func asiaValuesAreReadExactly() throws {
        let net = try Shipped.load("asia")
        let dysp = try net.require("dysp"), bronc = try net.require("bronc"), either = try net.require("either")
        #expect(net.parents(of: dysp) == [bronc, either])
        // P(dysp=yes | bronc=yes, either=yes) = 0.9
        #expect(net.cpts[dysp][[0, 0, 0]] == 0.9)
        #expect(net.cpts[dysp][[1, 0, 1]] == 0.3)     // (no, yes) 0.7, 0.3
        let asia = try net.require("asia")
        #expect(net.cpts[asia].values == [0.01, 0.99])
        #expect(net.variables[dysp].states == ["yes", "no"])
        #expect(net.name == "unknown")
    }

    @Test func childStateNamesWithSlashesAndSymbols() throws {
        let net = try Shipped.load("child")
        let xray = net.variables[try net.require("ChestXray")]
        #expect(xray.states == ["Normal", "Oligaemic", "Plethoric", "Grd_Glass", "Asy/Patch"])
        #expect(net.variables[try net.require("CO2Report")].states == ["<7.5", ">=7.5"])
        #expect(net.variables[try net.require("LowerBodyO2")].states == ["<5", "5-12", "12+"])
    }

    @Test func rowsAreRenormalisedOnLoad() throws {
        // barley's rows of 9 × 0.1111111 sum to 0.9999999; after loading each is exactly 1/9-ish.
        let net = try Shipped.load("barley")
        let j = try net.require("jordtype")
        let vals = net.cpts[j].values
        #expect(vals.allSatisfy { $0 == vals[0] })
        #expect(abs(vals.reduce(0, +) - 1) < 1e-15)
        #expect(vals[0] == 0.1111111 / (0.1111111 * 9))
    }

    @Test func tableDefaultCommentsPropertiesAndQuotes() throws {
        let text = """
        // a comment
        network "test net" { property label = "Test network"; }
        /* block
           comment */
        variable A { type discrete [ 2 ] { a0, a1 }; property label = "The A"; }
        variable "B b" { type discrete[3] { "x y", z, w }; property role = latent; }
        variable C { type discrete [ 2 ] { c0 c1 }; }
        probability ( A ) { table 0.25, 0.75; }
        probability ( "B b" | A ) { table 0.1 0.2 0.3 0.4 0.6 0.4; }
        probability ( C | A, "B b" ) {
          default 0.5, 0.5;
          (a0, "x y") 0.9, 0.1;
          (a1, w) 0.2 0.8;
        }
        """
        let net = try BIFReader.parse(text, file: "t.bif")
        #expect(net.name == "test net")
        #expect(net.label == "Test network")
        let a = try net.require("A"), b = try net.require("B b"), c = try net.require("C")
        #expect(net.variables[a].label == "The A")
        #expect(net.variables[b].role == .latent)
        #expect(net.variables[b].states == ["x y", "z", "w"])
        // `table` lists the child slowest: 0.1 0.2 | 0.3 0.4 | 0.6 0.4 are
        // (B=x y: a0, a1), (B=z: a0, a1), (B=w: a0, a1).
        let expected = [0.1, 0.3, 0.6, 0.2, 0.4, 0.4]
        #expect(zip(net.cpts[b].values, expected).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(net.cpts[c][[0, 0, 0]] == 0.9)
        #expect(net.cpts[c][[1, 2, 1]] == 0.8)
        #expect(net.cpts[c][[0, 1, 0]] == 0.5)
    }

    @Test func decimalParsingMatchesStrtodBitForBit() throws {
        var rng = SplitMix64(seed: 3)
        var texts = ["0", "-0", "1", "0.1", "0.3333333", "1e-05", "9.999e-01", "2.5E+3", ".5", "7.", "+0.25",
                     "0.1111111111111111111111", "123456789012345678901234", "1e-400", "4.9e-324", "1.7976931348623157e308",
                     "0.000000000000000000000000001", "9007199254740993", "0.30000000000000004"]
        for _ in 0..<3000 {
            let digits = Int(rng.next() % 22) + 1
            var t = String(rng.next() % 10)
            if rng.next() % 2 == 0 { t += "." }
            for _ in 0..<digits { t += String(rng.next() % 10) }
            if rng.next() % 4 == 0 { t += "e" + (rng.next() % 2 == 0 ? "-" : "") + String(rng.next() % 30) }
            texts.append(t)
        }
        for t in texts {
            let expected = try #require(Double(t))
            #expect(DecimalParser.parse(t)?.bitPattern == expected.bitPattern, "\(t)")
            // The fused list path of the BIF lexer agrees too.
            var lexer = TokenLexer(SourceText(file: "n", text: t + ", " + t + ";"), dialect: .bif)
            var out: [Double] = []
            #expect(lexer.numberList(into: &out) == nil)
            #expect(out.map(\.bitPattern) == [expected.bitPattern, expected.bitPattern], "\(t)")
        }
        for bad in ["", "-", ".", "e5", "1e", "1e+", "nan", "inf", "0x1p3", "1.2.3", "1,5", "--1"] {
            #expect(DecimalParser.parse(bad) == nil, "\(bad)")
        }
    }
}
