/// Kernels for compiled queries and batched evidence (used by BNInference).
///
/// Additive to `TableKernels`: a slice whose walk is built once and whose base offset is
/// recomputed per evidence row, so many rows of hard evidence become one table with a
/// leading batch axis; and normalisation with the scale handed back, so a plan can carry
/// `log` scales instead of underflowing.
extension TableKernels {
    /// Gathers one slice per base offset: `out[r, y] = values[bases[r] + offset(y)]`, where
    /// `walk` has two operands (the slice's own row-major strides, then the strides of the
    /// kept axes in `values`) and `sliceEntries` is the slice's number of entries. The
    /// result has `bases.count · sliceEntries` entries, rows outermost.
    public static func gatherSlices(_ values: [Double], walk: StridedWalk, sliceEntries: Int, bases: [Int]) -> [Double] {
        let total = bases.count * sliceEntries
        return [Double](unsafeUninitializedCapacity: total) { dst, count in
            values.withUnsafeBufferPointer { src in
                for (r, base) in bases.enumerated() {
                    let rowStart = r &* sliceEntries
                    walk.forEachRun { len, o, so, i, si in
                        var o = o &+ rowStart, i = i &+ base
                        for _ in 0..<len { dst[o] = src[i]; o &+= so; i &+= si }
                    }
                }
            }
            count = total
        }
    }

    /// The sum of `values` in eight interleaved partial sums (two four-lane vectors, lane
    /// `j` of vector `v` summing the entries `8t + 4v + j`), combined at the end: for a
    /// scale, where the order of the additions does not matter, at about twice the speed of
    /// four scalar chains.
    public static func fastSum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return 0 }
            let raw = UnsafeRawPointer(base)
            let n = p.count
            var v0 = SIMD4<Double>(), v1 = SIMD4<Double>()
            var i = 0
            while i &+ 8 <= n {
                v0 += raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD4<Double>.self)
                v1 += raw.loadUnaligned(fromByteOffset: (i &+ 4) &* 8, as: SIMD4<Double>.self)
                i &+= 8
            }
            var s = (v0 + v1).sum()
            while i < n { s += p[i]; i &+= 1 }
            return s
        }
    }

    /// Divides `values` by their sum `s` (when `s` is positive and finite) and returns `s`.
    @discardableResult
    public static func normalize(_ values: inout [Double]) -> Double {
        var s = 0.0
        values.withUnsafeBufferPointer { p in for x in p { s += x } }
        guard s > 0, s.isFinite else { return s }
        let inv = 1 / s
        values.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] *= inv }
        }
        return s
    }

    /// For every state `i` of `label`, divides the entries with `label = i` by their sum
    /// `sᵢ` (left unchanged when `sᵢ` is 0) and returns the sums `s`. `label` must be an
    /// axis of `axes`. This is the per-row rescaling of a table with a batch axis.
    @discardableResult
    public static func normalize(_ values: inout [Double], _ axes: Axes, along label: Int) -> [Double] {
        guard let p = axes.position(of: label) else { preconditionFailure("label \(label) is not an axis") }
        let k = axes.cardinalities[p]
        let walk = StridedWalk(extents: axes.cardinalities,
                               strides: [axes.strides,
                                         Axes(labels: [label], cardinalities: [k]).strides(along: axes.labels)])
        var sums = [Double](repeating: 0, count: k)
        values.withUnsafeBufferPointer { src in
            sums.withUnsafeMutableBufferPointer { acc in
                walk.forEachRun { len, o, so, i, si in
                    var o = o, i = i
                    for _ in 0..<len { acc[i] += src[o]; o &+= so; i &+= si }
                }
            }
        }
        let inverse = sums.map { $0 > 0 && $0.isFinite ? 1 / $0 : 1 }
        values.withUnsafeMutableBufferPointer { dst in
            inverse.withUnsafeBufferPointer { w in
                walk.forEachRun { len, o, so, i, si in
                    var o = o, i = i
                    for _ in 0..<len { dst[o] *= w[i]; o &+= so; i &+= si }
                }
            }
        }
        return sums
    }
}
