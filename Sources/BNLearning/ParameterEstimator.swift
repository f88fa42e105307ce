import BNCore

/// Estimates CPTs from family counts.
///
/// - Maximum likelihood: `θ_{jk} = N_{jk} / N_j`.
/// - Bayesian (Dirichlet prior, posterior mean): `θ_{jk} = (N_{jk} + α_{jk}) / (N_j + α_j)`;
///   with the BDeu prior of equivalent sample size `ess` (Heckerman, Geiger & Chickering
///   1995), `α_{jk} = ess / (q·r)` for a child with `r` states and `q` parent configurations.
///
/// A parent configuration never seen (`N_j = 0`, and no prior mass) follows `unseenPolicy`:
/// a uniform row by default (so users need not add a prior to get an answer), or an error
/// naming the configuration.
public struct ParameterEstimator: Sendable {
    /// The estimation method.
    public enum Method: Sendable, Equatable {
        case maximumLikelihood
        /// BDeu prior with this equivalent sample size.
        case bdeu(equivalentSampleSize: Double)
        /// The same pseudo-count added to every cell (K2-style when 1).
        case dirichlet(pseudoCount: Double)
    }

    /// What to do with a parent configuration that has no data and no prior mass.
    public enum UnseenPolicy: Sendable, Equatable {
        case uniform
        case error
    }

    public var method: Method
    public var unseenPolicy: UnseenPolicy

    public init(method: Method = .maximumLikelihood, unseenPolicy: UnseenPolicy = .uniform) {
        self.method = method
        self.unseenPolicy = unseenPolicy
    }

    /// The Dirichlet pseudo-count of each cell of `v`'s table.
    public func pseudoCount(childStates r: Int, parentConfigurations q: Int) -> Double {
        switch method {
        case .maximumLikelihood: return 0
        case .bdeu(let ess): return ess / Double(q * r)
        case .dirichlet(let a): return a
        }
    }

    /// The CPT values of `v` (family order: parents, then `v`) from its counts.
    public func table(for v: Int, in network: BayesianNetwork, counts: [Double]) throws(LearningError) -> [Double] {
        let r = network.variables[v].cardinality
        let q = counts.count / r
        let alpha = pseudoCount(childStates: r, parentConfigurations: q)
        var out = [Double](repeating: 0, count: counts.count)
        for j in 0..<q {
            var nj = 0.0
            for k in 0..<r { nj += counts[j * r + k] + alpha }
            if nj <= 0 {
                if unseenPolicy == .error {
                    throw .unseenParentConfiguration(variable: network.variables[v].name,
                                                     parentStates: network.parentStates(of: v, row: j))
                }
                for k in 0..<r { out[j * r + k] = 1 / Double(r) }
            } else {
                for k in 0..<r { out[j * r + k] = (counts[j * r + k] + alpha) / nj }
            }
        }
        return out
    }

    /// Fits every CPT of `network` to complete-case counts of `data` (one pass over the data).
    public func fit(_ network: BayesianNetwork, to data: Dataset) throws(LearningError) -> BayesianNetwork {
        try fitWithCounts(network, to: data).network
    }

    /// `fit`, also returning the family counts it estimated from (complete cases per family),
    /// for callers that need them again (the log-likelihood of complete data).
    public func fitWithCounts(_ network: BayesianNetwork, to data: Dataset) throws(LearningError) -> (network: BayesianNetwork, counts: [[Double]]) {
        let binding = try DataBinding(network: network, data: data)
        let counts = FamilyCounter.counts(families: network.families, cardinalities: network.cardinalities, binding: binding)
        return (try apply(counts: counts, to: network), counts)
    }

    /// Sets every CPT of `network` from the given family counts.
    public func apply(counts: [[Double]], to network: BayesianNetwork) throws(LearningError) -> BayesianNetwork {
        var result = network
        for v in 0..<network.count {
            let values = try table(for: v, in: network, counts: counts[v])
            do {
                try result.setCPT(v, try Factor(scope: network.familyScope(of: v), values: values))
            } catch let e as ModelError {
                throw .model(e)
            } catch {
                throw .model(.factor(error as! FactorError))
            }
        }
        return result
    }
}
