import BNCore
import Foundation

/// Structure learning from data with missing cells by structural EM (Friedman 1997,
/// "Learning belief networks in the presence of missing values and hidden variables";
/// Friedman 1998, "The Bayesian structural EM algorithm").
///
/// The search cannot score a DAG on incomplete data directly: the observed-data score
/// does not decompose into families. Structural EM alternates, from `G₀` (the given start
/// or the empty DAG) with `θ₀` from each family's available cases (for the empty DAG, the
/// exact maximum-likelihood marginals):
///
/// 1. parameters (optional): `emIterations` EM iterations on `G_t` from `θ_t` (Dempster,
///    Laird & Rubin 1977);
/// 2. completion: the posterior of every row's missing cells under `(G_t, θ_t)`
///    (`PosteriorCompletion`), whose expected counts score any family:
///    `Q(G : G_t, θ_t) = Σ_v score(v | pa_G(v); E[N | G_t, θ_t])`;
/// 3. structure: the search (hill climbing or tabu, from `G_t`, and with `freshSearch` also
///    from `G₀`, keeping the higher) for the `G_{t+1}` that maximises `Q`; `θ_{t+1}` is the
///    M-step of the same expected counts on `G_{t+1}` (so each round is also one EM
///    iteration: Friedman's MS-EM);
///
/// until the search returns `G_t` itself (a fixed point) or after `maxRounds` rounds. For
/// BIC with exact expected counts, `Q(G_{t+1}) ≥ Q(G_t)` implies that the observed-data BIC
/// did not decrease (Friedman 1997, theorem 3.1).
///
/// By default the search reads one seeded imputation of the completion (`imputations = 1`,
/// the stochastic variant of §4 of the paper) instead of the exact expected counts: the
/// imputed rows are counted as complete data, several times faster, and on asia, child and
/// alarm (10,000 rows, 20 % of cells missing) as close to the complete-data structure
/// (BENCHMARKS.md, "Structure learning with missing cells").
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
    /// family costs a pass with each row's posterior); `k ≥ 1`, `k` seeded imputations of
    /// every row (`PosteriorCompletion.imputed`), counted as complete data.
    public var imputations: Int
    /// Each round after the first also searches from the start (`start` or the empty DAG)
    /// and keeps whichever DAG scores higher on the round's counts.
    public var freshSearch: Bool
    /// Seeds the imputations.
    public var seed: UInt64
    /// Threads for EM, the completion and the counts.
    public var threads: Int
    /// Called after every search step and every EM iteration.
    public var progress: (@Sendable (Progress) -> Void)?

    /// A run with the search's settings; the defaults are the measured ones (BENCHMARKS.md).
    public init(search: HillClimbing, estimator: ParameterEstimator = ParameterEstimator(method: .bdeu(equivalentSampleSize: 1)),
                maxRounds: Int = 10, emIterations: Int = 0, tolerance: Double = 1e-5, finalEMIterations: Int = 0,
                imputations: Int = 1, freshSearch: Bool = true, seed: UInt64 = 1, threads: Int = 2, progress: (@Sendable (Progress) -> Void)? = nil) {
        self.search = search
        self.estimator = estimator
        self.maxRounds = maxRounds
        self.emIterations = emIterations
        self.tolerance = tolerance
        self.finalEMIterations = finalEMIterations
        self.imputations = imputations
        self.freshSearch = freshSearch
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
        let binding = try DataBinding(network: skeleton, data: data).deduplicated()
        let rows = ExpectationMaximization.distinctRows(binding, variables: skeleton.count)
        let cards = skeleton.cardinalities
        var steps = 0    // search steps and EM iterations reported so far
        func searching(_ round: Int) -> HillClimbing {
            var s = search
            if let report = progress {
                let before = steps
                s.progress = { step, score, arcs in
                    report(Progress(stage: .search, round: round, iteration: before + step, score: score, arcs: arcs))
                }
            }
            return s
        }
        func withParents(_ parents: [[Int]]) throws -> BayesianNetwork {
            var net = skeleton
            for (v, ps) in parents.enumerated() { try net.setParents(v, to: ps) }
            return net
        }
        func em(_ net: BayesianNetwork, round: Int, iterations: Int) throws -> (BayesianNetwork, ExpectationMaximization.Report) {
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
            return result
        }
        // The start: the given DAG (or the empty one), parameters from each family's
        // available cases (for the empty DAG, the exact maximum-likelihood marginals).
        var parents = start ?? [[Int]](repeating: [], count: skeleton.count)
        var net = try withParents(parents)
        net = try estimator.apply(counts: binding.counts(families: net.families, cardinalities: cards), to: net)
        var found: HillClimbing.Result?
        var iterations = 0, familiesScored = 0
        var rounds = 0, approximated = 0
        while rounds < maxRounds {
            rounds += 1
            if emIterations > 0 {
                net = try em(net, round: rounds, iterations: emIterations).0
            }
            let completion = try PosteriorCompletion(network: net, binding: binding, threads: threads)
            approximated = completion.approximatedRows
            let statistics: any FamilyStatistics = imputations > 0
                ? completion.imputed(imputations, seed: seed &+ UInt64(rounds)) : completion
            var next = try searching(rounds).search(cardinalities: cards, statistics: statistics, start: parents)
            steps += next.iterations
            iterations += next.iterations
            familiesScored += next.familiesScored
            if freshSearch && rounds > 1 {
                // Greedy search from G_t keeps what the first, poorly completed rounds got
                // wrong; a search from the start on the same counts often climbs higher.
                let fresh = try searching(rounds).search(cardinalities: cards, statistics: statistics, start: start)
                steps += fresh.iterations
                iterations += fresh.iterations
                familiesScored += fresh.familiesScored
                if fresh.score > next.score + 1e-9 { next = fresh }
            }
            found = next
            let settled = next.parents == parents
            parents = next.parents
            // θ_{t+1}: the M-step of the expected counts on the new structure.
            let structure = try withParents(parents)
            net = try estimator.apply(counts: completion.counts(families: structure.families, cardinalities: cards), to: structure)
            if settled { break }
        }
        if finalEMIterations > 0 {
            net = try em(net, round: rounds, iterations: finalEMIterations).0
        }
        return Result(network: net, parents: parents, score: found?.score ?? 0, rounds: rounds, iterations: iterations,
                      familiesScored: familiesScored, approximatedRows: approximated)
    }
}
