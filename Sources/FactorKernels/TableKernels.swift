/// Elementwise and reducing kernels over row-major tables, all driven by `StridedWalk`
/// (permute, broadcast, sum-out, max-out and the product-sum by its planar walk).
///
/// These are the odometer paths: they never materialise anything larger than their
/// output, and they are exact (no reassociation beyond a left-to-right sum per output).
public enum TableKernels {
    /// Copies `source` (axes `from`) into the axis order `to` (same labels, permuted).
    public static func permute(_ source: [Double], from: Axes, to: Axes) -> [Double] {
        precondition(from.count == to.count && to.labels.allSatisfy { from.labels.contains($0) },
                     "permute: the axes must hold the same labels")
        if from.labels == to.labels { return source }
        let n = to.entries
        let walk = StridedWalk(extents: to.cardinalities,
                               strides: [to.strides, from.strides(along: to.labels)])
        // The output is written in order (its coalesced strides are row-major): the planar
        // walk carries the source offset (a fifth of a cold query on water went to
        // permutes before GEMMs when each innermost run took an odometer step).
        let (mid, inner) = walk.plane
        let (sm, si) = walk.planeStrides(1)
        return [Double](unsafeUninitializedCapacity: n) { out, count in
            source.withUnsafeBufferPointer { src in
                var o = 0
                walk.forEachPlane { off in
                    var row = off[1]
                    if si == 1 {
                        // Rows contiguous on both sides (a block moved whole, the usual case
                        // when a label moves to the front): a copy the compiler vectorises.
                        for _ in 0..<mid {
                            for t in 0..<inner { out[o &+ t] = src[row &+ t] }
                            o &+= inner
                            row &+= sm
                        }
                        return
                    }
                    for _ in 0..<mid {
                        var i = row
                        for _ in 0..<inner { out[o] = src[i]; o &+= 1; i &+= si }
                        row &+= sm
                    }
                }
            }
            count = n
        }
    }

    /// The elementwise operation applied by `broadcast`.
    public enum BinaryOperation: Sendable {
        /// `a · b`
        case multiply
        /// `a / b`, with `x / 0 = 0` (the junction-tree convention for zero separators).
        case divide
    }

    /// `out[z] = a[z↓A] ∘ b[z↓B]` over the output axes `out`, whose labels must cover both
    /// operands' labels (absent labels broadcast).
    public static func broadcast(_ a: [Double], _ aAxes: Axes, _ b: [Double], _ bAxes: Axes,
                                 into out: Axes, _ op: BinaryOperation) -> [Double] {
        let n = out.entries
        let walk = StridedWalk(extents: out.cardinalities,
                               strides: [out.strides, aAxes.strides(along: out.labels),
                                         bAxes.strides(along: out.labels)])
        let (mid, inner) = walk.plane
        let (mo, so) = walk.planeStrides(0), (ma, sa) = walk.planeStrides(1), (mb, sb) = walk.planeStrides(2)
        return [Double](unsafeUninitializedCapacity: n) { dst, count in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    walk.forEachPlane { off in
                        var o0 = off[0], i0 = off[1], j0 = off[2]
                        for _ in 0..<mid {
                            var o = o0, i = i0, j = j0
                            switch op {
                            case .multiply:
                                for _ in 0..<inner { dst[o] = pa[i] * pb[j]; o &+= so; i &+= sa; j &+= sb }
                            case .divide:
                                for _ in 0..<inner {
                                    let d = pb[j]
                                    dst[o] = d == 0 ? 0 : pa[i] / d
                                    o &+= so; i &+= sa; j &+= sb
                                }
                            }
                            o0 &+= mo; i0 &+= ma; j0 &+= mb
                        }
                    }
                }
            }
            count = n
        }
    }

    /// `out[y] = Σ_{x ↦ y} in[x]`: sums out every label of `axes` that is not in `kept`;
    /// the output keeps the remaining labels in their input order.
    public static func sumOut(_ values: [Double], _ axes: Axes, keeping kept: [Int]) -> (values: [Double], axes: Axes) {
        let keptSet = Set(kept)
        let outAxes = axes.selecting(axes.labels.filter { keptSet.contains($0) })
        if outAxes.count == axes.count { return (values, axes) }
        // The one-operand product-sum kernel, walked in the input's own order (read sequentially).
        let n = outAxes.entries
        let walk = StridedWalk(extents: axes.cardinalities,
                               strides: [outAxes.strides(along: axes.labels), axes.strides])
        let result = [Double](unsafeUninitializedCapacity: n) { dst, count in
            dst.initialize(repeating: 0)
            values.withUnsafeBufferPointer { src in
                withUnsafeTemporaryAllocation(of: UnsafePointer<Double>.self, capacity: 1) { operand in
                    operand.initialize(repeating: src.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                    accumulate(into: dst, UnsafeBufferPointer(operand), walk)
                }
            }
            count = n
        }
        return (result, outAxes)
    }

    /// `out[y] = max_{x ↦ y} in[x]` with the arg-max: for each output entry, the row-major
    /// index of the maximising configuration of the maxed-out labels (in input order).
    /// Ties keep the first configuration in row-major order.
    public static func maxOut(_ values: [Double], _ axes: Axes, keeping kept: [Int])
        -> (values: [Double], argmax: [Int], axes: Axes, maxedAxes: Axes) {
        let keptSet = Set(kept)
        let outAxes = axes.selecting(axes.labels.filter { keptSet.contains($0) })
        let maxedAxes = axes.selecting(axes.labels.filter { !keptSet.contains($0) })
        let n = outAxes.entries
        var best = [Double](repeating: -.infinity, count: n)
        var arg = [Int](repeating: 0, count: n)
        let walk = StridedWalk(extents: axes.cardinalities,
                               strides: [outAxes.strides(along: axes.labels), axes.strides,
                                         maxedAxes.strides(along: axes.labels)])
        let (mid, inner) = walk.plane
        let (mo, so) = walk.planeStrides(0), (mi, si) = walk.planeStrides(1), (mk, sk) = walk.planeStrides(2)
        values.withUnsafeBufferPointer { src in
            best.withUnsafeMutableBufferPointer { dst in
                arg.withUnsafeMutableBufferPointer { am in
                    walk.forEachPlane { off in
                        var o0 = off[0], i0 = off[1], k0 = off[2]
                        for _ in 0..<mid {
                            var o = o0, i = i0, k = k0
                            for _ in 0..<inner {
                                let v = src[i]
                                if v > dst[o] { dst[o] = v; am[o] = k }
                                o &+= so; i &+= si; k &+= sk
                            }
                            o0 &+= mo; i0 &+= mi; k0 &+= mk
                        }
                    }
                }
            }
        }
        return (best, arg, outAxes, maxedAxes)
    }

    /// Fixes some labels to given indices and returns the table over the remaining labels
    /// (their input order kept): `out[y] = in[y, x_fixed]`.
    public static func slice(_ values: [Double], _ axes: Axes, fixing fixed: [Int: Int]) -> (values: [Double], axes: Axes) {
        let outAxes = axes.selecting(axes.labels.filter { fixed[$0] == nil })
        if outAxes.count == axes.count { return (values, axes) }
        let strides = axes.strides
        var base = 0
        for (p, label) in axes.labels.enumerated() {
            if let v = fixed[label] {
                precondition(v >= 0 && v < axes.cardinalities[p], "index out of range")
                base &+= v &* strides[p]
            }
        }
        let n = outAxes.entries
        let walk = StridedWalk(extents: outAxes.cardinalities,
                               strides: [outAxes.strides, axes.strides(along: outAxes.labels)])
        let result = [Double](unsafeUninitializedCapacity: n) { dst, count in
            values.withUnsafeBufferPointer { src in
                walk.forEachRun { len, o, so, i, si in
                    var o = o, i = i &+ base
                    for _ in 0..<len { dst[o] = src[i]; o &+= so; i &+= si }
                }
            }
            count = n
        }
        return (result, outAxes)
    }

    /// Multiplies, in place, every entry by `weights[index of label]`: soft (likelihood)
    /// evidence on one variable.
    public static func scale(_ values: inout [Double], _ axes: Axes, along label: Int, by weights: [Double]) {
        guard let p = axes.position(of: label) else { return }
        precondition(weights.count == axes.cardinalities[p], "one weight per state")
        let walk = StridedWalk(extents: axes.cardinalities,
                               strides: [axes.strides, Axes(labels: [label], cardinalities: [weights.count]).strides(along: axes.labels)])
        values.withUnsafeMutableBufferPointer { dst in
            weights.withUnsafeBufferPointer { w in
                walk.forEachRun { len, o, so, i, si in
                    var o = o, i = i
                    for _ in 0..<len { dst[o] *= w[i]; o &+= so; i &+= si }
                }
            }
        }
    }

    /// `log Σ exp(xᵢ)`, computed stably as `m + log Σ exp(xᵢ - m)` with `m = max xᵢ`
    /// (`-∞` for an empty input or all `-∞`).
    public static func logSumExp(_ xs: [Double]) -> Double {
        guard let m = xs.max(), m > -.infinity else { return -.infinity }
        if m == .infinity { return .infinity }
        var s = 0.0
        for x in xs { s += exp(x - m) }
        return m + log(s)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
