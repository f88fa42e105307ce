import Foundation
import Testing
@testable import Workbench

/// `rank TARGET=STATE [top P%] [factors K] [ignoring VAR ...]`: its syntax, the ranking it
/// computes on the shipped telecom table (example (e)), and its factors recomputed by hand.
@Suite("rank: the top rows of a table and their main factors")
struct RiskRankingTests {
    @Test func parses() throws {
        #expect(try CommandLanguage.parse("rank Retained=churned") == .rank(target: "Retained", state: "churned", percent: 5, factors: 3, ignoring: []))
        #expect(try CommandLanguage.parse("rank Retained=churned top 10% factors 2 ignoring LifeEvent Tenure")
                == .rank(target: "Retained", state: "churned", percent: 10, factors: 2, ignoring: ["LifeEvent", "Tenure"]))
        #expect(try CommandLanguage.parse("rank Returned=no top 2.5") == .rank(target: "Returned", state: "no", percent: 2.5, factors: 3, ignoring: []))
        #expect(throws: CommandFailure(column: 27, message: "expected a percentage above 0 and at most 100 after 'top', but found '0%'")) {
            try CommandLanguage.parse("rank Retained=churned top 0%")
        }
        #expect(throws: CommandFailure(column: 14, message: "expected '=' after 'Retained' (TARGET=STATE), but the line ends")) {
            try CommandLanguage.parse("rank Retained")
        }
    }

    @Test func unknownStatesAndColumnsAreNamed() throws {
        let session = Session(baseDirectory: ExampleScriptTests.root, journaling: false)
        try session.load(path: "models/telecom_retention.bn")
        try session.loadData(path: "datasets/telecom_retention.csv")
        #expect(throws: WorkbenchError.usage("'gone' is not a state of Retained (states: retained, churned)")) {
            try session.rank(target: "Retained", state: "gone", percent: 5, factors: 3)
        }
        #expect(throws: WorkbenchError.self) { try session.rank(target: "Retained", state: "churned", percent: 5, factors: 3, ignoring: ["Nope"]) }
    }

    /// (e): the top 5 % by P(churn) of the shipped telecom table are mostly churners, far
    /// above the table's base rate, and every listed row has its main factors.
    @Test func theTopFivePercentAreMostlyChurners() throws {
        let session = Session(baseDirectory: ExampleScriptTests.root, journaling: false)
        try session.load(path: "models/telecom_retention.bn")
        try session.loadData(path: "datasets/telecom_retention.csv")
        let r = try session.rank(target: "Retained", state: "churned", percent: 5, factors: 3)
        #expect(r.rows == 3000 && r.entries.count == 150)
        let base = Double(r.rowsInState!) / Double(r.rowsWithTarget!)
        #expect(base > 0.25 && base < 0.40)
        #expect(Double(r.listedInState!) / 150 > 0.9)
        #expect(zip(r.entries, r.entries.dropFirst()).allSatisfy { $0.probability >= $1.probability - 1e-12 })
        #expect(r.entries.allSatisfy { !$0.factors.isEmpty && $0.factors.count <= 3 && $0.factors.allSatisfy { $0.effect > 0 } })
        // The listed rows are the highest of `score`'s column P(Retained=churned).
        let (_, rows, _) = try LearningTasks.score(session.network, data: try session.dataset(), target: "Retained")
        let p = rows.map { Double($0[2])! }.sorted(by: >)
        #expect(abs(r.entries.last!.probability - p[149]) < 1e-9)
        #expect(abs(r.entries.first!.probability - p[0]) < 1e-9)
    }

    /// An effect is the drop in P when that one finding is removed: recomputed by hand for
    /// the first listed row.
    @Test func aFactorIsTheDropWithoutTheFinding() throws {
        let session = Session(baseDirectory: ExampleScriptTests.root, journaling: false)
        try session.load(path: "models/telecom_retention.bn")
        try session.loadData(path: "datasets/telecom_retention.csv")
        let r = try session.rank(target: "Retained", state: "churned", percent: 1, factors: 10)
        let top = r.entries[0]
        let data = try session.dataset()
        var findings: [String: String] = [:]
        for (j, name) in data.names.enumerated() where name != "Retained" {
            let c = data.columns[j][top.row - 1]
            if c >= 0 { findings[name] = data.states[j][Int(c)] }
        }
        let engine = QueryService(network: session.network)
        func p(_ f: [String: String]) throws -> Double {
            try engine.answer(QueryRequest(targets: ["Retained"], findings: FindingSet(evidence: f))).marginals[0].probabilities[1]
        }
        #expect(abs(try p(findings) - top.probability) < 1e-9)
        for f in top.factors {
            var without = findings
            without[f.variable] = nil
            #expect(abs(top.probability - (try p(without)) - f.effect) < 1e-9, "\(f.variable)")
        }
    }

    /// Ignoring a column is the same as scoring a table without it.
    @Test func ignoringAColumnDropsItsFindings() throws {
        let session = Session(baseDirectory: ExampleScriptTests.root, journaling: false)
        try session.load(path: "models/telecom_retention.bn")
        try session.loadData(path: "datasets/telecom_retention.csv")
        let r = try session.rank(target: "Retained", state: "churned", percent: 5, factors: 3, ignoring: ["LifeEvent"])
        #expect(r.entries.allSatisfy { $0.factors.allSatisfy { $0.variable != "LifeEvent" } })
        #expect(r.listedInState! < 150 && Double(r.listedInState!) / 150 > 1.8 * Double(r.rowsInState!) / 3000)
    }
}
