import BNCore
import FactorKernels

// Issue 16's constant folding of compiled programs: the steps whose operands never change
// between runs are run once, when the plan is made (`VariableElimination.foldingConstants`).

extension ContractionProgram {
    /// Steps whose operands never change between runs, run once when the plan was made:
    /// `skip[k]` marks such a step, `tables` holds the outputs that a later step (or the
    /// result) reads, and `logScales[k]` the log of the rescaling step `k` applied then.
    final class Folded: Sendable {
        let skip: [Bool]
        let tables: [Int: [Double]]
        let logScales: [Double]
        init(skip: [Bool], tables: [Int: [Double]], logScales: [Double]) {
            self.skip = skip
            self.tables = tables
            self.logScales = logScales
        }
    }

    /// Constant folding: this program with every step whose operands are all constant
    /// (inputs in `constants`, laid out as `inputAxes`, or outputs of such steps) run once,
    /// now. A query plan of variable elimination reads most CPTs unsliced, and the same
    /// tables on every run; only the CPTs sliced at the findings and the likelihoods
    /// change. A sub-product of unchanging tables, e.g. the prior of an unobserved
    /// ancestor chain `Σ_a P(a) P(b | a)`, is the same on every run, so it is computed once
    /// and kept: the message-caching idea of lazy propagation (Madsen & Jensen 1999), for
    /// a straight-line program. The folded steps run the same kernels in the same order as
    /// `run` would, and their log-scales are added at the same point of the sum, so every
    /// answer is bit for bit the one of the unfolded program.
    ///
    /// Returns `self` when no step is constant, when a constant step's table sums to zero
    /// (the run then reports it as it always did), or when the tables that would be kept
    /// exceed `limit` entries (a cached plan keeps them for its lifetime). Inputs read only
    /// by folded steps are no longer `usedInputs`.
    func folding(constants: [Int: [Double]], limit: Int) -> ContractionProgram {
        let n = inputAxes.count
        var isConstant = [Bool](repeating: false, count: n + ops.count)
        var slots = [[Double]](repeating: [], count: n + ops.count)
        for (i, t) in constants where usedInputs[i] {
            isConstant[i] = true
            slots[i] = t
        }
        var skip = [Bool](repeating: false, count: ops.count)
        var logScales = [Double](repeating: 0, count: ops.count)
        for (k, op) in ops.enumerated() where op.operands.allSatisfy({ isConstant[$0] }) {
            var out = step(k, slots)
            if case .permute = op {} else {
                if let b = batchLabel, opAxes[k].labels.contains(b) { return self }
                guard let ls = Self.logRescale(&out) else { return self }
                logScales[k] = ls
            }
            slots[n + k] = out
            isConstant[n + k] = true
            skip[k] = true
        }
        guard skip.contains(true) else { return self }
        // Keep the folded outputs that a step still run, or the result, reads.
        var kept: [Int: [Double]] = [:]
        var used = [Bool](repeating: false, count: n)
        for (k, op) in ops.enumerated() where !skip[k] {
            for s in op.operands {
                if s < n { used[s] = true } else if skip[s - n] { kept[s] = slots[s] }
            }
        }
        if let r = result {
            if r < n { used[r] = true } else if skip[r - n] { kept[r] = slots[r] }
        }
        guard kept.values.reduce(0, { $0 + $1.count }) <= limit else { return self }
        var p = ContractionProgram(inputAxes: inputAxes, usedInputs: zip(usedInputs, used).map { $0 && $1 }, ops: ops,
                                   opAxes: opAxes, release: release, result: result, resultAxes: resultAxes,
                                   batchLabel: batchLabel, largestAxes: largestAxes, largestEntries: largestEntries,
                                   peakEntries: peakEntries)
        p.folded = Folded(skip: skip, tables: kept, logScales: logScales)
        return p
    }
}
