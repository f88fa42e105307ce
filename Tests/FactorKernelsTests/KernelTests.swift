import Testing
import FactorKernels

@Suite("Flat-buffer kernels")
struct KernelTests {
    @Test func walkCoalescesContiguousAxes() {
        // A contiguous 2x3x4 walk is one run of 24.
        let w = StridedWalk(extents: [2, 3, 4], strides: [[12, 4, 1], [12, 4, 1]])
        #expect(w.extents == [24])
        #expect(w.strides == [[1], [1]])
        // Unit axes disappear; a broadcast axis (stride 0) stops merging.
        let b = StridedWalk(extents: [2, 1, 3], strides: [[3, 3, 1], [0, 0, 1]])
        #expect(b.extents == [2, 3])
        #expect(b.strides == [[3, 1], [0, 1]])
        var visited: [Int] = []
        b.forEachRun { n, o, so, i, si in for t in 0..<n { visited.append((o + t * so) * 10 + (i + t * si)) } }
        #expect(visited == [0, 11, 22, 30, 41, 52])
    }

    @Test func permuteTransposes() {
        let from = Axes(labels: [7, 9], cardinalities: [2, 3])
        let to = Axes(labels: [9, 7], cardinalities: [3, 2])
        #expect(TableKernels.permute([1, 2, 3, 4, 5, 6], from: from, to: to) == [1, 4, 2, 5, 3, 6])
    }

    @Test func permuteMovesContiguousBlocksWhole() {
        // [a, b, c] -> [b, a, c]: rows of c are contiguous on both sides (the unit-stride
        // branch); checked entry by entry against the index arithmetic.
        let from = Axes(labels: [1, 2, 3], cardinalities: [3, 4, 5])
        let to = Axes(labels: [2, 1, 3], cardinalities: [4, 3, 5])
        let source = (0..<60).map(Double.init)
        let out = TableKernels.permute(source, from: from, to: to)
        for b in 0..<4 { for a in 0..<3 { for c in 0..<5 {
            #expect(out[(b * 3 + a) * 5 + c] == source[(a * 4 + b) * 5 + c])
        } } }
    }

    @Test func fastSumAddsEveryEntry() {
        for n in [0, 1, 3, 7, 8, 9, 16, 17, 100] {
            let values = (0..<n).map { Double($0 % 7) * 0.25 + 1 }
            #expect(TableKernels.fastSum(values) == values.reduce(0, +))  // exact: multiples of 1/4
        }
    }

    @Test func gemmDispatchMatchesNaiveProducts() {
        // Every dispatch branch (ddot, gemv both ways, gemm) and both transposes.
        var seed: UInt64 = 42
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) * 0x1.0p-53
        }
        for (m, n, k) in [(1, 1, 7), (5, 1, 3), (1, 6, 4), (4, 5, 3), (3, 3, 1)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    let a = (0..<(m * k)).map { _ in next() }
                    let b = (0..<(k * n)).map { _ in next() }
                    var expected = [Double](repeating: 0, count: m * n)
                    for i in 0..<m {
                        for j in 0..<n {
                            var s = 0.0
                            for l in 0..<k {
                                let av = transA ? a[l * m + i] : a[i * k + l]
                                let bv = transB ? b[j * k + l] : b[l * n + j]
                                s += av * bv
                            }
                            expected[i * n + j] = s
                        }
                    }
                    var c = [Double](repeating: -1, count: m * n)
                    a.withUnsafeBufferPointer { pa in
                        b.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                BLAS.gemm(m: m, n: n, k: k, a: pa.baseAddress!, transA: transA,
                                          b: pb.baseAddress!, transB: transB, c: pc.baseAddress!)
                            }
                        }
                    }
                    for (x, y) in zip(c, expected) { #expect(abs(x - y) <= 1e-12) }
                }
            }
        }
    }

    @Test func logSumExpIsStable() {
        #expect(TableKernels.logSumExp([]) == -.infinity)
        #expect(TableKernels.logSumExp([-.infinity, -.infinity]) == -.infinity)
        let big = TableKernels.logSumExp([1000, 1000])
        #expect(abs(big - (1000 + 0.6931471805599453)) < 1e-12)
        let small = TableKernels.logSumExp([-1000, -1001])
        #expect(abs(small - (-1000 + 0.31326168751822286)) < 1e-12)
    }

    @Test func sliceAndSumOut() {
        let axes = Axes(labels: [1, 2], cardinalities: [2, 3])
        let values: [Double] = [1, 2, 3, 4, 5, 6]
        #expect(TableKernels.slice(values, axes, fixing: [2: 1]).values == [2, 5])
        #expect(TableKernels.slice(values, axes, fixing: [1: 1]).values == [4, 5, 6])
        #expect(TableKernels.sumOut(values, axes, keeping: [2]).values == [5, 7, 9])
        #expect(TableKernels.sumOut(values, axes, keeping: [1]).values == [6, 15])
        #expect(TableKernels.sumOut(values, axes, keeping: []).values == [21])
    }

    @Test func divisionByZeroGivesZero() {
        let axes = Axes(labels: [1], cardinalities: [3])
        let q = TableKernels.broadcast([1, 2, 3], axes, [0, 4, 0], axes, into: axes, .divide)
        #expect(q == [0, 0.5, 0])
    }
}
