import BNCore
import Foundation

/// Bagging for `learn --target --bagging N` (Breiman 1996): the chosen structure family
/// learned on `N` bootstrap resamples of the rows, summarised as one plain network.
///
/// 1. **Arc strengths**, as bnlearn's `boot.strength` (Friedman, Goldszmidt & Wyner 1999;
///    Scutari & Nagarajan 2013): for every pair of variables, `strength` is the share of the
///    `N` bootstrap graphs that join them by an arc in either direction, and `direction` the
///    share of those that point it `from → to`.
/// 2. **The averaged graph** (bnlearn's `averaged.network`): the arcs with strength at least
///    `threshold` (½ by default), each in its majority direction, added strongest first and
///    skipped when it would close a cycle.
/// 3. **The mixture**: a latent root `M` with `N` equally likely states is made a parent of
///    every variable; given `M = b` each table is the one fitted (same prior) on bootstrap
///    `b` with the averaged graph, so
///    `P(x) = (1/N) Σ_b P_b(x)` and `P(t | x) = Σ_b P(b | x) P_b(t | x)` with
///    `P(b | x) ∝ P_b(x)`: Bayesian model averaging over the bootstrap fits. The model
///    stays one `.bn` that every command reads; the root is `latent`, never in the data.
extension TargetedLearner {
    /// Arc strength of one pair over the bootstrap graphs.
    public struct ArcStrength: Codable, Sendable, Equatable {
        public var from: String
        public var to: String
        /// Share of bootstrap graphs with an arc between the two, either direction.
        public var strength: Double
        /// Share of those arcs that point `from → to` (at least ½ as listed).
        public var direction: Double
    }

    /// What bagging built.
    public struct BaggingReport: Codable, Sendable {
        public var replicates: Int
        public var threshold: Double
        /// Every pair joined in some bootstrap graph, strongest first.
        public var arcStrengths: [ArcStrength]
        /// The mixture root's name.
        public var mixtureRoot: String
    }

    /// The bagged mixture of `structure` with BDeu(`prior`) on `data` (already cut).
    func bag(_ structure: ClassifierStructure, features: FeatureSelection, prior: Double, skeleton: BayesianNetwork, data: Dataset,
             target c: Int) throws -> (BayesianNetwork, BaggingReport) {
        let n = skeleton.count
        let replicates = bagging
        let cards = skeleton.cardinalities
        let maxParents = self.maxParents, seed = self.seed
        let samples: [[Int]] = (0..<replicates).map { b in
            var rng = SplitMix64(seed: seed &+ UInt64(b) &* 0x9E37_79B9)
            return (0..<data.rowCount).map { _ in Int(rng.next() % UInt64(data.rowCount)) }
        }
        // Each bootstrap graph (two threads).
        let graphs: [Result<[[Int]], LearningError>] = parallelMap(replicates) { b in
            Result { () throws(LearningError) in
                let binding = try DataBinding(network: skeleton, data: data.rows(samples[b]))
                return try structure.parents(target: c, cardinalities: cards, binding: binding, maxParents: maxParents,
                                             features: features, seed: seed)
            }
        }
        var count = [[Int]](repeating: [Int](repeating: 0, count: n), count: n)   // count[from][to]
        for g in graphs {
            for (v, ps) in try g.get().enumerated() { for p in ps { count[p][v] += 1 } }
        }
        var strengths: [(from: Int, to: Int, strength: Double, direction: Double)] = []
        for a in 0..<n {
            for b in (a + 1)..<n where count[a][b] + count[b][a] > 0 {
                let both = count[a][b] + count[b][a]
                let (from, to) = count[a][b] >= count[b][a] ? (a, b) : (b, a)
                strengths.append((from, to, Double(both) / Double(replicates), Double(count[from][to]) / Double(both)))
            }
        }
        strengths.sort { $0.strength > $1.strength || ($0.strength == $1.strength && ($0.from, $0.to) < ($1.from, $1.to)) }
        // The averaged graph.
        var parents = [[Int]](repeating: [], count: n)
        func reaches(_ from: Int, _ to: Int) -> Bool {     // a directed path from → … → to
            var stack = [from], seen = Set<Int>()
            while let u = stack.popLast() {
                if u == to { return true }
                for v in 0..<n where parents[v].contains(u) && seen.insert(v).inserted { stack.append(v) }
            }
            return false
        }
        for s in strengths where s.strength >= baggingThreshold && parents[s.to].count < maxParents {
            if !reaches(s.to, s.from) { parents[s.to].append(s.from) }
        }
        // The mixture root and the tables of every bootstrap on the averaged graph.
        var names = Set(skeleton.names)
        var rootName = "bootstrap"
        while names.contains(rootName) { rootName = "_" + rootName }
        names.insert(rootName)
        var mixture = skeleton
        let m = try mixture.addVariable(Variable(name: rootName, states: (1...replicates).map { "b\($0)" },
                                                 description: "bagging: which of the \(replicates) bootstrap fits (latent)",
                                                 role: .latent))
        var single = skeleton
        for v in 0..<n {
            try single.setParents(v, to: parents[v].sorted())
            try mixture.setParents(v, to: parents[v].sorted() + [m])
        }
        let estimator = ParameterEstimator(method: .bdeu(equivalentSampleSize: prior))
        let averaged = single
        let fits: [Result<BayesianNetwork, Error>] = parallelMap(replicates) { b in
            Result {
                let part = data.rows(samples[b])
                let binding = try DataBinding(network: averaged, data: part)
                let counts = FamilyCounter.counts(families: averaged.families, cardinalities: averaged.cardinalities, binding: binding, threads: 1)
                let net = try estimator.apply(counts: counts, to: averaged)
                guard part.missingCount > 0 else { return net }
                var em = ExpectationMaximization(estimator: estimator, maxIterations: 20, tolerance: 1e-5, seed: seed,
                                                 makeEngine: { try ExpectationEngines.automatic($0) })
                em.threads = 1
                return try em.fit(net, to: part).0
            }
        }
        let tables = try fits.map { try $0.get().cpts.map(\.values) }
        for v in 0..<n {
            let r = cards[v]
            let q = tables[0][v].count / r
            var values = [Double](repeating: 0, count: q * replicates * r)
            for j in 0..<q { for b in 0..<replicates { for k in 0..<r { values[(j * replicates + b) * r + k] = tables[b][v][j * r + k] } } }
            try mixture.setCPT(v, try Factor(scope: mixture.familyScope(of: v), values: values))
        }
        let variableNames = skeleton.names
        return (mixture, BaggingReport(replicates: replicates, threshold: baggingThreshold,
                                       arcStrengths: strengths.map { ArcStrength(from: variableNames[$0.from], to: variableNames[$0.to],
                                                                                 strength: $0.strength, direction: $0.direction) },
                                       mixtureRoot: rootName))
    }
}
