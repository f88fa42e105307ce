import BNCore
import Foundation
import Testing
@testable import Workbench

/// `credence sample --missingness SPEC --truth FILE`: the spec language, its errors, the
/// mechanisms it classifies, the rates it produces, and the shipped datasets regenerated
/// byte for byte.
@Suite("Missingness specs and the shipped datasets", .serialized)
struct MissingnessSpecTests {
    static let root = ExampleScriptTests.root
    static let winback = try! ModelIO.load(path: root + "/models/dealer_winback.bn")

    static func spec(_ text: String, _ network: BayesianNetwork = winback) throws -> MissingnessSpec {
        try MissingnessSpec(text: text, file: "s.missingness", network: network)
    }

    static func message(_ text: String) -> String {
        do { _ = try spec(text); return "no error" } catch { return "\(error)" }
    }

    @Test func badSpecsAreRefusedWithFileLineAndColumn() {
        #expect(Self.message("hide TrueReason\nhide Nope") ==
                "s.missingness:2:6: unknown variable 'Nope' (the model has Warranty, CarClass, Distance, Usage, TrueReason, WhereServiced, StatedReason, VisitGap, Complaint, ContactMethod, Reached, Incentive, Returned)")
        #expect(Self.message("missing Complaint rate 1.5") == "s.missingness:1:24: expected a rate between 0 and 1, but found '1.5'")
        #expect(Self.message("missing Complaint by Reached maybe=0.2") ==
                "s.missingness:1:30: 'maybe' is not a state of Reached (states: reached, not_reached)")
        #expect(Self.message("skip Complaint when WhereServiced=none") ==
                "s.missingness:1:21: 'not_applicable' is not a state of Complaint (states: yes, no); add it to the model with its skip rule, so that data with it can be read, or name a state with 'as'")
        #expect(Self.message("# a comment\n\nforget Complaint") == "s.missingness:3:1: expected a rule (hide, skip or missing), but found 'forget'")
        #expect(Self.message("missing Complaint") == "s.missingness:1:18: expected 'rate R' or 'by VARIABLE STATE=R ...' at the end of the line")
        #expect(Self.message("missing Complaint rate 0.1 sometimes") == "s.missingness:1:28: unexpected 'sometimes' at the end of the rule")
        #expect(Self.message("missing Complaint by Reached") == "s.missingness:1:22: expected STATE=RATE pairs for the states of Reached after it")
        #expect(Self.message("skip StatedReason when WhereServiced") ==
                "s.missingness:1:24: expected VARIABLE=STATE after 'when', but found 'WhereServiced'")
    }

    @Test func mechanismsAreClassifiedFromWhatTheRateDependsOn() throws {
        let net = Self.winback
        let s = try Self.spec("""
            hide TrueReason
            missing Complaint rate 0.1
            missing StatedReason by Reached not_reached=0.5
            missing StatedReason by StatedReason service=0.5
            missing VisitGap by TrueReason price=0.5
            """)
        let truth = try LearningTasks.sample(net, rows: 200, seed: 3, missing: 0, dropLatent: false)
        let (table, report) = s.apply(to: truth, seed: 3)
        #expect(report.map(\.kind) == ["hide", "MCAR", "MAR", "MNAR", "MNAR"])
        #expect(!table.names.contains("TrueReason") && table.columnCount == net.count - 1)
    }

    /// Rates are honoured per true state (MNAR), per other column (MAR), and skip logic
    /// codes exactly the rows whose condition holds; the truth keeps every value.
    @Test func ratesAndSkipLogicFollowTheSpec() throws {
        let club = try ModelIO.load(path: Self.root + "/models/realestate_club.bn")
        let s = try Self.spec("""
            hide Loyalty
            skip MerchantAlliance when Membership=non_member
            missing Satisfaction by Satisfaction low=0.4 high=0.05
            missing Magazine by Membership member=0.1 non_member=0.3
            missing KinshipNetwork AudienceType rate 0.2 together
            """, club)
        let n = 20_000
        let truth = try LearningTasks.sample(club, rows: n, seed: 11, missing: 0, dropLatent: false)
        let (table, _) = s.apply(to: truth, seed: 11)
        func col(_ d: Dataset, _ name: String) -> [Int32] { d.columns[d.column(named: name)!] }
        func rate(_ name: String, where condition: String, is state: String) -> Double {
            let c = col(truth, condition), code = Int32(truth.states[truth.column(named: condition)!].firstIndex(of: state)!)
            let t = col(table, name)
            let rows = (0..<n).filter { c[$0] == code }
            return Double(rows.filter { t[$0] == Dataset.missing }.count) / Double(rows.count)
        }
        #expect(abs(rate("Satisfaction", where: "Satisfaction", is: "low") - 0.4) < 0.03)
        #expect(abs(rate("Satisfaction", where: "Satisfaction", is: "high") - 0.05) < 0.02)
        #expect(rate("Satisfaction", where: "Satisfaction", is: "medium") == 0)
        #expect(abs(rate("Magazine", where: "Membership", is: "non_member") - 0.3) < 0.03)
        #expect(abs(rate("Magazine", where: "Membership", is: "member") - 0.1) < 0.03)
        // together: the two cells go missing in the same rows.
        let k = col(table, "KinshipNetwork"), a = col(table, "AudienceType")
        #expect((0..<n).allSatisfy { (k[$0] == Dataset.missing) == (a[$0] == Dataset.missing) })
        #expect(abs(Double(k.filter { $0 == Dataset.missing }.count) / Double(n) - 0.2) < 0.02)
        // skip: not_applicable exactly for non-members (and the truth agrees: the model codes it).
        let na = Int32(club.variables[club.index(of: "MerchantAlliance")!].stateIndex("not_applicable")!)
        let member = col(truth, "Membership"), merchant = col(table, "MerchantAlliance")
        #expect((0..<n).allSatisfy { (member[$0] == 1) == (merchant[$0] == na) })
        #expect(col(truth, "MerchantAlliance") == merchant)
        #expect(truth.missingCount == 0 && truth.names.contains("Loyalty"))
    }

    @Test func theTruthTableHasARowIdAndEveryVariable() throws {
        let truth = try LearningTasks.sample(Self.winback, rows: 3, seed: 1, missing: 0, dropLatent: false)
        let t = MissingnessSpec.truthTable(truth)
        #expect(t.names == ["row"] + Self.winback.variables.map(\.name))
        #expect(t.states[0] == ["1", "2", "3"] && t.columns[0] == [0, 1, 2])
    }

    /// The four shipped tables and their truth files, regenerated with the commands of
    /// datasets/README.md (in process), byte for byte.
    @Test(arguments: ["dealer_winback", "loyalty_drivers", "telecom_retention", "realestate_club"])
    func shippedDatasetsRegenerateByteForByte(model: String) throws {
        let net = try ModelIO.load(path: Self.root + "/models/\(model).bn")
        let (table, truth, _) = try MissingnessSpec.sample(net, rows: 3000, seed: 7,
                                                          specPath: Self.root + "/datasets/\(model).missingness")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("credence-missingness-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ModelIO.saveData(table, to: dir + "/t.csv")
        try ModelIO.saveData(MissingnessSpec.truthTable(truth), to: dir + "/truth.csv")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/t.csv")) ==
                Data(contentsOf: URL(fileURLWithPath: Self.root + "/datasets/\(model).csv")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/truth.csv")) ==
                Data(contentsOf: URL(fileURLWithPath: Self.root + "/datasets/\(model).truth.csv")))
        // And the table reads back with its model (not_applicable is a state, gaps are gaps).
        let (back, _) = try ModelIO.loadData(path: Self.root + "/datasets/\(model).csv", for: net)
        #expect(back.rowCount == 3000 && back.missingCount == table.missingCount)
    }

    /// The binary with the exact command of datasets/README.md.
    @Test(.enabled(if: CommandLanguageTranscriptTests.binary != nil, "the credence binary is not built next to the tests"))
    func theReadmeCommandRegeneratesTheWinbackTable() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("credence-sample-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (out, status) = try ExampleScriptTests.run(["sample", "models/dealer_winback.bn", "-n", "3000", "--seed", "7",
                                                        "--missingness", "datasets/dealer_winback.missingness",
                                                        "--truth", dir + "/truth.csv", "--output", dir + "/t.csv"])
        #expect(status == 0, "\(out)")
        #expect(out.contains("[MNAR] missing StatedReason by StatedReason service=0.30 quality=0.10"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/t.csv")) ==
                Data(contentsOf: URL(fileURLWithPath: Self.root + "/datasets/dealer_winback.csv")))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/truth.csv")) ==
                Data(contentsOf: URL(fileURLWithPath: Self.root + "/datasets/dealer_winback.truth.csv")))
        let (bad, badStatus) = try ExampleScriptTests.run(["sample", "models/dealer_winback.bn", "-n", "10",
                                                           "--missingness", "Package.swift", "--output", dir + "/x.csv"])
        #expect(badStatus != 0 && bad.contains("Package.swift:1:1: expected a rule (hide, skip or missing)"))
    }

    /// MNAR in the shipped loyalty table: the answered rows understate dissatisfaction, EM
    /// with the model recovers part of the gap but not all (it assumes gaps at random).
    @Test func emRecoversPartOfTheMissingDissatisfaction() throws {
        let net = try ModelIO.load(path: Self.root + "/models/loyalty_drivers.bn")
        let (table, _) = try ModelIO.loadData(path: Self.root + "/datasets/loyalty_drivers.csv", for: net)
        let (truth, _) = try ModelIO.loadData(path: Self.root + "/datasets/loyalty_drivers.truth.csv")
        func lowShare(_ d: Dataset) -> Double {
            let j = d.column(named: "Satisfaction")!, low = Int32(d.states[j].firstIndex(of: "low")!)
            let known = d.columns[j].filter { $0 != Dataset.missing }
            return Double(known.filter { $0 == low }.count) / Double(known.count)
        }
        let answered = lowShare(table), real = lowShare(truth)
        let (fitted, _) = try LearningTasks.fit(net, data: table, method: .em, prior: nil, maxIterations: 100,
                                                tolerance: 1e-5, restarts: 0, seed: 1)
        let em = try QueryService(network: fitted).answer(QueryRequest(targets: ["Satisfaction"])).marginals[0].probabilities[0]
        #expect(abs(answered - 0.178) < 0.001 && abs(real - 0.255) < 0.001)
        #expect(em > answered + 0.02 && em < real - 0.01, "EM \(em), answered \(answered), truth \(real)")
    }

    /// What the truth file is for: the win-back model's diagnosis of each customer's latent
    /// reason (the most probable state of `score TrueReason`) checked against the true
    /// reason. It beats guessing the commonest reason by far, beats the stated reason where
    /// there is one, and still says something where the survey is blank.
    @Test func theTruthFileChecksTheDiagnosis() throws {
        let net = Self.winback
        let (table, _) = try ModelIO.loadData(path: Self.root + "/datasets/dealer_winback.csv", for: net)
        let (truth, _) = try ModelIO.loadData(path: Self.root + "/datasets/dealer_winback.truth.csv", for: net)
        let (_, scored, _) = try LearningTasks.score(net, data: table, target: "TrueReason")
        let trueReason = truth.columns[truth.column(named: "TrueReason")!].map { net.variables[net.index(of: "TrueReason")!].states[Int($0)] }
        let statedColumn = table.column(named: "StatedReason")!
        let stated = table.columns[statedColumn].map { $0 < 0 ? "" : table.states[statedColumn][Int($0)] }
        func accuracy(_ rows: [Int], _ guess: (Int) -> String) -> Double {
            Double(rows.filter { guess($0) == trueReason[$0] }.count) / Double(rows.count)
        }
        let all = Array(0..<3000)
        let withAnswer = all.filter { !["", "not_applicable", "other"].contains(stated[$0]) }
        let blank = all.filter { stated[$0].isEmpty }
        let diagnosis = { (i: Int) in scored[i].last! }
        #expect(abs(accuracy(all, diagnosis) - 0.612) < 0.001)
        #expect(accuracy(all, { _ in "service" }) < 0.25)
        #expect(abs(accuracy(withAnswer, diagnosis) - 0.749) < 0.001 && abs(accuracy(withAnswer, { stated[$0] }) - 0.727) < 0.001)
        #expect(abs(accuracy(blank, diagnosis) - 0.496) < 0.001)
    }

    /// The real table: wa_churn as exported by datasets/export_wa_churn.sh reads with the
    /// CSV reader (numeric columns as labels until they are discretised).
    @Test func waChurnLoads() throws {
        let (d, _) = try ModelIO.loadData(path: Self.root + "/datasets/wa_churn.csv")
        #expect(d.rowCount == 7043 && d.columnCount == 20)
        let charges = d.column(named: "total_charges")!
        #expect(d.columns[charges].filter { $0 == Dataset.missing }.count == 11)
        #expect(d.missingCount == 11)
        #expect(d.states[d.column(named: "churn")!] == ["No", "Yes"])
        #expect(d.columns[d.column(named: "churn")!].filter { $0 == 1 }.count == 1869)
    }
}
