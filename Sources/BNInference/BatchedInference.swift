import BNCore
import FactorKernels
import Foundation
import Synchronization

/// The posterior of one target for every row of a dataset.
public struct BatchPosteriors: Sendable, Equatable {
    /// The target variable.
    public let target: Int
    /// The target's number of states.
    public let stateCount: Int
    /// `values[r · stateCount + s] = P(target = s | observed cells of row r)`.
    public let values: [Double]
    /// `log P(observed cells of row r)`, when asked for.
    public let logEvidence: [Double]?
    /// The number of distinct observation patterns, i.e. compiled plans used.
    public let patternCount: Int
    /// Rows whose observed cells have probability zero, increasing (only when asked to skip
    /// them; their posterior is NaN and their `logEvidence` is `-inf`).
    public var impossibleRows: [Int] = []

    public var rowCount: Int { values.count / max(stateCount, 1) }

    /// The posterior of row `r`.
    public subscript(row: Int) -> ArraySlice<Double> {
        values[(row * stateCount)..<((row + 1) * stateCount)]
    }
}

/// Batched queries: one target's posterior for every row of an integer-coded `Dataset`.
///
/// Rows are grouped by *pattern*, the set of variables they observe (`Dataset.missing`,
/// -1, leaves a cell unobserved). One plan is compiled per pattern and the rows of a group
/// become a batch axis `r`: every CPT that mentions an observed variable is sliced once
/// per row into one table `φ[r, …]` (a gather), and the plan's pairwise contractions carry
/// `r` as a shared kept axis, so where a row-by-row engine would run many small vector
/// products, `ContractionPlan` runs one batched GEMM. Tables that no observed variable
/// reaches are computed once for the whole group. Each intermediate is rescaled per row
/// (log scale carried per row), so long records do not underflow.
///
/// Scattered missing values make nearly every row its own pattern; such rows (those in
/// groups smaller than `minimumGroupRows`) are pooled into one plan over the union `U` of
/// the variables they observe, with the evidence entered as indicator tables
/// `I_u[r, x] = 1[x = x_u(r)]` (all ones where row `r` misses `u`), pruned to the
/// ancestors of the target and `U`. Every row then runs the same batched contractions.
///
/// Rows are processed in chunks whose largest table stays near `workingSetEntries`
/// (and always under `MemoryBudget.current`).
extension VariableElimination {
    /// `P(target | row)` for every row of `data`. Columns are matched to variables by
    /// name (columns naming no variable are ignored) and states by name.
    /// - Parameters:
    ///   - ignoringTargetColumn: skip the target's own column (scoring); when false, a row
    ///     observing the target gets a point mass.
    ///   - withLogEvidence: also return `log P(observed cells)` per row (prunes barren
    ///     nodes only instead of Bayes-ball, so it can be slower).
    ///   - workingSetEntries: the target size of the largest batched table.
    ///   - minimumGroupRows: patterns with fewer rows are pooled into the indicator plan
    ///     when that is estimated cheaper than one sliced plan per pattern (`Int.max`
    ///     forces pooling, 1 forces slicing).
    ///   - threads: chunks run on up to this many threads (results do not depend on it).
    ///   - pooledOver: when given, every row goes into the one indicator plan over these
    ///     variables (which must hold every variable the rows observe), whatever the
    ///     patterns: a row's posterior then depends on its own cells only, not on the other
    ///     rows of `data` (the same row gives the same bits in any batch, as a streamed
    ///     table cut into chunks needs).
    ///   - skippingImpossibleRows: a row with probability zero gets NaN posteriors and is
    ///     listed in `impossibleRows` instead of failing the call.
    /// - Throws: `impossibleEvidenceInRow` naming the row's findings when a row has
    ///   probability zero (unless skipped); `invalidQuery` for a column whose state the variable lacks.
    public func posteriors(of target: Int, for data: Dataset, ignoringTargetColumn: Bool = true,
                           withLogEvidence: Bool = false,
                           skippingImpossibleRows: Bool = false,
                           workingSetEntries: Int = 1 << 21,
                           minimumGroupRows: Int = 32,
                           threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                           pooledOver: [Int]? = nil) throws(InferenceError) -> BatchPosteriors {
        try checkTargets([target])
        let n = network.count
        // Column → variable, and the recoding of the column's states.
        var columnOf = [Int](repeating: -1, count: n)
        var recode = [[Int32]](repeating: [], count: n)
        for (j, name) in data.names.enumerated() {
            guard let v = network.index(of: name) else { continue }
            if v == target && ignoringTargetColumn { continue }
            let recoding = StateRecoding(data.states[j], to: network.variables[v])
            if let k = recoding.unmatched.first {
                throw .invalidQuery("column \(Quote.name(name)) has state \(Quote.name(data.states[j][k])), which variable \(Quote.name(name)) does not have (its states are \(network.variables[v].states.joined(separator: ", ")))")
            }
            columnOf[v] = j
            recode[v] = recoding.codes
        }
        let observedVariables = (0..<n).filter { columnOf[$0] >= 0 }
        let rows = data.rowCount
        let k = network.variables[target].cardinality

        // Group rows by pattern (first occurrence order).
        let words = max(1, (n + 63) / 64)
        var groupOf: [[UInt64]: Int] = [:]
        var groups: [(pattern: [Int], rows: [Int])] = []
        var key = [UInt64](repeating: 0, count: words)
        for r in 0..<rows {
            for w in 0..<words { key[w] = 0 }
            for v in observedVariables where data.columns[columnOf[v]][r] >= 0 { key[v >> 6] |= 1 << UInt64(v & 63) }
            if let g = groupOf[key] {
                groups[g].rows.append(r)
            } else {
                groupOf[key] = groups.count
                groups.append((observedVariables.filter { data.columns[columnOf[$0]][r] >= 0 }, [r]))
            }
        }

        let columnOfVariable = columnOf
        let recoding = recode
        let state: @Sendable (Int, Int) -> Int = { v, r in
            let code = data.columns[columnOfVariable[v]][r]
            return code < 0 ? -1 : Int(recoding[v][Int(code)])
        }

        // 1. Plan the work on this thread (plans compile under the caller's memory budget).
        var tasks: [BatchTask] = []
        /// `fixedBatch`: every chunk has the same number of rows (the last one padded with
        /// copies of its first row, whose answers are dropped), so every row runs through the
        /// very same plan.
        func schedule(_ pattern: [Int], _ members: [Int], mode: Mode, fixedBatch: Bool = false) throws(InferenceError) {
            let targetObserved = mode != .indicators && pattern.contains(target)
            let targets = targetObserved ? [] : [target]
            func key(_ r: Int) -> PlanKey { PlanKey(targets: targets, fixed: pattern, mode: mode, batched: true, rows: r) }
            // Size the chunk from a one-row plan.
            let probe = try plan(key(1))
            let perRow = max(probe.program.largestEntries, 1)
            let budgetRows = MemoryBudget.current.bytes / MemoryLayout<Double>.stride / perRow
            let chunk = max(1, min(fixedBatch ? Self.fixedBatchRows : members.count, workingSetEntries / perRow, budgetRows))
            var start = 0
            while start < members.count {
                var slice = Array(members[start..<min(start + chunk, members.count)])
                start += slice.count
                let padding = fixedBatch ? chunk - slice.count : 0
                slice += [Int](repeating: slice[0], count: padding)
                let q = try plan(key(slice.count))
                try q.program.checkBudget(budget)
                tasks.append(BatchTask(pattern: pattern, rows: slice, plan: q, targetObserved: targetObserved, padding: padding))
            }
        }
        // Large groups: one sliced plan each. Small groups: pooled into one indicator plan
        // over the union of their observed variables.
        let sliceMode: Mode = withLogEvidence ? .evidence : .posterior
        var pooled: [Int] = []
        var small: [(pattern: [Int], rows: [Int])] = []
        var pooledObserved = [Bool](repeating: false, count: n)
        let patternCount = groups.count
        if let union = pooledOver {
            if rows > 0 { try schedule(union.sorted(), Array(0..<rows), mode: .indicators, fixedBatch: true) }
            groups = []
        }
        for group in groups {
            if group.rows.count >= minimumGroupRows {
                try schedule(group.pattern, group.rows, mode: sliceMode)
            } else {
                pooled += group.rows
                small.append(group)
                for v in group.pattern { pooledObserved[v] = true }
            }
        }
        if !pooled.isEmpty {
            let union = (0..<n).filter { pooledObserved[$0] }
            // The pooled plan cannot slice or prune by pattern: use it when its work per row
            // is below that of a sliced plan for a typical small group plus the cost of
            // compiling that plan (about `compileWork` entries per step).
            let pooledPlan = try plan(PlanKey(targets: [target], fixed: union, mode: .indicators, batched: true, rows: 1))
            let sample = small[small.count / 2]
            let sampleTargets = sample.pattern.contains(target) ? [] : [target]
            let slicedPlan = try plan(PlanKey(targets: sampleTargets, fixed: sample.pattern, mode: sliceMode, batched: true, rows: 1))
            let rowsPerGroup = max(1, pooled.count / small.count)
            let slicedWork = slicedPlan.program.work + Self.compileWork * slicedPlan.program.ops.count / rowsPerGroup
            if minimumGroupRows == Int.max || pooledPlan.program.work <= slicedWork {
                pooled.sort()
                try schedule(union, pooled, mode: .indicators)
            } else {
                for group in small { try schedule(group.pattern, group.rows, mode: sliceMode) }
            }
        }

        // 2. Run the chunks, on several threads when there are several.
        let outcomes = Mutex<[Result<BatchOutcome, InferenceError>?]>(Array(repeating: nil, count: tasks.count))
        let work = tasks
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, work.count))) { _ in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= work.count { break }
                let r = Result { () throws(InferenceError) in try self.runBatch(work[i], target: target, state: state,
                                                                                          skippingImpossibleRows: skippingImpossibleRows) }
                outcomes.withLock { $0[i] = r }
            }
        }

        // 3. Merge in row order; the first impossible row (lowest number) is reported.
        var values = [Double](repeating: 0, count: rows * k)
        var logEvidence = withLogEvidence ? [Double](repeating: 0, count: rows) : nil
        var firstError: (row: Int, error: InferenceError)? = nil
        var impossible: [Int] = []
        let results = outcomes.withLock { $0 }
        for (t, result) in zip(work, results) {
            switch result! {
            case .failure(let e):
                if case .impossibleEvidenceInRow(let row, _) = e {
                    if firstError == nil || row < firstError!.row { firstError = (row, e) }
                } else if firstError == nil {
                    firstError = (Int.max, e)
                }
            case .success(let out):
                for (i, r) in t.rows.dropLast(t.padding).enumerated() {
                    for s in 0..<k { values[r * k + s] = out.values[i * k + s] }
                    logEvidence?[r] = out.logEvidence[i]
                }
                impossible += t.padding > 0 ? Array(Set(out.impossible)) : out.impossible
            }
        }
        if let e = firstError { throw e.error }
        var result = BatchPosteriors(target: target, stateCount: k, values: values, logEvidence: logEvidence,
                                     patternCount: patternCount)
        result.impossibleRows = impossible.sorted()
        return result
    }
}

extension VariableElimination {
    /// The cost of compiling one program step, in table entries of work (measured: a few
    /// microseconds per step against about a nanosecond per entry).
    static let compileWork = 3000

    /// The rows of every batch of `posteriors(pooledOver:)` (fewer when a row's tables are
    /// large): a plan is compiled for its batch size, and the contraction order it picks can
    /// change the last bits, so every batch has this size, padded when rows run short.
    static let fixedBatchRows = 512
}

/// The indicator table of one variable with `k` states over a batch of rows,
/// `I[r, x] = 1[x = state(r)]`, row-major `[rows × k]`; all ones in a row where `state(r)`
/// is -1 (the row misses the variable).
func indicatorTable(states k: Int, rows: Int, state: (Int) -> Int) -> [Double] {
    var table = [Double](repeating: 0, count: rows * k)
    for i in 0..<rows {
        let x = state(i)
        if x < 0 {
            for s in 0..<k { table[i * k + s] = 1 }
        } else {
            table[i * k + x] = 1
        }
    }
    return table
}

/// One chunk of rows sharing a compiled plan.
struct BatchTask: Sendable {
    let pattern: [Int]
    let rows: [Int]
    let plan: CompiledQuery
    let targetObserved: Bool
    /// The last `padding` rows repeat the first, to fill a fixed batch; their answers are dropped.
    var padding = 0
}

/// A chunk's answers: `values[i · k + s]` and `log P(e)` per row of the chunk.
struct BatchOutcome: Sendable {
    let values: [Double]
    let logEvidence: [Double]
    /// Dataset rows of the chunk with probability zero (when skipped).
    var impossible: [Int] = []
}

extension VariableElimination {
    /// Gathers the chunk's evidence into batched tables and runs its plan.
    func runBatch(_ task: BatchTask, target: Int, state: (Int, Int) -> Int,
                  skippingImpossibleRows: Bool = false) throws(InferenceError) -> BatchOutcome {
        let q = task.plan
        let slice = task.rows
        let k = network.variables[target].cardinality
        let tables = prepare(q.inputs, used: q.program.usedInputs, rows: slice.count) { state($0, slice[$1]) }
        let out = q.program.run(tables, rows: slice.count)
        let axes = out.table.axes
        let batched = axes.labels.first == batchLabel
        let width = batched ? axes.entries / slice.count : axes.entries
        var values = [Double](repeating: 0, count: slice.count * k)
        var logEvidence = [Double](repeating: 0, count: slice.count)
        var impossible: [Int] = []
        for (i, r) in slice.enumerated() {
            var z = 0.0
            let base = batched ? i * width : 0
            for s in 0..<width { z += out.table.values[base + s] }
            if !(z > 0) || out.logScale[i] == -.infinity {
                if skippingImpossibleRows {
                    impossible.append(r)
                    for s in 0..<k { values[i * k + s] = .nan }
                    logEvidence[i] = -.infinity
                    continue
                }
                throw .impossibleEvidenceInRow(row: r, evidence: task.pattern.compactMap { v in
                    let x = state(v, r)
                    return x < 0 ? nil : "\(network.variables[v].name)=\(network.variables[v].states[x])"
                })
            }
            if task.targetObserved {
                values[i * k + state(target, r)] = 1
            } else {
                precondition(width == k)
                for s in 0..<k { values[i * k + s] = out.table.values[base + s] / z }
            }
            logEvidence[i] = log(z) + out.logScale[i]
        }
        return BatchOutcome(values: values, logEvidence: logEvidence, impossible: impossible)
    }
}
