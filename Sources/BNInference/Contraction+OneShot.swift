import BNCore
import FactorKernels
import Foundation

/// The one-shot pass: `Σ_{labels not kept} ∏ᵢ φᵢ` computed straight from the tables,
/// without compiling a reusable `ContractionProgram` (which `CompileRule` chooses for
/// shapes that come back).
///
/// The sum is the one `ContractionProgram` computes (bucket elimination, Dechter 1999;
/// Zhang & Poole 1994), with the same barren rule and the same result axes (the kept
/// labels present in a surviving table, in `keep` order); only the cost model differs.
/// For each variable `x` of a greedy order, the bucket `B_x = {φ : x ∈ scope(φ)}` becomes
/// one table
///
/// `ψ(U \ E) = Σ_E ∏_{φ ∈ B_x} φ`, `U = ∪ scope(φ)`, `E = {x} ∪ {y ∈ U : y not kept and in no other table}`
///
/// in a single odometer pass over `U` (`TableKernels.productSum`, a multi-operand
/// product-sum in FactorKernels; `U` itself is never materialised) when `|U|` is at most `directEntriesLimit`, and by pairwise
/// `ContractionPlan`s (GEMM) otherwise. Each `ψ` is divided by its sum and the log of the
/// sum is carried, as in the compiled program.
extension Contraction {
    /// Above this many entries of the bucket's joint scope `U`, a bucket of two or more
    /// tables is contracted pairwise through `ContractionPlan` (BLAS for large operands)
    /// instead of one multi-operand odometer pass.
    /// Chosen by measurement on water, barley, pathfinder, mildew and andes (2¹⁰ to 2²⁰
    /// tried; 2¹³ to 2¹⁴ best, larger limits lose the GEMM on big buckets, smaller ones pay
    /// a `ContractionPlan` per pair for little work).
    static let directEntriesLimit = 1 << 13

    /// The result of a sum-product: `table · exp(logScale)` is the true result, `table`
    /// divided by its sum; `logScale = -∞` when the result is zero.
    struct Result {
        var table: Table
        var logScale: Double
        /// The elimination order used: passed back as `order` for the same shapes (the
        /// same tables' axes, heads and `keep`), it gives the same result without the
        /// heuristic's search.
        var order: [Int] = []
    }

    /// Computes `Σ_{not kept} ∏ tables` in one pass.
    /// - Parameters:
    ///   - heads: for each table, the label it is a conditional distribution of, if any.
    ///   - keep: the labels of the result, in order.
    ///   - order: an elimination order to follow instead of searching one with
    ///     `heuristic` (a previous `Result.order` for the same shapes).
    ///   - budget: bounds each input and the tables this run allocates (every
    ///     intermediate alive, plus the one being computed).
    static func oneShot(_ tables: [Table], heads: [Int?], keep: [Int], heuristic: EliminationHeuristic = .minFill,
                        order given: [Int]? = nil, budget: Budget) throws(InferenceError) -> Result {
        let inputAxes = tables.map { $0.axes }
        var labels = Labels(inputAxes, keep: keep)
        let used = labels.dropBarren(inputAxes, heads: heads)
        var store: [Table] = []
        store.reserveCapacity(2 * tables.count)
        for i in tables.indices where used[i] {
            try budget.check(tables[i].axes)
            store.append(tables[i])
        }
        let order = labels.order(store.map { $0.axes.labels }, given: given, heuristic: heuristic)
        func zero() -> Result {
            let axes = labels.present(keep)
            return Result(table: Table(axes: axes, values: [Double](repeating: 0, count: axes.entries)), logScale: -.infinity,
                          order: order)
        }
        // Entries of each table of `store`; `live` sums those this run allocated and still holds.
        let inputCount = store.count
        var sizes = store.map { $0.values.count }
        var live = 0
        // Which tables mention each label (indices into `store`, dead ones included, in
        // increasing order) and which tables are alive: a bucket is found without scanning
        // every live table. One list per label, threaded through flat arrays (`Mentions`).
        var alive = [Bool](repeating: true, count: store.count)
        var mentions = Mentions(labels: labels.card.count, capacity: 2 * store.reduce(0) { $0 + $1.axes.count })
        for (i, t) in store.enumerated() { for l in t.axes.labels { mentions.append(i, to: l) } }

        var logScale = 0.0
        var done = [Bool](repeating: false, count: labels.card.count)
        var inBucket = [Int](repeating: 0, count: labels.card.count)
        for x in order where !done[x] {
            // Tables are referred to by index: partitioning never copies them.
            var bucketAt: [Int] = []
            mentions.forEach(x) { if alive[$0] { bucketAt.append($0) } }
            if bucketAt.isEmpty { continue }
            let bucket = bucketAt.map { store[$0] }
            for i in bucketAt { store[i] = Table(axes: .empty, values: []); alive[i] = false }
            // U and E: a label of U goes when it is not kept and no table outside B mentions it.
            var labelsInBucket = 0
            for t in bucket { labelsInBucket += t.axes.count }
            var union = Axes.reserving(labelsInBucket)
            for t in bucket {
                for (l, c) in zip(t.axes.labels, t.axes.cardinalities) {
                    if inBucket[l] == 0 { union.labels.append(l); union.cardinalities.append(c) }
                    inBucket[l] += 1
                }
            }
            var outAxes = Axes.reserving(union.count), sumAxes = Axes.reserving(union.count)
            for (l, c) in zip(union.labels, union.cardinalities) {
                if !labels.kept[l] && labels.count[l] == inBucket[l] {
                    sumAxes.labels.append(l); sumAxes.cardinalities.append(c); done[l] = true
                } else {
                    outAxes.labels.append(l); outAxes.cardinalities.append(c)
                }
            }
            for l in union.labels { inBucket[l] = 0 }
            try budget.check(outAxes)
            try budget.check(outAxes, entries: outAxes.entries, holding: live + outAxes.entries)
            var out: Table
            if bucket.count >= 2 && union.count <= 64 && saturatingEntries(union.cardinalities) > directEntriesLimit
                && worthAMatrixProduct(bucket, summed: sumAxes.labels) {
                // Intermediate tables may have any axis order: keep the pairwise result's.
                out = try pairwise(bucket, union: union, summing: sumAxes.labels, budget: budget)
            } else {
                out = productSumInLargestOrder(premultiplied(bucket, unionEntries: union.entries), out: outAxes, summed: sumAxes)
            }
            for t in bucket { for l in t.axes.labels { labels.count[l] -= 1 } }
            for i in bucketAt where i >= inputCount { live -= sizes[i] }
            for l in out.axes.labels { labels.count[l] += 1 }
            let s = rescale(&out.values)
            if !(s > 0) { return zero() }
            logScale += log(s)
            for l in out.axes.labels { mentions.append(store.count, to: l) }
            store.append(out)
            sizes.append(out.values.count)
            live += out.values.count
            alive.append(true)
        }
        var remaining = store.indices.filter { alive[$0] }.map { store[$0] }
        if remaining.count > 1 {
            // Each factor of the final product divided by its sum first: hundreds of
            // observed scalars (each a probability) must not underflow when multiplied.
            for i in remaining.indices {
                let s = TableKernels.normalize(&remaining[i].values)
                guard s > 0, s.isFinite else { return zero() }
                logScale += log(s)
            }
        }
        // What remains mentions kept labels only: their product over the kept labels present.
        let resultAxes = labels.present(keep)
        if remaining.isEmpty { return Result(table: Table(axes: resultAxes, values: [1]), logScale: logScale, order: order) }
        try budget.check(resultAxes)
        var values: [Double]
        if remaining.count == 1 && remaining[0].axes == resultAxes {
            values = remaining[0].values
        } else {
            values = TableKernels.productSum(remaining, out: resultAxes, summed: .empty)
        }
        let s = TableKernels.normalize(&values)
        if !(s > 0) { return zero() }
        return Result(table: Table(axes: resultAxes, values: values), logScale: logScale + log(s), order: order)
    }

    /// Whether contracting `bucket` pairwise (GEMM after permuting operands) can beat one
    /// odometer pass: always for three tables or more; for two, only when each keeps a
    /// part of its own of 4 entries or more (`M, N ≥ 4`): a matrix-vector product such as
    /// a large CPT times a message on its child costs no less through BLAS than in place,
    /// and the permuted copy comes on top. (Measured: 4 against 1, 2, 8, 16 and 32 on
    /// barley, water, mildew, pathfinder and andes; 8 was 3 % slower on barley and 16 %
    /// on mildew, 1 and 2 no better.)
    static func worthAMatrixProduct(_ bucket: [Table], summed: [Int]) -> Bool {
        guard bucket.count == 2 else { return true }
        func ownKept(_ t: Table, _ other: Table) -> Int {
            var e = 1
            for (l, c) in zip(t.axes.labels, t.axes.cardinalities) where !other.axes.labels.contains(l) && !summed.contains(l) {
                e = e.multipliedReportingOverflow(by: c).overflow ? Int.max : e * c
            }
            return e
        }
        return ownKept(bucket[0], bucket[1]) >= 4 && ownKept(bucket[1], bucket[0]) >= 4
    }

    /// `tables` with small ones multiplied together first, while there are more than
    /// three and the pair with the smallest joint scope has at most a quarter of
    /// `unionEntries`: the product-sum kernel is specialised for up to three operands, and
    /// a product of two small tables costs little next to one more operand on every entry
    /// of the bucket's joint scope.
    static func premultiplied(_ tables: [Table], unionEntries: Int) -> [Table] {
        var tables = tables
        while tables.count > 3 {
            // The pair with the smallest joint scope, sized without building it.
            let best = ContractionPlan.smallestPair(tables.count) { i, j in
                let first = tables[i].axes
                var e = first.entries
                for (l, c) in zip(tables[j].axes.labels, tables[j].axes.cardinalities) where !first.labels.contains(l) {
                    e = e.multipliedReportingOverflow(by: c).overflow ? Int.max : e * c
                }
                return e
            }
            if best.cost > unionEntries / 4 { break }
            let joint = tables[best.i].axes.union(tables[best.j].axes)
            let product = productSumInLargestOrder([tables[best.i], tables[best.j]], out: joint, summed: .empty)
            tables.remove(at: best.j)
            tables.remove(at: best.i)
            tables.append(product)
        }
        return tables
    }

    /// `productSum` for a result whose axis order is free (an intermediate table): the walk
    /// visits the labels in the row-major order of the largest operand (labels it lacks
    /// outermost), and the result's axes follow the same order. The largest table, usually
    /// a CPT of thousands of entries, is then read sequentially, and so is the result,
    /// instead of with a stride of hundreds of entries on the innermost loop (barley's
    /// buckets: up to 43,000-entry tables walked with strides of 54 to 3,888).
    static func productSumInLargestOrder(_ tables: [Table], out: Axes, summed: Axes) -> Table {
        var largest = 0
        for i in tables.indices where tables[i].values.count > tables[largest].values.count { largest = i }
        let big = tables[largest].axes
        // Small tables live in L1 whatever the order: the reordering would cost more than it saves.
        guard tables[largest].values.count >= reorderMinimumEntries, big.count >= 2 else {
            return Table(axes: out, values: TableKernels.productSum(tables, out: out, summed: summed))
        }
        // The walk: labels the largest table lacks (kept, then summed), then its own.
        var walk = Axes.empty
        for axes in [out, summed] {
            for (l, c) in zip(axes.labels, axes.cardinalities) where !big.labels.contains(l) {
                walk.labels.append(l); walk.cardinalities.append(c)
            }
        }
        walk.labels += big.labels
        walk.cardinalities += big.cardinalities
        var reordered = Axes.empty, reorderedSum = Axes.empty
        for (l, c) in zip(walk.labels, walk.cardinalities) {
            if out.labels.contains(l) { reordered.labels.append(l); reordered.cardinalities.append(c) }
            else { reorderedSum.labels.append(l); reorderedSum.cardinalities.append(c) }
        }
        return Table(axes: reordered, values: TableKernels.productSum(tables, out: reordered, summed: reorderedSum, walk: walk))
    }

    /// For each label, the tables (indices into the one-shot pass's store) that mention
    /// it, in the order they were added: one singly linked list per label threaded through
    /// flat arrays, so building them costs no allocation per label (a bucket of an
    /// influence diagram's contraction holds 2–16-entry tables, where per-label arrays
    /// were a large part of the work).
    struct Mentions {
        private var first: [Int], last: [Int]
        private var table: [Int] = [], next: [Int] = []

        init(labels: Int, capacity: Int) {
            first = [Int](repeating: -1, count: labels)
            last = first
            table.reserveCapacity(capacity)
            next.reserveCapacity(capacity)
        }

        mutating func append(_ t: Int, to label: Int) {
            let e = table.count
            table.append(t)
            next.append(-1)
            if last[label] < 0 { first[label] = e } else { next[last[label]] = e }
            last[label] = e
        }

        /// Calls `body` with each table mentioning `label`, in the order they were added.
        func forEach(_ label: Int, _ body: (Int) -> Void) {
            var e = first[label]
            while e >= 0 { body(table[e]); e = next[e] }
        }
    }

    /// The smallest largest-operand (entries) for which `productSumInLargestOrder` reorders.
    /// Measured on water, barley, mildew and pathfinder (256 to 4,096 tried; 256 best,
    /// neutral on the networks with small tables).
    static let reorderMinimumEntries = 256
}
