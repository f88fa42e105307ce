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
        var kept = 0
        let (e, s): ([Int], [[Int]]) = withUnsafeTemporaryAllocation(of: Int.self, capacity: max(d * (ops + 1), 1)) { scratch in
            // scratch[k] = extent of kept axis k; scratch[d + op * d + k] = its stride for op.
            for axis in stride(from: d - 1, through: 0, by: -1) {
                let ext = extents[axis]
                if ext == 1 { continue }
                if kept > 0 {
                    let innerExt = scratch[kept - 1]
                    var mergeable = true
                    for op in 0..<ops where strides[op][axis] != scratch[d + op * d + kept - 1] &* innerExt {
                        mergeable = false
                        break
                    }
                    if mergeable {
                        scratch[kept - 1] = innerExt &* ext
                        continue
                    }
                }
                scratch[kept] = ext
                for op in 0..<ops { scratch[d + op * d + kept] = strides[op][axis] }
                kept += 1
            }
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
}
