extension TableKernels {
    /// `ψ(out) = Σ_{summed} ∏ᵢ tables[i]`, the multi-operand product-sum of a one-shot
    /// bucket elimination: one odometer walk over `out ++ summed` (summed innermost)
    /// carrying one offset per table; no table over the joint scope is built. Every label
    /// of a table must be in `out` or `summed`. `walk`, when given, is the walk over
    /// `out ∪ summed` in another order (outermost first), e.g. the largest operand's.
    ///
    /// The walk (every operand's strides, coalesced as `StridedWalk` coalesces them) is
    /// laid out on the stack and the result is the only allocation: buckets of tiny tables
    /// (influence diagrams, most one-shot buckets) spent more on building a `StridedWalk`
    /// and its arrays than on the products.
    public static func productSum(_ tables: [Table], out: Axes, summed: Axes, walk order: Axes? = nil) -> [Double] {
        let d = order?.count ?? (out.count + summed.count)
        let ops = tables.count + 1
        let total = out.entries
        return [Double](unsafeUninitializedCapacity: total) { dst, initialized in
            dst.initialize(repeating: 0)
            // [0, d): the walk's extents; [d, d + ops·d): operand j's stride on axis a at
            // d + j·d + a (operand 0 the output); then the coalesced walk (`coalesce`).
            withUnsafeTemporaryAllocation(of: Int.self, capacity: d * (2 * ops + 2) + 1) { scratch in
                func label(_ a: Int) -> Int {
                    if let order { return order.labels[a] }
                    return a < out.count ? out.labels[a] : summed.labels[a - out.count]
                }
                for a in 0..<d {
                    scratch[a] = order?.cardinalities[a] ?? (a < out.count ? out.cardinalities[a] : summed.cardinalities[a - out.count])
                }
                func strides(_ j: Int, _ axes: Axes) {
                    for a in 0..<d {
                        var s = 0
                        if let p = axes.position(of: label(a)) {
                            s = 1
                            for i in (p + 1)..<axes.cardinalities.count { s &*= axes.cardinalities[i] }
                        }
                        scratch[d + j * d + a] = s
                    }
                }
                strides(0, out)
                for (j, t) in tables.enumerated() { strides(j + 1, t.axes) }
                let walk = UnsafeMutableBufferPointer(rebasing: scratch[(d * (ops + 1))...])
                let kept = StridedWalk.coalesce(axes: d, operands: ops, extent: { scratch[$0] },
                                                stride: { scratch[d + $0 * d + $1] }, into: walk)
                withPointers(tables) { operands in
                    accumulate(into: dst, operands, axes: kept, extent: { walk[kept - 1 - $0] },
                               stride: { walk[d + $0 * d + kept - 1 - $1] })
                }
            }
            initialized = total
        }
    }

    /// Runs `body` with a base pointer for each table's values (kept alive for the call),
    /// in a buffer on the stack.
    private static func withPointers<R>(_ tables: [Table], _ body: (UnsafeBufferPointer<UnsafePointer<Double>>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UnsafePointer<Double>.self, capacity: max(tables.count, 1)) { pointers in
            func nest(_ i: Int) -> R {
                if i == tables.count { return body(UnsafeBufferPointer(rebasing: pointers[0..<tables.count])) }
                return tables[i].values.withUnsafeBufferPointer { p in
                    (pointers.baseAddress! + i).initialize(to: p.baseAddress ?? UnsafePointer(bitPattern: 8)!)
                    return nest(i + 1)
                }
            }
            return nest(0)
        }
    }

    /// The product-sum kernel: `dst[o] += ∏ᵢ src_i[offᵢ]` along `walk` (operand 0 is the
    /// output, operand `i + 1` is `src[i]`), plane by plane (`StridedWalk.forEachPlane`),
    /// with loops specialised for one to three operands (one operand: `sumOut`).
    static func accumulate(into dst: UnsafeMutableBufferPointer<Double>, _ src: UnsafeBufferPointer<UnsafePointer<Double>>,
                           _ walk: StridedWalk) {
        accumulate(into: dst, src, axes: walk.extents.count, extent: { walk.extents[$0] }, stride: { walk.strides[$0][$1] })
    }

    /// `accumulate` along a coalesced walk given by accessors (`StridedWalk.forEachPlane(axes:…)`).
    @inline(__always)
    static func accumulate(into dst: UnsafeMutableBufferPointer<Double>, _ src: UnsafeBufferPointer<UnsafePointer<Double>>,
                           axes d: Int, extent: (Int) -> Int, stride: (Int, Int) -> Int) {
        let k = src.count
        if d == 0 {
            var p = 1.0
            for i in 0..<k { p *= src[i][0] }
            dst[0] += p
            return
        }
        // The plane: the two innermost axes (`StridedWalk.plane`).
        let mid = d >= 2 ? extent(d - 2) : 1, inner = extent(d - 1)
        // Plane strides of every operand (0 = the output), on the stack.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (k + 1)) { scratch in
            let ms = UnsafeMutableBufferPointer(rebasing: scratch[0...k])
            let st = UnsafeMutableBufferPointer(rebasing: scratch[(k + 1)...(2 * k + 1)])
            let cur = UnsafeMutableBufferPointer(rebasing: scratch[(2 * k + 2)...])
            for j in 0...k { (ms[j], st[j]) = (d >= 2 ? stride(j, d - 2) : 0, stride(j, d - 1)) }
            let so = st[0], mo = ms[0]
            StridedWalk.forEachPlane(axes: d, operands: k + 1, extent: extent, stride: stride) { off in
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
