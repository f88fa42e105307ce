import BNCore
import Foundation

/// Structure learning from data with missing cells by structural EM (Friedman 1997,
/// "Learning belief networks in the presence of missing values and hidden variables";
/// Friedman 1998, "The Bayesian structural EM algorithm").
///
/// The search cannot score a DAG on incomplete data directly: the observed-data score
/// does not decompose into families. Structural EM alternates completion and search:
///
/// 0. start: the search from the given start (or the empty DAG) on available cases
///    (`AvailableCaseStatistics`: each family's complete rows scaled to the sample, every
///    move scored on the rows that observe the larger of the families it changes), so
///    `G₀` follows the path the search would take on complete data, without the bias of
///    a completion by a model that does not know the dependencies yet; `θ₀` is the M-step
///    of the available-case counts on `G₀`.
/// 1. parameters (optional): `emIterations` EM iterations on `G_t` from `θ_t` (Dempster,
///    Laird & Rubin 1977);
/// 2. completion: the missing cells completed under `(G_t, θ_t)`, whose counts score any
///    family: `Q(G : G_t, θ_t) = Σ_v score(v | pa_G(v); E[N | G_t, θ_t])`. By default
///    (`imputations ≥ 1`) the expected counts are approximated by imputations, the
///    stochastic variant of §4 of the paper: a Gibbs chain over the missing cells
///    (`GibbsImputation`, started from the marginals, `burnInSweeps` sweeps under
///    `(G₀, θ₀)`, then `sweeps` per round) is counted as complete data. With
///    `imputations = 0` the exact expected counts of the posterior (`PosteriorCompletion`).
/// 3. structure: the search from `G_t` for the `G_{t+1}` that maximises `Q` (in the first
///    round with at least `restarts` random restarts: `G₀` is a local optimum of the
///    available cases, which the completed data let the search leave); `θ_{t+1}` is the
///    M-step of the same counts on `G_{t+1}` (so each round is also one EM iteration:
///    Friedman's MS-EM);
///
/// until the search returns `G_t` itself (a fixed point) or after `maxRounds` rounds. For
/// BIC with exact expected counts, `Q(G_{t+1}) ≥ Q(G_t)` implies that the observed-data BIC
/// did not decrease (Friedman 1997, theorem 3.1). The parameters returned are the M-step of
/// `finalImputations` further imputations under the last structure (or, with
/// `imputations = 0`, of the last expected counts), then `finalEMIterations` of EM.
///
/// The defaults are the measured ones: on asia, child and alarm (10,000 rows, 20 % of the
/// cells missing at random) within 2 of the complete-data structure (SHD between
/// equivalence classes), in under 5 times its time (BENCHMARKS.md, "Structure learning
/// with missing cells").
public struct StructuralEM: Sendable {
    /// The structure step (score, operators, constraints, restarts).
    public var search: HillClimbing
    /// The M-step (BDeu with ESS 1 by default, so no CPT entry is 0).
    public var estimator: ParameterEstimator
    /// Most rounds of {EM, completion, search}.
    public var maxRounds: Int
    /// EM iterations per round (EM restarts from the previous round's parameters).
    public var emIterations: Int
    /// EM's relative log-likelihood change that ends a round's EM, and the final one.
    public var tolerance: Double
    /// EM iterations after the last round (0: the parameters are the last round's M-step).
    public var finalEMIterations: Int
    /// How the search reads the completion: 0, Friedman's expected counts (exact, but every
    /// family costs a pass with each row's posterior); `k ≥ 1`, `k` successive states of a
    /// seeded Gibbs chain over the missing cells (`GibbsImputation`), counted as complete data.
    public var imputations: Int
    /// Gibbs sweeps under `(G₀, θ₀)` before the first round.
    public var burnInSweeps: Int
    /// Gibbs sweeps per later round.
    public var sweeps: Int
    /// Imputations whose counts give the parameters of the result.
    public var finalImputations: Int
    /// The least random restarts of the first round's search (the search's own `restarts`
    /// when higher); the search on available cases and later rounds have the search's own.
    public var restarts: Int
    /// Seeds the imputations.
    public var seed: UInt64
    /// Threads for EM, the completion and the counts.
    public var threads: Int
    /// Called after every search step and every EM iteration.
    public var progress: (@Sendable (Progress) -> Void)?

    /// A run with the search's settings; the defaults are the measured ones (BENCHMARKS.md).
    public init(search: HillClimbing, estimator: ParameterEstimator = ParameterEstimator(method: .bdeu(equivalentSampleSize: 1)),
                maxRounds: Int = 2, emIterations: Int = 0, tolerance: Double = 1e-5, finalEMIterations: Int = 0,
                imputations: Int = 1, burnInSweeps: Int = 5, sweeps: Int = 1, finalImputations: Int = 3, restarts: Int = 10,
                seed: UInt64 = 1, threads: Int = 2, progress: (@Sendable (Progress) -> Void)? = nil) {
        self.search = search
        self.estimator = estimator
        self.maxRounds = maxRounds
        self.emIterations = emIterations
        self.tolerance = tolerance
        self.finalEMIterations = finalEMIterations
        self.imputations = imputations
        self.burnInSweeps = burnInSweeps
        self.sweeps = sweeps
        self.finalImputations = finalImputations
        self.restarts = restarts
        self.seed = seed
        self.threads = threads
        self.progress = progress
    }

    /// Where a run is.
    public struct Progress: Sendable, Equatable {
        /// What the run is doing: searching for a structure, or EM on one.
        public enum Stage: String, Sendable { case search, parameters }
        public var stage: Stage
        /// 0: the search on available cases; then the structural EM round.
        public var round: Int
        /// Search steps and EM iterations so far in the run: it only grows.
        public var iteration: Int
        /// The structure score of the current DAG (search; under round 1 and later, the
        /// expected score `Q`) or the observed-data log-likelihood (parameters).
        public var score: Double
        /// Arcs of the current DAG.
        public var arcs: Int

        /// A report (hill climbing on complete data reports `.search`, round 0).
        public init(stage: Stage, round: Int, iteration: Int, score: Double, arcs: Int) {
            self.stage = stage
            self.round = round
            self.iteration = iteration
            self.score = score
            self.arcs = arcs
        }
    }

    /// What a run found.
    public struct Result: Sendable {
        /// The learned structure with its EM parameters.
        public var network: BayesianNetwork
        /// `parents[v]`, sorted.
        public var parents: [[Int]]
        /// The expected score `Q` of the structure under the last completion (the
        /// available-case score when no round ran).
        public var score: Double
        /// Structural EM rounds run.
        public var rounds: Int
        /// Search steps over all rounds.
        public var iterations: Int
        /// Families scored (cache misses) over all rounds.
        public var familiesScored: Int
        /// Rows of the last completion whose missing cells were too entangled to enumerate
        /// (`PosteriorCompletion.approximatedRows`).
        public var approximatedRows: Int
    }

    /// Learns a structure and its parameters over the variables of `skeleton` (no edges;
    /// every variable needs a column of `data`, matched by name), starting the search from
    /// `start` (`parents[v]`) or the empty DAG.
    public func learn(_ skeleton: BayesianNetwork, data: Dataset, start: [[Int]]? = nil) throws -> Result {
        let raw = try DataBinding(network: skeleton, data: data)
        let binding = raw.deduplicated()
        lazy var rows = ExpectationMaximization.distinctRows(binding, variables: skeleton.count)
        let cards = skeleton.cardinalities
        var steps = 0    // search steps and EM iterations reported so far
        var iterations = 0, familiesScored = 0
        func climb(round: Int, on statistics: any FamilyStatistics, from parents: [[Int]]?) throws -> HillClimbing.Result {
            var s = self.search
            if round == 1 { s.restarts = max(s.restarts, restarts) }
            if let report = progress {
                let before = steps
                s.progress = { step, score, arcs in
                    report(Progress(stage: .search, round: round, iteration: before + step, score: score, arcs: arcs))
                }
            }
            let found = try s.search(cardinalities: cards, statistics: statistics, start: parents)
            steps += found.iterations
            iterations += found.iterations
            familiesScored += found.familiesScored
            return found
        }
        func withParents(_ parents: [[Int]]) throws -> BayesianNetwork {
            var net = skeleton
            for (v, ps) in parents.enumerated() { try net.setParents(v, to: ps) }
            return net
        }
        /// `θ`: the M-step of `statistics` on the structure.
        func fitted(_ parents: [[Int]], _ statistics: any FamilyStatistics) throws -> BayesianNetwork {
            let structure = try withParents(parents)
            return try estimator.apply(counts: statistics.counts(families: structure.families, cardinalities: cards), to: structure)
        }
        func em(_ net: BayesianNetwork, round: Int, iterations: Int) throws -> BayesianNetwork {
            let arcs = net.families.reduce(0) { $0 + $1.count - 1 }
            let before = steps
            var fit = ExpectationMaximization(estimator: estimator, maxIterations: iterations, tolerance: tolerance,
                                              makeEngine: { try ExpectationEngines.automatic($0) })
            fit.threads = threads
            if let report = progress {
                fit.progress = { iteration, ll in
                    report(Progress(stage: .parameters, round: round, iteration: before + iteration + 1, score: ll, arcs: arcs))
                }
            }
            let result = try fit.fit(net, rows: rows)
            steps += result.1.iterations
            return result.0
        }
        // Round 0: the search on available cases, and their M-step.
        var found = try climb(round: 0, on: AvailableCaseStatistics(binding), from: start)
        var parents = found.parents
        var net = try fitted(parents, binding)
        var chain = imputations > 0 ? GibbsImputation(binding: raw, cardinalities: cards, seed: seed) : nil
        var rounds = 0, approximated = 0
        while rounds < maxRounds {
            rounds += 1
            if emIterations > 0 { net = try em(net, round: rounds, iterations: emIterations) }
            let statistics: any FamilyStatistics
            if chain != nil {
                statistics = chain!.imputations(imputations, under: net, sweeps: rounds == 1 ? burnInSweeps : sweeps)
            } else {
                let completion = try PosteriorCompletion(network: net, binding: binding, threads: threads)
                approximated = completion.approximatedRows
                statistics = completion
            }
            found = try climb(round: rounds, on: statistics, from: parents)
            let settled = found.parents == parents
            parents = found.parents
            // θ_{t+1}: the M-step of the round's counts on the new structure.
            net = try fitted(parents, statistics)
            if settled { break }
        }
        if chain != nil && rounds > 0 && finalImputations > 0 {
            net = try fitted(parents, chain!.imputations(finalImputations, under: net, sweeps: sweeps))
        }
        if finalEMIterations > 0 { net = try em(net, round: rounds, iterations: finalEMIterations) }
        return Result(network: net, parents: parents, score: found.score, rounds: rounds, iterations: iterations,
                      familiesScored: familiesScored, approximatedRows: approximated)
    }
}
