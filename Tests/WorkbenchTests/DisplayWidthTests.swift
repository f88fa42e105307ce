import Foundation
import Testing
import BNCore
@testable import Workbench

@Suite("Display width: tables and bars aligned by terminal columns")
struct DisplayWidthTests {
    @Test func columnsOfScalars() {
        #expect(displayWidth("满意度") == 6)
        #expect(displayWidth("在网月数") == 8)
        #expect(displayWidth("tenure") == 6)
        #expect(displayWidth("ＡＢ") == 4)                 // fullwidth forms
        #expect(displayWidth("e\u{301}té") == 3)           // a combining acute takes no column
        #expect(displayWidth("한국") == 4)
        #expect(displayWidth("カナ") == 4)
        #expect(displayWidth("🙂") == 2)
        #expect(displayWidth("a\u{200B}b") == 2)
        #expect(padToWidth("满意度", 8) == "满意度  ")
        #expect(padToWidth("高", 4, alignRight: true) == "  高")
        #expect(padToWidth("在网月数", 3) == "在网月数")
    }

    /// The terminal column where `needle` starts in `line`.
    func column(of needle: String, in line: String) -> Int? {
        line.range(of: needle).map { displayWidth(String(line[..<$0.lowerBound])) }
    }

    @Test func barsStartInOneColumn() {
        let chart = BarChart.render(title: "满意度", labels: ["高", "中等", "low"], values: [0.5, 0.25, 0.25])
        let lines = chart.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let starts = lines.map { line in line.firstIndex { "█▏▎▍▌▋▊▉".contains($0) }.map { displayWidth(String(line[..<$0])) } }
        #expect(starts == [14, 14, 14])                    // 满意度 (6) + 2 + 中等 (4) + 2
        // The numbers end in one column too.
        #expect(Set(lines.map(displayWidth)).count == 1)
        #expect(lines[1].hasPrefix("        中等  "))
    }

    @Test func tableColumnsAlign() {
        let rows = [["在网月数", "满意度", "P"], ["短", "高", "0.1000"], ["long", "低", "0.9000"], ["在网月数在网月数", "x", "1"]]
        let lines = TextTable.render(rows, leftAligned: 2).split(separator: "\n").map(String.init)
        // Right-aligned last column: every line ends in the same terminal column.
        #expect(Set(lines.map(displayWidth)).count == 1)
        // The second column starts at one column on every row.
        #expect(column(of: "满意度", in: lines[0]) == 18)
        #expect(column(of: "高", in: lines[2]) == 18)
        #expect(column(of: "低", in: lines[3]) == 18)
        #expect(lines[1] == String(repeating: "-", count: 16 + 2 + 6 + 2 + 6))
    }

    @Test func scenarioComparisonAndGraphAlignWithChineseNames() throws {
        let runner = CommandRunner(session: Session(journaling: false))
        for line in ["new 流失", "add variable 满意度 {高, 中等, 低}", "add variable 在网月数 {短, 长}", "add edge 满意度 -> 在网月数",
                     "set cpt 在网月数 (高): 0.2 0.8", "scenario save 基线", "observe 满意度=低", "scenario save 不满意的客户"] {
            _ = try runner.run(line: line)
        }
        let compare = try #require(try runner.run(line: "scenario compare 在网月数 基线 不满意的客户")).text
        let table = compare.split(separator: "\n").map(String.init).dropFirst().prefix(5)
        #expect(table.count == 5)
        #expect(Set(table.map(displayWidth)).count == 1, "\(table)")
        #expect(column(of: "|", in: table[table.startIndex]) == column(of: "|", in: table[table.startIndex + 2]))
        let graph = try #require(try runner.run(line: "show graph")).text.split(separator: "\n").map(String.init)
        #expect(column(of: "(no parents)", in: graph[0]) == 10)   // 满意度 padded to 在网月数's 8 columns, then 2
        #expect(column(of: "<- 满意度", in: graph[1]) == 10)
        let query = try #require(try runner.run(line: "query 在网月数")).text.split(separator: "\n").map(String.init)
        #expect(query[1].hasPrefix("在网月数  短  "))
        #expect(query[2].hasPrefix("          长  "))
    }
}
