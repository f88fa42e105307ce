import BNCore
import BNInference
import BNLearning
import Foundation

/// The learning work behind `credence sample | fit | learn | score | evaluate`, typed and
/// silent: results come back as values, progress through a callback.
public enum LearningTasks {
    // MARK: sample

    /// `rows` forward samples of `network` with a seed, cells hidden at random with
    /// probability `missing`, latent variables left out when `dropLatent`.
    public static func sample(_ network: BayesianNetwork, rows: Int, seed: UInt64, missing: Double,
                              dropLatent: Bool) throws -> Dataset {
        guard rows >= 0 else { throw WorkbenchError.usage("-n must be at least 0") }
        guard (0...1).contains(missing) else { throw WorkbenchError.usage("--missing must be between 0 and 1, got \(missing)") }
        return ForwardSampler(network).sample(rows: rows, seed: seed,
                                              options: .init(missing: missing, dropLatent: dropLatent))
    }

    // MARK: fit

    public enum FitMethod: String, CaseIterable, Sendable {
        case mle, bayes, em

        /// The method of an option's text; the error lists the choices.
        public init(parsing text: String) throws {
            guard let m = FitMethod(rawValue: text) else {
                throw WorkbenchError.usage("method must be mle, bayes or em, got '\(text)'")
            }
            self = m
        }
    }

    /// What `fit` did.
    public struct FitReport: Codable, Sendable {
        var method: String
        var rows: Int
        var missingCells: Int
        var latentVariables: [String]
        var em: ExpectationMaximization.Report?
        /// Observed-data log-likelihood of the fitted model (natural log); `-inf` (null in
        /// JSON) when a row has probability zero under it.
        var logLikelihood: Double
        /// Rows with probability zero under the fitted model (complete-case estimates can
        /// rule out a row with gaps), and the first of them explained.
        public var impossibleRows: Int = 0
        public var firstImpossibleRow: ImpossibleRow?
        /// Wall-clock phases, filled by the command line.
        public var seconds: Timings?
    }

    /// Wall-clock seconds of a command's phases (`--json` output of fit and learn), so that
    /// benchmarks can compare reading and learning separately.
    public struct Timings: Codable, Sendable {
        /// Reading the model and the CSV.
        var read: Double
        /// Estimating (fit: with the log-likelihood of the result; learn: search and parameters).
        public var learn: Double
        public init(read: Double, learn: Double) { self.read = read; self.learn = learn }

        /// Seconds since `start` (a `DispatchTime.now().uptimeNanoseconds`).
        public static func since(_ start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
    }

    /// Where EM starts: the model's own CPTs, uniform rows, or the estimates from each
    /// family's complete cases (`available`, what pyAgrum's EM starts from).
    public enum FitStart: String, CaseIterable, Sendable { case model, uniform, available }

    /// The estimator of `fit` (and of its M-step): BDeu with `prior` as equivalent sample
    /// size when given, else BDeu(1) for `bayes` and maximum likelihood for `mle` and `em`.
    static func estimator(method: FitMethod, prior: Double?) -> ParameterEstimator {
        ParameterEstimator(method: prior.map { .bdeu(equivalentSampleSize: $0) }
            ?? (method == .bayes ? .bdeu(equivalentSampleSize: 1) : .maximumLikelihood))
    }

    public static func fit(_ network: BayesianNetwork, data: Dataset, method: FitMethod, prior: Double?,
                           maxIterations: Int, tolerance: Double, restarts: Int, seed: UInt64,
                           start: FitStart = .model,
                           progress: ((Int, Double) -> Void)? = nil) throws -> (BayesianNetwork, FitReport) {
        let estimator = Self.estimator(method: method, prior: prior)
        try (method == .em ? DataRequirement.someVariable : .everyVariable)
            .check(data, against: network, operation: "fit (\(method.rawValue))")
        let latent = network.variables.filter { data.column(named: $0.name) == nil }.map(\.name)
        var report = FitReport(method: method.rawValue, rows: data.rowCount, missingCells: data.missingCount,
                               latentVariables: latent, em: nil, logLikelihood: 0)
        let fitted: BayesianNetwork
        switch method {
        case .mle, .bayes:
            // One counting pass gives the estimates and, for complete data, the log-likelihood.
            let counts: [[Double]]
            (fitted, counts) = try estimator.fitWithCounts(network, to: data)
            if data.missingCount == 0 {
                report.logLikelihood = Evaluation.logLikelihood(fitted, familyCounts: counts)
                return (fitted, report)
            }
        case .em:
            let em = ExpectationMaximization(estimator: estimator, maxIterations: maxIterations, tolerance: tolerance,
                                             restarts: restarts, seed: seed,
                                             makeEngine: { try ExpectationEngines.automatic($0) }, progress: progress)
            var initial = network
            if start != .model { initial = network.withUniformCPTs() }
            if start == .available && latent.isEmpty {
                initial = try ParameterEstimator(method: .bdeu(equivalentSampleSize: 1)).fit(initial, to: data)
            }
            (fitted, report.em) = try data.locatingImpossibleRows(initial, hint: start == .model
                ? "EM starts from the model's own tables, which rule this row out; --initial uniform or --initial available starts elsewhere" : nil) {
                try em.fit(initial, to: data)
            }
        }
        // Complete-case estimates can rule out a row with gaps (its missing cells can only be
        // filled with combinations no complete row showed): the fit stands, its
        // log-likelihood is -inf, and the rows are named.
        if let ll = report.em?.finalLogLikelihood {
            report.logLikelihood = ll
            return (fitted, report)
        }
        // One batched pass finds the impossible rows and gives every row's log P(cells).
        let (perRow, impossible) = try ImpossibleRow.logEvidence(in: data, network: fitted)
        report.logLikelihood = impossible.isEmpty ? perRow.indices.reduce(0.0) { $0 + (data.weights?[$1] ?? 1) * perRow[$1] } : -.infinity
        report.impossibleRows = impossible.count
        report.firstImpossibleRow = impossible.first.map { ImpossibleRow.explain($0, in: data, network: fitted) }
        return (fitted, report)
    }

    // MARK: learn

    /// The discretisation asked for on the command line: `COLUMN=METHOD` items and the
    /// method for other numeric columns (see `DatasetDiscretization.parseMethod`).
    public static func discretization(columns: [String], numeric: String, categoricalLimit: Int,
                                      target: String?) throws -> DatasetDiscretization {
        var methods: [String: Discretizer.Method?] = [:]
        for item in columns {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex, item.index(after: eq) != item.endIndex else {
                throw WorkbenchError.usage("--discretize \(item): expected COLUMN=METHOD, e.g. tenure=equal-frequency:4")
            }
            methods[String(item[..<eq])] = try DatasetDiscretization.parseMethod(String(item[item.index(after: eq)...]))
        }
        guard categoricalLimit >= 0 else { throw WorkbenchError.usage("--categorical-limit must be 0 or more") }
        return DatasetDiscretization(methods: methods, automatic: try DatasetDiscretization.parseMethod(numeric),
                                     categoricalLimit: categoricalLimit, target: target)
    }

    public struct LearnReport: Codable, Sendable {
        var algorithm: String
        var score: String
        /// The score of the learned DAG (with missing cells: on the last round's completion).
        var scoreValue: Double
        var edges: [[String]]
        var iterations: Int
        var familiesScored: Int
        /// Rounds of structural EM for data with missing cells (0 for complete data).
        var completionRounds: Int
        /// The numeric columns that were cut into intervals (their cut points are stored
        /// with the learned model).
        var discretized: [DatasetDiscretization.Column] = []
        /// Distances to a known true structure (`credence learn --compare TRUE_MODEL`).
        public var comparison: StructureComparison?
        /// With `learn --plot`: each arc's mutual information under the learned tables, as drawn.
        public var arcStrengths: [ArcStrengthEntry]?
        /// Wall-clock phases, filled by the command line.
        public var seconds: Timings?
    }

    /// A learned structure against the true one, variables matched by name.
    public struct StructureComparison: Codable, Sendable, Equatable {
        /// SHD between the equivalence classes (CPDAGs), as bnlearn's `shd()`.
        public var shd: Int
        /// SHD between the DAGs (a reversed edge counts 1).
        public var shdDAG: Int
        var trueEdges: Int
        var learnedEdges: Int
        /// True edges absent from the learned DAG in either direction.
        var missing: Int
        /// Learned edges absent from the true DAG in either direction.
        var extra: Int
        /// Edges present in both with opposite directions.
        var reversed: Int
    }

    /// Compares `learned` with `truth`; both must have the same variable names.
    public static func compare(_ learned: BayesianNetwork, with truth: BayesianNetwork) throws -> StructureComparison {
        let names = Set(truth.variables.map(\.name))
        guard Set(learned.variables.map(\.name)) == names else {
            let a = Set(learned.variables.map(\.name)).subtracting(names).sorted(), b = names.subtracting(learned.variables.map(\.name)).sorted()
            throw WorkbenchError.usage("the true model has other variables: only learned \(a.joined(separator: ", ")); only true \(b.joined(separator: ", "))")
        }
        let order = truth.variables.map { learned.index(of: $0.name)! }     // truth index -> learned index
        let back = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        let t = (0..<truth.count).map { truth.parents(of: $0) }
        let l = order.map { lv in learned.parents(of: lv).map { back[$0]! } }
        var missing = 0, extra = 0, reversed = 0
        for b in t.indices {
            for a in t[b] { if l[b].contains(a) { continue } else if l[a].contains(b) { reversed += 1 } else { missing += 1 } }
            for a in l[b] where !t[b].contains(a) && !t[a].contains(b) { extra += 1 }
        }
        return StructureComparison(shd: StructuralHammingDistance.distance(t, l), shdDAG: StructuralHammingDistance.dagDistance(t, l),
                                   trueEdges: t.reduce(0) { $0 + $1.count }, learnedEdges: l.reduce(0) { $0 + $1.count },
                                   missing: missing, extra: extra, reversed: reversed)
    }

    /// The structure search of `learn`: hill climbing, or tabu search (20 recent moves barred).
    public enum SearchAlgorithm: String, CaseIterable, Sendable {
        case hc, tabu

        /// The algorithm of an option's text; the error lists the choices.
        public init(parsing text: String) throws {
            guard let a = SearchAlgorithm(rawValue: text) else {
                throw WorkbenchError.usage("--algorithm must be hc or tabu, got '\(text)'")
            }
            self = a
        }
    }

    /// A structure score by name: `bic`, `aic`, `k2` or `bdeu` (with its equivalent sample size).
    public static func structureScore(_ name: String, ess: Double) throws -> StructureScore {
        switch name {
        case "bic": return .bic
        case "aic": return .aic
        case "k2": return .k2
        case "bdeu": return .bdeu(equivalentSampleSize: ess)
        default: throw WorkbenchError.usage("--score must be bic, aic, bdeu or k2, got '\(name)'")
        }
    }

    /// The options of `learn` (without `--target`): the search, its constraints and start,
    /// and the discretisation of numeric columns. The one settings type of the command line,
    /// the REPL's `learn` (`CommandLanguage`, `Session.learn`) and `POST /api/learn`; every
    /// option left out takes the command line's default.
    public struct LearnSettings: Equatable, Sendable {
        /// The search over graphs (hill climbing or tabu).
        public var algorithm: SearchAlgorithm
        /// The decomposable score the search maximises (BIC, BDeu, K2, AIC).
        public var score: StructureScore
        /// The most parents a variable may get.
        public var maxParents: Int
        /// Edges that must be present and that must be absent (`A->*`, `*->B` allowed).
        var required: [(String, String)]
        var forbidden: [(String, String)]
        /// Random restarts after the first climb (perturbed starts), and their seed.
        public var restarts: Int
        public var seed: UInt64
        /// A model whose edges start the search (variables matched by name).
        var start: BayesianNetwork?
        /// A bound on the search's moves; nil: 10,000 for hill climbing, 500 for tabu.
        var maxIterations: Int?
        /// How numeric columns are cut; nil: the automatic rule of `learn`.
        var discretization: DatasetDiscretization?

        public init(algorithm: SearchAlgorithm = .hc, score: StructureScore = .bic, maxParents: Int = 4,
                    required: [(String, String)] = [], forbidden: [(String, String)] = [], restarts: Int = 0, seed: UInt64 = 1,
                    start: BayesianNetwork? = nil, maxIterations: Int? = nil, discretization: DatasetDiscretization? = nil) {
            self.algorithm = algorithm
            self.score = score
            self.maxParents = maxParents
            self.required = required
            self.forbidden = forbidden
            self.restarts = restarts
            self.seed = seed
            self.start = start
            self.maxIterations = maxIterations
            self.discretization = discretization
        }

        /// Equal settings: the edge lists pair by pair (tuples are not `Equatable`), the rest field by field.
        public static func == (a: Self, b: Self) -> Bool {
            a.algorithm == b.algorithm && a.score == b.score && a.maxParents == b.maxParents
                && a.required.elementsEqual(b.required) { $0 == $1 } && a.forbidden.elementsEqual(b.forbidden) { $0 == $1 }
                && a.restarts == b.restarts && a.seed == b.seed && a.start == b.start
                && a.maxIterations == b.maxIterations && a.discretization == b.discretization
        }
    }

    /// Structure search on a dataset, then parameters (BDeu, ESS 1). With missing cells,
    /// structural EM (`StructuralEM`, Friedman 1997): the search from the empty DAG (or
    /// `start`) on available cases, then rounds of {the gaps completed by a seeded Gibbs
    /// chain under the current model; the search from the current DAG on the completed rows,
    /// the first round with random restarts} until the structure repeats (at most 2); the
    /// parameters are the M-step of further imputations under the result. `progress` hears
    /// of every search step (and EM iteration).
    public static func learn(_ data: Dataset, settings: LearnSettings,
                             progress: (@Sendable (StructuralEM.Progress) -> Void)? = nil) throws -> (BayesianNetwork, LearnReport) {
        try DataRequirement.requireRows(data, operation: "learn from")
        var data = data
        var discretized: [DatasetDiscretization.Column] = []
        if let plan = settings.discretization { (data, discretized) = try plan.apply(to: data) }
        return try learn(discrete: data, discretized: discretized, settings: settings, progress: progress)
    }

    /// The search and the parameters on a table whose numeric columns are already cut
    /// (`discretized`), one row per row of the data or per distinct row weighted by its
    /// count: every count the search and the estimates read is a sum of whole-number
    /// weights, exact in Double, so both give the same model. Structural EM's Gibbs chain
    /// keeps one completion per row, so a table with gaps must come one row per row.
    static func learn(discrete data: Dataset, discretized: [DatasetDiscretization.Column], settings: LearnSettings,
                      progress: (@Sendable (StructuralEM.Progress) -> Void)?) throws -> (BayesianNetwork, LearnReport) {
        let (algorithm, score, seed) = (settings.algorithm, settings.score, settings.seed)
        let cuts = Dictionary(uniqueKeysWithValues: discretized.map { ($0.name, $0.cutPoints) })
        let skeleton = try BayesianNetwork.unconnected(over: data, name: "learned", cutPoints: cuts)
        func edge(_ p: (String, String)) throws -> HillClimbing.Edge {
            HillClimbing.Edge(try skeleton.require(p.0), try skeleton.require(p.1))
        }
        /// `A->*` and `*->B` stand for every edge out of A or into B.
        func expand(_ pairs: [(String, String)]) -> [(String, String)] {
            pairs.flatMap { p -> [(String, String)] in
                if p.1 == "*" { return data.names.filter { $0 != p.0 }.map { (p.0, $0) } }
                if p.0 == "*" { return data.names.filter { $0 != p.1 }.map { ($0, p.1) } }
                return [p]
            }
        }
        let search = HillClimbing(score: score, maxParents: settings.maxParents,
                                  required: Set(try expand(settings.required).map(edge)),
                                  forbidden: Set(try expand(settings.forbidden).map(edge)),
                                  tabuLength: algorithm == .tabu ? 20 : 0,
                                  maxIterations: settings.maxIterations ?? (algorithm == .tabu ? 500 : 10_000),
                                  restarts: settings.restarts, seed: seed)
        // A starting DAG given as a model: its edges, matched to the data's columns by name.
        var startParents: [[Int]]?
        if let start = settings.start {
            var ps = [[Int]](repeating: [], count: skeleton.count)
            for v in 0..<start.count {
                let child = try skeleton.require(start.variables[v].name)
                ps[child] = try start.parents(of: v).map { p throws in try skeleton.require(start.variables[p].name) }.sorted()
            }
            startParents = ps
        }
        let net: BayesianNetwork
        let found: (score: Double, iterations: Int, familiesScored: Int, rounds: Int)
        if data.missingCount > 0 {
            let sem = try StructuralEM(search: search, seed: seed, progress: progress)
                .learn(skeleton, data: data, start: startParents)
            net = sem.network
            found = (sem.score, sem.iterations, sem.familiesScored, sem.rounds)
        } else {
            var climbing = search
            if let progress {
                climbing.progress = { step, score, arcs in
                    progress(.init(stage: .search, round: 0, iteration: step, score: score, arcs: arcs))
                }
            }
            let result = try climbing.search(cardinalities: skeleton.cardinalities,
                                             binding: DataBinding(network: skeleton, data: data), start: startParents)
            var structure = skeleton
            for (v, ps) in result.parents.enumerated() { try structure.setParents(v, to: ps) }
            net = try ParameterEstimator(method: .bdeu(equivalentSampleSize: 1)).fit(structure, to: data)
            found = (result.score, result.iterations, result.familiesScored, 0)
        }
        var edges: [[String]] = []
        for v in 0..<net.count { for p in net.parents(of: v) { edges.append([net.variables[p].name, net.variables[v].name]) } }
        return (net, LearnReport(algorithm: algorithm.rawValue, score: score.description, scoreValue: found.score, edges: edges,
                                 iterations: found.iterations, familiesScored: found.familiesScored, completionRounds: found.rounds,
                                 discretized: discretized))
    }

    // MARK: learn --target

    /// The classifier pipeline of `learn --target` (`TargetedLearner`) from command-line
    /// options: structure family names (`nb`, `tan`, `kdb1`–`kdb3`, `ban`, `mb-hc`; nil for
    /// all), BDeu priors (nil for the defaults) and the discretisation (nil: MDL against the
    /// target) and the binnings of few-valued numeric columns to choose from (`values`,
    /// `mdl`; nil for both) and the ways of fitting the tables (`generative`,
    /// `discriminative`; nil for both) and whether a derived index is offered (`auto`,
    /// `none`; nil for `auto`).
    public static func targetedLearner(target: String, structures: [String]?, priors: [Double]?, innerFolds: Int,
                                       discretization: DatasetDiscretization?, maxParents: Int, seed: UInt64,
                                       fewValuedBins: [String]? = nil, parameters: [String]? = nil,
                                       derived: String? = nil) throws -> TargetedLearner {
        let families = try structures.map { names in
            try names.map { name in
                guard let s = ClassifierStructure(name: name) else {
                    let known = ClassifierStructure.all.map(\.description)
                    let hint = NameSuggestion.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                    throw WorkbenchError.usage("--structures: unknown family \(Quote.name(name))\(hint); the families are \(known.joined(separator: ", "))")
                }
                return s
            }
        }
        guard innerFolds >= 2 else { throw WorkbenchError.usage("--inner-folds must be at least 2, got \(innerFolds)") }
        if let p = priors, p.isEmpty || p.contains(where: { !($0 > 0) || !$0.isFinite }) {
            throw WorkbenchError.usage("--priors must be positive numbers (BDeu equivalent sample sizes), e.g. 1,5,20")
        }
        var learner = TargetedLearner(target: target, discretization: discretization, maxParents: maxParents, seed: seed)
        if let f = families { learner.structures = f }
        if let p = priors { learner.priors = p }
        if let names = fewValuedBins {
            learner.fewValuedBinnings = try choices(names, option: "--few-valued-bins", what: "binning", ("values", "mdl"))
        }
        if let names = parameters {
            learner.parameterLearnings = try choices(names, option: "--parameters", what: "way of fitting the tables",
                                                     ("generative", "discriminative"))
        }
        if let name = derived {
            guard let d = TargetedLearner.DerivedIndexing(rawValue: name.lowercased()) else {
                throw WorkbenchError.usage("--derived: unknown choice \(Quote.name(name)); use auto (a derived index of numeric columns is built and offered to the inner cross-validation) or none")
            }
            learner.derivedIndexing = d
        }
        learner.innerFolds = innerFolds
        return learner
    }

    /// The values of a two-choice list option (`--few-valued-bins values,mdl`): each name
    /// as a case of `Choice` (case-insensitive); an unknown name or an empty list is a usage
    /// error naming the option and its two choices.
    private static func choices<Choice: RawRepresentable>(_ names: [String], option: String, what: String,
                                                          _ two: (String, String)) throws -> [Choice] where Choice.RawValue == String {
        let chosen = try names.map { name in
            guard let c = Choice(rawValue: name.lowercased()) else {
                throw WorkbenchError.usage("\(option): unknown \(what) \(Quote.name(name)); use \(two.0), \(two.1) or both (\(two.0),\(two.1))")
            }
            return c
        }
        guard !chosen.isEmpty else { throw WorkbenchError.usage("\(option): give \(two.0), \(two.1) or both") }
        return chosen
    }

    /// `learn --target`: the learner's model and report, after the table's checks.
    public static func learn(_ data: Dataset, with learner: TargetedLearner) throws -> (BayesianNetwork, TargetedLearner.Report) {
        try DataRequirement.requireRows(data, operation: "learn from")
        return try learner.learn(data)
    }

    /// Nested cross-validation of `learn --target` (`evaluate DATA --target T --learn`): bins,
    /// structure family, graph, prior and tables all learned inside every outer fold from its
    /// training rows alone; the held-out rows are cut with that fold's bins.
    public struct NestedEvaluation: Codable, Sendable {
        var target: String
        public var rows: Int
        public var crossValidation: Evaluation.CrossValidation
        /// What each outer fold's pipeline chose.
        public var chosen: [TargetedLearner.Candidate]
    }

    public static func nestedCrossValidation(_ data: Dataset, learner: TargetedLearner, folds: Int, seed: UInt64,
                                             progress: ((_ fold: Int, _ folds: Int) -> Void)? = nil) throws -> NestedEvaluation {
        try DataRequirement.requireRows(data, operation: "evaluate")
        guard data.column(named: learner.target) != nil else {
            let hint = NameSuggestion.closest(to: learner.target, in: data.names).map { " (did you mean \(Quote.name($0))?)" } ?? ""
            throw WorkbenchError.usage("the target \(Quote.name(learner.target)) is not a column of the data\(hint); the columns are \(data.names.joined(separator: ", "))")
        }
        var chosen: [TargetedLearner.Candidate] = []
        var done = 0
        let cv = try Evaluation.crossValidate(data, target: learner.target, folds: folds, seed: seed) { train in
            let (net, report) = try learner.learn(train)
            chosen.append(report.chosen)
            done += 1
            progress?(done, folds)
            return net
        }
        return NestedEvaluation(target: learner.target, rows: data.rowCount, crossValidation: cv, chosen: chosen)
    }

    // MARK: score

    /// Per-row posteriors of `target`: one column `P(target=state)` per state, plus the row's
    /// most probable state. Rows go through in chunks of `scoreChunkRows`; `progress` hears
    /// (rows done, rows) after each. A row whose findings have probability zero under the
    /// model gets empty cells and is listed in `impossible` (with `strict`, it is an error
    /// instead): its findings contradict each other even when the contradiction is far from
    /// the target, as `query` refuses the same evidence.
    static func score(_ network: BayesianNetwork, data: Dataset, target: String, strict: Bool = false,
                             progress: ((_ done: Int, _ rows: Int) -> Void)? = nil) throws -> (header: [String], rows: [[String]], impossible: [ImpossibleRow]) {
        let scorer = try RowScorer(network, target: target, strict: strict)
        try DataRequirement.findings(target: target).check(data, against: network, operation: "score")
        var rows: [[String]] = []
        var impossible: [ImpossibleRow] = []
        rows.reserveCapacity(data.rowCount)
        for start in stride(from: 0, to: data.rowCount, by: scoreChunkRows) {
            let end = min(start + scoreChunkRows, data.rowCount)
            let (lines, found) = try scorer.score(start == 0 && end == data.rowCount ? data : data.rows(Array(start..<end)))
            rows += lines
            impossible += found
            progress?(end, data.rowCount)
        }
        return (scorer.header, rows, impossible)
    }

    /// What `score` computes, as numbers: every row's posterior of the target (the C ABI's
    /// batch scoring hands these to Python without formatting them).
    public struct ScoredRows: Sendable {
        var target: String
        var states: [String]
        /// `values[r · states.count + s] = P(target = s | row r's cells)`; NaN for a row whose
        /// findings have probability zero.
        public var values: [Double]
        /// The rows with probability zero (listed, not failed, unless `strict`).
        public var impossible: [ImpossibleRow]
    }

    /// Per-row posteriors of `target` as numbers, through the same `RowScorer` as `score`,
    /// in chunks of `scoreChunkRows`, each chunk's batches on `threads` threads (the values
    /// do not depend on it); `progress` hears (rows done, rows) after each.
    public static func posteriors(_ network: BayesianNetwork, data: Dataset, target: String, strict: Bool = false,
                                  threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                                  progress: ((_ done: Int, _ rows: Int) -> Void)? = nil) throws -> ScoredRows {
        let scorer = try RowScorer(network, target: target, strict: strict, threads: threads)
        try DataRequirement.findings(target: target).check(data, against: network, operation: "score")
        var values: [Double] = []
        var impossible: [ImpossibleRow] = []
        values.reserveCapacity(data.rowCount * scorer.states.count)
        for start in stride(from: 0, to: data.rowCount, by: scoreChunkRows) {
            let end = min(start + scoreChunkRows, data.rowCount)
            let (chunkValues, found) = try scorer.posteriors(start == 0 && end == data.rowCount ? data : data.rows(Array(start..<end)))
            values += chunkValues
            impossible += found
            progress?(end, data.rowCount)
        }
        return ScoredRows(target: scorer.target, states: scorer.states, values: values, impossible: impossible)
    }

    /// Rows per chunk of `score` (large enough that every chunk batches well).
    public static let scoreChunkRows = 65_536

    // MARK: evaluate

    public struct EvaluateReport: Codable, Sendable {
        var target: String
        var rows: Int
        /// The model as given, on all rows.
        var model: ClassificationMetrics
        var logLikelihood: Double
        /// k-fold cross-validation: the model's structure refitted on each training part
        /// (BDeu, ESS 1), and naive Bayes and TAN built from the same parts.
        var crossValidation: [String: Evaluation.CrossValidation]?
        /// Every row's true target state (-1 missing) and the model's predicted distribution
        /// (for the ROC and reliability plots; not in JSON).
        public var truth: [Int32] = []
        var predictions: [[Double]] = []

        enum CodingKeys: String, CodingKey {
            case target, rows, model, logLikelihood, crossValidation
        }
    }

    public static func evaluate(_ network: BayesianNetwork, data: Dataset, target: String,
                                folds: Int?, seed: UInt64) throws -> EvaluateReport {
        try DataRequirement.targetAndFindings(target: target).check(data, against: network, operation: "evaluate")
        let (truth, predictions) = try data.locatingImpossibleRows(network) { try Evaluation.predict(network, on: data, target: target) }
        let ll = try data.locatingImpossibleRows(network) { try Evaluation.logLikelihood(network, on: data) }
        var cv: [String: Evaluation.CrossValidation]?
        if let k = folds {
            let estimator = ParameterEstimator(method: .bdeu(equivalentSampleSize: 1))
            let usesEM = data.missingCount > 0 || network.variables.contains { data.column(named: $0.name) == nil }
            let refit: (Dataset) throws -> BayesianNetwork = { part in
                if usesEM {
                    return try ExpectationMaximization(estimator: estimator, maxIterations: 50, tolerance: 1e-5, seed: seed,
                                                       makeEngine: { try ExpectationEngines.automatic($0) }).fit(network, to: part).0
                }
                return try estimator.fit(network, to: part)
            }
            cv = ["model": try Evaluation.crossValidate(data, target: target, folds: k, seed: seed, learner: refit)]
            cv!["naive_bayes"] = try Evaluation.crossValidate(data, target: target, folds: k, seed: seed) {
                try Classifiers.naiveBayes($0, target: target, estimator: estimator)
            }
            cv!["tan"] = try Evaluation.crossValidate(data, target: target, folds: k, seed: seed) {
                try Classifiers.tan($0, target: target, estimator: estimator)
            }
        }
        return EvaluateReport(target: target, rows: data.rowCount,
                              model: ClassificationMetrics(truth: truth, predictions: predictions),
                              logLikelihood: ll, crossValidation: cv, truth: truth, predictions: predictions)
    }
}
