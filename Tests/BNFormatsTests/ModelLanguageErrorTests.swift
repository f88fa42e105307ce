import Foundation
import Testing
import BNCore
@testable import BNFormats

/// One malformed file of `Fixtures/bn/bad/` and every diagnostic it must produce.
struct BadFile: Sendable, CustomStringConvertible {
    var file: String
    var expected: [ExpectedDiagnostic]
    var description: String { file }
}

@Suite("Model language: located errors")
struct ModelLanguageErrorTests {
    static let corpus: [BadFile] = [
        BadFile(file: "unknown_variable.bn", expected: [.init(4, 11, "unknown variable 'Rian'", "did you mean 'Rain'?")]),
        BadFile(file: "duplicate_variable.bn", expected: [.init(2, 10, "variable 'Rain' is declared twice", "first declared at 1:10")]),
        BadFile(file: "duplicate_state.bn", expected: [.init(1, 32, "variable 'Size' lists state 'small' twice", "first listed at 1:17")]),
        BadFile(file: "missing_row.bn", expected: [.init(6, 1, "P(C | A, B) has no row for (a2, b2)", "default")]),
        BadFile(file: "duplicate_row.bn", expected: [.init(7, 3, "duplicate row (a1) in P(C | A)", "first given at 5:3")]),
        BadFile(file: "unknown_parent_state.bn", expected: [.init(6, 4, "'hihg' is not a state of 'A'", "row (hihg) of P(C | A)", "did you mean 'high'?", "low, high")]),
        BadFile(file: "unnormalised_row.bn", expected: [.init(6, 3, "the row (a2) of P(C | A) sums to 0.9", "not 1", "within 1e-06")]),
        BadFile(file: "wrong_value_count.bn", expected: [.init(5, 9, "the row (a1) of P(C | A) has 2 probabilities; expected 3", "x, y, z")]),
        BadFile(file: "cycle.bn", expected: [.init(6, 1, "the parents of 'C' close the directed cycle B -> C -> A -> B", "acyclic")]),
        BadFile(file: "structure_mismatch.bn", expected: [.init(7, 1, "P(C | A) does not match the structure", "the parents A, B", "structure entry is at 1:18")]),
        BadFile(file: "missing_table.bn", expected: [.init(3, 10, "variable 'C' has no probability table", "P(C | A) = uniform")]),
        BadFile(file: "unterminated_string.bn", expected: [.init(1, 14, "unterminated string", "\\n")]),
        BadFile(file: "invalid_utf8.bn", expected: [.init(3, 19, "invalid UTF-8 byte 0xFF", "UTF-8 text")]),
        BadFile(file: "truncated.bn", expected: [
            .init(6, 8, "the row (f) of P(C | A) has 1 probability; expected 2", "yes, no"),
            .init(7, 1, "missing '}' to close the table P(C | A)", "opened at 4:10"),
        ]),
        BadFile(file: "negative_probability.bn", expected: [.init(2, 21, "negative probability -0.2", "between 0 and 1")]),
        BadFile(file: "evidence_errors.bn", expected: [
            .init(5, 20, "'damp' is not a state of 'Grass'", "wet, dry"),
            .init(5, 33, "the soft evidence on 'Rain' has 3 weights; expected 2"),
            .init(6, 6, "'Grass' is both observed and set by do", "5:12"),
            .init(7, 9, "unknown variable 'Sun'", "Rain, Grass"),
        ]),
        BadFile(file: "stray_characters.bn", expected: [.init(1, 20, "unexpected character ';'", "need no ';'")]),
        BadFile(file: "fullwidth_punctuation.bn", expected: [.init(1, 17, "full-width '，' (U+FF0C)", "use ','")]),
        BadFile(file: "empty.bn", expected: [.init(1, 1, "the file declares no variables")]),
        BadFile(file: "syntax_recovery.bn", expected: [
            .init(2, 12, "expected '{' and the states of 'B', found 't'"),
            .init(6, 7, "expected ':' after the row (t) of P(C | A), found '0.9'"),
            .init(9, 3, "unknown variable 'X'", "declared variables: A, C"),
        ]),
        BadFile(file: "whole_table_count.bn", expected: [.init(4, 12, "P(C | A) has 3 probabilities; expected 4 (2 rows × 2 states of 'C')", "last parent varying fastest")]),
        BadFile(file: "second_table.bn", expected: [.init(3, 1, "a second probability table for 'A'", "first is at 2:1")]),
        BadFile(file: "marks_and_parents.bn", expected: [
            .init(2, 28, "'C' cannot be both latent and decision"),
            .init(6, 10, "parent 'A' of 'D' is listed twice"),
        ]),
        BadFile(file: "cut_points.bn", expected: [
            .init(1, 41, "'Tenure' has 3 states, so it needs 2 cut points, not 1", "increasing cut points"),
            .init(2, 37, "the cut points of 'Charges' must increase: 50.0 is followed by 20.0"),
            .init(3, 39, "'Age' has two lists of cut points"),
        ]),
        BadFile(file: "named_distributions.bn", expected: [
            .init(3, 26, "state 't' is given twice in P(A)"),
            .init(5, 8, "the row (t) of P(C | A) gives no probability for state z"),
            .init(6, 18, "'w' is not a state of 'C' in the row (f) of P(C | A)", "x, y, z"),
            .init(8, 3, "a second default row in P(C | A)", "first is at 7:3"),
        ]),
        BadFile(file: "utility_errors.bn", expected: [
            .init(7, 7, "'halt' is not a state of 'D' (in the row (t, halt) of utility U | A, D)", "go, stop"),
            .init(8, 3, "duplicate row (t, go) in utility U | A, D", "first given at 6:3"),
            .init(10, 9, "utility 'A' has the name of a variable", "declared at 1:10"),
            .init(11, 21, "utility V | D has 3 values; expected 2"),
            .init(12, 13, "unknown variable 'Q'"),
            .init(13, 9, "'A' is in the decision order but is not a decision", "variable A { … } decision"),
            .init(13, 15, "decision 'D' is listed twice in the order"),
        ]),
    ]

    @Test("every malformed file reports exactly its located problems", arguments: corpus)
    func badFile(_ bad: BadFile) {
        let path = BNFixtures.path("bad/\(bad.file)")
        do {
            _ = try BNLanguage.read(contentsOf: path)
            Issue.record("\(bad.file) parsed without error")
        } catch {
            expectDiagnostics(error.diagnostics, bad.expected, file: path)
        }
    }

    @Test func corpusCoversEveryBadFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: BNFixtures.path("bad")).filter { $0.hasSuffix(".bn") }
        #expect(Set(files) == Set(Self.corpus.map(\.file)))
        #expect(files.count >= 15)
    }

    @Test func allProblemsAtOnceAcrossAFile() {
        // Lexical, syntactic and semantic problems in one file, reported together in order.
        let text = """
        variable A { t, f }
        variable B { x, y } decision description "one" description "two"
        variable A { u }
        P(A) = 0.5 0.6
        P(B | A, Q) = uniform
        P(C) = 1
        @
        """
        expectDiagnostics(bnDiagnostics(text), [
            .init(2, 48, "'B' has two descriptions"),
            .init(3, 10, "variable 'A' is declared twice"),
            .init(4, 8, "P(A) sums to 1.1", "not 1"),
            .init(5, 10, "unknown variable 'Q'"),
            .init(6, 3, "unknown variable 'C'"),
            .init(7, 1, "unexpected character '@'"),
        ])
    }

    @Test func structureErrors() {
        let text = """
        structure [A][B|A:B][A|B][C|Z]
        variable A { t, f }
        variable B { t, f }
        variable C { t, f }
        P(A) = uniform
        P(B | A) = uniform
        P(C) = uniform
        """
        expectDiagnostics(bnDiagnostics(text), [
            .init(1, 19, "'B' cannot be its own parent"),
            .init(1, 22, "'A' appears twice in the structure", "first appears at 1:12"),
            .init(1, 29, "unknown variable 'Z'"),
        ])
        expectDiagnostics(bnDiagnostics("structure A B\nvariable A { t }\nP(A) = 1"), [
            .init(1, 11, "expected '[' after 'structure'", "[A][B|A][C|A:B]"),
        ])
    }

    @Test func tableShapeErrors() {
        let text = """
        variable A { t, f }
        variable B { t, f }
        variable C { t, f }
        P(A) = uniform
        P(B | B) = uniform
        P(C | A) = { t: 0.5, f: 0.5 }
        """
        expectDiagnostics(bnDiagnostics(text), [
            .init(5, 7, "'B' cannot be its own parent"),
            .init(6, 12, "P(C | A) = { … } gives one distribution, but the table has 2 rows", "default"),
        ])
        let rows = """
        variable A { t, f }
        variable C { t, f }
        P(A) = uniform
        P(C | A) {
          (t, f): 0.5 0.5
          (f): 0.5 0.5
          (t): 0.5 0.5
        }
        P(C) = 1
        """
        expectDiagnostics(bnDiagnostics(rows), [
            .init(5, 3, "the row (t, f) of P(C | A) names 2 parent states; expected 1 (A)"),
            .init(9, 1, "a second probability table for 'C'"),
        ])
        let whole = "variable A { t, f }\nvariable C { x, y }\nP(A) = uniform\nP(C | A) = 0.5 0.5\n   0.3 0.6\n"
        expectDiagnostics(bnDiagnostics(whole), [.init(5, 4, "the row (f) of P(C | A) sums to 0.9", "not 1")])
        let noStates = "variable A { }\nP(A) = 1"
        expectDiagnostics(bnDiagnostics(noStates), [.init(1, 10, "variable 'A' has no states")])
    }

    @Test func tablesTooLargeAreRefusedBeforeAllocating() {
        var text = ""
        let states = (0..<60).map { "s\($0)" }.joined(separator: ", ")
        for i in 0..<6 { text += "variable V\(i) { \(states) }\nP(V\(i)) = uniform\n" }
        text += "variable C { \(states) }\nP(C | V0, V1, V2, V3, V4, V5) { default: uniform }\n"
        let d = bnDiagnostics(text)
        expectDiagnostics(d, [.init(14, 1, "the table P(C | V0, V1, V2, V3, V4, V5) would have more than", "60 × 60")])
    }

    @Test func tablesOverTheMemoryBudgetAreRefused() {
        let text = "variable A { t, f }\nvariable B { t, f }\nP(A) = uniform\nP(B | A) = uniform\n"
        let d = MemoryBudget.$current.withValue(MemoryBudget(bytes: 16)) { bnDiagnostics(text) }
        expectDiagnostics(d, [.init(4, 1, "the table P(B | A) has 4 entries, more than the memory budget of 16 bytes allows")])
    }

    @Test func questionErrors() {
        let text = """
        variable A { t, f }
        P(A) = uniform
        evidence { A = t, A = f }
        evidence { A ~ { t: 0, f: 0 } }
        do { A = t, A = f }
        do { A ~ [0.5, 0.5] }
        query { A, A }
        """
        expectDiagnostics(bnDiagnostics(text), [
            .init(3, 19, "evidence on 'A' is given twice", "first is at 3:12"),
            .init(4, 12, "evidence on 'A' is given twice"),
            .init(5, 6, "'A' is both observed and set by do"),
            .init(5, 13, "'A' is set by do twice"),
            .init(6, 8, "do { } sets a state", "belongs in evidence"),
            .init(7, 12, "'A' is queried twice"),
        ])
        expectDiagnostics(bnDiagnostics("variable A { t, f }\nP(A) = uniform\nevidence { A ~ [0, 0] }"), [
            .init(3, 16, "the soft evidence on 'A' has only zero weights"),
        ])
    }

    @Test func lexicalErrors() {
        expectDiagnostics(bnDiagnostics("network n \"a\\qb\"\nvariable A { t }\nP(A) = 1"), [.init(1, 13, "unknown escape '\\q'")])
        expectDiagnostics(bnDiagnostics("network n \"\\u{D800}\"\nvariable A { t }\nP(A) = 1"), [.init(1, 12, "invalid \\u{…} escape")])
        expectDiagnostics(bnDiagnostics("network n “quoted”\nvariable A { t }\nP(A) = 1"), [.init(1, 11, "curly quote")])
        expectDiagnostics(bnDiagnostics("variable A { t }\u{1}\nP(A) = 1"), [.init(1, 17, "unexpected control character U+0001")])
        expectDiagnostics(bnDiagnostics("variable A { t }\nP(A) = 1\nvariable p"), [.init(3, 11, "expected '{' and the states of 'p', found the end of the file")])
        expectDiagnostics(bnDiagnostics("variable A { t }\np(A) = 1"), [
            .init(2, 1, "expected a statement", "capital P"),
            .init(1, 10, "variable 'A' has no probability table"),
        ].sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        expectDiagnostics(bnDiagnostics("variable A { t, f }\nP(A) = 0.5 O.5"), [.init(2, 12, "expected a probability, found 'O.5'")])
    }

    @Test func invalidUTF8IsLocatedByByte() {
        // "变量" is 6 bytes but 2 columns; the bad byte follows at column 12.
        var bytes = Array("variable 变量".utf8)
        bytes += [0xC3, 0x78]   // a lead byte followed by 'x' instead of a continuation byte
        bytes += Array(" { t }\nP(变量) = 1\n".utf8)
        expectDiagnostics(bnDiagnostics(bytes: bytes), [.init(1, 12, "invalid UTF-8 byte 0xC3")])
        // Overlong encodings and surrogates are invalid too.
        expectDiagnostics(bnDiagnostics(bytes: Array("# x ".utf8) + [0xC0, 0x80] + Array("\nvariable A { t }\nP(A) = 1".utf8)),
                          [.init(1, 5, "invalid UTF-8 byte 0xC0")])
        expectDiagnostics(bnDiagnostics(bytes: Array("network \"".utf8) + [0xED, 0xA0, 0x80] + Array("\"\nvariable A { t }\nP(A) = 1".utf8)),
                          [.init(1, 10, "invalid UTF-8 byte 0xED")])
    }

    @Test func tooManyProblemsStopWithANote() {
        let text = String(repeating: "P(Nope) = 1\n", count: 200)
        let d = bnDiagnostics(text)
        #expect(d.count == BNProblems.limit + 1)
        #expect(d.last?.message.contains("too many problems") == true)
        #expect(d.first?.location.line == 1)
    }

    // MARK: never crash

    @Test func emptyAndBlankInputs() {
        for text in ["", " ", "\n\n", "# only a comment", "// c\n# d\n", "\u{FEFF}"] {
            expectDiagnostics(bnDiagnostics(text), [.init(1, 1, "declares no variables")])
        }
    }

    @Test func binaryJunkNeverCrashes() {
        var rng = SplitMix64(seed: 42)
        for size in [1, 7, 100, 4096, 100_000] {
            var bytes: [UInt8] = []
            for _ in 0..<size { bytes.append(UInt8(truncatingIfNeeded: rng.next())) }
            let d = bnDiagnostics(bytes: bytes)
            #expect(!d.isEmpty && d.count <= BNProblems.limit + 1)
        }
        // A gzip header, as if a compressed file were read as text.
        let d = bnDiagnostics(bytes: [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00])
        #expect(d.first?.message.contains("U+001F") == true)
    }

    @Test func everyTruncationOfAGoodFileIsHandled() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: BNFixtures.path("good/winback.bn"))))
        var parsed = 0
        for n in 0...bytes.count {
            let d = bnDiagnostics(bytes: Array(bytes[0..<n]))
            if d.isEmpty { parsed += 1 }
            for x in d {
                #expect(x.location.line >= 1 && x.location.column >= 1)
            }
        }
        #expect(parsed >= 1)   // the whole file (and cuts inside the trailing blocks)
    }

    @Test func randomMutationsNeverCrash() throws {
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: BNFixtures.path("good/winback.bn"))))
        var rng = SplitMix64(seed: 2024)
        let alphabet = Array("{}()[],:|=~\"#/\\ \n0.5-eP_variable".utf8) + [0xFF, 0xE6, 0x00]
        for _ in 0..<400 {
            var b = good
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                let i = Int(rng.next() % UInt64(b.count))
                switch rng.next() % 3 {
                case 0: b[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: b.remove(at: i)
                default: b.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
                }
            }
            _ = bnDiagnostics(bytes: b)
        }
    }

    @Test func nestedJunkNeverCrashes() {
        for junk in [String(repeating: "{", count: 100_000), String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000),
                     String(repeating: "[[", count: 50_000), "P(" + String(repeating: "A|", count: 50_000),
                     "variable A { t }\nP(A) " + String(repeating: "{ (", count: 30_000),
                     String(repeating: "\"", count: 9_999)] {
            let d = bnDiagnostics(junk)
            #expect(!d.isEmpty && d.count <= BNProblems.limit + 1)
        }
    }

    @Test func aTenMegabyteLineIsOneLinearPass() {
        // One 10 MB row of probabilities: 2.5 million values where 2 are expected.
        let values = String(repeating: "0.5 ", count: 2_500_000)
        let text = "variable A { t, f }\nP(A) = \(values)\n"
        let clock = ContinuousClock()
        var d: [Diagnostic] = []
        let elapsed = clock.measure { d = bnDiagnostics(text) }
        expectDiagnostics(d, [.init(2, 8, "P(A) has 2500000 probabilities; expected 2")])
        #expect(elapsed < .seconds(60))   // about 1 s in a debug build; a quadratic pass took minutes
        // A 10 MB name, and a 10 MB unterminated string whose error is located at its start.
        let name = String(repeating: "满", count: 3_500_000)
        expectDiagnostics(bnDiagnostics("variable A { t }\nP(A) = 1\nquery { \(name) }"), [.init(3, 9, "unknown variable")])
        expectDiagnostics(bnDiagnostics("variable A { t } description \"" + name + "\nP(A) = 1"), [.init(1, 30, "unterminated string")])
    }
}
