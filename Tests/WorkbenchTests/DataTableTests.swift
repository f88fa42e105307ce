import Foundation
import Testing
import BNCore
import BNFormats
@testable import Workbench

/// A table from memory (what the C ABI hands over from a DataFrame) is read as the CSV
/// reader reads the same cells: names, states, cut points, missing texts, unknown values.
@Suite("DataTable: tables from memory, matched to a model")
struct DataTableTests {
    static let model = try! ModelFile.parse("""
        network t
        variable a { x, y, NA }
        variable n { 0, 1, 2 }
        variable c { "(-inf,1]", "(1,inf)" } cuts [1.0]
        P(a) = { x: 0.5, y: 0.25, NA: 0.25 }
        P(n) = { 0: 0.2, 1: 0.3, 2: 0.5 }
        P(c) = { "(-inf,1]": 0.5, "(1,inf)": 0.5 }
        """, format: .bn)

    func table() throws -> DataTable {
        var t = DataTable(rowCount: 4)
        try t.append("a", .categories(codes: [0, 1, -1, 2], labels: ["x", "NA", "y"]))
        try t.append("n", .numbers([0, 2.0, .nan, 1]))
        try t.append("c", .numbers([0.5, 1.0, 3.25, .nan]))
        try t.append("id", .numbers([10, 11, 12, 13]))
        return t
    }

    @Test func matchesTheCSVReaderOnTheSameCells() throws {
        let (data, notes) = try table().dataset(for: Self.model)
        let csv = try CSVReader.parse("a,n,c,id\nx,0,0.5,10\nNA,2,1.0,11\n,,3.25,12\ny,1,,13\n", network: Self.model).dataset
        #expect(data == csv)
        #expect(data.columns[0] == [0, 2, -1, 1])      // "NA" is a state of a, so not missing
        #expect(data.columns[1] == [0, 2, -1, 1])      // 2.0 is the state "2"
        #expect(data.columns[2] == [0, 0, 1, -1])      // cut at 1.0: (-inf,1] holds 1.0
        #expect(notes == ["column 'id' is not a variable of the model; it is ignored"])
    }

    @Test func unknownValuesAreErrorsOrMissingWithANote() throws {
        var t = DataTable(rowCount: 3)
        try t.append("a", .categories(codes: [0, 1, 1], labels: ["x", "z"]))
        #expect(throws: WorkbenchError.usage("'z' is not a state of 'a' (row 2); it appears 2 times in this column\n  hint: its states are 'x', 'y', 'NA'")) {
            try t.dataset(for: Self.model)
        }
        let (data, notes) = try t.dataset(for: Self.model, unseenAsMissing: true)
        #expect(data.columns[0] == [0, -1, -1])
        #expect(notes == ["'z' is not a state of 'a' (row 2); read as missing and summed out"])
    }

    @Test func withoutAModelStatesAreTheValuesInOrderOfAppearance() throws {
        let data = try table().dataset()
        #expect(data.names == ["a", "n", "c", "id"])
        #expect(data.states[0] == ["x", "y"])          // "NA" is missing without a model
        #expect(data.columns[0] == [0, -1, -1, 1])
        #expect(data.states[1] == ["0", "2", "1"])
        #expect(data.states[2] == ["0.5", "1", "3.25"])
    }

    @Test func stateCodesAreTheTableEncodedOnceAndReadBackAsTheyAre() throws {
        let (encoded, _) = try table().dataset(for: Self.model)
        var t = DataTable(rowCount: 4)
        for (name, column) in zip(encoded.names, encoded.columns) { try t.append(name, .states(column)) }
        let (data, notes) = try t.dataset(for: Self.model)
        #expect(data == encoded)
        #expect(notes.isEmpty)
        var bad = DataTable(rowCount: 3)
        try bad.append("n", .states([0, -1, 3]))
        #expect(throws: WorkbenchError.usage("column 'n': state code 3 (row 3) is not a state of 'n', which has 3 states (codes 0 to 2, -1 missing)")) {
            try bad.dataset(for: Self.model)
        }
        #expect(throws: WorkbenchError.usage("column 'n' holds state codes, which only a model can read; give its values (categories or numbers) to learn")) {
            try bad.dataset()
        }
    }

    @Test func rejectsColumnsOfAnotherLengthOrTwice() throws {
        var t = DataTable(rowCount: 2)
        #expect(throws: WorkbenchError.self) { try t.append("a", .numbers([1])) }
        try t.append("a", .numbers([1, 2]))
        #expect(throws: WorkbenchError.usage("column 'a' appears twice")) { try t.append("a", .numbers([1, 2])) }
        #expect(throws: WorkbenchError.self) { try t.append("b", .categories(codes: [0, 3], labels: ["p"])) }
    }
}
