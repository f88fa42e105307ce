import Foundation
import Testing
import BNCore
import BNLearning
@testable import Workbench

@Suite("Learning tasks behind the command line")
struct LearningTasksTests {
    func asia() throws -> BayesianNetwork { try ModelIO.load(path: sharedRoot + "/networks/asia.bif") }

    @Test func sampleFitRoundTripThroughCSV() throws {
        let net = try asia()
        let data = try LearningTasks.sample(net, rows: 20_000, seed: 4, missing: 0.2, dropLatent: false)
        let path = NSTemporaryDirectory() + "credence-asia-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelIO.saveData(data, to: path)
        let (back, _) = try ModelIO.loadData(path: path, for: net)
        #expect(back.rowCount == 20_000)
        #expect(back.missingCount == data.missingCount)
        let (fitted, report) = try LearningTasks.fit(net, data: back, method: .em, prior: nil, maxIterations: 100,
                                                     tolerance: 1e-6, restarts: 0, seed: 1)
        #expect(report.em?.converged == true)
        // EM recovers P(smoke = yes) = 0.5 and P(bronc = yes | smoke = yes) = 0.6 closely.
        #expect(abs(fitted.cpts[net.index(of: "smoke")!].values[0] - 0.5) < 0.02)
        #expect(abs(fitted.cpts[net.index(of: "bronc")!].values[0] - 0.6) < 0.03)
        #expect(throws: WorkbenchError.self) {
            try LearningTasks.sample(net, rows: 10, seed: 1, missing: 1.5, dropLatent: false)
        }
    }

    /// A table with an impossible row (tub=yes, either=no: `either` is tub OR lung) and a
    /// possible one, read from a file so rows are named by file and number.
    func impossibleTable(_ net: BayesianNetwork) throws -> Dataset {
        let csv = "asia,tub,smoke,lung,bronc,either,xray,dysp\nno,no,yes,no,no,no,no,no\nno,yes,no,no,no,no,,\n"
        let path = NSTemporaryDirectory() + "credence-impossible-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return try ModelIO.loadData(path: path, for: net).0
    }

    @Test func scoreLeavesImpossibleRowsEmptyAndNamesTheirFamily() throws {
        let net = try asia()
        let data = try impossibleTable(net)
        // The target smoke is far from the contradiction, which pruning used to drop.
        let (_, rows, impossible) = try LearningTasks.score(net, data: data, target: "smoke")
        #expect(rows.count == 2)
        #expect(rows[0][1] != "" && rows[1] == ["2", "", "", ""])
        #expect(impossible.count == 1 && impossible[0].row == 2)
        #expect(impossible[0].family == "P(either=no | lung=no, tub=yes)")
        #expect(impossible[0].description.hasPrefix("row 2 of "))
        // P(smoke=yes | asia=no, tub=no, lung=no, bronc=no, either=no, xray=no, dysp=no), by query.
        let q = try QueryService(network: net).answer(QueryRequest(targets: ["smoke"], findings: FindingSet(evidence: [
            "asia": "no", "tub": "no", "lung": "no", "bronc": "no", "either": "no", "xray": "no", "dysp": "no"])))
        #expect(abs(Double(rows[0][1])! - q.marginals[0].probabilities[0]) < 1e-12)
        #expect(throws: WorkbenchError.self) { try LearningTasks.score(net, data: data, target: "smoke", strict: true) }
    }

    @Test func tablesThatBindToTooLittleAreErrors() throws {
        let net = try asia()
        let empty = Dataset(names: ["asia"], states: [["yes", "no"]], columns: [[]])
        #expect(throws: WorkbenchError.self) {
            try LearningTasks.fit(net, data: empty, method: .em, prior: nil, maxIterations: 5, tolerance: 1e-5, restarts: 0, seed: 1)
        }
        let some = try LearningTasks.sample(net, rows: 50, seed: 2, missing: 0, dropLatent: false)
        let partial = Dataset(names: Array(some.names.prefix(3)), states: Array(some.states.prefix(3)), columns: Array(some.columns.prefix(3)))
        // MLE needs every variable; EM takes the rest as latent.
        #expect(throws: WorkbenchError.self) {
            try LearningTasks.fit(net, data: partial, method: .mle, prior: nil, maxIterations: 5, tolerance: 1e-5, restarts: 0, seed: 1)
        }
        let (_, report) = try LearningTasks.fit(net, data: partial, method: .em, prior: nil, maxIterations: 5, tolerance: 1e-5, restarts: 0, seed: 1)
        #expect(report.latentVariables.count == 5 && report.rows == 50)
        // evaluate needs the target's column.
        #expect(throws: WorkbenchError.self) { try LearningTasks.evaluate(net, data: partial, target: "dysp", folds: nil, seed: 1) }
    }

    @Test func mleWhoseEstimatesRuleOutARowReportsMinusInfinityAndTheRow() throws {
        let net = try asia()
        // smoke is missing in the last row; complete rows never show bronc=yes, so the MLE of
        // P(bronc | smoke) is 0 for yes and the last row (bronc=yes) is impossible.
        var rows = [[Int32]](repeating: [1, 1, 0, 1, 1, 1, 1, 1], count: 6)
        rows += [[1, 1, 1, 1, 1, 1, 1, 1], [1, 1, -1, 1, 0, 1, 1, 0]]
        let columns = (0..<8).map { v in rows.map { $0[v] } }
        let data = Dataset(names: net.names, states: net.variables.map(\.states), columns: columns)
        let (_, report) = try LearningTasks.fit(net, data: data, method: .mle, prior: nil, maxIterations: 5, tolerance: 1e-5, restarts: 0, seed: 1)
        #expect(report.logLikelihood == -.infinity)
        #expect(report.impossibleRows == 1 && report.firstImpossibleRow?.row == 8)
        #expect(report.firstImpossibleRow?.family == nil)   // no single observed family rules it out
    }

    @Test func learnRecoversMostOfAsiaAndScoresRows() throws {
        let net = try asia()
        let data = try LearningTasks.sample(net, rows: 10_000, seed: 5, missing: 0, dropLatent: false)
        let (learned, report) = try LearningTasks.learn(data, settings: .init(algorithm: .hc, score: .bic, maxParents: 3,
                                                        required: [], forbidden: [], restarts: 0, seed: 1))
        var truth = Set<[String]>(), found = Set<[String]>()
        for v in 0..<net.count { for p in net.parents(of: v) { truth.insert([net.names[p], net.names[v]].sorted()) } }
        for e in report.edges { found.insert(e.sorted()) }
        // Skeleton: the strong links are found (asia–tub is too weak for 10,000 rows).
        #expect(truth.subtracting(found).count <= 2)
        #expect(found.subtracting(truth).count <= 2)
        #expect(learned.count == 8)
        let (header, rows, _) = try LearningTasks.score(net, data: data, target: "lung")
        #expect(header == ["row", "P(lung=yes)", "P(lung=no)", "most_probable"])
        #expect(rows.count == 10_000)
    }

    /// Numeric columns: learn cuts them and stores the cut points in the model; the saved
    /// `.bn` reads new numeric data into the same intervals, so score and evaluate see the
    /// same states as learning did.
    @Test func learnedCutPointsTravelWithTheModel() throws {
        var rng = SplitMix64(seed: 9)
        var csv = "tenure,charges,churn\n"
        for _ in 0..<3000 {
            let tenure = Int(rng.nextUnit() * 73)
            let charges = 18 + (rng.nextUnit() * 10_000).rounded() / 100
            let churn = rng.nextUnit() < (tenure < 12 ? 0.5 : 0.1) ? "Yes" : "No"
            csv += "\(tenure),\(rng.nextUnit() < 0.02 ? "" : "\(charges)"),\(churn)\n"
        }
        let dir = NSTemporaryDirectory() + "credence-cuts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try csv.write(toFile: dir + "/t.csv", atomically: true, encoding: .utf8)
        let (raw, _) = try ModelIO.loadData(path: dir + "/t.csv")
        let plan = try LearningTasks.discretization(columns: ["tenure=mdl"], numeric: "equal-width:4", categoricalLimit: 10, target: "churn")
        let (learned, report) = try LearningTasks.learn(raw, settings: .init(algorithm: .hc, score: .bic, maxParents: 2,
                                                        required: [], forbidden: [], restarts: 0, seed: 1, discretization: plan))
        #expect(report.discretized.map(\.name) == ["tenure", "charges"])
        let tenure = learned.variables[learned.index(of: "tenure")!]
        // MDL finds the churn boundary at 12 months: the cut falls at 11 (integers 11 | 12).
        #expect(tenure.cutPoints?.contains(11) == true)
        #expect(learned.variables[learned.index(of: "charges")!].cutPoints?.count == 3)
        #expect(report.edges.contains(["tenure", "churn"]) || report.edges.contains(["churn", "tenure"]))
        try ModelIO.save(learned, to: dir + "/m.bn")
        let model = try ModelIO.load(path: dir + "/m.bn")
        #expect(model.variables == learned.variables)
        let (bound, _) = try ModelIO.loadData(path: dir + "/t.csv", for: model)
        let (cutAgain, _) = try plan.apply(to: raw)
        for name in ["tenure", "charges", "churn"] {
            #expect(bound.columns[bound.column(named: name)!] == cutAgain.columns[cutAgain.column(named: name)!])
        }
        let scores = try LearningTasks.score(model, data: bound, target: "churn")
        #expect(scores.rows.count == 3000)
    }
}
