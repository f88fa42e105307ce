import Testing
import BNCore
@testable import BNFormats

/// Derived variables: `from …` in the model language, `credence_derivation` in the
/// interchange formats, and their columns computed from the source cells when a CSV table
/// is read against the model (whole and streamed).
@Suite("Derived variables: from … in .bn, computed from CSV columns")
struct DerivedVariableTests {
    static let model = """
        network churn
        variable churn { no, yes }
        variable day { low, high } cuts [30]
        variable total { low, high } cuts [72.8] from 1 * day + 0.5 * "eve charge" - 2
        P(churn) = 0.8 0.2
        P(day | churn) = 0.7 0.3  0.4 0.6
        P(total | churn) = 0.9 0.1  0.25 0.75
        """

    @Test func derivationParsesPrintsAndRoundTrips() throws {
        let net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        let total = net.variables[net.index(of: "total")!]
        #expect(total.derivation == Derivation(terms: [.init(1, "day"), .init(0.5, "eve charge")], constant: -2))
        #expect(total.derivation?.columns == ["day", "eve charge"])
        #expect(net.variables[net.index(of: "day")!].derivation == nil)
        let text = try printedRoundTrip(net)
        #expect(text.contains("variable total { low, high } cuts [72.8] from 1 * day + 0.5 * \"eve charge\" - 2\n"))
    }

    @Test func addingAStateDropsTheDerivationWithTheCutPoints() throws {
        var net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        let t = net.index(of: "total")!
        try net.renameState(t, from: "high", to: "above")
        #expect(net.variables[t].derivation?.columns == ["day", "eve charge"])
        try net.addState(t, "unknown")
        #expect(net.variables[t].cutPoints == nil && net.variables[t].derivation == nil)
        // So the model still reads back.
        #expect(try BNLanguage.parse(BNLanguage.print(net), file: "edited.bn").network.variables[t].derivation == nil)
    }

    @Test func termsMayBeBareSignedOrConstant() throws {
        let text = """
            network n
            variable z { a, b } cuts [0] from x -0.25 * y + 3 - "12" + 1.5
            P(z) = 0.5 0.5
            """
        let z = try BNLanguage.parse(text, file: "t.bn").network.variables[0]
        #expect(z.derivation == Derivation(terms: [.init(1, "x"), .init(-0.25, "y"), .init(-1, "12")], constant: 4.5))
        // A column named like a number is quoted when printed, so it reads back as a column.
        let printed = BNLanguage.print(try BNLanguage.parse(text, file: "t.bn").network)
        #expect(printed.contains("from 1 * x - 0.25 * y - 1 * \"12\" + 4.5"))
        #expect(try BNLanguage.parse(printed, file: "p.bn").network.variables[0].derivation == z.derivation)
    }

    @Test func malformedDerivationsAreLocated() {
        expectDiagnostics(bnDiagnostics("""
            network n
            variable z { a, b } cuts [0] from 2 * + 3
            P(z) = 0.5 0.5
            """), [ExpectedDiagnostic(2, 39, "expected a column name after '*' in the derivation of 'z', found '+'")])
        expectDiagnostics(bnDiagnostics("""
            network n
            variable z { a, b } cuts [0] from
            P(z) = 0.5 0.5
            """), [ExpectedDiagnostic(3, 1, "expected a number or a column name in the derivation of 'z'", "cuts [72.8] from 1 * day_charge")])
        expectDiagnostics(bnDiagnostics("""
            network n
            variable z { a, b } from 1 * x + 2 * y
            P(z) = 0.5 0.5
            """), [ExpectedDiagnostic(2, 21, "'z' is derived from data columns, so it needs cut points")])
        expectDiagnostics(bnDiagnostics("""
            network n
            variable z { a, b } cuts [1] from 1 * x + 2 * x
            P(z) = 0.5 0.5
            """), [ExpectedDiagnostic(2, 30, "column 'x' appears twice; add its coefficients into one term")])
        expectDiagnostics(bnDiagnostics("""
            network n
            variable z { a, b } latent cuts [1] from 1 * x
            P(z) = 0.5 0.5
            """), [ExpectedDiagnostic(2, 37, "a latent variable cannot be derived from data columns")])
    }

    @Test func interchangeFormatsKeepTheDerivation() throws {
        let net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        let bif = BIFWriter.string(net)
        #expect(bif.contains("property credence_derivation = \"1 * day + 0.5 * \\\"eve charge\\\" - 2\" ;"))
        expectSameNetwork(net, try BIFReader.parse(bif, file: "t.bif"))
        expectSameNetwork(net, try XMLBIFReader.parse(XMLBIFWriter.string(net), file: "t.xml"))
        expectSameNetwork(net, try HuginNetReader.parse(try HuginNetWriter.string(net), file: "t.net"))
        let xdsl = XDSLWriter.bytes(BNDocument(network: net))
        expectSameNetwork(net, try XDSLReader.parseDocument(SourceText(file: "t.xdsl", text: String(decoding: xdsl, as: UTF8.self))).network)
        let broken = bif.replacingOccurrences(of: "\"1 * day + 0.5", with: "\"1 * + 0.5")
        #expect(throws: FormatError.self) { try BIFReader.parse(broken, file: "t.bif") }
        do { _ = try BIFReader.parse(broken, file: "t.bif") } catch {
            #expect(error.description.contains("credence_derivation must be a derivation such as"))
        }
    }

    // MARK: CSV

    static let csv = """
        churn,day,eve charge,unused
        no,10,20,a
        yes,50,60,b
        no,,20,c
        yes,40,,d
        no,80,-100,e

        """

    @Test func csvDerivesTheColumnFromItsSourcesAndCutsIt() throws {
        let net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        let read = try CSVReader.parse(Self.csv, file: "t.csv", network: net)
        let data = read.dataset
        // 1*day + 0.5*eve - 2: 18 (low), 78 (high), missing, missing, 28 (low).
        #expect(data.names == ["churn", "day", "total"])
        #expect(data.columns[data.column(named: "total")!] == [0, 1, Dataset.missing, Dataset.missing, 0])
        #expect(data.states[2] == ["low", "high"])
        #expect(data.columns[data.column(named: "day")!] == [0, 1, Dataset.missing, 1, 1])
        // The source column that is no variable is read, not reported as ignored; the other is.
        #expect(read.warnings.map(\.message) == ["column 'unused' is not a variable of the model; it is ignored"])
        // Streamed, one row a chunk: the same cells.
        for rows in [1, 2, 64] {
            let reader = try CSVChunkReader(bytes: Array(Self.csv.utf8), file: "t.csv", network: net, chunkRows: rows, blockBytes: 7)
            #expect(reader.schema.names == data.names)
            var columns = [[Int32]](repeating: [], count: 3)
            while let chunk = try reader.next() { for j in 0..<3 { columns[j] += chunk.columns[j] } }
            #expect(columns == data.columns)
        }
    }

    @Test func theVariablesOwnColumnIsUsedAsGiven() throws {
        let net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        let data = try CSVReader.parse("churn,total\nno,high\nyes,100\n", file: "t.csv", network: net).dataset
        #expect(data.columns[data.column(named: "total")!] == [1, 1])
    }

    @Test func aCellThatIsNoNumberIsLocated() throws {
        let net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        let bad = "churn,day,eve charge\nno,10,20\nyes,50,lots\n"
        func expectLocated(_ error: FormatError) {
            expectDiagnostics(error.diagnostics, [ExpectedDiagnostic(3, 3, "'lots' in column 'eve charge' is not a number",
                                                                     "'total' is derived as 1 * day + 0.5 * eve charge - 2",
                                                                     "write a decimal number")], file: "bad.csv")
        }
        do {
            _ = try CSVReader.parse(bad, file: "bad.csv", network: net)
            Issue.record("read a cell that is no number")
        } catch {
            expectLocated(error)
        }
        do {
            let r = try CSVChunkReader(bytes: Array(bad.utf8), file: "bad.csv", network: net, chunkRows: 1)
            while try r.next() != nil {}
            Issue.record("streamed a cell that is no number")
        } catch {
            expectLocated(error)
        }
    }

    @Test func anAbsentSourceColumnIsNamed() throws {
        let net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        do {
            _ = try CSVReader.parse("churn,day\nno,10\n", file: "t.csv", network: net)
            Issue.record("read a table without the source column")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics.first?.message == "the table has no column 'eve charge', and 'total' is derived as 1 * day + 0.5 * eve charge - 2")
            #expect(error.diagnostics.first?.hint == "add the column 'eve charge', or a column 'total' with the variable's own values")
        }
    }
}
