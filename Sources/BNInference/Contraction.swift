import BNCore
import FactorKernels
import Foundation
import Synchronization

/// The contraction service under every exact-inference path: given tables `φᵢ`, the labels
/// to keep and a semiring, it computes
///
/// `ψ(keep) = ⊕_{labels not kept} ⊗ᵢ φᵢ`
///
/// (sum-product: `Σ ∏`, the posterior and `P(e)` of variable elimination and every
/// junction-tree message; max-product: `max ∏` with arg-max traceback, MPE/MAP). The
/// callers only choose which tables go in and which labels stay; this type owns what they
/// used to repeat:
///
/// - label bookkeeping (`Labels`: cardinality, how many live tables mention each label,
///   which are kept) and barren removal (a table with a head `h` that no other table
///   mentions and that is not kept sums to one and is dropped, Madsen & Jensen 1999);
/// - the memory budget and its one error (`Budget`);
/// - the log scale: tables are divided by their sum as they are made and the log of
///   that sum is carried, so long products never underflow (`rescale`);
/// - the pairing rule (`ContractionPlan.smallestPair`: the pair with the smallest result first);
/// - the one rule deciding between a one-shot pass (`oneShot`, bucket elimination straight
///   from the tables, Dechter 1999) and a compiled, cached `ContractionProgram` (a plan of
///   pairwise GEMM contractions run for every later contraction of the same shapes):
///   `CompileRule`, applied by `ProgramCache`.
///
/// The semiring is chosen by the entry point: sum-product by `oneShot` and
/// `ContractionProgram` (both under `CompileRule`), max-product by `maxProduct`; the
/// bookkeeping, budget and scaling above are shared, so expectation/utility pairs
/// (influence diagrams, Jensen & Dittmer 1994) join as one more entry point.
enum Contraction {
    // MARK: - The memory budget

    /// The most bytes of tables one piece of work may hold at once (`MemoryBudget`), with
    /// the names that the one error (`memoryBudgetExceeded`) reports.
    struct Budget {
        let bytes: Int
        let name: (Int) -> String

        init(_ bytes: Int = MemoryBudget.current.bytes, name: @escaping (Int) -> String) {
            self.bytes = bytes
            self.name = name
        }

        /// The budget in force, naming the variables of `network` and, one past the last,
        /// the batch label.
        init(naming network: BayesianNetwork) {
            let variables = network.variables
            self.init(name: { $0 < variables.count ? variables[$0].name : "(evidence rows)" })
        }

        /// Throws when one table over `axes` alone exceeds the budget.
        @inline(__always)
        func check(_ axes: Axes) throws(InferenceError) {
            let e = saturatingEntries(axes.cardinalities)
            try check(axes, entries: e, holding: e)
        }

        /// Throws when `holding` entries alive at once (among them a table over `axes` of
        /// `entries` entries, named in the message) exceed the budget.
        @inline(__always)
        func check(_ axes: Axes, entries: Int, holding: Int) throws(InferenceError) {
            try Self.check(axes.labels.map(name), entries: entries, holding: holding, budget: bytes)
        }

        /// The one budget check: `holding` entries of 8 bytes against `budget`; the error
        /// names the table `names` of `entries` entries.
        static func check(_ names: @autoclosure () -> [String], entries: Int, holding: Int, budget: Int) throws(InferenceError) {
            let (bytes, o) = holding.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
            if o || bytes > budget {
                throw .memoryBudgetExceeded(clique: names(), entries: entries, bytes: o ? Int.max : bytes, budget: budget)
            }
        }
    }

    /// What a compiled contraction depends on (`ProgramCache.contract`): the operands' axes
    /// and heads (-1: none), the labels kept and the batch label.
    struct Shape: Hashable, Sendable {
        let inputs: [Axes]
        let heads: [Int]
        let keep: [Int]
        let batchLabel: Int?
    }

    // MARK: - Labels

    /// Per-label state of one contraction. Labels are small non-negative integers
    /// (variable ids, a batch label), so the state lives in arrays.
    struct Labels {
        var card: [Int]
        /// Live tables mentioning the label.
        var count: [Int]
        var kept: [Bool]

        init(_ inputs: [Axes], keep: [Int]) {
            var maxLabel = keep.max() ?? -1
            for a in inputs { for l in a.labels where l > maxLabel { maxLabel = l } }
            card = [Int](repeating: 0, count: maxLabel + 1)
            count = card
            kept = [Bool](repeating: false, count: maxLabel + 1)
            for l in keep { kept[l] = true }
            for a in inputs {
                for (l, c) in zip(a.labels, a.cardinalities) { card[l] = c; count[l] += 1 }
            }
        }

        /// Barren removal to a fixpoint: a table with a head `h` (a conditional
        /// distribution of `h`) that is the only live table mentioning `h`, `h` not kept,
        /// sums to one over `h` and is dropped (Madsen & Jensen 1999). Updates `count`;
        /// returns which tables survive.
        mutating func dropBarren(_ inputs: [Axes], heads: [Int?]) -> [Bool] {
            precondition(heads.count == inputs.count)
            var used = [Bool](repeating: true, count: inputs.count)
            var changed = true
            while changed {
                changed = false
                for i in inputs.indices where used[i] {
                    if let h = heads[i], h < kept.count, !kept[h], count[h] == 1, inputs[i].labels.contains(h) {
                        used[i] = false
                        for l in inputs[i].labels { count[l] -= 1 }
                        changed = true
                    }
                }
            }
            return used
        }

        /// The elimination order over the labels of `scopes` that are not kept: `given`
        /// (restricted to them, the rest appended), else `heuristic` on their interaction
        /// graph (`batch`, a label on every row, left out of it).
        func order(_ scopes: [[Int]], given: [Int]? = nil, heuristic: EliminationHeuristic, batch: Int? = nil) -> [Int] {
            var eliminate: [Int] = []
            var listed = [Bool](repeating: false, count: kept.count)
            for s in scopes { for l in s where !kept[l] && !listed[l] { listed[l] = true; eliminate.append(l) } }
            if let given {
                var out = given.filter { $0 < listed.count && listed[$0] }
                for l in out { listed[l] = false }
                out += eliminate.filter { listed[$0] }
                return out
            }
            if eliminate.count <= 1 { return eliminate }
            let graphScopes = batch.map { b in scopes.map { $0.filter { $0 != b } } } ?? scopes
            return EliminationOrdering.order(scopes: graphScopes, phases: [eliminate], cardinality: { card[$0] },
                                             heuristic: heuristic)
        }

        /// The kept labels present in a live table, in `keep` order.
        func present(_ keep: [Int]) -> Axes {
            var axes = Axes.empty
            for l in keep where l < count.count && count[l] > 0 { axes.labels.append(l); axes.cardinalities.append(card[l]) }
            return axes
        }
    }

    // MARK: - The log scale

    /// Divides `values` by their sum `s` when `s` is far from 1 (outside `[2⁻³², 2³²]`),
    /// so that products of a few such tables neither underflow nor overflow, and returns
    /// the factor divided out (1 when the table was left as it is, 0 when it sums to zero).
    static func rescale(_ values: inout [Double]) -> Double {
        let s = TableKernels.fastSum(values)
        guard s > 0, s.isFinite else { return 0 }
        if s >= 0x1p-32 && s <= 0x1p32 { return 1 }
        let inverse = 1 / s
        for i in values.indices { values[i] *= inverse }
        return s
    }

    // MARK: - Pairwise contraction

    /// Contracts `tables` pairwise, the pair with the smallest result first, summing each
    /// label of `summing` out as soon as no other table mentions it: each pair through a
    /// `ContractionPlan` (GEMM after permuting operands, or an odometer loop when small).
    /// Label sets are bit masks over the joint scope `union` (at most 64 labels).
    static func pairwise(_ tables: [Table], union: Axes, summing: [Int], budget: Budget) throws(InferenceError) -> Table {
        precondition(union.count <= 64)
        var tables = tables
        func mask(_ labels: [Int]) -> UInt64 {
            var m: UInt64 = 0
            for l in labels { m |= 1 << UInt64(union.labels.firstIndex(of: l)!) }
            return m
        }
        var masks = tables.map { mask($0.axes.labels) }
        let summed = mask(summing)
        let logCard = union.cardinalities.map { log2(Double($0)) }
        func keep(_ i: Int, _ j: Int) -> UInt64 {
            var others: UInt64 = 0
            for (k, m) in masks.enumerated() where k != i && k != j { others |= m }
            return (masks[i] | masks[j]) & (~summed | others)
        }
        while tables.count > 1 {
            let best = ContractionPlan.smallestPair(tables.count) { i, j in
                var size = 0.0
                var bits = keep(i, j)
                while bits != 0 { size += logCard[bits.trailingZeroBitCount]; bits &= bits &- 1 }
                return size
            }
            let keepMask = keep(best.i, best.j)
            let plan = ContractionPlan(a: tables[best.i].axes, b: tables[best.j].axes,
                                       isKept: { keepMask & (1 << UInt64(union.labels.firstIndex(of: $0)!)) != 0 })
            try budget.check(plan.output)
            let values = plan.execute(tables[best.i].values, tables[best.j].values)
            tables.remove(at: best.j); masks.remove(at: best.j)
            tables.remove(at: best.i); masks.remove(at: best.i)
            tables.append(Table(axes: plan.output, values: values)); masks.append(keepMask)
        }
        let t = tables[0]
        let left = t.axes.labels.filter { !summing.contains($0) }
        if left.count == t.axes.count { return t }
        let r = TableKernels.sumOut(t.values, t.axes, keeping: left)
        return Table(axes: r.axes, values: r.values)
    }

    // MARK: - Max-product

    /// Max-product bucket elimination (Dawid 1992; bucket form, Dechter 1999): every label
    /// of `summing` is summed out first, then every label of `maximising` is max-eliminated
    /// (sums and maxima do not commute), in a `heuristic` order within each phase. A
    /// max bucket's product is max-marginalised recording the maximising state for every
    /// configuration of its other labels; the traceback then reads each label's state in
    /// reverse order. Each bucket result is divided by its sum and the log carried.
    /// - Returns: the maximisers and `logScale + log max Σ ∏ tables` (`-∞` when that is zero).
    static func maxProduct(_ tables: [Table], summing: [Int], maximising: [Int], heuristic: EliminationHeuristic,
                           logScale: Double = 0, budget: Budget) throws(InferenceError) -> (states: [Int: Int], logValue: Double) {
        var pool = tables
        let labels = Labels(tables.map(\.axes), keep: [])
        let order = EliminationOrdering.order(scopes: pool.map(\.axes.labels), phases: [summing, maximising],
                                              cardinality: { $0 < labels.card.count ? labels.card[$0] : 1 },
                                              heuristic: heuristic)
        let isMax = Set(maximising)
        var logValue = logScale
        var traces: [(label: Int, kept: Axes, maxed: Axes, argmax: [Int])] = []
        for x in order {
            let bucket = pool.filter { $0.axes.labels.contains(x) }
            if bucket.isEmpty { continue }
            pool.removeAll { $0.axes.labels.contains(x) }
            let union = bucket.reduce(Axes.empty) { $0.union($1.axes) }
            var result: Table
            if isMax.contains(x) {
                var product = bucket[0]
                for g in bucket.dropFirst() {
                    let out = product.axes.union(g.axes)
                    try budget.check(out)
                    product = Table(axes: out, values: TableKernels.broadcast(product.values, product.axes, g.values, g.axes,
                                                                              into: out, .multiply))
                }
                let m = TableKernels.maxOut(product.values, product.axes, keeping: product.axes.labels.filter { $0 != x })
                traces.append((x, m.axes, m.maxedAxes, m.argmax))
                result = Table(axes: m.axes, values: m.values)
            } else if union.count <= 64 {
                result = try pairwise(bucket, union: union, summing: [x], budget: budget)
            } else {
                try budget.check(union)
                let out = union.selecting(union.labels.filter { $0 != x })
                result = Table(axes: out, values: TableKernels.productSum(bucket, out: out, summed: union.selecting([x])))
            }
            let z = TableKernels.normalize(&result.values)
            guard z > 0 else { return ([:], -.infinity) }
            logValue += log(z)
            pool.append(result)
        }
        for g in pool {
            let z = g.values.reduce(0, +)
            guard z > 0 else { return ([:], -.infinity) }
            logValue += log(z)
        }
        var states: [Int: Int] = [:]
        for t in traces.reversed() {
            var index = 0
            for (v, c) in zip(t.kept.labels, t.kept.cardinalities) { index = index * c + states[v]! }
            var code = t.argmax[index]
            for (v, c) in zip(t.maxed.labels, t.maxed.cardinalities).reversed() {
                if v == t.label { states[v] = code % c }
                code /= c
            }
        }
        return (states, logValue)
    }
}

// MARK: - Compile on repeat

/// The one rule deciding how a contraction of given shapes runs: by the one-shot pass
/// until its shape has been seen `sighting` times (`manySighting` times for more than
/// `manyOperands` tables), compiled into a cached `ContractionProgram` from then on.
/// A compiled program pays for its plan once and wins when the shapes come back; a
/// contraction that never returns should not pay a compile.
///
/// Measured on the reference networks (`credence bench`): variable elimination compiles a
/// query pattern on its second sight (`sighting = 2`: compiling costs several times a
/// run); the junction tree compiles a message shape on first sight, except for messages
/// of many tables (pathfinder's `Fault` clique), where the compiler's pairwise merge grows
/// with the cube of the operand count: those compile on their eighth sight (6, 10, 16 and
/// never tried for `manyOperands`; 1, 2, 3 and 8 for `manySighting`).
struct CompileRule: Sendable {
    let sighting: Int
    let manySighting: Int
    static let manyOperands = 16

    /// Variable elimination's rule: a query pattern compiles on its second sight.
    static let onRepeat = CompileRule(sighting: 2, manySighting: 2)
    /// The junction tree's rule for messages.
    static let messages = CompileRule(sighting: 1, manySighting: 8)

    /// The sighting on which a contraction of `operands` tables is compiled.
    func compilesOn(operands: Int) -> Int { operands > Self.manyOperands ? manySighting : sighting }
}

/// Compiled programs by shape (`Key`), with the sightings of shapes not compiled yet, under
/// `CompileRule`. Thread-safe: one engine may serve many threads. Both maps are cleared
/// when they would grow past `limit`.
final class ProgramCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let rule: CompileRule
    let limit: Int
    private struct State { var programs: [Key: Value] = [:]; var sightings: [Key: Int] = [:] }
    private let state = Mutex(State())

    init(_ rule: CompileRule, limit: Int) {
        self.rule = rule
        self.limit = limit
    }

    /// The number of compiled programs held.
    var count: Int { state.withLock { $0.programs.count } }

    /// The program for `key`, compiling (and keeping) it on a miss.
    func program(_ key: Key, compile: () throws(InferenceError) -> Value) throws(InferenceError) -> Value {
        if let hit = state.withLock({ $0.programs[key] }) { return hit }
        let compiled = try compile()
        state.withLock { s in
            if s.programs.count >= limit { s.programs.removeAll(keepingCapacity: true) }
            s.programs[key] = compiled
        }
        return compiled
    }

    /// The program for `key` when the rule says it is due (compiling it now on a miss);
    /// nil when this sighting is answered by the one-shot pass (the sighting is counted).
    func programIfDue(_ key: Key, operands: Int = 0, compile: () throws(InferenceError) -> Value) throws(InferenceError) -> Value? {
        let due = rule.compilesOn(operands: operands)
        let hit: Value?? = state.withLock { s in
            if let p = s.programs[key] { return .some(p) }
            if due <= 1 { return .some(nil) }
            let seen = s.sightings[key, default: 0] + 1
            if seen < due {
                if s.sightings.count >= limit { s.sightings.removeAll(keepingCapacity: true) }
                s.sightings[key] = seen
                return nil
            }
            s.sightings[key] = nil
            return .some(nil)
        }
        guard let due = hit else { return nil }
        if let p = due { return p }
        return try program(key, compile: compile)
    }
}

extension ProgramCache where Key == Contraction.Shape, Value == ContractionProgram {
    /// `Σ_{not keep} ∏ tables` by the contraction service: the cached program of these
    /// shapes when the rule says it is due, else the one-shot pass. The result axes are the
    /// kept labels present, in `keep` order; the true result of row `r` (the state of
    /// `batchLabel`; one row without it) is `table[r…] · exp(logScale[r])`.
    func contract(_ tables: [Table], heads: [Int?], keep: [Int], batchLabel: Int? = nil,
                  budget: Contraction.Budget) throws(InferenceError) -> (table: Table, logScale: [Double]) {
        let shape = Contraction.Shape(inputs: tables.map(\.axes), heads: heads.map { $0 ?? -1 }, keep: keep, batchLabel: batchLabel)
        let rows = batchLabel.flatMap { b in tables.lazy.compactMap { t in t.axes.position(of: b).map { t.axes.cardinalities[$0] } }.first } ?? 1
        guard let program = try programIfDue(shape, operands: tables.count, compile: { () throws(InferenceError) in
            try ContractionProgram.compile(inputs: shape.inputs, heads: heads, keep: keep, batchLabel: batchLabel, budget: budget)
        }) else {
            let r = try Contraction.oneShot(tables, heads: heads, keep: keep, budget: budget)
            return (r.table, [Double](repeating: r.logScale, count: rows))
        }
        try program.checkBudget(budget)
        return program.run(tables.map(\.values), rows: rows)
    }
}
