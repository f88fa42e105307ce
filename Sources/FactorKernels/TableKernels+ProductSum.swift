extension TableKernels {
    /// `ψ(out) = Σ_{summed} ∏ᵢ tables[i]`, the multi-operand product-sum of a one-shot
    /// bucket elimination: one odometer walk over `out ++ summed` (summed innermost)
    /// carrying one offset per table; no table over the joint scope is built. Every label
    /// of a table must be in `out` or `summed`. `walk`, when given, is the walk over
    /// `out ∪ summed` in another order (outermost first), e.g. the largest operand's.
    public static func productSum(_ tables: [Table], out: Axes, summed: Axes, walk order: Axes? = nil) -> [Double] {
        let walkLabels = order?.labels ?? (out.labels + summed.labels)
        let extents = order?.cardinalities ?? (out.cardinalities + summed.cardinalities)
        var strides: [[Int]] = [out.strides(along: walkLabels)]
        for t in tables { strides.append(t.axes.strides(along: walkLabels)) }
        let walk = StridedWalk(extents: extents, strides: strides)
        let total = out.entries
        return withPointers(tables.map { $0.values }) { operands in
            [Double](unsafeUninitializedCapacity: total) { dst, initialized in
                dst.initialize(repeating: 0)
                operands.withUnsafeBufferPointer { accumulate(into: dst, $0, walk) }
                initialized = total
            }
        }
    }

    /// Runs `body` with a base pointer for each array (kept alive for the call).
    private static func withPointers<R>(_ arrays: [[Double]], _ body: ([UnsafePointer<Double>]) -> R) -> R {
        var pointers: [UnsafePointer<Double>] = []
        pointers.reserveCapacity(arrays.count)
        func nest(_ i: Int) -> R {
            if i == arrays.count { return body(pointers) }
            return arrays[i].withUnsafeBufferPointer { p in
                pointers.append(p.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                return nest(i + 1)
            }
        }
        return nest(0)
    }

    /// The product-sum kernel: `dst[o] += ∏ᵢ src_i[offᵢ]` along `walk` (operand 0 is the
    /// output, operand `i + 1` is `src[i]`), plane by plane (`StridedWalk.forEachPlane`),
    /// with loops specialised for one to three operands (one operand: `sumOut`).
    static func accumulate(into dst: UnsafeMutableBufferPointer<Double>, _ src: UnsafeBufferPointer<UnsafePointer<Double>>,
                           _ walk: StridedWalk) {
        let k = src.count
        if walk.extents.isEmpty {
            var p = 1.0
            for i in 0..<k { p *= src[i][0] }
            dst[0] += p
            return
        }
        let (mid, inner) = walk.plane
        // Plane strides of every operand (0 = the output), on the stack.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (k + 1)) { scratch in
            let ms = UnsafeMutableBufferPointer(rebasing: scratch[0...k])
            let st = UnsafeMutableBufferPointer(rebasing: scratch[(k + 1)...(2 * k + 1)])
            let cur = UnsafeMutableBufferPointer(rebasing: scratch[(2 * k + 2)...])
            for j in 0...k { (ms[j], st[j]) = walk.planeStrides(j) }
            let so = st[0], mo = ms[0]
            walk.forEachPlane { off in
                switch k {
                case 1:
                    let a = src[0], sa = st[1], ma = ms[1]
                    var o0 = off[0], i0 = off[1]
                    for _ in 0..<mid {
                        var o = o0, i = i0
                        if so == 0 {
                            var s = 0.0
                            for _ in 0..<inner { s += a[i]; i &+= sa }
                            dst[o] += s
                        } else {
                            for _ in 0..<inner { dst[o] += a[i]; o &+= so; i &+= sa }
                        }
                        o0 &+= mo; i0 &+= ma
                    }
                case 2:
                    let a = src[0], b = src[1], sa = st[1], sb = st[2], ma = ms[1], mb = ms[2]
                    var o0 = off[0], i0 = off[1], j0 = off[2]
                    for _ in 0..<mid {
                        var o = o0, i = i0, j = j0
                        if so == 1 && (sa | sb) == 1 && (sa & sb) == 0 {
                            // One operand runs along the output, the other is fixed
                            // (axpy): unit strides, so the loop vectorises.
                            let d = dst.baseAddress! + o
                            let (x, v) = sa == 0 ? (a[i], b + j) : (b[j], a + i)
                            for t in 0..<inner { d[t] += x * v[t] }
                        } else if so == 1 && sa == 1 && sb == 1 {
                            let d = dst.baseAddress! + o, u = a + i, v = b + j
                            for t in 0..<inner { d[t] += u[t] * v[t] }
                        } else if so == 0 {
                            // Two partial sums: one running sum waits four cycles
                            // on every add; two chains overlap.
                            var s0 = 0.0, s1 = 0.0
                            var t = 1
                            while t < inner {
                                s0 += a[i] * b[j]
                                s1 += a[i &+ sa] * b[j &+ sb]
                                i &+= 2 &* sa; j &+= 2 &* sb; t &+= 2
                            }
                            if t == inner { s0 += a[i] * b[j] }
                            dst[o] += s0 + s1
                        } else {
                            for _ in 0..<inner { dst[o] += a[i] * b[j]; o &+= so; i &+= sa; j &+= sb }
                        }
                        o0 &+= mo; i0 &+= ma; j0 &+= mb
                    }
                case 3:
                    let a = src[0], b = src[1], c = src[2]
                    let sa = st[1], sb = st[2], sc = st[3]
                    let ma = ms[1], mb = ms[2], mc = ms[3]
                    var o0 = off[0], i0 = off[1], j0 = off[2], l0 = off[3]
                    for _ in 0..<mid {
                        var o = o0, i = i0, j = j0, l = l0
                        if so == 0 {
                            var s0 = 0.0, s1 = 0.0
                            var t = 1
                            while t < inner {
                                s0 += a[i] * b[j] * c[l]
                                s1 += a[i &+ sa] * b[j &+ sb] * c[l &+ sc]
                                i &+= 2 &* sa; j &+= 2 &* sb; l &+= 2 &* sc; t &+= 2
                            }
                            if t == inner { s0 += a[i] * b[j] * c[l] }
                            dst[o] += s0 + s1
                        } else {
                            for _ in 0..<inner {
                                dst[o] += a[i] * b[j] * c[l]; o &+= so; i &+= sa; j &+= sb; l &+= sc
                            }
                        }
                        o0 &+= mo; i0 &+= ma; j0 &+= mb; l0 &+= mc
                    }
                default:
                    for j in 0...k { cur[j] = off[j] }
                    for _ in 0..<mid {
                        var o = cur[0]
                        var s = 0.0
                        for t in 0..<inner {
                            var p = 1.0
                            for m in 0..<k { p *= src[m][cur[m + 1] &+ t &* st[m + 1]] }
                            if so == 0 { s += p } else { dst[o] += p; o &+= so }
                        }
                        if so == 0 { dst[o] += s }
                        for j in 0...k { cur[j] &+= ms[j] }
                    }
                }
            }
        }
    }
}
