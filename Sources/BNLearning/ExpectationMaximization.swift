import BNCore
import Foundation

/// Maximum-likelihood (or MAP) parameters from incomplete data by expectation-maximisation
/// (Dempster, Laird & Rubin 1977; Lauritzen 1995 for Bayesian networks).
///
/// Each iteration: the E-step computes expected family counts
/// `N̄_{jk} = Σ_rows w · P(x_v = k, pa(v) = j | observed cells of the row)` with the current
/// parameters, and the observed-data log-likelihood `ℓ = Σ_rows w · ln P(observed cells)`;
/// the M-step sets the CPTs from `N̄` through `ParameterEstimator` (so a Dirichlet prior
/// gives MAP-EM). Rows are deduplicated first (identical rows become one row with a
/// weight), and fully observed rows skip inference. Iteration stops when the relative change
/// `|ℓ_t − ℓ_{t−1}| / |ℓ_{t−1}|` falls below `tolerance`, or after `maxIterations`. The
/// parameters returned are those of the M-step after the last E-step (EM never lowers ℓ,
/// so that step is never worse), and `finalLogLikelihood` is their ℓ, from one more E-step.
/// Random restarts start from seeded random CPTs; the run with the highest final `ℓ` wins.
public struct ExpectationMaximization {
    public var estimator: ParameterEstimator
    public var maxIterations: Int
    public var tolerance: Double
    public var restarts: Int
    public var seed: UInt64
    /// Builds the E-step engine for the current parameters.
    public var makeEngine: @Sendable (BayesianNetwork) throws -> any ExpectationEngine
    /// Threads for the E-step: the distinct rows are split into this many parts, each with
    /// its own engine and counts, summed afterwards.
    public var threads: Int = 2
    /// Called after every iteration with (iteration, log-likelihood).
    public var progress: ((Int, Double) -> Void)?

    public init(estimator: ParameterEstimator = ParameterEstimator(), maxIterations: Int = 100, tolerance: Double = 1e-5,
                restarts: Int = 0, seed: UInt64 = 1,
                makeEngine: @escaping @Sendable (BayesianNetwork) throws -> any ExpectationEngine,
                progress: ((Int, Double) -> Void)? = nil) {
        self.estimator = estimator
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.restarts = restarts
        self.seed = seed
        self.makeEngine = makeEngine
        self.progress = progress
    }

    /// What a run produced.
    public struct Report: Sendable, Codable {
        public var iterations: Int
        /// Observed-data log-likelihood (natural log): `trace[t]` is ℓ under the parameters
        /// after `t` M-steps (t = 0: the start; the last entry: the returned parameters).
        public var logLikelihoodTrace: [Double]
        public var converged: Bool
        public var distinctRows: Int
        public var restartsRun: Int
        /// ℓ of the returned parameters.
        public var finalLogLikelihood: Double
    }

    /// Fits `network` to `data`; variables without a column are latent.
    public func fit(_ network: BayesianNetwork, to data: Dataset) throws -> (BayesianNetwork, Report) {
        let binding = try DataBinding(network: network, data: data, allowMissingColumns: true)
        let rows = Self.distinctRows(binding, variables: network.count)
        var best: (BayesianNetwork, Report)? = nil
        var rng = SplitMix64(seed: seed)
        for attempt in 0...restarts {
            let start = attempt == 0 ? network : try Self.randomized(network, rng: &rng)
            let result = try run(start, rows: rows)
            if best == nil || result.1.finalLogLikelihood > best!.1.finalLogLikelihood { best = result }
        }
        var (net, report) = best!
        report.restartsRun = restarts
        net.name = network.name
        return (net, report)
    }

    /// Fits `network` to rows given as evidence vectors with weights (already distinct, as
    /// `distinctRows` makes them), from `network`'s own parameters: no restarts.
    func fit(_ network: BayesianNetwork, rows: [(evidence: [Int32], weight: Double)]) throws -> (BayesianNetwork, Report) {
        try run(network, rows: rows)
    }

    /// Distinct rows of the bound data with their total weights, as evidence vectors.
    static func distinctRows(_ binding: DataBinding, variables: Int) -> [(evidence: [Int32], weight: Double)] {
        let (firstRow, weight) = binding.distinctRows()
        return zip(firstRow, weight).map { i, w in
            var e = [Int32](repeating: -1, count: variables)
            for v in 0..<variables { if let c = binding.codes[v] { e[v] = c[i] } }
            return (e, w)
        }
    }

    private func run(_ start: BayesianNetwork, rows: [(evidence: [Int32], weight: Double)]) throws -> (BayesianNetwork, Report) {
        var net = start
        var trace: [Double] = []
        var converged = false
        let cards = net.cardinalities
        let families = net.families
        var iterations = 0
        while iterations < maxIterations {
            let (counts, ll) = try expectation(net, rows: rows, families: families, cards: cards)
            trace.append(ll)
            progress?(iterations, ll)
            if trace.count >= 2 {
                let prev = trace[trace.count - 2]
                converged = abs(ll - prev) / max(abs(prev), 1e-300) < tolerance
            }
            // The M-step of the counts just computed: EM never lowers ℓ, so even on
            // convergence the returned parameters are these, one step past the last ℓ.
            net = try estimator.apply(counts: counts, to: net)
            iterations += 1
            if converged { break }
        }
        // `net` holds parameters one M-step newer than the last ℓ of the trace; report ℓ of
        // what we return.
        let final = try expectation(net, rows: rows, families: families, cards: cards).1
        trace.append(final)
        return (net, Report(iterations: iterations, logLikelihoodTrace: trace, converged: converged,
                            distinctRows: rows.count, restartsRun: 0, finalLogLikelihood: final))
    }

    /// The E-step: expected family counts and the observed-data log-likelihood, with the
    /// rows split over `threads` engines.
    private func expectation(_ net: BayesianNetwork, rows: [(evidence: [Int32], weight: Double)], families: [[Int]],
                             cards: [Int]) throws -> ([[Double]], Double) {
        try Self.expectation(net, rows: rows, families: families, cards: cards, threads: threads, makeEngine: makeEngine)
    }

    /// `Σ w · ln P(observed cells)` of distinct rows: complete rows by CPT look-ups, the others
    /// through the engine (the E-step without its counts).
    static func logLikelihood(_ net: BayesianNetwork, rows: [(evidence: [Int32], weight: Double)], threads: Int = 2,
                              makeEngine: @escaping @Sendable (BayesianNetwork) throws -> any ExpectationEngine) throws -> Double {
        let families = net.families
        return try expectation(net, rows: rows, families: families, cards: net.cardinalities, threads: threads,
                               makeEngine: makeEngine).1
    }

    static func expectation(_ net: BayesianNetwork, rows: [(evidence: [Int32], weight: Double)], families: [[Int]],
                            cards: [Int], threads: Int,
                            makeEngine make: @escaping @Sendable (BayesianNetwork) throws -> any ExpectationEngine) throws -> ([[Double]], Double) {
        let parts = max(1, min(threads, rows.count / 256 + 1))
        let partials = parallelMap(parts) { part -> Result<([[Double]], Double), Error> in
            Result {
                var counts = families.map { [Double](repeating: 0, count: $0.reduce(1) { $0 * cards[$1] }) }
                var ll = 0.0
                var incomplete: [(evidence: [Int32], weight: Double)] = []
                for (e, w) in rows[(rows.count * part / parts)..<(rows.count * (part + 1) / parts)] {
                    if !e.contains(-1) {
                        // Complete row: indicator counts and the joint probability directly.
                        var lp = 0.0
                        for (v, fam) in families.enumerated() {
                            var cell = 0
                            for u in fam { cell = cell * cards[u] + Int(e[u]) }
                            counts[v][cell] += w
                            lp += log(net.cpts[v].values[cell])
                        }
                        ll += w * lp
                    } else {
                        incomplete.append((e, w))
                    }
                }
                if !incomplete.isEmpty {
                    var engine = try make(net)
                    ll += try engine.accumulate(rows: incomplete[...], into: &counts)
                }
                return (counts, ll)
            }
        }
        var (total, ll) = try partials[0].get()
        for p in partials.dropFirst() {
            let (c, l) = try p.get()
            ll += l
            for v in total.indices { for i in total[v].indices { total[v][i] += c[v][i] } }
        }
        return (total, ll)
    }

    /// The network with every CPT row drawn uniformly from the simplex (seeded).
    static func randomized(_ network: BayesianNetwork, rng: inout SplitMix64) throws -> BayesianNetwork {
        var out = network
        for v in 0..<network.count {
            let k = network.variables[v].cardinality
            var values = [Double](repeating: 0, count: network.cpts[v].values.count)
            for r in 0..<(values.count / k) {
                var s = 0.0
                for j in 0..<k { let x = -log(1 - rng.nextUnit()); values[r * k + j] = x; s += x }
                for j in 0..<k { values[r * k + j] /= s }
            }
            try out.setCPT(v, Factor(scope: network.familyScope(of: v), values: values))
        }
        return out
    }
}
