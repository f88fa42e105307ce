/// A compiled pairwise contraction `C = Σ_{summed} A ⊗ B`: "multiply these two tables and
/// sum out these labels" without materialising the product.
///
/// Following the transpose-transpose-GEMM-transpose (TTGT) scheme of tensor-contraction
/// libraries, the labels of the operands are sorted into groups:
///
/// | group | in A | in B | kept | role |
/// |---|---|---|---|---|
/// | batch | ✓ | ✓ | ✓ | one GEMM per batch index |
/// | M | ✓ | – | ✓ | rows of the GEMM |
/// | N | – | ✓ | ✓ | columns of the GEMM |
/// | K | ✓ | ✓ | – | contracted dimension |
/// | A-only / B-only summed | one | – | – | summed out of that operand first |
///
/// so that `C[b, m, n] = Σ_k A[b, m, k] · B[b, k, n]`. When an operand is already laid out
/// as `[batch, M, K]` (or `[batch, K, M]`, passed transposed) no copy is made; otherwise it
/// is permuted once. Small problems (`M·N·K` below `blasThreshold`) skip BLAS and run an
/// odometer loop straight over the original layouts.
///
/// The result's axes are `batch ++ M ++ N`. A plan depends only on the shapes, so it is
/// built once and executed for every pair of tables with those shapes. It is an immutable
/// class: running a cached plan handles one reference, where copying a struct of a dozen
/// `Axes` retained and released some twenty arrays per step (7 % of barley's warm query).
public final class ContractionPlan: Sendable {
    /// Which kernel a plan runs.
    public enum Path: Sendable, Equatable {
        /// Decide by `M·N·K` against the threshold.
        case automatic
        /// Force the odometer loop.
        case odometer
        /// Force the BLAS path.
        case blas
    }

    /// The measured crossover (flops `M·N·K` per GEMM call) below which the odometer path
    /// is faster than calling BLAS; see BENCHMARKS.md, "Choosing the BLAS threshold".
    public static let defaultBLASThreshold = 16

    public let a: Axes
    public let b: Axes
    /// The result's axes: `batch ++ M ++ N`.
    public let output: Axes
    /// Whether this plan runs through BLAS.
    public let usesBLAS: Bool

    let aReduced: Axes
    let bReduced: Axes
    let batch: Axes, m: Axes, n: Axes, k: Axes
    let aLayout: Layout
    let bLayout: Layout
    /// Whether an operand has labels summed out before the pairwise step.
    let aNeedsPreSum: Bool
    let bNeedsPreSum: Bool
    /// The odometer walk over `[batch, M, N, K]` or `[batch, M, K, N]` (output, A, B), built once.
    let odometerWalk: StridedWalk?

    enum Layout: Sendable, Equatable {
        case direct              // [batch, rows, inner] already
        case transposed          // [batch, inner, rows]
        case permuted(Axes)      // copy into these axes first (= [batch, rows, inner])
    }

    /// Plans `Σ_{labels not kept} A·B` where a label is kept when `keep` contains it.
    /// Labels shared by `a` and `b` must have equal cardinalities.
    public convenience init(a: Axes, b: Axes, keep: Set<Int>, path: Path = .automatic,
                blasThreshold: Int = ContractionPlan.defaultBLASThreshold) {
        self.init(a: a, b: b, isKept: { keep.contains($0) }, path: path, blasThreshold: blasThreshold)
    }

    /// Plans `Σ_{labels not kept} A·B` where a label is kept when `isKept` says so (called
    /// only for labels of `a` or `b`). Builds no hash sets: operands have a handful of
    /// labels, and plans are built per bucket of one-shot eliminations, where hashing was
    /// a tenth of a cold query's time (barley).
    public init(a: Axes, b: Axes, isKept: (Int) -> Bool, path: Path = .automatic,
                blasThreshold: Int = ContractionPlan.defaultBLASThreshold) {
        self.a = a
        self.b = b
        let aLabels = a.labels, bLabels = b.labels
        func inA(_ l: Int) -> Bool { aLabels.contains(l) }
        func inB(_ l: Int) -> Bool { bLabels.contains(l) }
        for (label, card) in zip(a.labels, a.cardinalities) {
            if let other = b.cardinality(of: label) {
                precondition(other == card, "label \(label) has cardinality \(card) in A and \(other) in B")
            }
        }
        // A-only and B-only summed labels are reduced first.
        aReduced = a.selecting(a.labels.filter { inB($0) || isKept($0) })
        bReduced = b.selecting(b.labels.filter { inA($0) || isKept($0) })

        // Two candidate orders for the shared groups (batch, K): A's or B's. Pick the one
        // that needs fewer copied entries.
        func groups(sharedOrderFrom ref: Axes) -> (batch: Axes, m: Axes, n: Axes, k: Axes) {
            let batchLabels = ref.labels.filter { inA($0) && inB($0) && isKept($0) }
            let kLabels = ref.labels.filter { inA($0) && inB($0) && !isKept($0) }
            let mLabels = a.labels.filter { !inB($0) && isKept($0) }
            let nLabels = b.labels.filter { !inA($0) && isKept($0) }
            return (a.selecting(batchLabels), a.selecting(mLabels), b.selecting(nLabels), a.selecting(kLabels))
        }
        // Whether `x` is `p ++ q ++ r`, compared in place (no concatenated copies).
        func isConcatenation(_ x: [Int], _ p: [Int], _ q: [Int], _ r: [Int]) -> Bool {
            guard x.count == p.count + q.count + r.count else { return false }
            var i = 0
            func matches(_ part: [Int]) -> Bool {
                for l in part {
                    if x[i] != l { return false }
                    i += 1
                }
                return true
            }
            return matches(p) && matches(q) && matches(r)
        }
        func layout(_ x: Axes, batch: Axes, rows: Axes, inner: Axes) -> Layout {
            if isConcatenation(x.labels, batch.labels, rows.labels, inner.labels) { return .direct }
            if isConcatenation(x.labels, batch.labels, inner.labels, rows.labels) { return .transposed }
            return .permuted(Axes(labels: batch.labels + rows.labels + inner.labels,
                                  cardinalities: batch.cardinalities + rows.cardinalities + inner.cardinalities))
        }
        // The entries copied to bring `x` to `[batch, rows, inner]` (0 when it is there or transposed).
        func copies(_ x: Axes, batch: Axes, rows: Axes, inner: Axes) -> Int {
            if isConcatenation(x.labels, batch.labels, rows.labels, inner.labels)
                || isConcatenation(x.labels, batch.labels, inner.labels, rows.labels) { return 0 }
            return x.entries
        }
        // Whether A and B list their shared labels in the same order: then both candidate
        // orders are one and the same (the usual case), and the second is not built.
        let aReducedLabels = aReduced.labels, bReducedLabels = bReduced.labels
        func sameSharedOrder() -> Bool {
            var j = 0
            let bl = bReducedLabels
            for l in aReducedLabels where inB(l) {
                while j < bl.count && !inA(bl[j]) { j += 1 }
                if j == bl.count || bl[j] != l { return false }
                j += 1
            }
            return true
        }
        let ga = groups(sharedOrderFrom: aReduced)
        var g = ga
        if !sameSharedOrder() {
            let gb = groups(sharedOrderFrom: bReduced)
            let copiesA = copies(aReduced, batch: ga.batch, rows: ga.m, inner: ga.k) + copies(bReduced, batch: ga.batch, rows: ga.n, inner: ga.k)
            let copiesB = copies(aReduced, batch: gb.batch, rows: gb.m, inner: gb.k) + copies(bReduced, batch: gb.batch, rows: gb.n, inner: gb.k)
            if copiesB < copiesA { g = gb }
        }
        (batch, m, n, k) = (g.batch, g.m, g.n, g.k)
        // B is stored [batch, K, N] (direct) or [batch, N, K] (transposed): its "rows" in
        // the sense of `layout` are N and its inner dimension K, with the roles swapped.
        aLayout = layout(aReduced, batch: g.batch, rows: g.m, inner: g.k)
        switch layout(bReduced, batch: g.batch, rows: g.k, inner: g.n) {
        case .direct: bLayout = .direct
        case .transposed: bLayout = .transposed
        case .permuted(let target): bLayout = .permuted(target)
        }
        output = Axes(labels: g.batch.labels + g.m.labels + g.n.labels,
                      cardinalities: g.batch.cardinalities + g.m.cardinalities + g.n.cardinalities)

        let (mn, o1) = g.m.entries.multipliedReportingOverflow(by: g.n.entries)
        let (mnk, o2) = mn.multipliedReportingOverflow(by: g.k.entries)
        let fitsBLAS = [g.m.entries, g.n.entries, g.k.entries].allSatisfy { $0 <= Int(Int32.max) }
        let blas: Bool
        switch path {
        case .odometer: blas = false
        case .blas: blas = fitsBLAS
        case .automatic: blas = fitsBLAS && (o1 || o2 || mnk >= blasThreshold)
        }
        usesBLAS = blas
        aNeedsPreSum = aReduced.count != a.count
        bNeedsPreSum = bReduced.count != b.count
        if blas {
            odometerWalk = nil
        } else {
            // The longer of K and N goes innermost: K innermost makes each output entry one
            // strided dot product; N innermost makes each step an axpy over an output row.
            // Either way every output entry sums its K terms in increasing order.
            let kInner = g.k.entries >= g.n.entries
            let inner = kInner ? [g.n, g.k] : [g.k, g.n]
            let walkLabels = g.batch.labels + g.m.labels + inner[0].labels + inner[1].labels
            let extents = g.batch.cardinalities + g.m.cardinalities + inner[0].cardinalities + inner[1].cardinalities
            odometerWalk = StridedWalk(extents: extents,
                                       strides: [output.strides(along: walkLabels),
                                                 aReduced.strides(along: walkLabels),
                                                 bReduced.strides(along: walkLabels)])
        }
    }

    /// The axis order into which this plan copies operand A before its GEMM, when it does
    /// (nil when A is used in place, or has labels summed out first): the same plan built
    /// with A given in that order uses it in place and computes the same numbers.
    public var aCopiedInto: Axes? {
        if case .permuted(let target) = aLayout, !aNeedsPreSum { return target }
        return nil
    }

    /// `aCopiedInto` for operand B.
    public var bCopiedInto: Axes? {
        if case .permuted(let target) = bLayout, !bNeedsPreSum { return target }
        return nil
    }

    /// Runs the contraction on tables laid out as `a` and `b`.
    public func execute(_ aValues: [Double], _ bValues: [Double]) -> [Double] {
        precondition(aValues.count == a.entries && bValues.count == b.entries, "table sizes do not match the plan")
        let ar = aNeedsPreSum ? TableKernels.sumOut(aValues, a, keeping: aReduced.labels).values : aValues
        let br = bNeedsPreSum ? TableKernels.sumOut(bValues, b, keeping: bReduced.labels).values : bValues
        return usesBLAS ? runBLAS(ar, br) : runOdometer(ar, br)
    }

    private func runOdometer(_ av: [Double], _ bv: [Double]) -> [Double] {
        let walk = odometerWalk!
        let count = output.entries
        return [Double](unsafeUninitializedCapacity: count) { dst, initialized in
            dst.initialize(repeating: 0)
            av.withUnsafeBufferPointer { pa in
                bv.withUnsafeBufferPointer { pb in
                    walk.forEachRun3 { len, o, so, i, si, j, sj in
                        var i = i, j = j
                        if so == 0 {
                            var s = 0.0
                            for _ in 0..<len { s += pa[i] * pb[j]; i &+= si; j &+= sj }
                            dst[o] += s
                        } else {
                            var o = o
                            for _ in 0..<len { dst[o] += pa[i] * pb[j]; o &+= so; i &+= si; j &+= sj }
                        }
                    }
                }
            }
            initialized = count
        }
    }

    private func runBLAS(_ av: [Double], _ bv: [Double]) -> [Double] {
        let aMat: [Double], transA: Bool
        switch aLayout {
        case .direct: (aMat, transA) = (av, false)
        case .transposed: (aMat, transA) = (av, true)
        case .permuted(let target): (aMat, transA) = (TableKernels.permute(av, from: aReduced, to: target), false)
        }
        let bMat: [Double], transB: Bool
        switch bLayout {
        case .direct: (bMat, transB) = (bv, false)
        case .transposed: (bMat, transB) = (bv, true)
        case .permuted(let target): (bMat, transB) = (TableKernels.permute(bv, from: bReduced, to: target), false)
        }
        let bs = batch.entries, mm = m.entries, nn = n.entries, kk = k.entries
        let count = output.entries
        return [Double](unsafeUninitializedCapacity: count) { dst, initialized in
            aMat.withUnsafeBufferPointer { pa in
                bMat.withUnsafeBufferPointer { pb in
                    for t in 0..<bs {
                        BLAS.gemm(m: mm, n: nn, k: kk,
                                  a: pa.baseAddress! + t * mm * kk, transA: transA,
                                  b: pb.baseAddress! + t * kk * nn, transB: transB,
                                  c: dst.baseAddress! + t * mm * nn)
                    }
                }
            }
            initialized = count
        }
    }
}

extension ContractionPlan {
    /// The pairing rule of every pairwise contraction ("contract the smallest pair first",
    /// the greedy pair order of tensor-network contraction): among `count` operands, the
    /// pair `i < j` whose `cost` (the size of their contracted result, in any monotone
    /// unit) is smallest; the first such pair in `(i, j)` order on ties. `count ≥ 2`.
    @inline(__always)
    public static func smallestPair<Cost: Comparable>(_ count: Int, cost: (Int, Int) -> Cost) -> (i: Int, j: Int, cost: Cost) {
        precondition(count >= 2)
        var best = (i: 0, j: 1, cost: cost(0, 1))
        for i in 0..<count {
            for j in (i + 1)..<count where i > 0 || j > 1 {
                let c = cost(i, j)
                if c < best.cost { best = (i, j, c) }
            }
        }
        return best
    }
}
