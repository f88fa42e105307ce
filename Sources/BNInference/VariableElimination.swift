import BNCore
import FactorKernels
import Foundation
import Synchronization

/// Variable elimination with relevance pruning and compiled, cached plans.
///
/// A query `P(T | e)` computes `Σ_{X \ T} ∏_v P(v | pa(v)) · ∏ λ` with every table sliced
/// at the hard findings (Zhang & Poole 1994; Dechter 1999, bucket elimination):
///
/// 1. relevance pruning on the graph alone: Bayes-ball (Shachter 1998) keeps the requisite
///    CPTs of a posterior; `P(e)` keeps the ancestral set (barren nodes removed);
///    interventions `do(X = x)` cut the edges into `X` and drop its CPT (Pearl 2009);
/// 2. an elimination order on the interaction graph of the sliced tables (any
///    `EliminationHeuristic`, min-fill by default);
/// 3. the contraction itself, by the `Contraction` service: a one-shot pass or a compiled
///    `ContractionProgram` (each bucket contracted pairwise through `ContractionPlan`, GEMM
///    for large operands), messages rescaled with their log carried.
///
/// Steps 1–3 depend only on the *structure* of the query (targets, which variables carry
/// hard / soft findings or interventions, and the mode), not on the observed states, so
/// the compiled plan is cached under that key and reused for every later query with the
/// same pattern: the next query only slices the CPTs at the new states and runs the
/// program. Compiling costs several times more than running, so a pattern seen for the
/// first time is answered by the one-shot pass on the same pruned, sliced tables; its plan
/// is compiled on the pattern's second sight (`CompileRule.onRepeat`). The cache is
/// thread-safe; one engine may serve many threads.
///
/// Two things are computed once per plan, at compile time:
/// - with hard findings only and a small enough result, the *pattern table*
///   `P(targets, observed)` for every state of the observed variables
///   (`patternTable`): later queries with the pattern are one slice of it;
/// - otherwise the plan's *constants*: the steps that read only unsliced CPTs
///   (`ContractionProgram.folding`), so a warm query runs only the steps the findings
///   reach.
///
/// Pruning note: evidence d-separated from the targets is not evaluated by `posterior`
/// and `joint` (it cannot change the answer), so an impossible finding there is not
/// reported; `logProbabilityOfEvidence` and the junction tree evaluate all evidence.
public final class VariableElimination: InferenceEngine, Sendable {
    public let network: BayesianNetwork
    public let heuristic: EliminationHeuristic
    /// The largest number of plans kept; the cache is cleared when it would grow past it.
    let planCacheLimit: Int
    /// Compiled plans by query structure, and the structures seen once.
    private let cache: ProgramCache<PlanKey, CompiledQuery>
    /// CPTs relaid out for compiled plans, by variable and axis order: one copy per layout,
    /// shared by every cached plan that reads it (the plan cache may hold thousands).
    private let layouts = Mutex<[Layout: [Double]]>([:])
    private struct Layout: Hashable { let variable: Int, labels: [Int] }
    /// Table entries kept by the constant folding of the plans made so far.
    let foldedEntries = Atomic<Int>(0)

    /// An engine for `network` ordering eliminations with `heuristic`.
    public init(_ network: BayesianNetwork, heuristic: EliminationHeuristic = .minFill, planCacheLimit: Int = 4096) {
        self.network = network
        self.heuristic = heuristic
        self.planCacheLimit = planCacheLimit
        cache = ProgramCache(.onRepeat, limit: planCacheLimit)
    }

    /// The number of compiled plans in the cache.
    public var cachedPlanCount: Int { cache.count }

    // MARK: - Queries

    public func posterior(of target: Int, given evidence: Evidence) throws(InferenceError) -> [Double] {
        try joint(of: [target], given: evidence).values
    }

    public func joint(of targets: [Int], given evidence: Evidence) throws(InferenceError) -> Factor {
        try checkTargets(targets)
        let f = try Findings(evidence, in: network)
        let free = targets.filter { f.fixed[$0] < 0 }
        // Nothing to compute for observed targets; still refuse impossible evidence.
        if free.isEmpty { _ = try logProbabilityOfEvidence(evidence) }
        var r = try answer(PlanKey(targets: free, findings: f, mode: .posterior, batched: false), f)
        let z = r.table.values.reduce(0, +)
        guard z > 0, r.logScale > -.infinity else { throw .impossibleEvidence(f.words) }
        r.table.values.withUnsafeMutableBufferPointer { b in for i in b.indices { b[i] /= z } }
        return try assembleJoint(network: network, targets: targets, fixed: f.fixed, r.table)
    }

    public func logProbabilityOfEvidence(_ evidence: Evidence) throws(InferenceError) -> Double {
        let f = try Findings(evidence, in: network)
        if f.isEmpty { return 0 }
        let r = try answer(PlanKey(targets: [], findings: f, mode: .evidence, batched: false), f)
        let z = r.table.values.reduce(0, +)
        guard z > 0, r.logScale > -.infinity else { throw .impossibleEvidence(f.words) }
        return log(z) + r.logScale + f.logConstant
    }

    /// One posterior query per variable (each plan cached); the junction tree answers this
    /// in one calibration.
    public func allMarginals(given evidence: Evidence) throws(InferenceError) -> [[Double]] {
        try (0..<network.count).map { v throws(InferenceError) in try posterior(of: v, given: evidence) }
    }

    // MARK: - Plans

    /// Whether the plan answers a posterior (Bayes-ball pruning) or `P(evidence)`
    /// (ancestral pruning, so the normalising constant is `P(e)`).
    /// `indicators` (batched only): no slicing; every variable of `fixed` gets an
    /// indicator table `[rows × states]` (all ones where a row leaves it missing), so rows
    /// with different patterns share one plan; pruning is ancestral, so `P(e)` is exact.
    enum Mode: Hashable, Sendable { case posterior, evidence, indicators }

    /// The structure of a query: everything a plan depends on.
    struct PlanKey: Hashable, Sendable {
        var targets: [Int]
        /// The variables with hard findings or interventions, and those of them intervened.
        var fixed: [Int]
        var intervened: [Int] = []
        var soft: [Int] = []
        var mode: Mode
        var batched: Bool
        /// The batch size baked into a batched plan's shapes (1 otherwise).
        var rows = 1
    }

    /// The batch label: one past the last variable id.
    var batchLabel: Int { network.count }

    /// The cached plan for `key`, compiling it on a miss.
    func plan(_ key: PlanKey) throws(InferenceError) -> CompiledQuery {
        try cache.program(key) { () throws(InferenceError) in try compile(key) }
    }

    /// The answer to a query of structure `key` with findings `f`, through the contraction
    /// service: the cached plan when `CompileRule.onRepeat` says it is due, else the
    /// one-shot pass on the same pruned, sliced tables (no plan is built for a pattern
    /// that may never come back; the answer is the same sum). The true result is
    /// `table · exp(logScale)`.
    func answer(_ key: PlanKey, _ f: Findings) throws(InferenceError) -> Contraction.Result {
        if let query = try cache.programIfDue(key, compile: { () throws(InferenceError) in try compile(key) }) {
            if let table = query.pattern { return Contraction.Result(table: table.slice(at: f), logScale: 0) }
            let r = try execute(query, f)
            return Contraction.Result(table: r.table, logScale: r.logScale[0])
        }
        let ops = operands(key)
        let values = prepare(ops.inputs, used: nil, f)
        return try Contraction.oneShot(zip(ops.axes, values).map { Table(axes: $0, values: $1) }, heads: ops.heads,
                                       keep: ops.keep, heuristic: heuristic, budget: budget)
    }

    /// Compiles the plan of `key`. A one-row plan takes its CPTs in the axis order its GEMMs
    /// want (`ContractionProgram.compile(choosingInputLayouts:)`): a sliced CPT is
    /// gathered straight into that order (the slice is a strided copy either way), an
    /// unsliced one is copied into it once per layout (`layouts`, shared by the plans), so
    /// no run permutes an input.
    func compile(_ key: PlanKey) throws(InferenceError) -> CompiledQuery {
        let ops = operands(key)
        let program = try ContractionProgram.compile(inputs: ops.axes, heads: ops.heads, keep: ops.keep, heuristic: heuristic,
                                                     batchLabel: ops.batch, budget: budget, choosingInputLayouts: !key.batched)
        var inputs = ops.inputs
        for (i, input) in inputs.enumerated() where program.inputAxes[i] != ops.axes[i] {
            guard case .cpt(let v) = input.source else { preconditionFailure("only CPTs are relaid out") }
            let to = program.inputAxes[i]
            if let s = input.slice {
                let full = network.cpts[v].scope.axes
                let walk = StridedWalk(extents: to.cardinalities, strides: [to.strides, full.strides(along: to.labels)])
                inputs[i] = .init(source: input.source, slice: .init(walk: walk, entries: s.entries, variables: s.variables,
                                                                     strides: s.strides))
            } else {
                let values = layouts.withLock { table in
                    let key = Layout(variable: v, labels: to.labels)
                    if let shared = table[key] { return shared }
                    let copy = TableKernels.permute(network.cpts[v].values, from: ops.axes[i], to: to)
                    table[key] = copy
                    return copy
                }
                inputs[i] = .init(source: input.source, slice: nil, permuted: values)
            }
        }
        if let table = try patternTable(key, plain: program) {
            return CompiledQuery(inputs: inputs, program: program, pattern: table)
        }
        return CompiledQuery(inputs: inputs, program: foldingConstants(program, inputs: inputs))
    }

    /// The operands of a query of structure `key` after relevance pruning: where each table
    /// comes from (CPT, sliced or not; likelihood; indicator), its axes and head, and the
    /// labels to keep.
    /// With `slicing` false (pattern tables), CPTs enter whole and the observed variables
    /// stay as axes.
    func operands(_ key: PlanKey, slicing: Bool = true) -> (inputs: [CompiledQuery.Input], axes: [Axes], heads: [Int?], keep: [Int], batch: Int?) {
        let rows = key.rows
        let n = network.count
        var pattern = Evidence()
        let intervened = Set(key.intervened)
        var isFixed = [Bool](repeating: false, count: n)
        for v in key.fixed {
            isFixed[v] = true
            if intervened.contains(v) { pattern.interventions[v] = 0 } else { pattern.hard[v] = 0 }
        }
        for v in key.soft { pattern.soft[v] = [] }
        let cptNeeded: [Bool]
        var softNeeded = [Bool](repeating: false, count: n)
        switch key.mode {
        case .posterior:
            let r = RelevancePruning.requisiteNodes(network, targets: key.targets, evidence: pattern)
            cptNeeded = r.top
            softNeeded = r.softRequisite
        case .evidence:
            cptNeeded = RelevancePruning.ancestralSet(network, targets: key.targets, evidence: pattern)
            for v in key.soft where cptNeeded[v] { softNeeded[v] = true }
        case .indicators:
            precondition(key.batched && key.soft.isEmpty && key.intervened.isEmpty)
            cptNeeded = RelevancePruning.ancestralSet(network, targets: key.targets, evidence: pattern)
            isFixed = [Bool](repeating: false, count: n)
        }
        var inputs: [CompiledQuery.Input] = []
        var axes: [Axes] = []
        var heads: [Int?] = []
        let batch = key.batched ? batchLabel : nil
        for v in 0..<n where cptNeeded[v] && !intervened.contains(v) {
            let full = network.cpts[v].scope.axes // parents(v) + [v]
            let keptLabels = slicing ? full.labels.filter { !isFixed[$0] } : full.labels
            var slice: CompiledQuery.Slice? = nil
            var reduced = full.selecting(keptLabels)
            if keptLabels.count != full.count {
                let fixedHere = full.labels.filter { isFixed[$0] }
                let walk = StridedWalk(extents: reduced.cardinalities,
                                       strides: [reduced.strides, full.strides(along: reduced.labels)])
                slice = CompiledQuery.Slice(walk: walk, entries: reduced.entries, variables: fixedHere,
                                            strides: full.strides(along: fixedHere))
                if let b = batch {
                    reduced = Axes(labels: [b] + reduced.labels, cardinalities: [rows] + reduced.cardinalities)
                }
            }
            inputs.append(.init(source: .cpt(v), slice: slice))
            axes.append(reduced)
            heads.append(isFixed[v] && slicing ? nil : v)
        }
        for v in key.soft where softNeeded[v] && !isFixed[v] {
            inputs.append(.init(source: .likelihood(v), slice: nil))
            axes.append(Axes(labels: [v], cardinalities: [network.variables[v].cardinality]))
            heads.append(nil)
        }
        if key.mode == .indicators, let b = batch {
            for v in key.fixed {
                inputs.append(.init(source: .indicator(v), slice: nil))
                axes.append(Axes(labels: [b, v], cardinalities: [rows, network.variables[v].cardinality]))
                heads.append(nil)
            }
        }
        let keep = (batch.map { [$0] } ?? []) + key.targets
        return (inputs, axes, heads, keep, batch)
    }

    /// Slices the CPTs at the findings' states and runs the plan.
    func execute(_ q: CompiledQuery, _ f: Findings) throws(InferenceError) -> (table: Table, logScale: [Double]) {
        try q.program.checkBudget(budget)
        return q.program.run(prepare(q.inputs, used: q.program.usedInputs, f))
    }

    /// The tables of `inputs` at the findings `f` (CPTs sliced at the observed states).
    func prepare(_ inputs: [CompiledQuery.Input], used: [Bool]?, _ f: Findings) -> [[Double]] {
        prepare(inputs, used: used, rows: 1, soft: f.soft) { u, _ in f.fixed[u] }
    }

    /// The tables of `inputs` for `rows` rows (a batch axis first where a batched plan has
    /// one): CPTs sliced at each row's states (`state(u, i)` for row `i`, -1 when it misses `u`),
    /// indicator tables of those states, the likelihoods `soft`; inputs not `used` get an
    /// empty table.
    func prepare(_ inputs: [CompiledQuery.Input], used: [Bool]?, rows: Int, soft: [[Double]?] = [],
                 state: (Int, Int) -> Int) -> [[Double]] {
        var tables: [[Double]] = []
        tables.reserveCapacity(inputs.count)
        for (i, input) in inputs.enumerated() {
            guard used?[i] ?? true else { tables.append([]); continue }
            switch input.source {
            case .cpt(let v):
                let values = network.cpts[v].values
                if let p = input.permuted {
                    tables.append(p)
                } else if let s = input.slice {
                    var bases = [Int](repeating: 0, count: rows)
                    for (u, stride) in zip(s.variables, s.strides) {
                        for i in 0..<rows { bases[i] += state(u, i) * stride }
                    }
                    tables.append(TableKernels.gatherSlices(values, walk: s.walk, sliceEntries: s.entries, bases: bases))
                } else {
                    tables.append(values)
                }
            case .likelihood(let v):
                tables.append(soft[v]!)
            case .indicator(let v):
                tables.append(indicatorTable(states: network.variables[v].cardinality, rows: rows) { state(v, $0) })
            }
        }
        return tables
    }

    /// The memory budget in force, naming variables (and the batch label) in its error.
    var budget: Contraction.Budget { Contraction.Budget(naming: network) }

    func checkTargets(_ targets: [Int]) throws(InferenceError) {
        guard !targets.isEmpty else { throw .invalidQuery("name at least one target variable") }
        for t in targets where t < 0 || t >= network.count {
            throw .invalidQuery("there is no variable #\(t) (the network has \(network.count))")
        }
        if targets.count > 1 && Set(targets).count != targets.count {
            throw .invalidQuery("a target variable is listed twice")
        }
    }
}

extension VariableElimination.PlanKey {
    /// The structure of a query with findings `f`.
    init(targets: [Int], findings f: Findings, mode: VariableElimination.Mode, batched: Bool) {
        let fixed = f.fixedVariables
        self.init(targets: targets, fixed: fixed, intervened: fixed.filter { f.intervened[$0] }, soft: f.softVariables,
                  mode: mode, batched: batched)
    }
}

/// A compiled query: where each operand comes from and the contraction program.
struct CompiledQuery: Sendable {
    enum Source: Sendable { case cpt(Int), likelihood(Int), indicator(Int) }
    /// A CPT sliced at hard findings: the walk over the kept axes (slice strides, then the
    /// CPT's strides) and, for each fixed variable, its stride in the CPT.
    struct Slice: Sendable {
        let walk: StridedWalk
        let entries: Int
        let variables: [Int]
        let strides: [Int]
    }
    struct Input: Sendable {
        let source: Source
        let slice: Slice?
        /// The CPT copied once into the program's axis order, when it enters unsliced in
        /// another order than its own (one-row plans only: `VariableElimination.compile`).
        var permuted: [Double]? = nil
    }
    let inputs: [Input]
    let program: ContractionProgram
    /// When set, warm queries slice it instead of running `program`.
    var pattern: Pattern? = nil
}
