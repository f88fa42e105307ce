import BNCore
import BNLearning

// The steps of `fit` for a table spread over machines (credence.spark through the C ABI):
// executors count their part, a reduce sums the counts, the driver estimates. Each step is
// the one `fit` runs on one machine, so the distributed fit equals it.
extension LearningTasks {
    /// The complete-case family counts of `data` (every variable needs a column), laid out
    /// like the CPTs: what `fit --method mle|bayes` estimates from,
    /// `N_{v,j,k} = Σ_rows w · [x_v = k, pa(v) = j]` over the rows with the family observed.
    /// The rows are split over `threads` threads and the parts' counts added (exactly the
    /// same sums whatever `threads` when the weights are whole numbers, as counts are).
    public static func familyCounts(_ network: BayesianNetwork, data: Dataset, threads: Int = 2) throws -> [[Double]] {
        try DataRequirement.everyVariable.check(data, against: network, operation: "fit (counts)")
        let binding = try DataBinding(network: network, data: data)
        return FamilyCounter.counts(families: network.families, cardinalities: network.cardinalities, binding: binding,
                                    threads: max(1, threads))
    }

    /// The E-step of `fit --method em` over `data`: expected family counts
    /// `N̄_{v,j,k} = Σ_rows w · P(x_v = k, pa(v) = j | observed cells of the row)` and the
    /// observed-data log-likelihood `Σ_rows w · ln P(observed cells)`; a row with
    /// probability zero is an error naming it. The distinct rows are split over `threads`
    /// threads, each with its own engine, and the parts summed (so the last bits depend on
    /// `threads`; one thread per task is what a Spark executor wants, as Spark already runs
    /// one task per core).
    public static func expectedCounts(_ network: BayesianNetwork, data: Dataset, threads: Int = 2) throws -> (counts: [[Double]], logLikelihood: Double) {
        try DataRequirement.someVariable.check(data, against: network, operation: "fit (em)")
        return try data.locatingImpossibleRows(network) {
            try ExpectationMaximization.expectation(network, data: data, threads: max(1, threads),
                                                    makeEngine: { try ExpectationEngines.automatic($0) })
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
