import Foundation
import Testing
import BNCore
@testable import BNFormats

@Suite("CSV datasets")
struct CSVDatasetTests {
    static func asia() throws -> BayesianNetwork { try Shipped.load("asia") }

    @Test func readsColumnsByNameAndStatesByName() throws {
        let csv = """
        id,dysp,smoke,asia
        1,no,yes,no
        2,yes,NA,no
        3,"yes",,?
        4,no , no,yes
        """
        let result = try CSVReader.parse(csv, file: "d.csv", network: try Self.asia())
        let d = result.dataset
        #expect(d.names == ["dysp", "smoke", "asia"])
        #expect(d.states[0] == ["yes", "no"])
        #expect(d.rowCount == 4)
        #expect(d.columns[0] == [1, 0, 0, 1])
        #expect(d.columns[1] == [0, -1, -1, 1])
        #expect(d.columns[2] == [1, 1, -1, 0])
        #expect(result.warnings.count == 1)
        #expect(result.warnings[0].message == "column 'id' is not a variable of the model; it is ignored")
        #expect(result.warnings[0].location == SourceLocation(file: "d.csv", line: 1, column: 1, field: "id"))
        #expect(result.warningTexts == ["d.csv:1:1: warning: column 'id' is not a variable of the model; it is ignored"])
    }

    @Test func semicolonsAndTabsAreDetectedFromTheHeader() throws {
        for sep in [";", "\t"] {
            let csv = ["smoke", "lung", "asia"].joined(separator: sep) + "\n" + ["yes", "no", "no"].joined(separator: sep) + "\n"
            let r = try CSVReader.parse(csv, file: "s.csv", network: try Self.asia())
            #expect(r.dataset.names == ["smoke", "lung", "asia"])
            #expect(r.dataset.columns == [[0], [1], [1]])
            #expect(r.warnings.count == 1 && r.warnings[0].message.contains("-separated"))
        }
        // A comma in the header keeps the comma, even with semicolons in the cells.
        let r = try CSVReader.parse("smoke,lung\nyes,no\n", file: "c.csv", network: try Self.asia())
        #expect(r.warnings.isEmpty)
    }

    @Test func aPandasIndexColumnIsIgnoredAndNearMissesAreSuggested() throws {
        let r = try CSVReader.parse(",SMOKE,lung\n0,yes,no\n1,no,yes\n", file: "p.csv", network: try Self.asia())
        #expect(r.dataset.names == ["lung"])
        #expect(r.dataset.source?.ignoredColumns == [DataSource.Column(name: "", column: 1), DataSource.Column(name: "SMOKE", column: 2)])
        #expect(r.warnings.map(\.location.column) == [1, 2])
        #expect(r.warnings[1].hint == "did you mean 'smoke'? (names are case-sensitive)")
        var churn = BayesianNetwork(name: "churn")
        try churn.addVariable(Variable(name: "monthly_charges", states: ["low", "high"]))
        try churn.addVariable(Variable(name: "tenure", states: ["short", "long"]))
        #expect(CSVReader.nearMatch("Monthly Charges", in: churn) == "monthly_charges")
        #expect(CSVReader.nearMatch("charges", in: churn) == nil)
        // An empty header cell other than the first is still an error.
        #expect(throws: FormatError.self) { try CSVReader.parse("smoke,,lung\nyes,1,no\n", network: try Self.asia()) }
    }

    @Test func rowNumbersDoNotDriftAfterARowWithAnExtraField() throws {
        let csv = "smoke,lung\nyes,no\nyes,no,extra\nno,no\nmaybe,no\n"
        let asia = try Self.asia()
        let result = Result { () throws(FormatError) in try CSVReader.parse(csv, file: "d.csv", network: asia) }
        guard case .failure(let error) = result else { Issue.record("expected an error"); return }
        let locations = error.diagnostics.map { [$0.location.line, $0.location.column] }
        #expect(locations == [[3, 3], [5, 1]])
    }

    @Test func schemaFreeCollectsStatesInOrderOfAppearance() throws {
        let csv = "colour,size\r\nred,S\r\nblue,M\r\nred,\r\n\r\ngreen,S\r\n"
        let d = try CSVReader.parse(csv).dataset
        #expect(d.states == [["red", "blue", "green"], ["S", "M"]])
        #expect(d.columns == [[0, 1, 0, 2], [0, 1, -1, 0]])
    }

    @Test func quotedFieldsWithCommasQuotesNewlinesAndUTF8() throws {
        let csv = "\u{FEFF}名前,note\n\"满意度, 高\",\"he said \"\"hi\"\"\"\n\"multi\nline\",plain\nx,\"\"\n"
        let d = try CSVReader.parse(csv, options: CSVOptions(missingValues: [])).dataset
        #expect(d.names == ["名前", "note"])
        #expect(d.states[0] == ["满意度, 高", "multi\nline", "x"])
        #expect(d.states[1] == ["he said \"hi\"", "plain", ""])
        #expect(d.rowCount == 3)
    }

    @Test func configurableMissingValuesAndDelimiter() throws {
        let csv = "a;b\nx;-\n-;y\n"
        let d = try CSVReader.parse(csv, options: CSVOptions(delimiter: UInt8(ascii: ";"), missingValues: ["-"])).dataset
        #expect(d.columns == [[0, -1], [-1, 0]])
    }

    @Test func unknownStateIsLocatedWithAllowedStates() throws {
        let csv = "asia,smoke\nyes,no\nno,maybe\nno,maybe\n"
        let e = #expect(throws: FormatError.self) { try CSVReader.parse(csv, file: "d.csv", network: try Self.asia()) }
        let d = try #require(e?.diagnostics.first)
        #expect(d.location == SourceLocation(file: "d.csv", line: 3, column: 2, field: "smoke"))
        #expect(d.message.contains("'maybe' is not a state of 'smoke'"))
        #expect(d.message.contains("appears 2 times"))
        #expect(d.hint?.contains("its states are yes, no") == true)
        #expect(e?.diagnostics.count == 1)
    }

    @Test func raggedRowsAreLocated() throws {
        let e = #expect(throws: FormatError.self) { try CSVReader.parse("a,b,c\n1,2,3\n1,2\n1,2,3,4\n", file: "r.csv") }
        let ds = try #require(e?.diagnostics)
        #expect(ds.count == 2)
        #expect(ds[0].description.hasPrefix("r.csv:3:3: error: row 3 has 2 fields; the header has 3"))
        #expect(ds[1].description.hasPrefix("r.csv:4:4: error: row 4 has more fields than the header's 3"))
    }

    @Test func writeAndReadBack() throws {
        let data = Dataset(names: ["a", "b,c"], states: [["x", "y \"q\""], ["1", " s"]],
                           columns: [[0, 1, -1, 1], [1, -1, 0, 0]])
        let dir = try Shipped.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("d.csv").path
        try CSVWriter.write(data, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,\"b,c\"\nx,\" s\"\n\"y \"\"q\"\"\",\n,1\n\"y \"\"q\"\"\",1\n")
        let back = try CSVReader.read(path: path).dataset
        #expect(back.names == data.names)
        // Schema-free reading orders states by first appearance.
        #expect(back.states[0] == ["x", "y \"q\""])
        #expect(back.columns[0] == data.columns[0])
        #expect(back.states[1] == [" s", "1"])
        #expect(back.columns[1] == [0, -1, 1, 1])
    }

    @Test func sampledDataRoundTripsThroughAModel() throws {
        let net = try Shipped.load("alarm")
        var rng = SplitMix64(seed: 7)
        let rows = 500
        var columns = net.variables.map { _ in [Int32]() }
        for _ in 0..<rows {
            for v in 0..<net.count { columns[v].append(rng.next() % 5 == 0 ? -1 : Int32(rng.next() % UInt64(net.variables[v].cardinality))) }
        }
        let data = Dataset(names: net.names, states: net.variables.map(\.states), columns: columns)
        let text = CSVWriter.string(data)
        let back = try CSVReader.parse(text, network: net)
        #expect(back.dataset == data)
        #expect(back.warnings.isEmpty)
    }

    @Test func aColumnNamedWithALeadingByteOrderMarkSurvivesWriting() throws {
        // Fuzzer reproducer (Fixtures/csv/crash-bom-name.csv): BOM, then a header whose only
        // name is U+FEFF. Written unquoted, the name became a BOM and the header was empty.
        let path = Shipped.fixturesDir.appendingPathComponent("csv/crash-bom-name.csv").path
        let d = try CSVReader.read(path: path).dataset
        #expect(d.names == ["\u{FEFF}"])
        let back = try CSVReader.parse(CSVWriter.string(d)).dataset
        #expect(back == d)
    }
}
