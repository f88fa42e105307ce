import BNCore

extension ExpectationMaximization {
    /// One E-step over a part of a table, for EM spread over machines (credence.spark): the
    /// expected family counts (laid out like the CPTs) and `Σ w · ln P(observed cells)` of
    /// `data`'s rows under `network`, computed exactly as `fit` computes them (distinct rows,
    /// complete rows by look-up, the others through `makeEngine`'s engine). The counts and
    /// log-likelihoods of the parts of a table sum to those of the whole, so a reduce over
    /// the parts followed by `ParameterEstimator.apply` is one iteration of `fit`.
    public static func expectation(_ network: BayesianNetwork, data: Dataset, threads: Int = 2,
                                   makeEngine: @escaping @Sendable (BayesianNetwork) throws -> any ExpectationEngine)
        throws -> (counts: [[Double]], logLikelihood: Double) {
        let binding = try DataBinding(network: network, data: data, allowMissingColumns: true)
        let rows = distinctRows(binding, variables: network.count)
        return try expectation(network, rows: rows, families: network.families, cards: network.cardinalities,
                               threads: threads, makeEngine: makeEngine)
    }
}
