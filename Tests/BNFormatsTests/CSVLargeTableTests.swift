import Foundation
import Testing
import BNCore
@testable import BNFormats

/// The paths a small CSV never takes: the two-thread read of a file over
/// `CSVScanner.parallelMinimumBytes`, the two-word cell cache (cells of 8–15 bytes), and
/// the block fill of tables wider than `ColumnFill.nestingLimit` columns.
@Suite("CSV, large tables")
struct CSVLargeTableTests {
    /// A network of independent variables with the given states (BIF text).
    static func network(_ states: [[String]]) throws -> BayesianNetwork {
        var bif = "network t {}\n"
        for (j, s) in states.enumerated() {
            bif += "variable v\(j) { type discrete [ \(s.count) ] { \(s.joined(separator: ", ")) }; }\n"
            let p = (0..<s.count).map { _ in "\(1.0 / Double(s.count))" }.joined(separator: ", ")
            bif += "probability ( v\(j) ) { table \(p); }\n"
        }
        return try BIFReader.parse(bif)
    }

    /// Pseudo-random codes (a fixed LCG), `-1` for about one cell in 13.
    static func codes(rows: Int, cardinalities: [Int], seed: UInt64) -> [[Int32]] {
        var x = seed
        return cardinalities.map { card in
            (0..<rows).map { _ in
                x = x &* 6364136223846793005 &+ 1442695040888963407
                let r = Int(x >> 33)
                return r % 13 == 0 ? -1 : Int32(r % card)
            }
        }
    }

    /// CSV text of `columns` (header `v0,v1,…`), records separated by `lineEnd`.
    static func csv(_ columns: [[Int32]], states: [[String]], lineEnd: String = "\n",
                    blankLineAfter: Set<Int> = []) -> String {
        var out = (0..<columns.count).map { "v\($0)" }.joined(separator: ",") + lineEnd
        let rows = columns.first?.count ?? 0
        for r in 0..<rows {
            out += columns.indices.map { j in columns[j][r] < 0 ? "" : states[j][Int(columns[j][r])] }.joined(separator: ",")
            out += lineEnd
            if blankLineAfter.contains(r) { out += lineEnd }
        }
        return out
    }

    static let states: [[String]] = [
        ["no", "yes"],
        ["Thousand", "TenThou", "HundredThou", "Million"],           // 7–11 bytes
        ["SubStandard", "Normal", "Excellent"],
        ["a_fifteen_bytes", "b_fifteen_bytes", "sixteen_bytes_xx"], // 15 and 16 bytes
        ["LOW", "NORMAL", "HIGH", "ZERO", "ONE"],
    ]

    @Test func twoThreadReadMatchesTheData() throws {
        let net = try Self.network(Self.states)
        let cols = Self.codes(rows: 40_000, cardinalities: Self.states.map(\.count), seed: 7)
        let text = Self.csv(cols, states: Self.states)
        #expect(text.utf8.count > CSVScanner.parallelMinimumBytes)
        let d = try CSVReader.parse(text, file: "big.csv", network: net).dataset
        #expect(d.rowCount == 40_000)
        #expect(d.columns == cols)
        #expect(d.missingCount == cols.reduce(0) { $0 + $1.filter { $0 < 0 }.count })
    }

    @Test func blankLinesAndCRLFInTheFirstHalfMoveTheSecondHalfDown() throws {
        let net = try Self.network(Self.states)
        let cols = Self.codes(rows: 30_000, cardinalities: Self.states.map(\.count), seed: 11)
        let text = Self.csv(cols, states: Self.states, lineEnd: "\r\n", blankLineAfter: [0, 5, 100, 7_000])
        #expect(text.utf8.count > CSVScanner.parallelMinimumBytes)
        let d = try CSVReader.parse(text, network: net).dataset
        #expect(d.rowCount == 30_000)
        #expect(d.columns == cols)
    }

    @Test func anUnknownStateInTheSecondHalfGivesItsExactRow() throws {
        let net = try Self.network(Self.states)
        let cols = Self.codes(rows: 40_000, cardinalities: Self.states.map(\.count), seed: 3)
        var lines = Self.csv(cols, states: Self.states).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Data row 35,000 is file line 35,001; its second field becomes "Billion".
        var fields = lines[35_000].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[1] = "Billion"
        lines[35_000] = fields.joined(separator: ",")
        let e = #expect(throws: FormatError.self) {
            try CSVReader.parse(lines.joined(separator: "\n"), file: "big.csv", network: net)
        }
        let d = try #require(e?.diagnostics.first)
        #expect(d.location == SourceLocation(file: "big.csv", line: 35_001, column: 2, field: "v1"))
        #expect(d.message.contains("'Billion' is not a state of 'v1'"))
    }

    @Test func paddedCellsAreTrimmedOnEitherPath() throws {
        let net = try Self.network(Self.states)
        var text = "v0,v1,v2,v3,v4\n"
        for _ in 0..<30_000 {
            text += "yes, Thousand ,Normal,a_fifteen_bytes ,  HIGH\n"
            text += "no,Million,SubStandard,sixteen_bytes_xx,LOW\n"
        }
        let d = try CSVReader.parse(text, network: net).dataset
        #expect(d.rowCount == 60_000)
        #expect(d.columns[1].prefix(4) == [0, 3, 0, 3])
        #expect(d.columns[3].prefix(4) == [0, 2, 0, 2])
        #expect(d.columns[4].prefix(4) == [2, 0, 2, 0])
        #expect(d.columns.allSatisfy { col in col.allSatisfy { $0 >= 0 } })
    }

    @Test func quotesKeepTheReadOnOneThreadAndCorrect() throws {
        let net = try Self.network([["a", "b", "c"], ["x", "y"]])
        var text = "v0,v1\n"
        for r in 0..<200_000 { text += r % 3 == 0 ? "a,x\n" : (r % 3 == 1 ? "\"b\",\"y\"\n" : "\"c\",x\n") }
        #expect(text.utf8.count > CSVScanner.parallelMinimumBytes)
        let d = try CSVReader.parse(text, network: net).dataset
        #expect(d.rowCount == 200_000)
        #expect(d.columns[0].prefix(6) == [0, 1, 2, 0, 1, 2])
        #expect(d.columns[1].suffix(3) == [0, 0, 1])   // rows 199,997 ("c",x), 199,998 (a,x), 199,999 ("b","y")
        // Schema-free, a quoted line break stays inside its cell.
        let free = try CSVReader.parse("n,v\n" + String(repeating: "\"p\nq\",1\nr,2\n", count: 100_000)).dataset
        #expect(free.rowCount == 200_000)
        #expect(free.states[0] == ["p\nq", "r"])
    }

    @Test func tablesWiderThanTheNestingLimitAreFilledByBlock() throws {
        let width = ColumnFill.nestingLimit + 44
        let states = Array(repeating: ["x", "y"], count: width)
        let net = try Self.network(states)
        let cols = Self.codes(rows: 50, cardinalities: states.map(\.count), seed: 5)
        let d = try CSVReader.parse(Self.csv(cols, states: states), network: net).dataset
        #expect(d.columnCount == width)
        #expect(d.columns == cols)
        // Without a model too (states in order of first appearance).
        let free = try CSVReader.parse(Self.csv(cols, states: states)).dataset
        #expect(free.rowCount == 50)
        #expect(free.columns.count == width)
    }

    @Test func aMappedFileReadsLikeText() throws {
        let net = try Self.network(Self.states)
        let cols = Self.codes(rows: 20_000, cardinalities: Self.states.map(\.count), seed: 9)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("credence-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("d.csv").path
        try Self.csv(cols, states: Self.states).write(toFile: path, atomically: true, encoding: .utf8)
        let d = try CSVReader.read(path: path, network: net).dataset
        #expect(d.columns == cols)
        // An empty file is still the located "empty" error, not a mapping failure.
        let empty = dir.appendingPathComponent("empty.csv").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let e = #expect(throws: FormatError.self) { try CSVReader.read(path: empty, network: net) }
        #expect(e?.diagnostics.first?.message.contains("the file is empty") == true)
    }

    @Test func missingCellsAreCountedBySignBit() {
        #expect(Dataset.missingCells(in: []) == 0)
        #expect(Dataset.missingCells(in: [0, -1, 3, -1, Int32.min, Int32.max]) == 3)
    }
}
