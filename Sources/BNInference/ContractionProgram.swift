import BNCore
import FactorKernels
import Foundation

/// A compiled sum-product: `Σ_{labels not kept} ∏ᵢ φᵢ` as a straight-line program of
/// pairwise `ContractionPlan`s over numbered slots, built once from the operands' shapes
/// and run for any tables with those shapes.
///
/// Compilation follows bucket elimination (Dechter 1999; Zhang & Poole 1994): for each
/// variable `x` of an elimination order, the live tables that mention `x` are contracted
/// pairwise (the pair with the smallest result first) and `x` is summed out in the last
/// contraction of its bucket; any variable that no other live table mentions is summed
/// out as early as possible (inside `ContractionPlan`, before the pairwise step). Each
/// pairwise step runs as a GEMM (batched over shared kept axes) or an odometer loop, as
/// the plan decides by size.
///
/// Barren tables are dropped before anything runs: a table with a *head* `h` (a
/// conditional distribution, `Σ_h φ = 1` for every other configuration) whose head is
/// neither kept nor mentioned by another table sums to one and is removed, repeatedly
/// (Madsen & Jensen 1999 apply the same rule inside lazy propagation).
///
/// Numerics: every intermediate table is divided by its sum when that sum leaves
/// `[2⁻³², 2³²]` (`Contraction.rescale`; per batch row, always, when the table has the batch
/// axis) and the log of that sum is carried, so long products of small probabilities never
/// underflow: the true result is `values · exp(logScale)`.
struct ContractionProgram: Sendable {
    /// A pairwise step, boxed so running a program retains one reference per step rather
    /// than every array inside the plan.
    final class PairStep: Sendable {
        let plan: ContractionPlan
        init(_ plan: ContractionPlan) { self.plan = plan }
    }

    enum Op: Sendable {
        case pair(a: Int, b: Int, step: PairStep)
        case sum(a: Int, from: Axes, keep: [Int])
        case permute(a: Int, from: Axes, to: Axes)

        var operands: [Int] {
            switch self {
            case .pair(let a, let b, _): return [a, b]
            case .sum(let a, _, _), .permute(let a, _, _): return [a]
            }
        }
    }

    /// The layout of each input: the operands' axes as given to `compile`, except, when it
    /// chose input layouts, for inputs that a GEMM would otherwise copy into another axis
    /// order first (those are expected in that order).
    let inputAxes: [Axes]
    /// Whether input `i` survives barren removal (the caller may skip preparing the others).
    let usedInputs: [Bool]
    let ops: [Op]
    /// The axes of each op's output (slot `inputAxes.count + k`).
    let opAxes: [Axes]
    /// Slots released after op `k`.
    let release: [[Int]]
    /// The slot holding the result; nil when no table survived (the result is the constant 1).
    let result: Int?
    /// The result's axes: the kept labels present in some surviving table, in `keep` order.
    let resultAxes: Axes
    /// The batch label (one row of scales per value), if any.
    let batchLabel: Int?
    /// The largest table the program allocates, and its size.
    let largestAxes: Axes
    let largestEntries: Int
    /// The most entries of intermediate tables alive at once while the program runs (each
    /// table from its step to its last use): what the memory budget bounds.
    let peakEntries: Int
    /// The steps already run on constant inputs (`folding(constants:limit:)`), if any.
    var folded: Folded? = nil

    /// A rough work estimate in table entries: `Σ` over steps of the entries read and
    /// written (for a one-row plan, the work per row).
    var work: Int {
        var total = 0
        for (k, op) in ops.enumerated() {
            var w = opAxes[k].entries
            for s in op.operands { w += s < inputAxes.count ? inputAxes[s].entries : opAxes[s - inputAxes.count].entries }
            total = total.addingReportingOverflow(w).overflow ? Int.max : total + w
        }
        return total
    }

    /// `M·N·K` per batch row from which a pairwise step with the batch axis on both
    /// operands calls BLAS once per row instead of running one odometer walk over all rows.
    static let batchedBLASThreshold = 4096

    /// Compiles `Σ_{not kept} ∏ inputs`.
    /// - Parameters:
    ///   - inputs: the operands' axes (labels are variable ids, or `batchLabel`).
    ///   - heads: for each input, the label it is a conditional distribution of, if any.
    ///   - keep: the labels of the result, in order.
    ///   - order: the elimination order; nil computes one with `heuristic` on the inputs'
    ///     interaction graph.
    ///   - budget: bounds the largest table and the tables alive at once.
    ///   - choosingInputLayouts: an input that a pairwise step would permute into another
    ///     axis order before its GEMM is expected in that order instead (`inputAxes`):
    ///     for a caller that builds its inputs on every run anyway (variable elimination
    ///     slices its CPTs at the findings), writing them in that order costs nothing more
    ///     and saves the copy; the step then reads the same matrix in place, so the
    ///     numbers are the same.
    static func compile(inputs: [Axes], heads: [Int?], keep: [Int], order: [Int]? = nil,
                        heuristic: EliminationHeuristic = .minFill, batchLabel: Int? = nil,
                        budget: Contraction.Budget, choosingInputLayouts: Bool = false) throws(InferenceError) -> ContractionProgram {
        var labels = Contraction.Labels(inputs, keep: keep)
        let used = labels.dropBarren(inputs, heads: heads)
        let kept = labels.kept

        var slotAxes: [Axes] = inputs
        var live: [Int] = inputs.indices.filter { used[$0] }
        var ops: [Op] = []
        var opAxes: [Axes] = []
        var largestAxes = Axes.empty
        var largestEntries = 1

        func check(_ axes: Axes) throws(InferenceError) {
            let e = saturatingEntries(axes.cardinalities)
            if e > largestEntries || (e == largestEntries && axes.count > largestAxes.count) {
                largestEntries = e
                largestAxes = axes
            }
            try budget.check(axes, entries: e, holding: e)
        }
        for i in live { try check(inputs[i]) }

        /// Calls `body` with each label (and its cardinality) kept by contracting slots a
        /// and b: labels that are kept or that another live slot mentions (the others are
        /// summed out).
        func forEachPairKept(_ a: Int, _ b: Int, _ body: (Int, Int) -> Void) {
            let A = slotAxes[a], B = slotAxes[b]
            for (l, c) in zip(A.labels, A.cardinalities) {
                let uses = B.labels.contains(l) ? 2 : 1
                if kept[l] || labels.count[l] > uses { body(l, c) }
            }
            for (l, c) in zip(B.labels, B.cardinalities) where !A.labels.contains(l) {
                if kept[l] || labels.count[l] > 1 { body(l, c) }
            }
        }

        // The size of contracting slots a and b.
        func pairSize(_ a: Int, _ b: Int) -> Int {
            var size = 1
            forEachPairKept(a, b) { _, c in
                let (p, o) = size.multipliedReportingOverflow(by: c)
                size = o ? Int.max : p
            }
            return size
        }

        func pairPlan(_ a: Axes, _ b: Axes, keep: Set<Int>) -> ContractionPlan {
            // With the batch axis on both sides the plan runs one GEMM per batch row: only
            // worth a BLAS call when each row's product is large.
            let batchedBothSides = batchLabel.map { a.labels.contains($0) && b.labels.contains($0) } ?? false
            return ContractionPlan(a: a, b: b, keep: keep,
                                   blasThreshold: batchedBothSides ? Self.batchedBLASThreshold : ContractionPlan.defaultBLASThreshold)
        }

        func emitPair(_ a: Int, _ b: Int, keep: Set<Int>) throws(InferenceError) -> Int {
            let plan = pairPlan(slotAxes[a], slotAxes[b], keep: keep)
            try check(plan.output)
            ops.append(.pair(a: a, b: b, step: PairStep(plan)))
            opAxes.append(plan.output)
            for l in slotAxes[a].labels { labels.count[l] -= 1 }
            for l in slotAxes[b].labels { labels.count[l] -= 1 }
            for l in plan.output.labels { labels.count[l] += 1 }
            slotAxes.append(plan.output)
            return slotAxes.count - 1
        }

        /// Contracts the given slots pairwise (smallest result first) into one slot.
        func merge(_ bucket: [Int]) throws(InferenceError) -> Int {
            var bucket = bucket
            while bucket.count > 1 {
                let best = ContractionPlan.smallestPair(bucket.count) { i, j in pairSize(bucket[i], bucket[j]) }
                let a = bucket[best.i], b = bucket[best.j]
                var keep = Set<Int>()
                forEachPairKept(a, b) { l, _ in keep.insert(l) }
                let c = try emitPair(a, b, keep: keep)
                bucket.remove(at: best.j)
                bucket.remove(at: best.i)
                bucket.append(c)
                live.removeAll { $0 == a || $0 == b }
                live.append(c)
            }
            return bucket[0]
        }

        /// Sums out of slot `s` every eliminated label that no other live slot mentions.
        func sumPrivate(_ s: Int) throws(InferenceError) -> Int {
            let axes = slotAxes[s]
            let remaining = axes.labels.filter { kept[$0] || labels.count[$0] > 1 }
            if remaining.count == axes.count { return s }
            let out = axes.selecting(remaining)
            try check(out)
            ops.append(.sum(a: s, from: axes, keep: remaining))
            opAxes.append(out)
            for l in axes.labels { labels.count[l] -= 1 }
            for l in remaining { labels.count[l] += 1 }
            slotAxes.append(out)
            let c = slotAxes.count - 1
            live.removeAll { $0 == s }
            live.append(c)
            return c
        }

        // The elimination order over the labels that must go.
        let elimOrder = labels.order(live.map { inputs[$0].labels }, given: order, heuristic: heuristic, batch: batchLabel)

        for x in elimOrder {
            let bucket = live.filter { slotAxes[$0].labels.contains(x) }
            if bucket.isEmpty { continue }
            let s = try merge(bucket)
            if slotAxes[s].labels.contains(x) { _ = try sumPrivate(s) }
        }
        // What remains mentions kept labels only.
        var result: Int? = nil
        if !live.isEmpty {
            let s = try merge(live)
            result = try sumPrivate(s)
        }
        var resultAxes = Axes.empty
        if let r = result {
            let present = Set(slotAxes[r].labels)
            let wanted = keep.filter { present.contains($0) }
            resultAxes = slotAxes[r].selecting(wanted)
            if wanted != slotAxes[r].labels {
                ops.append(.permute(a: r, from: slotAxes[r], to: resultAxes))
                opAxes.append(resultAxes)
                slotAxes.append(resultAxes)
                result = slotAxes.count - 1
            }
        }

        // Inputs in the order their GEMM wants (each input slot is an operand of one op).
        var inputAxes = inputs
        if choosingInputLayouts {
            for (k, op) in ops.enumerated() {
                guard case .pair(let a, let b, let step) = op else { continue }
                let newA = a < inputs.count ? step.plan.aCopiedInto : nil
                let newB = b < inputs.count ? step.plan.bCopiedInto : nil
                if newA == nil && newB == nil { continue }
                if let t = newA { inputAxes[a] = t }
                if let t = newB { inputAxes[b] = t }
                let plan = pairPlan(newA ?? step.plan.a, newB ?? step.plan.b, keep: Set(step.plan.output.labels))
                precondition(plan.output == step.plan.output && plan.usesBLAS == step.plan.usesBLAS)
                ops[k] = .pair(a: a, b: b, step: PairStep(plan))
            }
        }

        // Release each slot after its last use.
        var lastUse = [Int](repeating: -1, count: slotAxes.count)
        for (k, op) in ops.enumerated() { for s in op.operands { lastUse[s] = k } }
        var release = [[Int]](repeating: [], count: ops.count)
        for (s, k) in lastUse.enumerated() where k >= 0 && s != result { release[k].append(s) }

        // The whole run must fit: intermediate tables alive at once, not only the largest.
        var alive = 0, peak = 0
        for (k, out) in opAxes.enumerated() {
            alive = alive.addingReportingOverflow(saturatingEntries(out.cardinalities)).overflow ? Int.max : alive + saturatingEntries(out.cardinalities)
            if alive > peak {
                peak = alive
                try budget.check(out, entries: saturatingEntries(out.cardinalities), holding: alive)
            }
            for s in release[k] where s >= inputs.count { alive -= saturatingEntries(slotAxes[s].cardinalities) }
        }

        return ContractionProgram(inputAxes: inputAxes, usedInputs: used, ops: ops, opAxes: opAxes, release: release,
                                  result: result, resultAxes: resultAxes, batchLabel: batchLabel,
                                  largestAxes: largestAxes, largestEntries: largestEntries, peakEntries: peak)
    }

    /// Checks this program against `budget` (which may be smaller than the one it was
    /// compiled under): its peak of live tables must fit.
    func checkBudget(_ budget: Contraction.Budget) throws(InferenceError) {
        try budget.check(largestAxes, entries: largestEntries, holding: peakEntries)
    }

    /// Runs the program on tables laid out as `inputAxes` (unused inputs may be empty).
    /// - Parameter rows: the batch size (the cardinality of `batchLabel`), 1 without one.
    /// - Returns: the result table (over `resultAxes`), normalised as it went, and
    ///   `logScale[r]` such that the true result of row `r` is `values[r…] · exp(logScale[r])`.
    ///   A row whose true result is zero has `logScale[r] = -∞`.
    func run(_ inputs: [[Double]], rows: Int = 1) -> (table: Table, logScale: [Double]) {
        var slots: [[Double]] = inputs
        slots.reserveCapacity(inputs.count + ops.count)
        var logScale = [Double](repeating: 0, count: rows)
        // Inputs are probabilities or likelihoods: rescale only what the program produces.
        for k in ops.indices {
            if let f = folded, f.skip[k] {
                // Run when the plan was made: its output, if read later, and its scale.
                slots.append(f.tables[inputs.count + k] ?? [])
                if f.logScales[k] != 0 { for r in 0..<rows { logScale[r] += f.logScales[k] } }
            } else {
                var out = step(k, slots)
                if case .permute = ops[k] {} else {
                    let axes = opAxes[k]
                    if let b = batchLabel, axes.labels.contains(b) {
                        let sums = TableKernels.normalize(&out, axes, along: b)
                        for r in 0..<rows { logScale[r] += log(sums[r]) }
                    } else {
                        // Rescaled only when far from 1: one pass to sum (four partial sums), the
                        // second skipped. Normalising every small table (a sequential sum, then a
                        // multiply) was an eighth of barley's warm query; the scale only moves
                        // between `values` and `logScale`, and the answer is normalised at the end.
                        guard let ls = Self.logRescale(&out) else {
                            return (Table(axes: resultAxes, values: [Double](repeating: 0, count: resultAxes.entries)),
                                    [Double](repeating: -.infinity, count: rows))
                        }
                        if ls != 0 { for r in 0..<rows { logScale[r] += ls } }
                    }
                }
                slots.append(out)
            }
            for s in release[k] { slots[s] = [] }
        }
        guard let r = result else { return (Table(axes: resultAxes, values: [1]), logScale) }
        return (Table(axes: resultAxes, values: slots[r]), logScale)
    }

    /// `Contraction.rescale` as a program carries it: the log of the factor divided out of
    /// `out` (0 when it was left as it is), nil when `out` sums to zero.
    static func logRescale(_ out: inout [Double]) -> Double? {
        let s = Contraction.rescale(&out)
        if s == 0 { return nil }
        return s == 1 ? 0 : log(s)
    }

    /// The output of op `k` on the tables in `slots`, before any rescaling.
    func step(_ k: Int, _ slots: [[Double]]) -> [Double] {
        switch ops[k] {
        case .pair(let a, let b, let step): return step.plan.execute(slots[a], slots[b])
        case .sum(let a, let from, let keep): return TableKernels.sumOut(slots[a], from, keeping: keep).values
        case .permute(let a, let from, let to): return TableKernels.permute(slots[a], from: from, to: to)
        }
    }
}
