import Testing
import FactorKernels

/// Every kernel on the planar walk (permute, broadcast, sum-out, max-out, the
/// multi-operand product-sum) against a plain definition by enumeration, over walks of
/// zero to five axes (so the plane has no, one or two axes and the odometer zero to three).
@Suite("Planar-walk kernels")
struct PlanarWalkTests {
    static let card = [0: 3, 1: 2, 2: 4, 3: 3, 4: 2]

    static func table(_ labels: [Int], _ seed: inout UInt64) -> Table {
        let axes = Axes(labels: labels, cardinalities: labels.map { card[$0]! })
        let values = (0..<axes.entries).map { _ -> Double in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return 0.05 + Double(seed >> 11) / Double(1 << 53)
        }
        return Table(axes: axes, values: values)
    }

    /// Every assignment of `axes` (row-major), as `label → state`.
    static func assignments(_ axes: Axes) -> [[Int: Int]] {
        var out: [[Int: Int]] = [[:]]
        for (l, c) in zip(axes.labels, axes.cardinalities) {
            out = out.flatMap { a in (0..<c).map { s in var b = a; b[l] = s; return b } }
        }
        return out
    }

    static func offset(_ axes: Axes, _ a: [Int: Int]) -> Int {
        var o = 0
        for (l, c) in zip(axes.labels, axes.cardinalities) { o = o * c + a[l]! }
        return o
    }

    static let shapes: [[[Int]]] = [
        [[]], [[2]], [[0, 1]], [[2, 0, 1]], [[0, 1, 2, 3]], [[4, 3, 2, 1, 0]],
        [[0, 1], [1, 2]], [[2, 3, 0], [0, 4], [3]], [[0, 1, 2], [2, 3], [3, 4], [4, 0]],
    ]

    @Test("product-sum, for one to four operands, keeping some labels", arguments: shapes)
    func productSum(labels: [[Int]]) {
        var seed: UInt64 = 5
        let tables = labels.map { Self.table($0, &seed) }
        var union: [Int] = []
        for l in labels.joined() where !union.contains(l) { union.append(l) }
        for keepCount in 0...union.count {
            let out = Axes(labels: Array(union.prefix(keepCount)), cardinalities: union.prefix(keepCount).map { Self.card[$0]! })
            let rest = Array(union.dropFirst(keepCount))
            let summed = Axes(labels: rest, cardinalities: rest.map { Self.card[$0]! })
            var expected = [Double](repeating: 0, count: out.entries)
            for a in Self.assignments(Axes(labels: union, cardinalities: union.map { Self.card[$0]! })) {
                var p = 1.0
                for t in tables { p *= t.values[Self.offset(t.axes, a)] }
                expected[Self.offset(out, a)] += p
            }
            let got = TableKernels.productSum(tables, out: out, summed: summed)
            #expect(got.count == expected.count)
            for (x, y) in zip(got, expected) { #expect(abs(x - y) <= 1e-12 * max(1, abs(y))) }
        }
    }

    @Test("permute, sum-out, max-out and broadcast", arguments: shapes.map { $0[0] })
    func unaryKernels(labels: [Int]) {
        var seed: UInt64 = 9
        let t = Self.table(labels, &seed)
        let all = Self.assignments(t.axes)
        // Permute: reversed order.
        let to = t.axes.selecting(labels.reversed())
        let permuted = TableKernels.permute(t.values, from: t.axes, to: to)
        for a in all { #expect(permuted[Self.offset(to, a)] == t.values[Self.offset(t.axes, a)]) }
        // Sum-out and max-out, keeping every other label.
        let kept = labels.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let sum = TableKernels.sumOut(t.values, t.axes, keeping: kept)
        let max = TableKernels.maxOut(t.values, t.axes, keeping: kept)
        var expectedSum = [Double](repeating: 0, count: sum.axes.entries)
        var expectedMax = [Double](repeating: -.infinity, count: sum.axes.entries)
        for a in all {
            let o = Self.offset(sum.axes, a), v = t.values[Self.offset(t.axes, a)]
            expectedSum[o] += v
            expectedMax[o] = Swift.max(expectedMax[o], v)
        }
        for (x, y) in zip(sum.values, expectedSum) { #expect(abs(x - y) <= 1e-12 * Swift.max(1, abs(y))) }
        #expect(max.values == expectedMax)
        // Broadcast: the table times its own first label's marginal-shaped table, into `to`.
        let b = Self.table(Array(labels.prefix(1)), &seed)
        let product = TableKernels.broadcast(t.values, t.axes, b.values, b.axes, into: to, .multiply)
        for a in all {
            #expect(product[Self.offset(to, a)] == t.values[Self.offset(t.axes, a)] * b.values[Self.offset(b.axes, a)])
        }
    }
}
