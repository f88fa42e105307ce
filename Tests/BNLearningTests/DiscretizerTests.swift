import Testing
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
        #expect(d.cutPoints == [1.5])      // the median falls inside the run of 1s, cut after it
        let q = try Discretizer.fit((1...100).map { Double($0) }, method: .equalFrequency(bins: 4))
        #expect(q.cutPoints == [25.5, 50.5, 75.5])
    }

    @Test func mdlFindsTheClassBoundaryAndNothingInNoise() throws {
        // Class 0 below 50, class 1 above: one cut at the boundary.
        let xs = (0..<100).map { Double($0) }
        let ys = xs.map { Int32($0 < 50 ? 0 : 1) }
        let d = try Discretizer.fit(xs, method: .mdl, target: ys)
        #expect(d.cutPoints == [49.5])
        // A target unrelated to x (alternating): MDL refuses to cut.
        let noise = xs.map { Int32(Int($0) % 2) }
        #expect(try Discretizer.fit(xs, method: .mdl, target: noise).cutPoints.isEmpty)
        #expect(throws: LearningError.self) { try Discretizer.fit(xs, method: .mdl) }
    }
}
