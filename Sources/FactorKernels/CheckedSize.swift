/// Overflow-checked mixed-radix arithmetic for table shapes.
///
/// A table over axes with cardinalities `c₀ … cₙ₋₁` has `∏ cᵢ` entries, laid out row-major:
/// the last axis varies fastest, so the stride of axis `i` is `∏_{j>i} cⱼ`. Every size in
/// Credence is computed here, with overflow checks, before anything is allocated.
public enum CheckedSize {
    /// The number of entries `∏ cᵢ` of a table with these cardinalities (1 for no axes).
    /// - Throws: `KernelError.sizeOverflow` when the product does not fit in `Int`,
    ///   `KernelError.invalidCardinality` for a cardinality below 1.
    public static func entries(_ cardinalities: [Int]) throws(KernelError) -> Int {
        var total = 1
        for c in cardinalities {
            guard c >= 1 else { throw .invalidCardinality(cardinalities) }
            let (p, overflow) = total.multipliedReportingOverflow(by: c)
            guard !overflow else { throw .sizeOverflow(cardinalities) }
            total = p
        }
        return total
    }

    /// The number of bytes of a `Double` table with these cardinalities.
    public static func bytes(_ cardinalities: [Int]) throws(KernelError) -> Int {
        let n = try entries(cardinalities)
        let (b, overflow) = n.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
        guard !overflow else { throw .sizeOverflow(cardinalities) }
        return b
    }

    /// Row-major strides: `stride[i] = ∏_{j>i} c[j]`. The caller has checked the size.
    public static func strides(_ cardinalities: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: cardinalities.count)
        var s = 1
        for i in stride(from: cardinalities.count - 1, through: 0, by: -1) {
            strides[i] = s
            s &*= cardinalities[i]
        }
        return strides
    }
}
