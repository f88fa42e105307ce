import Foundation
import Testing
import BNCore
import BNFormats
@testable import BNLearning
@testable import Workbench

/// The derived index of `learn --target` on MLC telecom churn, and a model with a derived
/// variable read against tables that lack its column: CSV files and in-memory tables (the
/// C ABI's, behind the Python package).
@Suite("Derived index variables: learned on mlc_churn, computed wherever a table is read")
struct DerivedIndexTests {
    static let root = repositoryRoot
    static var mlc: String { root + "/datasets/mlc_churn.csv" }

    /// The minutes of the day, evening and night, weighed about as their per-minute
    /// charges are (0.17 : 0.085 : 0.045): the sum of the charges that churn steps on.
    @Test func theIndexOfMLCChurnWeighsTheMinutesLikeTheirCharges() throws {
        let data = try LearningTasks.rows(csv: Self.mlc)
        let churn = try #require(data.column(named: "churn"))
        let index = try #require(try DerivedIndex.construct(data, target: churn))
        #expect(index.name == "derived_index")
        let weight = Dictionary(uniqueKeysWithValues: index.terms.map { ($0.column, $0.coefficient) })
        #expect(index.terms[0].column == "total_day_minutes" && index.terms[0].coefficient == 1)
        let eve = try #require(weight["total_eve_minutes"])
        let night = try #require(weight["total_night_minutes"])
        #expect(eve > 0.35 && eve < 0.6, "evening minute against a day minute: \(eve)")
        #expect(night > 0.1 && night < 0.35, "night minute against a day minute: \(night)")
        #expect(index.information > index.firstColumnInformation + 3 * log(5000.0))
        // Every step paid ln n nats: the index holds no term that bought less.
        #expect(index.terms.count >= 3 && index.terms.count <= 6, "\(index.summary)")
    }

    /// A table merged into its distinct rows with their copies as weights (as `learn --target`
    /// reads a file whose rows repeat) gives the index of its rows: every sum counts a row
    /// as often as its copies, with no row listed again. Read as plain weights it does not.
    @Test func distinctRowsWithTheirCopiesGiveTheIndexOfTheRows() throws {
        let all = try LearningTasks.rows(csv: Self.mlc)
        let keep = try ["churn", "number_customer_service_calls", "total_intl_calls", "number_vmail_messages"].map {
            try #require(all.column(named: $0))
        }
        let rows = Dataset(names: keep.map { all.names[$0] }, states: keep.map { all.states[$0] }, columns: keep.map { all.columns[$0] })
        var index: [[Int32]: Int] = [:], firsts: [Int] = [], copies: [Double] = []
        for r in 0..<rows.rowCount {
            let key = rows.columns.map { $0[r] }
            if let p = index[key] { copies[p] += 1 } else { index[key] = firsts.count; firsts.append(r); copies.append(1) }
        }
        var merged = rows.rows(firsts)
        merged.weights = copies
        #expect(merged.rowCount * 2 < rows.rowCount && copies.reduce(0, +) == Double(rows.rowCount))
        let a = try #require(try DerivedIndex.construct(rows, target: 0))
        let b = try #require(try DerivedIndex.construct(merged, target: 0, weightsCountCopies: true))
        #expect(a.terms.count >= 2 && a.terms.map(\.column) == b.terms.map(\.column), "\(a.summary) / \(b.summary)")
        for (x, y) in zip(a.terms, b.terms) { #expect(abs(x.coefficient - y.coefficient) <= 1e-9 * max(1, abs(x.coefficient))) }
        #expect(abs(a.information - b.information) <= 1e-9 * a.information)
        #expect(abs(a.firstColumnInformation - b.firstColumnInformation) <= 1e-9 * a.firstColumnInformation)
        #expect(try DerivedIndex.construct(merged, target: 0) != b)
    }

    @Test func noIndexForATableWithoutTwoNumericColumnsOrForManyClasses() throws {
        let one = Dataset(names: ["t", "x"], states: [["a", "b"], ["1", "2", "3", "4"]],
                          columns: [[0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], [0, 3, 1, 2, 0, 3, 1, 2, 0, 3, 1, 2]])
        #expect(try DerivedIndex.construct(one, target: 0) == nil)
        let three = Dataset(names: ["t", "x", "y"], states: [["a", "b", "c"], ["1", "2", "3", "4"], ["5", "6", "7"]],
                            columns: [[0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], [0, 3, 1, 2, 0, 3, 1, 2, 0, 3, 1, 2], [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]])
        #expect(try DerivedIndex.construct(three, target: 0) == nil)
    }

    /// `learn --target` with a few families: the index wins the inner cross-validation, is
    /// in the model with its formula, and the model scores the raw CSV (which has no
    /// `derived_index` column) from the source columns; with `none` it never appears.
    @Test func learnTargetChoosesTheIndexAndTheModelScoresTheRawTable() throws {
        let data = try LearningTasks.rows(csv: Self.mlc)
        var learner = try LearningTasks.targetedLearner(target: "churn", structures: ["nb", "tan"], priors: [5, 50], innerFolds: 5,
                                                        discretization: nil, maxParents: 4, seed: 1, fewValuedBins: ["mdl"],
                                                        parameters: ["generative"])
        let (net, report) = try LearningTasks.learn(data, with: learner)
        let index = try #require(report.derived)
        #expect(report.chosen.bins == "mdl+derived")
        // The BIC margin of its terms: (m/2) ln n / n.
        #expect(abs(report.derivedMargin! - Double(index.terms.count) / 2 * log(5000.0) / 5000) < 1e-15)
        let v = try #require(net.index(of: "derived_index"))
        #expect(net.variables[v].derivation == index.derivation)
        #expect((net.variables[v].cutPoints?.count ?? 0) >= 1)
        #expect(report.candidates.contains { $0.bins == "mdl+derived" } && report.candidates.contains { $0.bins == "mdl" })
        let best = { (bins: String) in report.candidates.filter { $0.bins == bins }.map(\.logLoss).min()! }
        #expect(best("mdl+derived") < best("mdl") - 0.02, "inner log loss with the index \(best("mdl+derived")), without \(best("mdl"))")

        // Written and read back, the model computes the index from the raw table's columns.
        let path = NSTemporaryDirectory() + "credence-derived-\(UUID().uuidString).bn"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelIO.save(net, to: path)
        let model = try ModelIO.load(path: path)
        let (table, _) = try ModelIO.loadData(path: Self.mlc, for: model)
        let column = try #require(table.column(named: "derived_index"))
        let raw = try CSVReader.read(path: Self.mlc).dataset
        let z = try raw.derivedValues(index.derivation, variable: index.name)
        #expect(table.columns[column] == z.map { Int32(Variable.interval(of: $0, cutPoints: model.variables[v].cutPoints!)) })
        let scored = try LearningTasks.posteriors(model, data: table, target: "churn")
        #expect(scored.values.count == 10_000 && scored.impossible.isEmpty)

        learner.derivedIndexing = .none
        let (plain, plainReport) = try LearningTasks.learn(data, with: learner)
        #expect(plainReport.derived == nil && plain.index(of: "derived_index") == nil)
        #expect(!plainReport.candidates.contains { $0.bins.hasSuffix("+derived") })
    }

    /// A design with the index must beat the best without it by the margin; ties go to the
    /// first candidate.
    @Test func aDesignWithTheIndexMustPayItsMargin() {
        func candidate(_ bins: String, _ logLoss: Double) -> TargetedLearner.Candidate {
            .init(structure: "ban", features: "relevant", prior: 5, bins: bins, logLoss: logLoss, auc: 0.9, accuracy: 0.9, brier: 0.1)
        }
        let plain = [candidate("values", 0.41), candidate("mdl", 0.40), candidate("mdl", 0.40)]
        #expect(TargetedLearner.preferred(plain + [candidate("mdl+derived", 0.399)], derivedMargin: 0.002, tolerance: 1e-12)?.bins == "mdl")
        #expect(TargetedLearner.preferred(plain + [candidate("mdl+derived", 0.397)], derivedMargin: 0.002, tolerance: 1e-12)?.bins == "mdl+derived")
        #expect(TargetedLearner.preferred([candidate("values+derived", 0.5)], derivedMargin: 0.002, tolerance: 0)?.bins == "values+derived")
        #expect(TargetedLearner.preferred([], derivedMargin: 0, tolerance: 0) == nil)
    }

    /// An in-memory table (what the Python package hands over) with the sources as numbers
    /// and no column of the derived variable, which is computed; a text source is an error.
    @Test func inMemoryTablesComputeTheDerivedColumn() throws {
        let net = try BNLanguage.parse("""
            network n
            variable y { no, yes }
            variable z { low, high } cuts [10] from 2 * a + 1 * b
            P(y) = 0.5 0.5
            P(z | y) = 0.8 0.2  0.3 0.7
            """, file: "n.bn").network
        var table = DataTable(rowCount: 3)
        try table.append("a", .numbers([1, 5, .nan]))
        try table.append("b", .numbers([2, 3, 1]))
        let (data, notes) = try table.dataset(for: net)
        #expect(data.names == ["z"] && data.columns == [[0, 1, Dataset.missing]])
        #expect(notes.isEmpty)
        var bad = DataTable(rowCount: 2)
        try bad.append("a", .categories(codes: [0, 1], labels: ["1", "many"]))
        try bad.append("b", .numbers([2, 3]))
        #expect(throws: WorkbenchError.usage("data row 2: 'many' in column 'a' is not a number, and 'z' is derived as 2 * a + 1 * b\n  hint: write a decimal number, or leave the cell empty for a missing value")) {
            try bad.dataset(for: net)
        }
    }
}
