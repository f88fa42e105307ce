import Testing
import BNCore
import FactorKernels
@testable import BNInference

/// The one-shot elimination's kernels against a plain definition of the sum.
@Suite("One-shot elimination kernels")
struct DirectEliminationTests {
    /// `Σ_{summed} ∏ tables` by enumerating every joint assignment, over `out` in its order.
    static func bruteForce(_ tables: [DirectElimination.Table], out: Axes, summed: Axes) -> [Double] {
        let all = out.labels + summed.labels
        let cards = out.cardinalities + summed.cardinalities
        var result = [Double](repeating: 0, count: out.entries)
        var index = [Int](repeating: 0, count: all.count)
        for _ in 0..<(cards.reduce(1, *)) {
            var p = 1.0
            for t in tables {
                var offset = 0
                for (l, c) in zip(t.axes.labels, t.axes.cardinalities) { offset = offset * c + index[all.firstIndex(of: l)!] }
                p *= t.values[offset]
            }
            var o = 0
            for k in 0..<out.count { o = o * out.cardinalities[k] + index[k] }
            result[o] += p
            _ = advanceOdometer(&index, cards)
        }
        return result
    }

    static func table(_ labels: [Int], _ card: [Int: Int], _ rng: inout SplitMix64) -> DirectElimination.Table {
        let axes = Axes(labels: labels, cardinalities: labels.map { card[$0]! })
        return DirectElimination.Table(axes: axes, values: (0..<axes.entries).map { _ in 0.05 + rng.nextUnit() })
    }

    @Test("the largest operand's order gives the same sums, on the same axes it reports",
          arguments: [
            // (tables' labels, kept labels): a big CPT-like table and smaller ones; kept
            // labels inside and outside the largest table; summed labels absent from it.
            ([[0, 1, 2, 3, 4], [4, 5], [1]], [0, 3, 5]),
            ([[6, 2, 0, 4], [0, 7], [7, 2]], [2, 7]),
            ([[3, 1, 0, 2, 5], [5, 4]], [4, 0]),
            ([[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]], [1]),
          ])
    func largestOrderMatchesTheDefinition(labels: [[Int]], kept: [Int]) {
        var rng = SplitMix64(seed: 42)
        let card = [0: 4, 1: 3, 2: 5, 3: 4, 4: 3, 5: 2, 6: 5, 7: 4]
        let tables = labels.map { Self.table($0, card, &rng) }
        let union = Array(Set(labels.flatMap { $0 })).sorted()
        let out = Axes(labels: kept, cardinalities: kept.map { card[$0]! })
        let summedLabels = union.filter { !kept.contains($0) }
        let summed = Axes(labels: summedLabels, cardinalities: summedLabels.map { card[$0]! })
        #expect(tables.map(\.values.count).max()! >= DirectElimination.reorderMinimumEntries)
        let (values, axes) = DirectElimination.productSumInLargestOrder(tables, out: out, summed: summed)
        #expect(Set(axes.labels) == Set(kept))
        let expected = Self.bruteForce(tables, out: axes, summed: summed)
        #expect(values.count == expected.count)
        for (x, y) in zip(values, expected) { #expect(abs(x - y) <= 1e-12 * max(1, abs(y))) }
        // And the plain walk, in the requested order, agrees.
        let plain = DirectElimination.productSum(tables, out: out, summed: summed)
        let plainExpected = Self.bruteForce(tables, out: out, summed: summed)
        for (x, y) in zip(plain, plainExpected) { #expect(abs(x - y) <= 1e-12 * max(1, abs(y))) }
    }

    @Test("a matrix product is tried for two tables only when each keeps 4 entries of its own")
    func matrixProductThreshold() {
        var rng = SplitMix64(seed: 1)
        let card = [0: 4, 1: 2, 2: 2, 3: 8, 4: 3]
        // A keeps {1, 2} (4 entries), B keeps {3} (8): worth it.
        let a = Self.table([0, 1, 2], card, &rng), b = Self.table([0, 3], card, &rng)
        #expect(DirectElimination.worthAMatrixProduct([a, b], summed: [0]))
        // A keeps {4} (3 entries) only: a matrix-vector product, not worth a copy.
        let c = Self.table([0, 4], card, &rng)
        #expect(!DirectElimination.worthAMatrixProduct([c, b], summed: [0]))
    }
}
