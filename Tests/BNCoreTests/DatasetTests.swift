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

    @Test func recodingMatchesStatesByNameAndCutsNumbers() {
        let plain = Variable(name: "a", states: ["lo", "hi"])
        // Another order, and a text the variable lacks: missing, reported as unmatched.
        let r = StateRecoding(["hi", "lo", "mid"], to: plain)
        #expect(r.codes == [1, 0, Dataset.missing] && r.unmatched == [2] && !r.isIdentity)
        let (codes, lost) = r.apply(to: [0, 1, 2, -1, 2])
        #expect(codes == [1, 0, -1, -1, -1] && lost == 2)
        // The same states in the same order: the column is kept as it is.
        let same = StateRecoding(["lo", "hi"], to: plain)
        let kept = same.apply(to: [1, -1, 0])
        #expect(same.isIdentity && kept.codes == [1, -1, 0] && kept.madeMissing == 0)
        // Cut points: names first, then numbers in their interval; numbers of a plain variable are unmatched.
        let cut = Variable(name: "t", states: ["(-inf,8]", "(8,28]", "(28,inf)"], cutPoints: [8, 28])
        #expect(StateRecoding(["(8,28]", "8", "8.5", "1e3", "-.5", "inf", "0x1", " 3"], to: cut).codes == [1, 0, 1, 2, 0, -1, -1, -1])
        #expect(StateRecoding(["3"], to: plain).unmatched == [0])
        #expect(Dataset.decimalValue("7.") == 7 && Dataset.decimalValue("nan") == nil && Dataset.decimalValue("") == nil)
    }
}
