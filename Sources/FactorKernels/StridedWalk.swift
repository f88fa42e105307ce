/// A walk over a multi-dimensional index space that visits, for every operand, the
/// element at `Σ index[i]·stride[i]`.
///
/// This is the odometer at the heart of every small-table kernel: the innermost axis is
/// handed to the kernel as a run `(count, offset, stride)` per operand, the outer axes
/// advance like the digits of a mixed-radix counter. Before walking, axes of extent 1 are
/// dropped and neighbouring axes that every operand addresses contiguously are merged,
/// so a contiguous operation becomes one long run.
public struct StridedWalk: Sendable {
    /// Extents of the (coalesced) axes, outermost first.
    public private(set) var extents: [Int]
    /// `strides[operand][axis]`, in elements.
    public private(set) var strides: [[Int]]

    /// Builds a walk over `extents` with one stride array per operand, coalescing axes.
    public init(extents: [Int], strides: [[Int]]) {
        precondition(strides.allSatisfy { $0.count == extents.count }, "one stride per axis")
        let ops = strides.count
        let d = extents.count
        // The coalesced axes are found innermost first in scratch space on the stack, then
        // copied out once into exact-size arrays (this init runs for every bucket of a
        // one-shot elimination; growing and reversing arrays was 7% of a cold query).
        let (e, s): ([Int], [[Int]]) = withUnsafeTemporaryAllocation(of: Int.self, capacity: max(d * (ops + 1), 1)) { scratch in
            let kept = Self.coalesce(axes: d, operands: ops, extent: { extents[$0] }, stride: { strides[$0][$1] }, into: scratch)
            let e = [Int](unsafeUninitializedCapacity: kept) { out, n in
                for k in 0..<kept { out[k] = scratch[kept - 1 - k] }
                n = kept
            }
            let s = (0..<ops).map { op in
                [Int](unsafeUninitializedCapacity: kept) { out, n in
                    for k in 0..<kept { out[k] = scratch[d + op * d + kept - 1 - k] }
                    n = kept
                }
            }
            return (e, s)
        }
        self.extents = e
        self.strides = s
    }

    /// The coalescing rule of every walk, on caller-provided scratch (`d · (operands + 1)`
    /// entries): axes of extent 1 are dropped, and an axis merges into the kept axis inside
    /// it when every operand's stride on it is that axis's stride times its extent. The
    /// kept axes are written innermost first: `scratch[k]` is the extent of kept axis `k`,
    /// `scratch[d + op · d + k]` operand `op`'s stride on it. Returns how many were kept.
    @inline(__always)
    static func coalesce(axes d: Int, operands ops: Int, extent: (Int) -> Int, stride: (Int, Int) -> Int,
                         into scratch: UnsafeMutableBufferPointer<Int>) -> Int {
        var kept = 0
        for axis in Swift.stride(from: d - 1, through: 0, by: -1) {
            let ext = extent(axis)
            if ext == 1 { continue }
            if kept > 0 {
                let innerExt = scratch[kept - 1]
                var mergeable = true
                for op in 0..<ops where stride(op, axis) != scratch[d + op * d + kept - 1] &* innerExt {
                    mergeable = false
                    break
                }
                if mergeable {
                    scratch[kept - 1] = innerExt &* ext
                    continue
                }
            }
            scratch[kept] = ext
            for op in 0..<ops { scratch[d + op * d + kept] = stride(op, axis) }
            kept += 1
        }
        return kept
    }

    /// The total number of visited positions.
    public var count: Int { extents.reduce(1, &*) }

    /// Calls `body(n, o0, s0, o1, s1)` for each innermost run of a two-operand walk.
    @inline(__always)
    public func forEachRun(_ body: (Int, Int, Int, Int, Int) -> Void) {
        precondition(strides.count == 2)
        forEachRun3 { n, o0, s0, o1, s1, _, _ in body(n, o0, s0, o1, s1) }
    }

    /// Calls `body(n, o0, s0, o1, s1, o2, s2)` for each innermost run of a walk with up
    /// to three operands (missing operands get offset and stride 0).
    @inline(__always)
    public func forEachRun3(_ body: (Int, Int, Int, Int, Int, Int, Int) -> Void) {
        let d = extents.count
        if d == 0 {
            body(1, 0, 0, 0, 0, 0, 0)
            return
        }
        let ops = strides.count
        if ops == 3 {
            strides[0].withUnsafeBufferPointer { s0 in
                strides[1].withUnsafeBufferPointer { s1 in
                    strides[2].withUnsafeBufferPointer { s2 in
                        walk(d, s0, s1, s2, body)
                    }
                }
            }
        } else {
            let zeros = [Int](repeating: 0, count: d)
            strides[0].withUnsafeBufferPointer { s0 in
                (ops > 1 ? strides[1] : zeros).withUnsafeBufferPointer { s1 in
                    zeros.withUnsafeBufferPointer { s2 in
                        walk(d, s0, s1, s2, body)
                    }
                }
            }
        }
    }

    @inline(__always)
    private func walk(_ d: Int, _ s0: UnsafeBufferPointer<Int>, _ s1: UnsafeBufferPointer<Int>,
                      _ s2: UnsafeBufferPointer<Int>, _ body: (Int, Int, Int, Int, Int, Int, Int) -> Void) {
        let inner = extents[d - 1]
        let i0 = s0[d - 1], i1 = s1[d - 1], i2 = s2[d - 1]
        if d == 1 {
            body(inner, 0, i0, 0, i1, 0, i2)
            return
        }
        extents.withUnsafeBufferPointer { ext in
            var outerTotal = 1
            for a in 0..<(d - 1) { outerTotal &*= ext[a] }
            withUnsafeTemporaryAllocation(of: Int.self, capacity: d - 1) { index in
                index.initialize(repeating: 0)
                var o0 = 0, o1 = 0, o2 = 0
                for _ in 0..<outerTotal {
                    body(inner, o0, i0, o1, i1, o2, i2)
                    var axis = d - 2
                    while axis >= 0 {
                        index[axis] &+= 1
                        o0 &+= s0[axis]; o1 &+= s1[axis]; o2 &+= s2[axis]
                        if index[axis] < ext[axis] { break }
                        o0 &-= s0[axis] &* ext[axis]
                        o1 &-= s1[axis] &* ext[axis]
                        o2 &-= s2[axis] &* ext[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }

    // MARK: - The planar walk

    /// The plane of the walk: the extents of its two innermost axes (`mid` outer, `inner`
    /// fastest; 1 where the walk has fewer axes).
    @inline(__always)
    public var plane: (mid: Int, inner: Int) {
        let d = extents.count
        return (d >= 2 ? extents[d - 2] : 1, d >= 1 ? extents[d - 1] : 1)
    }

    /// Operand `j`'s strides on the plane's two axes (0 where the walk has fewer axes).
    @inline(__always)
    public func planeStrides(_ j: Int) -> (mid: Int, inner: Int) {
        let d = extents.count
        return (d >= 2 ? strides[j][d - 2] : 0, d >= 1 ? strides[j][d - 1] : 0)
    }

    /// The planar walk, shared by every odometer kernel (permute, broadcast, sum-out,
    /// max-out, the multi-operand product-sum): `body(offsets)` runs once per position of
    /// the outer axes (all but the two innermost), `offsets[j]` being operand `j`'s offset
    /// at the plane's origin; the kernel walks the plane (`plane`, `planeStrides`) as two
    /// plain loops. With three- or four-state variables a run of the innermost axis alone
    /// is a few elements, too short to carry an odometer step each.
    @inline(__always)
    public func forEachPlane(_ body: (UnsafeMutableBufferPointer<Int>) -> Void) {
        Self.forEachPlane(axes: extents.count, operands: strides.count, extent: { extents[$0] },
                          stride: { strides[$0][$1] }, body)
    }

    /// `forEachPlane` over a walk given by accessors: `extent(a)` of axis `a` (outermost
    /// first) and `stride(j, a)` of operand `j` on it, already coalesced (a walk built on
    /// the stack, e.g. by `TableKernels.productSum`, runs the same planes as a `StridedWalk`).
    @inline(__always)
    static func forEachPlane(axes d: Int, operands k: Int, extent: (Int) -> Int, stride: (Int, Int) -> Int,
                             _ body: (UnsafeMutableBufferPointer<Int>) -> Void) {
        let outerAxes = max(d - 2, 0)
        // Scratch on the stack: the outer strides (operand j on axis a at [a * k + j]), the
        // odometer digits, the offsets.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: outerAxes * k + outerAxes + k) { scratch in
            scratch.initialize(repeating: 0)
            let st = UnsafeMutableBufferPointer(rebasing: scratch[0..<(outerAxes * k)])
            let index = UnsafeMutableBufferPointer(rebasing: scratch[(outerAxes * k)..<(outerAxes * k + outerAxes)])
            let off = UnsafeMutableBufferPointer(rebasing: scratch[(outerAxes * k + outerAxes)...])
            var outer = 1
            for a in 0..<outerAxes {
                outer &*= extent(a)
                for j in 0..<k { st[a * k + j] = stride(j, a) }
            }
            for _ in 0..<outer {
                body(off)
                var a = outerAxes - 1
                while a >= 0 {
                    index[a] &+= 1
                    let row = a * k
                    for j in 0..<k { off[j] &+= st[row + j] }
                    let e = extent(a)
                    if index[a] < e { break }
                    for j in 0..<k { off[j] &-= st[row + j] &* e }
                    index[a] = 0
                    a -= 1
                }
            }
        }
    }
}
