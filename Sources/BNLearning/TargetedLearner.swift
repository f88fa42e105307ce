import BNCore
import Foundation

/// The pipeline behind `credence learn DATA --target T`: the Bayesian network that best
/// predicts one class variable, chosen honestly from the data given.
///
/// 1. **Bins.** Numeric columns are cut against `T` by the minimum-description-length rule
///    of Fayyad & Irani (1993) (`DatasetDiscretization` with `.mdl`). Numeric columns with
///    few values (a count of calls, a 0/1 flag) either keep one state per value or are cut
///    by the same MDL rule (`FewValuedBinning`), chosen by the inner cross-validation of
///    step 2. `T` itself is never cut.
/// 2. **Structure and prior, by inner cross-validation.** For every structure family
///    (`ClassifierStructure`: naive Bayes, TAN, KDB-1..3, BAN, Markov-blanket hill climbing,
///    the class as an outcome, AODE and WAODE, discriminatively fitted naive Bayes) and every
///    BDeu equivalent sample size `α` in `priors` (for `dnb` the penalty `λ` on its weights,
///    `DiscriminativeNaiveBayes`), the stratified `innerFolds`-fold
///    log loss `−(1/n) Σᵢ ln P(tᵢ | xᵢ)` of the held-out rows is measured: each inner fold
///    learns the family's graph on the other folds and fits it with every `α` from one set
///    of counts. The pair with the lowest pooled log loss wins (a tie goes to the simpler
///    family and the smaller `α`): choosing by held-out loss rather than by a structure score
///    is what makes a classifier's structure discriminative (Friedman, Geiger & Goldszmidt
///    1997, §3; Grossman & Domingos 2004).
///    The bins of the few-valued columns are searched coordinate-wise: every design under
///    the first binning, then the `binningLeaders` designs with the lowest log loss there
///    under each other binning (a binning that cuts the data exactly as an earlier one is
///    not tried again). Merging values matters when a column's effect is a threshold and
///    it interacts with another column: ten call counts cost a BAN or KDB arc into that
///    column nine times the parameters of two bins, so the search cannot afford the arc.
///    Then `dnb` once more (`discriminativeBins`): on `q` equal-frequency bins (10) of every
///    numeric column with more values, every feature kept, the penalty on the steps between
///    neighbouring bins (`DiscriminativeNaiveBayes`, `ordered`). Fine bins with that
///    penalty follow a smooth effect that MDL's few cuts flatten, and keeping every feature
///    lets the fit use a column that matters only beside another (credit_data's `Price`
///    beside `Amount`, which the one-column BIC gain drops); the penalty, chosen with the
///    rest, is what keeps the extra weights from overfitting.
/// 3. **Parameters, by inner cross-validation** (`parameterLearnings`): the best design fitted
///    by counts (the lowest inner log loss among the count-fitted families) is tried once
///    more with its tables fitted for `P(T | row)` instead of counted
///    (`DiscriminativeParameters`: the same graph, each table row a softmax, the penalised
///    conditional log-likelihood maximised from the counted tables; Greiner & Zhou 2002),
///    with every penalty `λ` in `discriminativePenalties`. Its inner log loss competes with
///    every other candidate's, so the tables are discriminative only where that predicts
///    better on held-out rows. On MLC's telecom churn the graph BAN picks links the
///    international plan to its calls and minutes and the service calls to the day minutes;
///    counted, those tables describe the features, fitted, they carry the interactions'
///    effect on churn (nested 10-fold, BENCHMARKS.md: AUC 0.899 → 0.902, log loss
///    0.217 → 0.213). Where `dnb` already wins (wa_churn, credit_data) nothing changes.
/// 3b. **A derived index, by inner cross-validation** (`derivedIndexing`; run before the
///    discriminative tables of step 3): for a two-class target, `DerivedIndex` builds one
///    linear index of numeric columns from the rows given (greedy, by the information of its
///    MDL bins). The `derivedLeaders` best designs so far (family and features) are tried
///    once more, each under its best binning, on the table with the index as one more
///    numeric column, cut by MDL like the others. A design with the index is chosen (and
///    leads step 3) only when its inner log loss is below the best design's without it by
///    the index's BIC cost per row, `(m/2)·ln n / n` for `m` terms and `n` rows: the index
///    was fitted on every row the inner folds score, so their figures are optimistic about
///    it. On MLC churn the index is, in effect, the sum of the charges, whose step the
///    single columns could only approximate (inner log loss 0.19 → 0.13); on wa_churn and
///    credit_data it gained 0.0001–0.0008 and is left out.
/// 4. **The model.** The winning family's graph learned on all rows, fitted with its `α`;
///    with missing cells, by EM (Dempster, Laird & Rubin 1977) from the available-case
///    estimates, so rows with gaps are used, never dropped or imputed. (W)AODE reads its
///    tables from available-case pair counts and `dnb` fits with a gap adding nothing to a
///    row's score: neither drops a row, and neither needs EM. Discriminative tables are
///    fitted from the EM result, marginalising each row's missing cells.
///
/// The inner folds cut with the bins of all the rows given: the bins are supervised, and
/// the outer (nested) cross-validation of `Evaluation.crossValidate` learns them anew in
/// every fold, so its figures stay honest.
public struct TargetedLearner: Sendable {
    /// The class variable.
    public var target: String
    /// The structure families to choose from.
    public var structures: [ClassifierStructure]
    /// Feature selections to choose from (for the families that read one).
    public var featureSelections: [FeatureSelection] = [.relevant, .cmim]
    /// BDeu equivalent sample sizes to choose from.
    public var priors: [Double]
    /// How the few-valued numeric columns may be binned; the first is tried with every design.
    public var fewValuedBinnings: [FewValuedBinning] = FewValuedBinning.allCases
    /// How many of the leading designs under the first binning are tried under the others.
    public var binningLeaders: Int = 2
    /// Equal-frequency bins of the many-valued numeric columns for a second fit of `dnb`,
    /// whose weights over those bins take the ordered random-walk penalty
    /// (`DiscriminativeNaiveBayes`, `ordered`); the few-valued columns keep the binning
    /// under which `dnb` did best. Nil: not tried.
    public var discriminativeBins: Int? = 10
    /// Inner cross-validation folds.
    public var innerFolds: Int
    /// How numeric columns are cut (`target` set to the class).
    public var discretization: DatasetDiscretization
    /// The most parents of a variable (searches and KDB's `k + 1`).
    public var maxParents: Int
    /// EM iterations for data with missing cells.
    public var emIterations: Int
    /// How the tables may be fitted: counted (`generative`) and/or for `P(T | row)`
    /// (`discriminative`, tried on the best count-fitted design). With both, the inner
    /// cross-validation chooses; with one, that one is used.
    public var parameterLearnings: [ParameterLearning] = ParameterLearning.allCases
    /// The penalties `λ` (precision of the Gaussian prior on the softmax parameters) tried
    /// for discriminative tables.
    public var discriminativePenalties: [Double] = [0.1, 0.3, 1, 3]
    /// Bootstrap replicates of the chosen family (0: no bagging; see `bag`).
    public var bagging: Int = 0
    /// The arc strength an arc needs to enter the averaged graph of bagging.
    public var baggingThreshold: Double = 0.5
    /// Whether a derived index (`DerivedIndex`) is constructed and offered to the inner
    /// cross-validation.
    public var derivedIndexing: DerivedIndexing = .auto
    /// How many of the leading designs are tried with the derived index.
    public var derivedLeaders: Int = 3
    public var seed: UInt64

    /// The defaults are the pipeline of `credence learn --target`.
    public init(target: String, structures: [ClassifierStructure] = ClassifierStructure.defaults,
                priors: [Double] = [1, 5, 20, 50, 100, 200, 500], innerFolds: Int = 5,
                discretization: DatasetDiscretization? = nil, maxParents: Int = 4, emIterations: Int = 50, seed: UInt64 = 1) {
        self.target = target
        self.structures = structures
        self.priors = priors
        self.innerFolds = innerFolds
        var plan = discretization ?? DatasetDiscretization(automatic: .mdl, target: target)
        plan.target = target
        self.discretization = plan
        self.maxParents = maxParents
        self.emIterations = emIterations
        self.seed = seed
    }

    /// How `learn` bins the numeric columns that `DatasetDiscretization` would keep as one
    /// state per value (at most `categoricalLimit` distinct values, not named).
    public enum FewValuedBinning: String, Sendable, Hashable, CaseIterable, Codable {
        /// One state per value.
        case values
        /// Cut against the target by Fayyad & Irani's MDL rule, like the other numeric
        /// columns: neighbouring values whose class rates do not differ enough to pay for
        /// the split share a state (a column with no such split becomes one state).
        case mdl
    }

    /// Whether `learn --target` builds a derived index variable (`learn --target --derived`).
    public enum DerivedIndexing: String, Sendable, Hashable, CaseIterable, Codable {
        /// Constructed from the data and offered to the inner cross-validation.
        case auto
        /// Never: every variable is one column.
        case none
    }

    /// How a classifier's tables are fitted (`learn --target --parameters`).
    public enum ParameterLearning: String, Sendable, Hashable, CaseIterable, Codable {
        /// Counted: BDeu estimates (EM with missing cells), the joint's maximum a posteriori.
        case generative
        /// Fitted for `P(T | row)` on the same graph (`DiscriminativeParameters`).
        case discriminative
    }

    /// One structure family with one feature selection, one prior and one binning of the
    /// few-valued columns, scored by inner cross-validation.
    public struct Candidate: Codable, Sendable, Equatable {
        /// `nb`, `tan`, `kdb1`, `kdb2`, `kdb3`, `ban`, `mb-hc`, `outcome`, `aode`, `waode` or `dnb`.
        public var structure: String
        /// `relevant`, `cmim` or `all` (`FeatureSelection`; `relevant` for `mb-hc`, which reads none).
        public var features: String
        /// BDeu equivalent sample size (for `dnb`, the penalty `λ` on its weights).
        public var prior: Double
        /// How the few-valued numeric columns were binned (`FewValuedBinning`), followed by
        /// `+equal-frequency:q` for the table of `dnb` on fine bins (`discriminativeBins`), or
        /// by `+derived` for the table with the derived index (`Report.derived`).
        public var bins: String
        /// Pooled over the inner folds' held-out rows.
        public var logLoss: Double
        public var auc: Double
        public var accuracy: Double
        public var brier: Double
        /// `generative` (counted tables) or `discriminative` (`DiscriminativeParameters`,
        /// started from the counted tables of `prior`).
        public var parameters: String = ParameterLearning.generative.rawValue
        /// The penalty `λ` of discriminative tables; nil for counted ones.
        public var penalty: Double? = nil
        /// Whether the design read the table with the derived index.
        public var usesDerivedIndex: Bool { bins.hasSuffix("+derived") }
        /// How the tables were fitted, for printing: `discriminative (λ = …)`, `logistic`
        /// (`dnb`, a regression by its nature), or `counted`.
        public var tablesSummary: String {
            if let lambda = penalty { return "discriminative (λ = \(String(format: "%g", lambda)))" }
            return structure == ClassifierStructure.discriminativeNaiveBayes.description ? "logistic" : "counted"
        }
    }

    /// What the pipeline chose and why.
    public struct Report: Codable, Sendable {
        public var target: String
        public var rows: Int
        public var missingCells: Int
        public var innerFolds: Int
        /// The numeric columns that were cut, with their bins (the chosen binning's).
        public var discretized: [DatasetDiscretization.Column]
        /// Every family, prior and binning tried, in the order tried.
        public var candidates: [Candidate]
        /// The winner.
        public var chosen: Candidate
        /// The learned graph's arcs, `[parent, child]`.
        public var edges: [[String]]
        /// EM on the final graph, for data with missing cells.
        public var em: ExpectationMaximization.Report?
        /// Bagging's arc strengths and mixture (with `bagging > 0`).
        public var bagging: BaggingReport?
        /// The derived index constructed and offered (nil: none paid for itself, or
        /// `derivedIndexing` is `none`); in the model when `chosen.bins` ends in `+derived`.
        public var derived: DerivedIndex? = nil
        /// How much lower (nats a row) a design with the derived index had to make the inner
        /// log loss than the best design without it to be chosen: `(m/2)·ln n / n` for an
        /// index of `m` terms fitted on `n` rows (BIC).
        public var derivedMargin: Double? = nil
    }

    /// The candidate with the lowest inner log loss (the first of those within `tolerance`
    /// of each other), where one on the table with the derived index must be lower than the
    /// best without it by `derivedMargin`.
    static func preferred(_ candidates: [Candidate], derivedMargin: Double, tolerance: Double) -> Candidate? {
        func best(_ xs: [Candidate]) -> Candidate? {
            guard var b = xs.first else { return nil }
            for x in xs.dropFirst() where x.logLoss < b.logLoss - tolerance { b = x }
            return b
        }
        guard let plain = best(candidates.filter { !$0.usesDerivedIndex }) else { return best(candidates) }
        guard let indexed = best(candidates.filter(\.usesDerivedIndex)), indexed.logLoss < plain.logLoss - derivedMargin else { return plain }
        return indexed
    }

    /// A table for `learn(_:)` with the inner fold of each of its rows: the rows themselves,
    /// or their distinct (cells, fold) pairs weighted by their copies (what `credence learn
    /// --target` gathers from a file in two passes, so that memory follows the distinct
    /// pairs, not the rows). A fold's training table is the other folds' rows with their
    /// weights, and its held-out rows are predicted once each, counted as often as their
    /// weight says (`ClassificationMetrics.Accumulator`): every count, so every counted
    /// table, structure and AUC, is the one the rows give; the log loss, Brier score and
    /// discriminative fits add each distinct row's terms once, times its weight, which may
    /// round differently from adding its copies one by one.
    public struct FoldedTable: Sendable {
        /// Raw cells (numeric columns not yet cut), one row a distinct (cells, fold) pair or
        /// one row a row.
        public var data: Dataset
        /// `folds[r]`: the inner fold of row `r` of `data` (`assignFolds`).
        public var folds: [Int32]
        /// The rows and missing cells of the table the pairs came from.
        public var rows: Int
        public var missingCells: Int
        /// Whether a row's weight is its number of copies (distinct pairs: whole numbers), so
        /// that it is counted that often among the held-out rows; false: a weighted row is
        /// held out as one row (rows with weights of their own, as given).
        public var weightsCountCopies: Bool

        /// The same rows and folds with other cells (the table cut into bins).
        func with(_ cells: Dataset) -> FoldedTable {
            precondition(cells.rowCount == data.rowCount)
            var t = self
            t.data = cells
            return t
        }

        public init(data: Dataset, folds: [Int32], rows: Int, missingCells: Int, weightsCountCopies: Bool) {
            precondition(folds.count == data.rowCount, "FoldedTable: one fold a row")
            (self.data, self.folds, self.rows, self.missingCells) = (data, folds, rows, missingCells)
            self.weightsCountCopies = weightsCountCopies
        }
    }

    /// The inner folds of a table of `rows` rows.
    func foldCount(rows: Int) -> Int { max(2, min(innerFolds, rows)) }

    /// Turns the classes of a table's rows (the target's codes, in row order) into their
    /// inner folds, in place: stratified, seeded by `seed` (`Evaluation.stratifiedFolds`).
    public func assignFolds(_ classes: inout [Int32]) {
        Evaluation.assignStratifiedFolds(&classes, folds: foldCount(rows: classes.count), seed: seed)
    }

    /// Learns the model from `data` (raw cells: numeric columns not yet cut), its rows
    /// dealt to the inner folds here.
    public func learn(_ data: Dataset) throws -> (BayesianNetwork, Report) {
        try learn(folded(data))
    }

    /// `data`'s rows with their inner folds (`assignFolds` of the target's column; without
    /// such a column, which `learn` refuses, the rows are dealt as one class).
    public func folded(_ data: Dataset) -> FoldedTable {
        var folds = data.column(named: target).map { data.columns[$0] } ?? [Int32](repeating: 0, count: data.rowCount)
        assignFolds(&folds)
        return FoldedTable(data: data, folds: folds, rows: data.rowCount, missingCells: data.missingCount, weightsCountCopies: false)
    }

    /// Learns the model from `table`, whose rows carry their inner folds.
    public func learn(_ table: FoldedTable) throws -> (BayesianNetwork, Report) {
        let data = table.data
        guard let c = data.column(named: target) else {
            let hint = NameSuggestion.closest(to: target, in: data.names).map { " (did you mean \(Quote.name($0))?)" } ?? ""
            throw LearningError.invalidOption("the target \(Quote.name(target)) is not a column\(hint); the columns are \(data.names.joined(separator: ", "))")
        }
        guard !structures.isEmpty, !priors.isEmpty, priors.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw LearningError.invalidOption("give at least one structure family and positive priors")
        }
        guard (0...200).contains(bagging) else {
            throw LearningError.invalidOption("--bagging must be between 0 and 200 replicates, got \(bagging)")
        }
        guard !designs.isEmpty else {
            throw LearningError.invalidOption("--bagging bags a family fitted by counts; aode, waode and dnb are not: add another family to --structures")
        }
        let classes = data.states[c].count
        guard classes >= 2 else {
            throw LearningError.invalidOption("the target \(Quote.name(target)) has \(classes) state\(classes == 1 ? "" : "s") in the data; a class needs at least 2")
        }
        guard classes <= Self.maxClasses else {
            throw LearningError.invalidOption("the target \(Quote.name(target)) has \(classes) distinct values; learn --target predicts a categorical class (at most \(Self.maxClasses) states); cut it first or pick a categorical column")
        }
        guard !parameterLearnings.isEmpty else {
            throw LearningError.invalidOption("give at least one way of fitting the tables: generative, discriminative or both")
        }
        guard !discriminativePenalties.isEmpty, discriminativePenalties.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw LearningError.invalidOption("the penalties of discriminative tables must be positive numbers")
        }
        guard bagging == 0 || parameterLearnings.contains(.generative) else {
            throw LearningError.invalidOption("--bagging refits every bootstrap by counts; it cannot be combined with --parameters discriminative alone")
        }
        guard !fewValuedBinnings.isEmpty else {
            throw LearningError.invalidOption("give at least one binning of the few-valued numeric columns")
        }
        guard bagging == 0 || table.rows == data.rowCount else {
            throw LearningError.invalidOption("bagging resamples the rows: give them one by one, not as distinct rows with counts")
        }
        guard data.columns[c].contains(where: { $0 >= 0 }) else {
            throw LearningError.invalidOption("every cell of the target \(Quote.name(target)) is empty")
        }
        var plan = discretization
        plan.methods[target] = .some(nil)          // the class keeps its own states
        let fewValued = plan.fewValuedColumns(of: data)
        // Every binning's table (one per distinct way of cutting the data), then the inner
        // cross-validation: all designs under the first, the leading ones under the others.
        var binned: [(bins: String, ordered: Bool, data: Dataset, columns: [DatasetDiscretization.Column], skeleton: BayesianNetwork)] = []
        var candidates: [Candidate] = []
        func binnedTable(_ p: DatasetDiscretization, of data: Dataset = data) throws -> (Dataset, [DatasetDiscretization.Column], BayesianNetwork) {
            let (cut, columns) = try p.apply(to: data)
            let skeleton = try BayesianNetwork.unconnected(over: cut, name: "\(target)_classifier",
                                                    cutPoints: Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.cutPoints) }))
            return (cut, columns, skeleton)
        }
        func fewValuedPlan(_ binning: FewValuedBinning) -> DatasetDiscretization {
            var p = plan
            if binning == .mdl { for name in fewValued { p.methods[name] = .some(.mdl) } }
            return p
        }
        for binning in fewValuedBinnings {
            let (cut, columns, skeleton) = try binnedTable(fewValuedPlan(binning))
            if binned.contains(where: { $0.data.columns == cut.columns }) { continue }
            var tried = designs
            if !binned.isEmpty {
                var best: [String: Double] = [:]
                for x in candidates { best[x.structure + "/" + x.features] = min(best[x.structure + "/" + x.features] ?? .infinity, x.logLoss) }
                let leaders = Set(best.sorted { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(binningLeaders).map(\.key))
                tried = tried.filter { leaders.contains($0.0.description + "/" + $0.1.rawValue) }
            }
            binned.append((binning.rawValue, false, cut, columns, skeleton))
            candidates += try innerCrossValidation(table.with(cut), skeleton: skeleton, target: c, designs: tried,
                                                   bins: binning.rawValue)
        }
        // dnb once more on fine equal-frequency bins under the ordered penalty, with the
        // few-valued columns binned as in dnb's best fit above.
        let discriminative = designs.filter { $0.0 == .discriminativeNaiveBayes }
        if let q = discriminativeBins, !discriminative.isEmpty, plan.automatic == .mdl,
           let best = candidates.filter({ $0.structure == ClassifierStructure.discriminativeNaiveBayes.description })
               .min(by: { $0.logLoss < $1.logLoss }), let binning = FewValuedBinning(rawValue: best.bins) {
            var p = fewValuedPlan(binning)
            p.automatic = .equalFrequency(bins: q)
            let (cut, columns, skeleton) = try binnedTable(p)
            // No numeric column with more values: nothing to cut finer, not tried.
            if !binned.contains(where: { $0.data.columns == cut.columns }) {
                let bins = "\(binning.rawValue)+equal-frequency:\(q)"
                binned.append((bins, true, cut, columns, skeleton))
                candidates += try innerCrossValidation(table.with(cut), skeleton: skeleton, target: c,
                                                       designs: [(.discriminativeNaiveBayes, .all)], bins: bins, ordered: true)
            }
        }
        // The leading designs once more with the derived index, each under its best binning.
        var derived: DerivedIndex? = nil
        if derivedIndexing == .auto, derivedLeaders > 0, plan.automatic == .mdl, let index = try DerivedIndex.construct(data, target: c, weightsCountCopies: table.weightsCountCopies) {
            derived = index
            let indexed = try index.adding(to: data)
            var best: [String: Candidate] = [:]
            for x in candidates where FewValuedBinning(rawValue: x.bins) != nil {
                let key = x.structure + "/" + x.features
                if best[key].map({ x.logLoss < $0.logLoss }) ?? true { best[key] = x }
            }
            let leaders = best.values.sorted { $0.logLoss < $1.logLoss || ($0.logLoss == $1.logLoss && $0.structure < $1.structure) }
                .prefix(derivedLeaders)
            for binning in fewValuedBinnings {
                let tried = designs.filter { d in
                    leaders.contains { $0.bins == binning.rawValue && $0.structure == d.0.description && $0.features == d.1.rawValue }
                }
                guard !tried.isEmpty else { continue }
                let (cut, columns, skeleton) = try binnedTable(fewValuedPlan(binning), of: indexed)
                let bins = binning.rawValue + "+derived"
                binned.append((bins, false, cut, columns, skeleton))
                candidates += try innerCrossValidation(table.with(cut), skeleton: skeleton, target: c, designs: tried, bins: bins)
            }
        }
        // The best count-fitted design once more with discriminative tables.
        // A design with the index must beat the best without it by the index's BIC cost per
        // row: its coefficients were fitted on every row the inner folds score, so the inner
        // cross-validation alone is optimistic about it (on wa_churn and credit_data designs
        // with an index came out 0.0001-0.0008 ahead, and lost on the outer folds).
        let margin = derived.map { Double($0.terms.count) / 2 * log(Double(table.rows)) / Double(table.rows) } ?? 0
        if parameterLearnings.contains(.discriminative), bagging == 0,
           let lead = Self.preferred(candidates.filter({ ClassifierStructure(name: $0.structure)?.isCountFitted ?? false }),
                                     derivedMargin: margin, tolerance: 0),
           let cut = binned.first(where: { $0.bins == lead.bins }) {
            candidates += try innerCrossValidationDiscriminative(table.with(cut.data), skeleton: cut.skeleton, target: c, lead: lead)
        }
        let eligible = candidates.filter { parameterLearnings.contains(ParameterLearning(rawValue: $0.parameters)!) }
        guard let chosen = Self.preferred(eligible, derivedMargin: margin, tolerance: 1e-12) else {
            throw LearningError.invalidOption("--parameters discriminative needs a family fitted by counts (nb, tan, kdb1-3, ban, mb-hc, outcome) among --structures, and tables small enough to fit")
        }
        let (_, ordered, cut, columns, skeleton) = binned.first { $0.bins == chosen.bins }!
        let structure = ClassifierStructure(name: chosen.structure)!
        let selection = FeatureSelection(rawValue: chosen.features)!
        var net: BayesianNetwork
        var em: ExpectationMaximization.Report?
        var bagged: BaggingReport?
        if bagging > 0 {
            (net, bagged) = try bag(structure, features: selection, prior: chosen.prior, skeleton: skeleton, data: cut, target: c)
        } else {
            (net, em) = try fit(structure, features: selection, prior: chosen.prior, skeleton: skeleton, data: cut, target: c,
                                ordered: ordered)
            if let lambda = chosen.penalty {
                let binding = try DataBinding(network: net, data: cut)
                guard let fitted = try DiscriminativeParameters.networks(net, target: c, binding: binding, penalties: [lambda])?.first else {
                    throw LearningError.invalidOption("the tables of \(chosen.structure) are too large to fit discriminatively")
                }
                net = fitted
            }
        }
        if let index = derived, chosen.usesDerivedIndex, let v = net.index(of: index.name) {
            try net.setDerivation(index.derivation, of: v)
        }
        var edges: [[String]] = []
        for v in 0..<net.count { for p in net.parents(of: v) { edges.append([net.variables[p].name, net.variables[v].name]) } }
        return (net, Report(target: target, rows: table.rows, missingCells: table.missingCells, innerFolds: innerFolds,
                            discretized: columns, candidates: candidates, chosen: chosen, edges: edges, em: em, bagging: bagged, derived: derived,
                            derivedMargin: derived == nil ? nil : margin))
    }

    /// The most states a class may have.
    public static let maxClasses = 50

    /// The graph of `structure` on `data`, fitted with BDeu(`prior`): by counts, or by EM
    /// from the available-case estimates when a cell is missing.
    func fit(_ structure: ClassifierStructure, features: FeatureSelection, prior: Double, skeleton: BayesianNetwork, data: Dataset,
             target c: Int, ordered: Bool = false) throws -> (BayesianNetwork, ExpectationMaximization.Report?) {
        let binding = try DataBinding(network: skeleton, data: data)
        let net = try structure.fits(target: c, skeleton: skeleton, binding: binding, priors: [prior], maxParents: maxParents,
                                     features: features, seed: seed, ordered: ordered)[0]
        // (W)AODE's tables come from pair counts, which use every row a pair completes, and
        // dnb's from a fit in which a missing cell adds nothing: neither is refitted by EM.
        guard data.missingCount > 0, structure.isCountFitted else { return (net, nil) }
        let estimator = ParameterEstimator(method: .bdeu(equivalentSampleSize: prior))
        let em = ExpectationMaximization(estimator: estimator, maxIterations: emIterations, tolerance: 1e-6, seed: seed,
                                         makeEngine: { try ExpectationEngines.automatic($0) })
        let (fitted, report) = try em.fit(net, to: data)
        return (fitted, report)
    }

    /// The pooled held-out metrics of `lead`'s design (family, features, bins, prior) with its
    /// tables fitted discriminatively, for every penalty in `discriminativePenalties`, over the
    /// same stratified inner folds as `innerCrossValidation`: in each fold the graph is learned
    /// and counted on the other folds, then refitted for `P(T | row)` from those counts.
    func innerCrossValidationDiscriminative(_ data: FoldedTable, skeleton: BayesianNetwork, target c: Int,
                                            lead: Candidate) throws -> [Candidate] {
        guard let structure = ClassifierStructure(name: lead.structure), let selection = FeatureSelection(rawValue: lead.features)
        else { return [] }
        let penalties = discriminativePenalties, maxParents = self.maxParents, seed = self.seed
        guard let pooled = try pooledInnerFolds(data, skeleton: skeleton, target: c, fits: { binding in
            let counted = try structure.fits(target: c, skeleton: skeleton, binding: binding, priors: [lead.prior],
                                             maxParents: maxParents, features: selection, seed: seed, threads: 1)[0]
            return try DiscriminativeParameters.networks(counted, target: c, binding: binding, penalties: penalties)
        }) else { return [] }
        return penalties.enumerated().map { (i, lambda) in
            let m = pooled[i].metrics
            return Candidate(structure: lead.structure, features: lead.features, prior: lead.prior, bins: lead.bins,
                             logLoss: m.logLoss, auc: m.auc, accuracy: m.accuracy, brier: m.brier,
                             parameters: ParameterLearning.discriminative.rawValue, penalty: lambda)
        }
    }

    /// The held-out figures of the networks `fits` returns for each inner fold's (`folds`)
    /// training rows (one accumulator per network, in the order `fits` gives them), pooled
    /// over the folds in fold order; nil when `fits` returns nil for a fold. The folds run on
    /// separate threads, and each fold's held-out rows go straight into the accumulators, one
    /// network's predictions at a time, so memory follows the distinct predictions (the
    /// AUC's `ScoreTally`), not rows × networks. A fold's accumulators are merged into the
    /// pool as soon as the folds before it are (`FoldPool`), not kept until the last fold
    /// ends: at most the pool and the folds still waiting for an earlier one are held. A row
    /// of `data` weighing `w` (a distinct row with its copies) trains with its weight and is
    /// predicted once, counted `w` times.
    func pooledInnerFolds(_ folded: FoldedTable, skeleton: BayesianNetwork, target c: Int,
                          fits: @Sendable (DataBinding) throws -> [BayesianNetwork]?) throws -> [ClassificationMetrics.Accumulator]? {
        let fold = folded.folds, copies = folded.weightsCountCopies ? folded.data.weights : nil
        let k = max(2, Int(fold.max() ?? 0) + 1)     // every fold has a row (`foldCount`)
        let classes = skeleton.variables[c].cardinality, target = self.target
        // The folds' training tables need no file row numbers (nothing in a fold names a row
        // of the file), so none are copied for them. The held-out rows are not copied: they
        // are predicted from the table every fold shares (its columns under the skeleton's
        // states, the table's own when they are the same).
        let table = { var t = folded.data; t.source = nil; return t }()
        let shared = try DataBinding(network: skeleton, data: table)
        let pool = FoldPool()
        DispatchQueue.concurrentPerform(iterations: k) { f in
            pool.deliver(f, Result {
                let train = table.rows(fold.indices.filter { fold[$0] != f })
                let testRows = fold.indices.filter { fold[$0] == f }
                guard let nets = try fits(DataBinding(network: skeleton, data: train)) else { return nil }
                return try nets.map { net in
                    var sums = ClassificationMetrics.Accumulator(states: classes)
                    // By name: (W)AODE's network adds a latent node, which has no column.
                    let codes = net.variables.map { v in skeleton.index(of: v.name).flatMap { shared.codes[$0] } }
                    var i = 0
                    try Evaluation.predict(net, target: try net.require(target), codes: codes, rows: testRows) { _, p in
                        let row = testRows[i]
                        sums.add(truth: table.columns[c][row], prediction: p, copies: copies.map { Int($0[row]) } ?? 1)
                        i += 1
                    }
                    sums.compact()
                    return sums
                }
            })
        }
        return try pool.result()
    }

    /// The inner folds' accumulators merged in fold order as the folds end: fold `f`'s go into
    /// the pool once folds `0..<f` are in (the same merges, in the same order, as after the
    /// last fold, so the same sums), the folds that end early wait. The first fold in order
    /// that failed or returned nil decides the outcome, as a loop over the folds would.
    final class FoldPool: @unchecked Sendable {
        private let lock = NSLock()
        private var waiting: [Int: Result<[ClassificationMetrics.Accumulator]?, Error>] = [:]
        private var next = 0
        private var pooled: [ClassificationMetrics.Accumulator]? = nil
        private var stopped: Result<[ClassificationMetrics.Accumulator]?, Error>? = nil

        /// Fold `f`'s outcome.
        func deliver(_ f: Int, _ outcome: Result<[ClassificationMetrics.Accumulator]?, Error>) {
            lock.lock()
            defer { lock.unlock() }
            guard stopped == nil else { return }
            waiting[f] = outcome
            while stopped == nil, let r = waiting.removeValue(forKey: next) {
                next += 1
                switch r {
                case .success(let sums?):
                    if pooled == nil {
                        pooled = sums
                    } else {
                        for m in sums.indices { pooled![m].merge(sums[m]) }
                    }
                case .success(nil), .failure:
                    stopped = r
                    waiting.removeAll()
                }
            }
        }

        /// The pooled accumulators once every fold is in; nil or the error of the first fold
        /// that gave one.
        func result() throws -> [ClassificationMetrics.Accumulator]? {
            lock.lock()
            defer { lock.unlock() }
            if let stopped { return try stopped.get() }
            return pooled
        }
    }

    /// The (family, feature selection) designs tried, in order. With bagging, only the
    /// families fitted by counts (`isCountFitted`): (W)AODE is an average already, and
    /// bagging refits every bootstrap by counts, which would undo dnb's fit.
    var designs: [(ClassifierStructure, FeatureSelection)] {
        structures.filter { bagging == 0 || $0.isCountFitted }.flatMap { s in
            s.usesFeatureSelection ? featureSelections.map { (s, $0) } : [(s, FeatureSelection.relevant)]
        }
    }

    /// Every (design, prior) pair's pooled held-out metrics over stratified inner folds of
    /// `data` (cut as `bins` says; `ordered` for dnb's ordered penalty). The
    /// folds run on separate threads; within a fold each design's graph is learned once and
    /// its counts fitted with every prior.
    func innerCrossValidation(_ data: FoldedTable, skeleton: BayesianNetwork, target c: Int,
                              designs: [(ClassifierStructure, FeatureSelection)], bins: String,
                              ordered: Bool = false) throws -> [Candidate] {
        let priors = self.priors, maxParents = self.maxParents, seed = self.seed
        let pooled = try pooledInnerFolds(data, skeleton: skeleton, target: c, fits: { binding in
            try designs.flatMap { (s, selection) in
                try s.fits(target: c, skeleton: skeleton, binding: binding, priors: priors, maxParents: maxParents,
                           features: selection, seed: seed, threads: 1, ordered: ordered)
            }
        })!
        var result: [Candidate] = []
        for (di, (s, selection)) in designs.enumerated() {
            for (ai, a) in priors.enumerated() {
                let m = pooled[di * priors.count + ai].metrics
                result.append(Candidate(structure: s.description, features: selection.rawValue, prior: a, bins: bins,
                                        logLoss: m.logLoss, auc: m.auc, accuracy: m.accuracy, brier: m.brier))
            }
        }
        return result
    }
}
