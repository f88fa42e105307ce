import BNCore
import BNLearning

// The steps of `fit` for a table spread over machines (credence.spark through the C ABI):
// executors count their part, a reduce sums the counts, the driver estimates. Each step is
// the one `fit` runs on one machine, so the distributed fit equals it.
extension LearningTasks {
    /// The complete-case family counts of `data` (every variable needs a column), laid out
    /// like the CPTs: what `fit --method mle|bayes` estimates from.
    public static func familyCounts(_ network: BayesianNetwork, data: Dataset) throws -> [[Double]] {
        try DataRequirement.everyVariable.check(data, against: network, operation: "fit (counts)")
        let binding = try DataBinding(network: network, data: data)
        return FamilyCounter.counts(families: network.families, cardinalities: network.cardinalities, binding: binding)
    }

    /// The E-step of `fit --method em` over `data`: expected family counts and the
    /// observed-data log-likelihood; a row with probability zero is an error naming it.
    public static func expectedCounts(_ network: BayesianNetwork, data: Dataset) throws -> (counts: [[Double]], logLikelihood: Double) {
        try DataRequirement.someVariable.check(data, against: network, operation: "fit (em)")
        return try data.locatingImpossibleRows(network) {
            try ExpectationMaximization.expectation(network, data: data, makeEngine: { try ExpectationEngines.automatic($0) })
        }
    }

    /// The M-step of `fit`: `network` with every CPT estimated from summed family `counts`,
    /// with the prior `fit` uses for `method` and `prior`.
    public static func maximize(_ network: BayesianNetwork, counts: [[Double]], method: FitMethod, prior: Double?) throws -> BayesianNetwork {
        guard counts.count == network.count else {
            throw WorkbenchError.usage("the counts hold \(counts.count) families; the model has \(network.count) variables")
        }
        return try estimator(method: method, prior: prior).apply(counts: counts, to: network)
    }
}

extension LearningTasks {
    /// The target's distribution for every row as `evaluate` predicts it (each a function
    /// of the row's cells alone, whatever rows come with it), row-major; a row with
    /// probability zero is an error naming it.
    public static func predictions(_ network: BayesianNetwork, data: Dataset, target: String) throws -> [Double] {
        try DataRequirement.targetAndFindings(target: target).check(data, against: network, operation: "evaluate")
        return try data.locatingImpossibleRows(network) { try Evaluation.predict(network, on: data, target: target) }
            .predictions.flatMap { $0 }
    }
}
