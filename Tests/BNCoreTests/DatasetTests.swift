import Testing
@testable import BNCore

@Suite("Datasets")
struct DatasetTests {
    @Test func subsetsKeepTheirRowNumbersInTheFile() {
        var d = Dataset(names: ["a"], states: [["x", "y"]], columns: [[0, 1, 0, 1]])
        #expect(d.rowNumber(2) == 3)
        d.source = DataSource(file: "t.csv", ignoredColumns: [DataSource.Column(name: "id", column: 1)])
        let part = d.rows([3, 1])
        #expect(part.rowNumber(0) == 4 && part.rowNumber(1) == 2)
        #expect(part.rows([1]).rowNumber(0) == 2)          // a subset of a subset: still the file's row
        #expect(part.source?.file == "t.csv" && part.source?.ignoredColumns.count == 1)
        // Where a table came from is not part of its value.
        #expect(part == Dataset(names: ["a"], states: [["x", "y"]], columns: [[1, 1]]))
    }
}
