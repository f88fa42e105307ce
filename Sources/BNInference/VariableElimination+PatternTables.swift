import BNCore
import FactorKernels
import Synchronization

// Issue 16's warm-query speed-ups of compiled plans (see `VariableElimination`): the
// pattern table of a hard-findings posterior, and constant folding of the steps that read
// only unsliced CPTs, with the engine's bound on the entries both keep.

extension VariableElimination {
    /// The plan `program` with its constant steps run now (`ContractionProgram.folding`):
    /// sub-products of the CPTs that enter unsliced (`inputs` without a slice) are the same
    /// on every run. The kept tables count against the engine's bound.
    func foldingConstants(_ program: ContractionProgram, inputs: [CompiledQuery.Input]) -> ContractionProgram {
        var constants: [Int: [Double]] = [:]
        for (i, input) in inputs.enumerated() where input.slice == nil {
            if case .cpt(let v) = input.source { constants[i] = input.permuted ?? network.cpts[v].values }
        }
        let folded = program.folding(constants: constants, limit: keptEntriesLeft(perPlan: Self.foldedEntriesPerPlan))
        if let f = folded.folded {
            foldedEntries.add(f.tables.values.reduce(0) { $0 + $1.count }, ordering: .relaxed)
        }
        return folded
    }

    /// The pattern table of a posterior query with hard findings only (nil when another
    /// kind, or over the bounds): the plan's sum with the observed variables kept instead
    /// of sliced, `P(targets, observed) · c` for every state of the observed variables at
    /// once, run now on the unsliced CPTs. Slicing commutes with the product and with
    /// sums over other variables, so its slice at the findings is the sliced plan's
    /// result, `P(targets, e) · c'`: a warm query with this pattern is then one slice,
    /// whatever states are observed (the idea of compiling a network for a class of
    /// queries, Darwiche 2003, "A differential approach to inference in Bayesian
    /// networks", at the scale of one evidence pattern). Kept only when the table has at
    /// most `patternEntries` entries and costs at most `patternWorkFactor` times the
    /// sliced plan's work to build; the sums run in another order, so answers agree with
    /// the sliced plan's to rounding (the reference suites check 1e-9).
    func patternTable(_ key: PlanKey, plain: ContractionProgram) throws(InferenceError) -> CompiledQuery.Pattern? {
        guard key.mode == .posterior, !key.batched, key.soft.isEmpty, key.intervened.isEmpty, !key.fixed.isEmpty else { return nil }
        let ops = operands(key, slicing: false)
        let observed = key.fixed.filter { v in ops.axes.contains { $0.labels.contains(v) } }
        var entries = 1
        for v in observed + key.targets {
            entries *= network.variables[v].cardinality
            if entries > Self.patternEntries { return nil }
        }
        guard entries <= keptEntriesLeft(perPlan: Self.patternEntries) else { return nil }
        let program = try ContractionProgram.compile(inputs: ops.axes, heads: ops.heads, keep: observed + key.targets,
                                                     heuristic: heuristic, budget: budget)
        guard program.work <= Self.patternWorkFactor * max(plain.work, 1),
              program.resultAxes.labels == observed + key.targets else { return nil }
        let tables = ops.inputs.enumerated().map { i, input -> [Double] in
            guard program.usedInputs[i], case .cpt(let v) = input.source else { return [] }
            return network.cpts[v].values
        }
        let r = program.run(tables)
        guard r.logScale[0] > -.infinity else { return nil }
        foldedEntries.add(entries, ordering: .relaxed)
        return CompiledQuery.Pattern(values: r.table.values, variables: observed,
                                     strides: program.resultAxes.strides(along: observed),
                                     axes: program.resultAxes.selecting(key.targets))
    }

    /// The table entries a new plan may keep (folded constants or a pattern table): at most
    /// `perPlan`, and what the engine's bound `foldedEntriesPerEngine` has left.
    func keptEntriesLeft(perPlan: Int) -> Int {
        min(perPlan, max(0, Self.foldedEntriesPerEngine - foldedEntries.load(ordering: .relaxed)))
    }

    /// The largest pattern table (entries) a plan keeps, and how many times the sliced
    /// plan's work building it may cost.
    static let patternEntries = 1 << 16
    static let patternWorkFactor = 64

    /// The most table entries one plan keeps from constant folding
    /// (`ContractionProgram.folding`), and all plans of one engine together (counted as
    /// plans are made; a plan over the bound is run unfolded).
    static let foldedEntriesPerPlan = 1 << 18
    static let foldedEntriesPerEngine = 1 << 24
}

extension CompiledQuery {
    /// `P(targets, observed) · c` over `[observed ++ targets]` (`VariableElimination.patternTable`).
    struct Pattern: Sendable {
        let values: [Double]
        /// The observed variables in the table, in axis order, and their strides.
        let variables: [Int]
        let strides: [Int]
        /// The targets' axes: one slice.
        let axes: Axes

        /// The slice at the findings' states.
        func slice(at f: Findings) -> Table {
            var base = 0
            for (v, stride) in zip(variables, strides) { base += f.fixed[v] * stride }
            return Table(axes: axes, values: Array(values[base..<(base + axes.entries)]))
        }
    }
}
