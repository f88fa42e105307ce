import Foundation
import Testing
import BNCore
@testable import Workbench

/// A fresh temporary folder for files a test writes.
func temporaryDirectory(_ tag: String = #function) throws -> String {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("credence-session-\(tag.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite("Session: edits, undo/redo, evidence, scenarios, journal")
struct SessionTests {
    func asiaSession(journaling: Bool = false) throws -> Session {
        let s = Session(journaling: journaling)
        try s.load(path: sharedRoot + "/networks/asia.bif")
        return s
    }

    /// Every edit changes the network, undo gives back exactly the previous network (==, bit
    /// for bit), and redo exactly the edited one.
    @Test(arguments: [
        ModelEdit.addVariable(name: "满意度", states: ["高", "低"]),
        .removeVariable("either"),
        .removeVariable("asia"),
        .renameVariable(from: "smoke", to: "smoker"),
        .addState(variable: "smoke", state: "sometimes"),
        .removeState(variable: "either", state: "yes"),
        .renameState(variable: "lung", from: "yes", to: "present"),
        .addEdge(from: "asia", to: "smoke"),
        .removeEdge(from: "either", to: "dysp"),
        .reverseEdge(from: "smoke", to: "lung"),
        .setCPT(variable: "lung", parentStates: ["no"], probabilities: [0.25, 0.75]),
        .setCPT(variable: "asia", parentStates: nil, probabilities: [0.5, 0.5]),
    ])
    func undoAndRedoRestoreTheExactNetworks(edit: ModelEdit) throws {
        let s = try asiaSession()
        let before = s.network
        #expect(!s.isDirty)
        try s.perform(edit)
        let after = s.network
        #expect(after != before)
        #expect(s.isDirty)
        #expect(s.undo())
        #expect(s.network == before)
        #expect(!s.isDirty)  // back to the model as loaded
        #expect(s.redo())
        #expect(s.network == after)
        #expect(!s.redo())
        #expect(s.undo() && !s.undo())
        #expect(s.network == before)
    }

    @Test func aNewEditClearsTheRedoStack() throws {
        let s = try asiaSession()
        try s.perform(.addEdge(from: "asia", to: "smoke"))
        s.undo()
        try s.perform(.removeEdge(from: "smoke", to: "lung"))
        #expect(!s.canRedo)
    }

    @Test func aCycleIsRefusedWithItsNameAndNothingChanges() throws {
        let s = try asiaSession()
        let before = s.network
        #expect(throws: ModelError.cycle(["dysp", "asia", "tub", "either", "dysp"])) {
            try s.perform(.addEdge(from: "dysp", to: "asia"))
        }
        #expect(s.network == before)
        #expect(!s.canUndo && !s.isDirty)
    }

    @Test func failedEditsLeaveTheModelAlone() throws {
        let s = try asiaSession()
        let before = s.network
        let bad: [ModelEdit] = [
            .addVariable(name: "smoke", states: ["a"]), .removeVariable("nope"), .renameVariable(from: "lung", to: "tub"),
            .addState(variable: "smoke", state: "yes"), .removeState(variable: "smoke", state: "maybe"),
            .addEdge(from: "smoke", to: "lung"), .removeEdge(from: "asia", to: "lung"),
            .setCPT(variable: "lung", parentStates: ["yes"], probabilities: [0.5, 0.6]),
            .setCPT(variable: "lung", parentStates: nil, probabilities: [0.5, 0.5]),
            .setCPT(variable: "lung", parentStates: ["perhaps"], probabilities: [0.5, 0.5]),
        ]
        for e in bad {
            #expect(throws: (any Error).self, "\(e)") { try s.perform(e) }
            #expect(s.network == before, "\(e)")
        }
        #expect(!s.canUndo)
    }

    @Test func stateEditsKeepTablesConsistent() throws {
        var n = try ModelIO.load(path: sharedRoot + "/networks/asia.bif")
        let smoke = n.index(of: "smoke")!, lung = n.index(of: "lung")!
        let original = n
        try n.addState(smoke, "sometimes")
        // Own rows: the new state gets no mass; children: uniform rows for it.
        #expect(n.cpts[smoke].values == [0.5, 0.5, 0])
        #expect(n.cpts[lung].values == [0.1, 0.9, 0.01, 0.99, 0.5, 0.5])
        try n.removeState(smoke, "sometimes")
        #expect(n == original)
        try n.renameState(lung, from: "yes", to: "present")
        #expect(n.variables[lung].states == ["present", "no"])
        #expect(n.cpts == original.cpts)
        // Removing a state renormalises the variable's own rows and drops its children's rows.
        var m = original
        try m.addState(smoke, "sometimes")
        try m.setCPT(smoke, try Factor(scope: m.familyScope(of: smoke), values: [0.2, 0.3, 0.5]))
        try m.removeState(smoke, "yes")
        #expect(abs(m.cpts[smoke].values[0] - 0.375) < 1e-15 && abs(m.cpts[smoke].values[1] - 0.625) < 1e-15)
        #expect(m.cpts[lung].values == [0.01, 0.99, 0.5, 0.5])
        #expect(throws: ModelError.noStates(variable: "asia")) {
            var one = original
            try one.removeState(one.index(of: "asia")!, "yes")
            try one.removeState(one.index(of: "asia")!, "no")
        }
    }

    /// A state added to a parent in the middle of a child's family: the child's old rows
    /// are unchanged (checked entry by entry), the new ones uniform.
    @Test func addingAStateToAMiddleParentKeepsTheOtherRows() throws {
        let original = try ModelIO.load(path: sharedRoot + "/networks/asia.bif")
        var n = original
        let lung = n.index(of: "lung")!, either = n.index(of: "either")!
        #expect(n.parents(of: either).first == lung)
        try n.addState(lung, "unknown")
        #expect(n.cpts[either].scope.cardinalities == [3, 2, 2])
        for l in 0..<3 {
            for t in 0..<2 {
                for e in 0..<2 {
                    let v = n.cpts[either][[l, t, e]]
                    #expect(v == (l < 2 ? original.cpts[either][[l, t, e]] : 0.5))
                }
            }
        }
        try n.removeState(lung, "unknown")
        #expect(n == original)
    }

    @Test func renamesFollowIntoEvidenceAndScenarios() throws {
        let s = try asiaSession()
        try s.observe([("smoke", "yes")])
        s.saveScenario("smoker")
        try s.perform(.renameVariable(from: "smoke", to: "smoker"))
        try s.perform(.renameState(variable: "smoker", from: "yes", to: "daily"))
        #expect(s.findings.evidence == ["smoker": "daily"])
        #expect(s.scenarios["smoker"]!.evidence == ["smoker": "daily"])
        // Removing the variable drops its evidence, with a note.
        let notes = try s.perform(.removeVariable("smoker"))
        #expect(s.findings.evidence.isEmpty && notes == ["dropped evidence smoker=daily"])
    }

    @Test func evidenceQueriesAndScenarioComparison() throws {
        let s = try asiaSession()
        s.saveScenario("baseline")
        try s.observe([("smoke", "yes")])
        // asia.bif: P(lung=yes | smoke=yes) = 0.1; P(lung=yes) = 0.5·0.1 + 0.5·0.01 = 0.055.
        #expect(abs(try s.queryService.posterior(of: "lung", given: s.findings)[0] - 0.1) < 1e-12)
        #expect(abs(try s.queryService.probabilityOfEvidence(s.findings).p - 0.5) < 1e-12)
        s.saveScenario("smoker")
        try s.retract(["smoke"])
        try s.observe([("xray", "yes")])
        s.saveScenario("xray")
        try s.intervene([("xray", "yes")])
        #expect(s.findings.evidence.isEmpty && s.findings.interventions == ["xray": "yes"])
        s.saveScenario("do_xray")
        let c = try s.compareScenarios(target: "lung", names: ["baseline", "smoker", "xray", "do_xray"])
        #expect(c.columns.map(\.scenario) == ["baseline", "smoker", "xray", "do_xray"])
        #expect(abs(c.columns[0].probabilities[0] - 0.055) < 1e-12)
        #expect(abs(c.columns[1].probabilities[0] - 0.1) < 1e-12)
        #expect(c.columns[2].probabilities[0] > 0.4)  // seeing a positive x-ray raises P(lung)
        #expect(abs(c.columns[3].probabilities[0] - 0.055) < 1e-12)  // doing it does not
        #expect(c.columns[1].findings == "smoke=yes" && c.columns[3].findings == "do(xray=yes)")
        try s.setSoft("xray", [0.8, 0.2])
        #expect(throws: ModelError.self) { try s.setSoft("xray", [1]) }
        try s.loadScenario("smoker")
        #expect(s.findings == FindingSet(evidence: ["smoke": "yes"]))
        #expect(throws: WorkbenchError.self) { try s.loadScenario("nope") }
        #expect(throws: ModelError.self) { try s.observe([("smoke", "often")]) }
        #expect(throws: WorkbenchError.self) { try s.retract(["asia"]) }
    }

    @Test func theQueryServiceFollowsTheModel() throws {
        let s = try asiaSession()
        #expect(abs(try s.queryService.posterior(of: "asia", given: s.findings)[0] - 0.01) < 1e-12)
        try s.perform(.setCPT(variable: "asia", parentStates: nil, probabilities: [0.3, 0.7]))
        #expect(abs(try s.queryService.posterior(of: "asia", given: s.findings)[0] - 0.3) < 1e-12)
        s.undo()
        #expect(abs(try s.queryService.posterior(of: "asia", given: s.findings)[0] - 0.01) < 1e-12)
    }

    /// The journal files of a model (every session's), by name.
    func journals(_ dir: String, _ model: String = "asia.bn") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasPrefix(".\(model).") && $0.hasSuffix(".credence-journal") }.sorted()
    }

    /// A session that is killed after some edits leaves its journal; the next session that
    /// opens the model replays it and gets the same network; saving clears it.
    @Test func theJournalRestoresEditsAfterACrash() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = dir + "/asia.bn"
        try ModelIO.save(try ModelIO.load(path: sharedRoot + "/networks/asia.bif"), to: model)
        var edited: BayesianNetwork
        var crashed: String
        do {
            let s = Session(baseDirectory: dir)
            try s.load(path: "asia.bn")
            crashed = s.journal!.path
            #expect(crashed == Journal.path(for: model, session: s.journal!.sessionID!))
            #expect(s.journal!.pid == getpid())
            let r = CommandRunner(session: s)
            for line in ["add variable \"满意度\" {高, 低}", "add edge 满意度 -> smoke", "set cpt smoke (高): 0.3 0.7",
                         "rename state lung yes present", "remove edge either -> xray", "undo", "add state xray unclear",
                         "undo", "redo", "observe smoke=yes", "reverse edge smoke -> bronc"] {
                _ = try r.run(line: line)
            }
            edited = s.network
            // The session is dropped here without saving: as if it had been killed.
        }
        #expect(try journals(dir) == [URL(fileURLWithPath: crashed).lastPathComponent])
        let s = Session(baseDirectory: dir)
        try s.load(path: "asia.bn")
        #expect(s.pendingJournals.map(\.path) == [crashed] && s.otherSessions.isEmpty)
        #expect(s.pendingJournals[0].lines().count == 10)  // every edit, undo and redo; not 'observe'
        #expect(s.network != edited)
        let r = CommandRunner(session: s)
        try r.replayJournal()
        #expect(s.network == edited)
        #expect(s.isDirty && s.pendingJournals.isEmpty)
        // The edits moved into this session's journal, so a second crash loses nothing either.
        #expect(s.journal!.lines().count == 10)
        #expect(try journals(dir) == [URL(fileURLWithPath: s.journal!.path).lastPathComponent])
        try s.save()
        #expect(s.journal!.lines().isEmpty)
        #expect(!s.isDirty)
        #expect(try ModelIO.load(path: model).names == edited.names)
        // Opening the model without replaying keeps the journal; only 'journal discard' deletes it.
        try s.perform(.removeVariable("asia"))
        let left = s.journal!.path
        try s.load(path: "asia.bn")  // unsaved: the journal stays for the next session
        #expect(s.pendingJournals.map(\.path) == [left])
        let t = Session(baseDirectory: dir)
        try t.load(path: "asia.bn")
        #expect(t.pendingJournals.map(\.path) == [left] && t.pendingJournals[0].lines() == ["remove variable asia"])
        let note = try CommandRunner(session: t).run(line: "load asia.bn")?.text ?? ""
        #expect(note.contains("note: 1 unsaved edit from a session (pid \(getpid())) that ended without saving, kept in \(left)"))
        #expect(FileManager.default.fileExists(atPath: left))
        let discarded = try CommandRunner(session: t).run(line: "journal discard")?.text ?? ""
        #expect(discarded == "discarded 1 journal line (\(left))")
        #expect(!FileManager.default.fileExists(atPath: left) && t.pendingJournals.isEmpty)
        #expect(throws: CommandFailure.self) { try CommandRunner(session: t).run(line: "journal discard") }
    }

    /// Two sessions on one model: each has its own journal, the second is told about the
    /// first, and a save in one leaves the other's journalled edits alone.
    @Test func twoSessionsOnOneModelKeepTheirOwnJournals() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ModelIO.save(try ModelIO.load(path: sharedRoot + "/networks/asia.bif"), to: dir + "/asia.bn")
        let first = Session(baseDirectory: dir)
        try first.load(path: "asia.bn")
        try first.perform(.removeEdge(from: "smoke", to: "bronc"))
        let second = Session(baseDirectory: dir)
        let opened = try CommandRunner(session: second).run(line: "load asia.bn")?.text ?? ""
        #expect(second.otherSessions.map(\.path) == [first.journal!.path] && second.pendingJournals.isEmpty)
        #expect(second.journal!.path != first.journal!.path)
        #expect(opened.contains("note: another session (pid \(getpid())) is editing this model; its journal is \(first.journal!.path)"))
        try second.perform(.setCPT(variable: "asia", parentStates: nil, probabilities: [0.3, 0.7]))
        try second.save()
        #expect(second.journal!.lines().isEmpty)
        #expect(first.journal!.lines() == ["remove edge smoke -> bronc"])
        #expect(try journals(dir).count == 2)
        // The first session is killed: a third session finds its edits, and the second still live.
        let firstJournal = first.journal!.path
        first.journal!.release()
        let third = Session(baseDirectory: dir)
        try third.load(path: "asia.bn")
        #expect(third.pendingJournals.map(\.path) == [firstJournal])
        #expect(third.otherSessions.map(\.path) == [second.journal!.path])
        // A clean session lets go of its journal when it opens another model.
        try second.load(path: "asia.bn")
        #expect(!FileManager.default.fileExists(atPath: third.otherSessions[0].path))
    }

    @Test func theJournalReplaysAFitWithItsData() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ModelIO.save(try ModelIO.load(path: sharedRoot + "/networks/asia.bif"), to: dir + "/asia.bif")
        var fitted: BayesianNetwork
        do {
            let s = Session(baseDirectory: dir)
            try s.load(path: "asia.bif")
            let r = CommandRunner(session: s)
            for line in ["sample 300 seed 4 missing 0.1 to data.csv", "data load data.csv", "set cpt smoke 0.8 0.2", "fit bayes",
                         "remove edge smoke -> bronc"] {
                _ = try r.run(line: line)
            }
            fitted = s.network
        }
        // The next session starts somewhere else: the data path was recorded absolute.
        let s = Session(baseDirectory: "/")
        try s.load(path: dir + "/asia.bif")
        #expect(s.pendingJournals.count == 1 && s.pendingJournals[0].lines().count == 4)
        try CommandRunner(session: s).replayJournal()
        #expect(s.network == fitted)
    }

    @Test func scriptsLeaveNoJournal() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ModelIO.save(try ModelIO.load(path: sharedRoot + "/networks/asia.bif"), to: dir + "/asia.bif")
        let s = Session(baseDirectory: dir, journaling: false)
        try s.load(path: "asia.bif")
        try s.perform(.removeVariable("asia"))
        #expect(s.journal == nil)
        #expect(try journals(dir, "asia.bif").isEmpty)
    }

    @Test func saveWritesAtomicallyAndNeedsAPathForANewModel() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = Session(baseDirectory: dir)
        s.newModel(name: "churn")
        try s.perform(.addVariable(name: "Churn", states: ["yes", "no"]))
        #expect(throws: WorkbenchError.self) { try s.save() }
        try s.save(to: "churn.bn")
        #expect(s.path == "churn.bn" && !s.isDirty)
        let back = try ModelIO.load(path: dir + "/churn.bn")
        #expect(back.names == ["Churn"])
        // No temporary file is left; the session's own (empty) journal stays while it runs.
        let own = URL(fileURLWithPath: s.journal!.path).lastPathComponent
        #expect(s.journal!.lines().isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != "churn.bn" && $0 != own }
        #expect(leftovers.isEmpty)
        s.closeJournal()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["churn.bn"])
    }

    @Test func fitSampleScoreEvaluateThroughTheSession() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = try asiaSession()
        s.baseDirectory = dir
        let truth = s.network
        _ = try s.sample(rows: 2000, seed: 5, missing: 0, to: "asia.csv")
        try s.loadData(path: "asia.csv")
        let report = try s.fit(method: .mle)
        #expect(report.rows == 2000)
        #expect(s.network != truth && s.canUndo)
        let smoke = s.network.index(of: "smoke")!
        #expect(abs(s.network.cpts[smoke].values[0] - 0.5) < 0.05)
        s.undo()
        #expect(s.network == truth)
        #expect(try s.score(target: "lung", to: "scores.csv").rows == 2000)
        let e = try s.evaluate(target: "either", folds: nil)
        #expect(e.model.accuracy > 0.9)
        // A cancelled fit leaves the model as it was.
        let token = CancellationToken()
        #expect(token.cancel())
        #expect(throws: WorkbenchError.self) { _ = try s.fit(method: .mle, cancellation: token) }
        #expect(s.network == truth)
    }
}
