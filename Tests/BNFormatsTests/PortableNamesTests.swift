import Foundation
import Testing
import BNCore
@testable import BNFormats

/// Exports other tools read: portable names in BIF, XMLBIF and NET, read back by Credence
/// to the same states and cut points; DOT shows names and labels; long names and
/// compressed files stay bounded in error messages and memory.
@Suite("Portable names, bounded errors and decompression")
struct PortableNamesTests {
    /// A learned-looking model: a discretised `tenure` (cut at 5 and 29.5), a categorical
    /// variable with awkward state names, and a child of both.
    static func discretisedNetwork() throws -> BayesianNetwork {
        var net = BayesianNetwork(name: "churn")
        let cuts = [5.0, 29.5]
        let t = try net.addVariable(Variable(name: "tenure", states: Variable.intervalNames(cutPoints: cuts), cutPoints: cuts))
        let p = try net.addVariable(Variable(name: "plan type", states: ["<5", ">=7.5", "12+", "a b", "a_b", "满意"]))
        let c = try net.addVariable(Variable(name: "churn", states: ["yes", "no"]))
        try net.setParents(c, to: [t, p])
        try net.setCPT(t, Factor(scope: net.familyScope(of: t), values: [0.2, 0.5, 0.3]))
        try net.setCPT(p, Factor(scope: net.familyScope(of: p), values: [0.1, 0.2, 0.3, 0.1, 0.2, 0.1]))
        var rows: [Double] = []
        for r in 0..<18 { let y = Double(r + 1) / 20; rows += [y, 1 - y] }
        try net.setCPT(c, Factor(scope: net.familyScope(of: c), values: rows))
        return net
    }

    @Test func namesAreRewrittenDeterministically() throws {
        #expect(PortableNames.identifier("low_usage") == "low_usage")
        #expect(PortableNames.identifier("0_5_MG_L") == "0_5_MG_L")
        #expect(PortableNames.identifier("<5") == "lt5")
        #expect(PortableNames.identifier(">=7.5") == "gteq7_5")
        #expect(PortableNames.identifier("12+") == "12plus")
        #expect(PortableNames.identifier("0-3 days") == "0_3_days")
        #expect(PortableNames.identifier("满意") == "u6EE1u610F")
        #expect(PortableNames.intervalIdentifiers([5, 29.5]) == ["le_5", "gt_5_le_29p5", "gt_29p5"])
        #expect(PortableNames.intervalIdentifiers([-2.5, 0]) == ["le_m2p5", "gt_m2p5_le_0", "gt_0"])
        let names = PortableNames(try Self.discretisedNetwork())
        #expect(names.variables == ["tenure", "plan_type", "churn"])
        #expect(names.states[0] == ["le_5", "gt_5_le_29p5", "gt_29p5"])
        // "a_b" is already portable and keeps its name; "a b" gets the next free one.
        #expect(names.states[1] == ["lt5", "gteq7_5", "12plus", "a_b_2", "a_b", "u6EE1u610F"])
        #expect(names.states[2] == ["yes", "no"])
        #expect(PortableNames(try Self.discretisedNetwork()) == names)
    }

    @Test func bifExportHasNoQuotedNames() throws {
        let text = BIFWriter.string(try Self.discretisedNetwork())
        #expect(text.contains("type discrete [ 3 ] { le_5, gt_5_le_29p5, gt_29p5 };"))
        #expect(text.contains("property credence_cuts = \"5.0 29.5\" ;"))
        #expect(text.contains("property credence_outcomes = \"(-inf,5]\" \"(5,29.5]\" \"(29.5,inf)\" ;"))
        #expect(text.contains("variable plan_type {"))
        #expect(text.contains("property credence_name = \"plan type\" ;"))
        #expect(text.contains("probability ( churn | tenure, plan_type ) {"))
        #expect(text.contains("  (gt_5_le_29p5, a_b_2) "))
        // No quoted name anywhere outside the property lines.
        for line in text.split(separator: "\n") where !line.contains("property") { #expect(!line.contains("\""), "\(line)") }
    }

    @Test("exports read back to the same names, states and cut points", arguments: [ModelFormat.bif, .bifGzip, .xmlbif, .net])
    func exportsReadBack(_ format: ModelFormat) throws {
        let net = try Self.discretisedNetwork()
        let dir = try Shipped.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("churn.\(format.rawValue)").path
        try ModelFile.write(net, to: path)
        let back = try ModelFile.read(path)
        #expect(back.variables.map(\.name) == ["tenure", "plan type", "churn"])
        #expect(back.variables[0].states == ["(-inf,5]", "(5,29.5]", "(29.5,inf)"])
        #expect(back.variables[0].cutPoints == [5, 29.5])
        #expect(back.variables[0].state(forValue: 29.5) == 1)
        #expect(back.variables[1].states == ["<5", ">=7.5", "12+", "a b", "a_b", "满意"])
        #expect(back.variables[1].cutPoints == nil)
        #expect(back.parents(of: 2) == [0, 1])
        #expect(back.cpts[2].values == net.cpts[2].values)
    }

    @Test func shippedNetworksWithPortableNamesAreWrittenAsBefore() throws {
        let asia = try Shipped.load("asia")
        let text = BIFWriter.string(asia)
        #expect(!text.contains("credence_"))
        #expect(text.contains("type discrete [ 2 ] { yes, no };"))
        // child.bif has states such as "0-3_days" and "<5": rewritten, and restored on reading.
        let child = try Shipped.load("child")
        let back = try BIFReader.parse(BIFWriter.string(child), file: "child.bif")
        #expect(back.variables.map(\.states) == child.variables.map(\.states))
        #expect(BIFWriter.string(child).contains("lt5"))
    }

    @Test func dotShowsNameAndLabel() throws {
        var net = BayesianNetwork(name: "loyalty")
        try net.addVariable(Variable(name: "Satisfaction", states: ["low", "high"], label: "满意度"))
        try net.addVariable(Variable(name: "Churn", states: ["yes", "no"]))
        let dot = DOTWriter.string(net)
        #expect(dot.contains("\"Satisfaction\" [label=\"Satisfaction\\n满意度\\n(2 states)\"];"))
        #expect(dot.contains("\"Churn\" [label=\"Churn\\n(2 states)\"];"))
    }

    /// A 3 MB BIF file whose one variable name is 3 MB long and has no table: rejected
    /// with a short message, quickly (it took 33 s when messages quoted names whole).
    @Test func aMalformedFileWithAHugeNameIsRejectedQuickly() throws {
        let name = String(repeating: "n", count: 3 << 20)
        let text = "network t {\n}\nvariable \(name) {\n  type discrete [ 2 ] { a, b };\n}\nprobability ( \(name)x ) {\n  table 0.5, 0.5;\n}\n"
        let clock = ContinuousClock()
        var error: FormatError? = nil
        let elapsed = clock.measure {
            do { _ = try BIFReader.parse(text, file: "huge.bif") } catch let e as FormatError { error = e } catch {}
        }
        let e = try #require(error)
        #expect(e.description.contains("unknown variable '\(String(repeating: "n", count: Quote.limit))…' (3145729 bytes)"))
        #expect(e.description.utf8.count < 1000)
        // 33 s when messages quoted names whole; well under a second now. The bound is loose
        // because the suite shares two cores with every other suite.
        #expect(elapsed < .seconds(10), "rejection took \(elapsed)")
    }

    /// A small gzip file that expands past half the memory budget is refused with an error
    /// naming the file and the limit, before the output is allocated.
    @Test func decompressionIsBoundedByTheBudget() throws {
        let dir = try Shipped.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bomb.bif.gz").path
        let bomb = try Gzip.compress([UInt8](repeating: 32, count: 8 << 20))
        #expect(bomb.count < 64 << 10)
        try Data(bomb).write(to: URL(fileURLWithPath: path))
        let e = #expect(throws: FormatError.self) {
            try MemoryBudget.$current.withValue(MemoryBudget(bytes: 4 << 20)) { _ = try ModelFile.read(path) }
        }
        #expect(e?.description.hasPrefix("\(path):1:1: error: the gzip stream expands to more than 2.0 MiB") == true)
        #expect(e?.description.contains("CREDENCE_MEMORY_BUDGET") == true)
        #expect(throws: GzipError.self) { try Gzip.decompress(bomb, limit: (8 << 20) - 1) }
        #expect(try Gzip.decompress(bomb, limit: 8 << 20).count == 8 << 20)
    }
}
