import BNCore
import BNInference
import Foundation

/// Held-out evaluation of a network on data with missing cells.
public enum Evaluation {
    /// For every row, `P(target | the row's other observed cells)` and the row's true target
    /// state (-1 when missing). A row that observes the target's whole Markov blanket is
    /// answered from the blanket's families alone (`MarkovBlanketPosterior`, exact since the
    /// target is independent of the rest given its blanket); any other row goes through the
    /// junction tree, identical evidence rows once.
    public static func predict(_ network: BayesianNetwork, on data: Dataset, target: String) throws -> (truth: [Int32], predictions: [[Double]]) {
        let t = try network.require(target)
        let binding = try DataBinding(network: network, data: data, allowMissingColumns: true)
        var truth: [Int32] = [], predictions: [[Double]] = []
        truth.reserveCapacity(data.rowCount)
        predictions.reserveCapacity(data.rowCount)
        try predict(network, target: t, codes: binding.codes, rows: 0..<data.rowCount) { y, p in
            truth.append(y)
            predictions.append(p)
        }
        return (truth, predictions)
    }

    /// `predict` on rows `rows` of columns `codes` (`codes[v]`: variable `v`'s states, nil
    /// when it has no column), each row's truth and posterior handed to `body` in order
    /// instead of kept: `learn --target`'s inner folds predict their held-out rows from the
    /// one table they share. A zero-probability row is reported by its place in `rows`.
    static func predict(_ network: BayesianNetwork, target t: Int, codes: [[Int32]?], rows: some Collection<Int>,
                        _ body: (Int32, [Double]) -> Void) throws {
        let blanket = MarkovBlanketPosterior(network, target: t)
        var tree: JunctionTree?
        var cache: [[Int32]: [Double]] = [:]
        var e = [Int32](repeating: -1, count: network.count)
        for (i, row) in rows.enumerated() {
            for v in 0..<network.count where v != t { e[v] = codes[v]?[row] ?? -1 }
            let y = codes[t]?[row] ?? -1
            if let p = blanket.posterior(e) { body(y, p); continue }
            if let p = cache[e] { body(y, p); continue }
            var hard: [Int: Int] = [:]
            for (v, s) in e.enumerated() where s >= 0 { hard[v] = Int(s) }
            if tree == nil { tree = try JunctionTree(network) }
            let p = try posterior(tree!, t, Evidence(hard: hard), row: i)
            cache[e] = p
            body(y, p)
        }
    }

    /// The posterior of `target`, with a zero-probability row reported by its number.
    static func posterior(_ tree: JunctionTree, _ target: Int, _ evidence: Evidence, row: Int) throws -> [Double] {
        let result: Result<[Double], InferenceError> = Result { () throws(InferenceError) in
            try tree.posterior(of: target, given: evidence)
        }
        switch result {
        case .success(let p): return p
        case .failure(.impossibleEvidence(let words)): throw InferenceError.impossibleEvidenceInRow(row: row, evidence: words)
        case .failure(let other): throw other
        }
    }

    /// `Σ_rows w · ln P(observed cells of the row)`: the log-likelihood of held-out data with
    /// missing values summed out.
    /// With no missing cell and no latent column this is `Σ_v Σ_{x, u} N(x, u) ln θ(x | u)`
    /// over the family counts (one blocked, two-thread counting pass); otherwise the rows are
    /// deduplicated and the incomplete ones go through the E-step engine.
    public static func logLikelihood(_ network: BayesianNetwork, on data: Dataset) throws -> Double {
        let binding = try DataBinding(network: network, data: data, allowMissingColumns: true)
        if data.missingCount == 0 && binding.codes.allSatisfy({ $0 != nil }) {
            let families = network.families
            return logLikelihood(network, familyCounts: FamilyCounter.counts(families: families, cardinalities: network.cardinalities,
                                                                            binding: binding))
        }
        let rows = ExpectationMaximization.distinctRows(binding, variables: network.count)
        return try ExpectationMaximization.logLikelihood(network, rows: rows, makeEngine: { try ExpectationEngines.automatic($0) })
    }

    /// `Σ_v Σ_{x, u} N(x, u) ln θ(x | u)`: the log-likelihood of complete rows given their
    /// family counts (laid out like the CPTs).
    public static func logLikelihood(_ network: BayesianNetwork, familyCounts counts: [[Double]]) -> Double {
        var ll = 0.0
        for v in 0..<network.count {
            let theta = network.cpts[v].values
            for (cell, n) in counts[v].enumerated() where n > 0 { ll += n * log(theta[cell]) }
        }
        return ll
    }

    /// The result of k-fold cross-validation.
    public struct CrossValidation: Codable, Sendable {
        public var folds: Int
        public var seed: UInt64
        /// Metrics over all held-out predictions pooled.
        public var pooled: ClassificationMetrics
        /// Metrics per fold.
        public var perFold: [ClassificationMetrics]
        /// The mean and standard deviation over the folds of each metric.
        public var foldMean: MetricSummary
        public var foldStandardDeviation: MetricSummary
        /// Held-out log-likelihood summed over folds (natural log).
        public var heldOutLogLikelihood: Double
        /// Held-out cells whose value the fold's model had never seen, summed out.
        public var unseenCells: Int
        /// Every held-out row's true class and predicted distribution, fold after fold (for
        /// ROC and reliability plots; not in JSON).
        public var heldOutTruth: [Int32] = []
        public var heldOutPredictions: [[Double]] = []

        enum CodingKeys: String, CodingKey {
            case folds, seed, pooled, perFold, foldMean, foldStandardDeviation, heldOutLogLikelihood, unseenCells
        }

        init(folds: Int, seed: UInt64, pooled: ClassificationMetrics, perFold: [ClassificationMetrics],
             heldOutLogLikelihood: Double, unseenCells: Int) {
            self.folds = folds
            self.seed = seed
            self.pooled = pooled
            self.perFold = perFold
            (foldMean, foldStandardDeviation) = MetricSummary.meanAndDeviation(perFold)
            self.heldOutLogLikelihood = heldOutLogLikelihood
            self.unseenCells = unseenCells
        }
    }

    /// Accuracy, AUC, log loss and Brier score: a mean or a standard deviation over folds.
    public struct MetricSummary: Codable, Sendable, Equatable {
        public var accuracy: Double
        public var auc: Double
        public var logLoss: Double
        public var brier: Double

        /// The mean and the sample standard deviation (n − 1) of each metric over `folds`.
        static func meanAndDeviation(_ folds: [ClassificationMetrics]) -> (MetricSummary, MetricSummary) {
            func stats(_ x: [Double]) -> (Double, Double) {
                let n = Double(x.count)
                guard n > 0 else { return (.nan, .nan) }
                let mean = x.reduce(0, +) / n
                guard n > 1 else { return (mean, 0) }
                return (mean, (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot())
            }
            let a = stats(folds.map(\.accuracy)), u = stats(folds.map(\.auc))
            let l = stats(folds.map(\.logLoss)), b = stats(folds.map(\.brier))
            return (MetricSummary(accuracy: a.0, auc: u.0, logLoss: l.0, brier: b.0),
                    MetricSummary(accuracy: a.1, auc: u.1, logLoss: l.1, brier: b.1))
        }
    }

    /// Stratified fold assignment: `fold[i]` in `0..<folds` for every row. Rows are shuffled
    /// with the seed, grouped by their class (a missing class is a group of its own) and dealt
    /// to the folds in turn, so every fold has nearly the same size and class proportions.
    public static func stratifiedFolds(classes: [Int32], folds: Int, seed: UInt64) -> [Int] {
        var fold = classes
        assignStratifiedFolds(&fold, folds: folds, seed: seed)
        return fold.map(Int.init)
    }

    /// `stratifiedFolds` in place: `cells` holds each row's class on entry and its fold on
    /// return. The order is a permutation of `UInt32`s (the same shuffle as of the row
    /// numbers: it draws by position, not by value), and a class's `j`-th row in that order
    /// goes to fold `(s + j) mod folds`, `s` the rows of the classes before it in sorted
    /// order: the deal of the grouped rows without holding the groups. 8 bytes a row while
    /// it runs (the cells and the order); `learn --target` keeps the 4 of the cells while it
    /// reads its file a second time.
    public static func assignStratifiedFolds(_ cells: inout [Int32], folds: Int, seed: UInt64) {
        precondition(cells.count <= Int(UInt32.max), "stratifiedFolds: more rows than UInt32 numbers")
        var order = [UInt32](unsafeUninitializedCapacity: cells.count) { buffer, count in
            for i in 0..<buffer.count { buffer[i] = UInt32(i) }
            count = buffer.count
        }
        var rng = SplitMix64(seed: seed)
        order.shuffle(using: &rng)
        var sizes: [Int32: Int] = [:]
        for c in cells { sizes[c, default: 0] += 1 }
        var next: [Int32: Int] = [:]
        var before = 0
        for c in sizes.keys.sorted() { next[c] = before; before += sizes[c]! }
        for i in order {
            let c = cells[Int(i)]
            let j = next[c]!
            next[c] = j + 1
            cells[Int(i)] = Int32(j % folds)
        }
    }

    /// Stratified k-fold cross-validation of `learner` for predicting `target`
    /// (`stratifiedFolds`): each fold is predicted by a model learned on the others. The
    /// held-out rows are put in the model's states first (`Dataset.encoded(for:)`), so a
    /// learner may cut numeric columns and choose its states from its training rows alone.
    public static func crossValidate(_ data: Dataset, target: String, folds: Int, seed: UInt64,
                                     learner: (Dataset) throws -> BayesianNetwork) throws -> CrossValidation {
        guard folds >= 2, folds <= data.rowCount else {
            throw LearningError.invalidOption("folds must be between 2 and the number of rows (\(data.rowCount)), got \(folds)")
        }
        guard let c = data.column(named: target) else { throw LearningError.missingColumn(variable: target) }
        let assignment = stratifiedFolds(classes: data.columns[c], folds: folds, seed: seed)
        var allTruth: [Int32] = [], allPred: [[Double]] = []
        var perFold: [ClassificationMetrics] = []
        var ll = 0.0
        var unseen = 0
        for f in 0..<folds {
            let test = assignment.indices.filter { assignment[$0] == f }
            let train = assignment.indices.filter { assignment[$0] != f }
            let model = try learner(data.rows(train))
            let (held, missed) = try data.rows(test).encoded(for: model)
            unseen += missed
            let (truth, pred) = try predict(model, on: held, target: target)
            perFold.append(ClassificationMetrics(truth: truth, predictions: pred))
            allTruth += truth
            allPred += pred
            ll += try logLikelihood(model, on: held)
        }
        var cv = CrossValidation(folds: folds, seed: seed, pooled: ClassificationMetrics(truth: allTruth, predictions: allPred),
                                 perFold: perFold, heldOutLogLikelihood: ll, unseenCells: unseen)
        cv.heldOutTruth = allTruth
        cv.heldOutPredictions = allPred
        return cv
    }
}

/// `P(T | x)` for a row that observes every variable of the target's Markov blanket (its
/// parents, children and the children's other parents): given its blanket `T` is
/// independent of everything else, and
/// `P(t | x) ∝ θ(t | pa_T) · ∏_{Y child of T} θ(y | pa_Y with T = t)` (Pearl 1988, §3.3),
/// a few table lookups per row instead of a propagation.
///
/// Latent variables in the blanket (role `latent`: never in the data, such as the mixture
/// root of bagging or the super-parent node of (W)AODE) are summed out with `T`: with
/// `Q = {T} ∪ H` for the latent members `H`, the families of `Q` and of its children give
/// `P(t, h | x) ∝ ∏_{V ∈ Q ∪ ch(Q)} θ(v | pa_V)` whenever the blanket of `Q` is observed,
/// and `P(t | x) = Σ_h P(t, h | x)`: `|T|·|H|` products per row instead of a propagation.
struct MarkovBlanketPosterior {
    let target: Int
    let states: Int
    /// Every observed variable the answer reads.
    let blanket: [Int]
    /// The joint states of the latent members summed out with `T` (1 without any).
    let hiddenStates: Int
    /// The families of `Q` and its children: CPT values, the observed variables with their
    /// strides (row-major, child last), and for every joint state `q = t · hiddenStates + h`
    /// of `Q` its offset.
    let families: [(values: [Double], observed: [(Int, Int)], offsets: [Int])]
    /// The most joint states of `Q` enumerated per row.
    static let maxJointStates = 4096

    init(_ network: BayesianNetwork, target t: Int) {
        target = t
        states = network.variables[t].cardinality
        let neighbours = Set(network.parents(of: t) + network.children(of: t) + network.children(of: t).flatMap { network.parents(of: $0) })
        var hidden = neighbours.filter { network.variables[$0].role == .latent && $0 != t }.sorted()
        var joint = hidden.reduce(states) { $0 * network.variables[$1].cardinality }
        if joint > Self.maxJointStates { hidden = []; joint = states }
        let q = [t] + hidden
        hiddenStates = joint / states
        var members = Set<Int>()
        var fams: [(values: [Double], observed: [(Int, Int)], offsets: [Int])] = []
        var seen = Set<Int>()
        for v in [t] + network.children(of: t) + hidden.flatMap({ [$0] + network.children(of: $0) }) where seen.insert(v).inserted {
            let family = network.parents(of: v) + [v]
            var strides = [Int](repeating: 0, count: family.count)
            var stride = 1
            for k in family.indices.reversed() { strides[k] = stride; stride *= network.variables[family[k]].cardinality }
            // The offset of every joint state of Q (mixed radix, T slowest) in this table.
            var offsets = [Int](repeating: 0, count: joint)
            for index in 0..<joint {
                var rest = index
                for u in q.reversed() {
                    let r = network.variables[u].cardinality
                    if let k = family.firstIndex(of: u) { offsets[index] += (rest % r) * strides[k] }
                    rest /= r
                }
            }
            fams.append((network.cpts[v].values, family.indices.filter { !q.contains(family[$0]) }.map { (family[$0], strides[$0]) }, offsets))
            members.formUnion(family)
        }
        members.subtract(q)
        blanket = members.sorted()
        families = fams
    }

    /// The posterior of `T` given the row's states (`row[v]`, -1 missing), or nil when a
    /// blanket variable is missing or every state of `T` has probability zero.
    func posterior(_ row: [Int32]) -> [Double]? {
        for v in blanket where row[v] < 0 { return nil }
        var p = [Double](repeating: 1, count: states * hiddenStates)
        for f in families {
            var base = 0
            for (v, stride) in f.observed { base += Int(row[v]) * stride }
            for q in p.indices { p[q] *= f.values[base + f.offsets[q]] }
        }
        var marginal = [Double](repeating: 0, count: states)
        for s in 0..<states { for h in 0..<hiddenStates { marginal[s] += p[s * hiddenStates + h] } }
        let total = marginal.reduce(0, +)
        guard total > 0, total.isFinite else { return nil }
        for s in 0..<states { marginal[s] /= total }
        return marginal
    }
}
