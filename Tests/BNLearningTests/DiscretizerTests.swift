import Testing
import BNCore
@testable import BNLearning

@Suite("Discretisation")
struct DiscretizerTests {
    @Test func equalWidthBinsAndNames() throws {
        let d = try Discretizer.fit([0, 10, 5, nil, 2.5], method: .equalWidth(bins: 4))
        #expect(d.cutPoints == [2.5, 5, 7.5])
        #expect(d.stateNames == ["(-inf,2.5]", "(2.5,5]", "(5,7.5]", "(7.5,inf)"])
        #expect([0, 2.5, 2.6, 5, 9, 100].map { d.bin($0) } == [0, 0, 1, 1, 3, 3])
        #expect(d.bin(nil) == -1)
    }

    @Test func equalFrequencyKeepsTiesTogether() throws {
        let values: [Double?] = [1, 1, 1, 1, 2, 3, 4, 5]
        let d = try Discretizer.fit(values, method: .equalFrequency(bins: 2))
        #expect(d.cutPoints == [1])        // the median falls inside the run of 1s, cut after it
        let q = try Discretizer.fit((1...100).map { Double($0) }, method: .equalFrequency(bins: 4))
        #expect(q.cutPoints == [25, 50, 75])   // the shortest decimal between neighbours
    }

    @Test func equalFrequencyMovesCutsOffTiesInsteadOfDroppingThem() throws {
        // Every quantile of 1 1 1 1 1 1 2 3 lands inside or at the end of the run of ones: the
        // cuts move to the boundaries 1|2 and 2|3 (dropping the tied ones kept only [1]).
        #expect(try Discretizer.fit([1, 1, 1, 1, 1, 1, 2, 3], method: .equalFrequency(bins: 4)).cutPoints == [1, 2])
        // A tenure-like column: 11 zeros, 613 ones, then 2..72 (100 each): 4 bins, never 1.
        var tenure: [Double?] = Array(repeating: 0, count: 11) + Array(repeating: 1, count: 613)
        for v in 2...72 { tenure += Array(repeating: Double(v), count: 100) }
        let d = try Discretizer.fit(tenure, method: .equalFrequency(bins: 4))
        #expect(d.binCount == 4)
        #expect(d.cutPoints == [14, 33, 53])   // the nearest boundaries to positions 1931, 3862, 5793
    }

    @Test func fewValuedNumericColumnsKeepOneStatePerValueAndCutNewOnes() throws {
        // "6" and "6.0" are one value, named by the shorter text; cuts halfway between values.
        let table = Dataset(names: ["Time"], states: [["12", "6", "60", "6.0"]], columns: [[0, 1, 2, 3, 1, -1]])
        let (out, cut) = try DatasetDiscretization(categoricalLimit: 10).apply(to: table)
        #expect(out.states[0] == ["6", "12", "60"])
        #expect(out.columns[0] == [1, 0, 2, 0, 0, -1])
        #expect(cut[0].cutPoints == [9, 36] && cut[0].counts == [3, 1, 1])
        let time = Variable(name: "Time", states: out.states[0], cutPoints: cut[0].cutPoints)
        #expect([72, 7, 9, 10, -3].map { time.state(forValue: $0) } == [2, 0, 0, 1, 0])
    }

    @Test func mdlFindsTheClassBoundaryAndNothingInNoise() throws {
        // Class 0 below 50, class 1 above: one cut at the boundary.
        let xs = (0..<100).map { Double($0) }
        let ys = xs.map { Int32($0 < 50 ? 0 : 1) }
        let d = try Discretizer.fit(xs, method: .mdl, target: ys)
        #expect(d.cutPoints == [49])
        // A target unrelated to x (alternating): MDL refuses to cut.
        let noise = xs.map { Int32(Int($0) % 2) }
        #expect(try Discretizer.fit(xs, method: .mdl, target: noise).cutPoints.isEmpty)
        #expect(throws: LearningError.self) { try Discretizer.fit(xs, method: .mdl) }
    }

    @Test func cutsAreTheShortestDecimalBetweenNeighbours() {
        #expect(Discretizer.simplestDecimal(from: 11, below: 12) == 11)
        #expect(Discretizer.simplestDecimal(from: 95.03, below: 95.05) == 95.03)
        #expect(Discretizer.simplestDecimal(from: 95.031, below: 95.05) == 95.04)
        #expect(Discretizer.simplestDecimal(from: 0.1234, below: 0.9) == 0.2)
        #expect(Discretizer.simplestDecimal(from: -3.7, below: -1.2) == -3)
        #expect(Discretizer.simplestDecimal(from: 1, below: 1 + 1e-14) == 1)
    }

    static let table = Dataset(
        names: ["tenure", "senior", "churn", "plan"],
        states: [["1", "5", "12", "30", "40", "60", "70", "2", "3", "4", "6", "7"], ["0", "1"], ["yes", "no"], ["a", "b"]],
        columns: [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -1, 0],
                  [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
                  [0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0],
                  [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]])

    @Test func datasetDiscretisationCutsOnlyManyValuedNumericColumns() throws {
        let plan = DatasetDiscretization(automatic: .equalFrequency(bins: 2), categoricalLimit: 10)
        let (out, cut) = try plan.apply(to: Self.table)
        // senior has 2 values: one state per value, cut halfway; churn and plan are text.
        #expect(cut.map(\.name) == ["tenure", "senior"])
        // 13 observed values: 1 1 2 3 4 5 | 6 7 12 30 40 60 70, cut at the shortest decimal in [5, 6).
        #expect(cut[0].cutPoints == [5])
        #expect(out.states[0] == ["(-inf,5]", "(5,inf)"])
        #expect(out.columns[0] == [0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, -1, 0])
        #expect(cut[0].counts == [6, 7])
        #expect(out.columns[1] == Self.table.columns[1] && out.states[1] == ["0", "1"])
        #expect(cut[1].method == "values" && cut[1].cutPoints == [0.5] && cut[1].counts == [7, 7])
        #expect(cut[0].minimum == 1 && cut[0].maximum == 70)
    }

    @Test func namedColumnsMethodsAndErrors() throws {
        let mdl = DatasetDiscretization(methods: ["tenure": .mdl], automatic: nil, target: "churn")
        let (out, cut) = try mdl.apply(to: Self.table)
        #expect(cut.count == 1 && cut[0].method == "mdl")
        #expect(out.columns[0].allSatisfy { $0 >= -1 && $0 < Int32(cut[0].cutPoints.count + 1) })
        let keepTenure: [String: Discretizer.Method?] = ["tenure": nil]
        let keep = DatasetDiscretization(methods: keepTenure, automatic: .equalWidth(bins: 3))
        #expect(try keep.apply(to: Self.table).columns.map(\.name) == ["senior"])   // two values: one state each
        #expect(throws: LearningError.self) { try DatasetDiscretization(methods: ["plan": .equalWidth(bins: 2)]).apply(to: Self.table) }
        #expect(throws: LearningError.self) { try DatasetDiscretization(methods: ["nope": .mdl]).apply(to: Self.table) }
        #expect(throws: LearningError.self) { try DatasetDiscretization(methods: ["tenure": .mdl]).apply(to: Self.table) }
        #expect(try DatasetDiscretization.parseMethod("equal-width:5") == .equalWidth(bins: 5))
        #expect(try DatasetDiscretization.parseMethod("quantile:4") == .equalFrequency(bins: 4))
        #expect(try DatasetDiscretization.parseMethod("none") == nil)
        #expect(throws: LearningError.self) { try DatasetDiscretization.parseMethod("width") }
        #expect(throws: LearningError.self) { try DatasetDiscretization.parseMethod("kmeans:3") }
    }

    /// Distinct rows weighted by their counts are cut as the rows themselves: the same cut
    /// points, states, bin counts and codes, for every method (values with ties, a missing
    /// target, -0 and 0 as one value).
    @Test func weightedRowsAreCutAsTheirExpandedRows() throws {
        var rng = SplitMix64(seed: 5)
        let texts = (0..<40).map { k in k == 0 ? "-0" : k == 1 ? "0" : k == 2 ? "3.0" : String(k % 23) }
        var codes: [Int32] = [], flags: [Int32] = [], classes: [Int32] = []
        for _ in 0..<3_000 {
            let x = Int32(Int(rng.nextUnit() * rng.nextUnit() * 40))   // skewed: long runs of ties
            codes.append(rng.nextUnit() < 0.1 ? -1 : x)
            flags.append(Int32(Int(rng.nextUnit() * 3)))
            classes.append(rng.nextUnit() < 0.05 ? -1 : (x < 9 ? 0 : rng.nextUnit() < 0.3 ? 1 : 2))
        }
        let rows = Dataset(names: ["x", "flag", "y"], states: [texts, ["1", "2", "3"], ["a", "b", "c"]],
                           columns: [codes, flags, classes])
        // The same table as distinct rows with counts, in order of first appearance.
        var seen: [[Int32]: Int] = [:], distinct: [[Int32]] = [], counts: [Double] = []
        for i in 0..<rows.rowCount {
            let r = [codes[i], flags[i], classes[i]]
            if let k = seen[r] { counts[k] += 1 } else { seen[r] = distinct.count; distinct.append(r); counts.append(1) }
        }
        #expect(distinct.count < 400)
        let weighted = Dataset(names: rows.names, states: rows.states, columns: (0..<3).map { j in distinct.map { $0[j] } }, weights: counts)
        for method: Discretizer.Method in [.equalFrequency(bins: 4), .equalFrequency(bins: 7), .equalWidth(bins: 5), .mdl] {
            let plan = DatasetDiscretization(methods: ["x": method], automatic: .equalFrequency(bins: 3), categoricalLimit: 2, target: "y")
            let (a, cutA) = try plan.apply(to: rows)
            let (b, cutB) = try plan.apply(to: weighted)
            #expect(cutA == cutB)
            #expect(a.states == b.states)
            // Each distinct row's new codes are those of its rows.
            var firstRow: [[Int32]: Int] = [:]
            for i in 0..<rows.rowCount where firstRow[[codes[i], flags[i], classes[i]]] == nil { firstRow[[codes[i], flags[i], classes[i]]] = i }
            for (k, r) in distinct.enumerated() {
                #expect((0..<3).map { b.columns[$0][k] } == (0..<3).map { a.columns[$0][firstRow[r]!] })
            }
            #expect(cutA.first { $0.name == "x" }!.counts.reduce(0, +) == codes.filter { $0 >= 0 }.count)
        }
        // The weighted values themselves.
        let values: [Double?] = codes.map { $0 < 0 ? nil : Double(texts[Int($0)])! }
        let pairs = Dictionary(grouping: values.compactMap { $0 }, by: { $0 == 0 ? 0 : $0 }).map { (value: $0.key, weights: [Double($0.value.count)]) }
        for method: Discretizer.Method in [.equalFrequency(bins: 4), .equalWidth(bins: 3)] {
            #expect(try Discretizer.fit(values, method: method) == Discretizer.fit(Discretizer.WeightedValues(pairs), method: method))
        }
    }
}
