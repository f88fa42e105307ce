import BNCore
import BNInference
import Foundation

/// Held-out evaluation of a network on data with missing cells.
public enum Evaluation {
    /// For every row, `P(target | the row's other observed cells)` and the row's true target
    /// state (-1 when missing). Identical evidence rows are answered once.
    public static func predict(_ network: BayesianNetwork, on data: Dataset, target: String) throws -> (truth: [Int32], predictions: [[Double]]) {
        let t = try network.require(target)
        let binding = try DataBinding(network: network, data: data, allowMissingColumns: true)
        let tree = try JunctionTree(network)
        var cache: [[Int32]: [Double]] = [:]
        var truth: [Int32] = [], predictions: [[Double]] = []
        truth.reserveCapacity(data.rowCount)
        predictions.reserveCapacity(data.rowCount)
        for i in 0..<data.rowCount {
            var e = [Int32](repeating: -1, count: network.count)
            for v in 0..<network.count where v != t { if let c = binding.codes[v] { e[v] = c[i] } }
            truth.append(binding.codes[t]?[i] ?? -1)
            if let p = cache[e] { predictions.append(p); continue }
            var hard: [Int: Int] = [:]
            for (v, s) in e.enumerated() where s >= 0 { hard[v] = Int(s) }
            let p = try posterior(tree, t, Evidence(hard: hard), row: i)
            cache[e] = p
            predictions.append(p)
        }
        return (truth, predictions)
    }

    /// The posterior of `target`, with a zero-probability row reported by its number.
    static func posterior(_ tree: JunctionTree, _ target: Int, _ evidence: Evidence, row: Int) throws -> [Double] {
        let result: Result<[Double], InferenceError> = Result { () throws(InferenceError) in
            try tree.posterior(of: target, given: evidence)
        }
        switch result {
        case .success(let p): return p
        case .failure(.impossibleEvidence(let words)): throw InferenceError.impossibleEvidenceInRow(row: row, evidence: words)
        case .failure(let other): throw other
        }
    }

    /// `Σ_rows w · ln P(observed cells of the row)`: the log-likelihood of held-out data with
    /// missing values summed out.
    /// With no missing cell and no latent column this is `Σ_v Σ_{x, u} N(x, u) ln θ(x | u)`
    /// over the family counts (one blocked, two-thread counting pass); otherwise the rows are
    /// deduplicated and the incomplete ones go through the E-step engine.
    public static func logLikelihood(_ network: BayesianNetwork, on data: Dataset) throws -> Double {
        let binding = try DataBinding(network: network, data: data, allowMissingColumns: true)
        if data.missingCount == 0 && binding.codes.allSatisfy({ $0 != nil }) {
            let families = network.families
            return logLikelihood(network, familyCounts: FamilyCounter.counts(families: families, cardinalities: network.cardinalities,
                                                                            binding: binding))
        }
        let rows = ExpectationMaximization.distinctRows(binding, variables: network.count)
        return try ExpectationMaximization.logLikelihood(network, rows: rows, makeEngine: { try ExpectationEngines.automatic($0) })
    }

    /// `Σ_v Σ_{x, u} N(x, u) ln θ(x | u)`: the log-likelihood of complete rows given their
    /// family counts (laid out like the CPTs).
    public static func logLikelihood(_ network: BayesianNetwork, familyCounts counts: [[Double]]) -> Double {
        var ll = 0.0
        for v in 0..<network.count {
            let theta = network.cpts[v].values
            for (cell, n) in counts[v].enumerated() where n > 0 { ll += n * log(theta[cell]) }
        }
        return ll
    }

    /// The result of k-fold cross-validation.
    public struct CrossValidation: Codable, Sendable {
        public var folds: Int
        public var seed: UInt64
        /// Metrics over all held-out predictions pooled.
        public var pooled: ClassificationMetrics
        /// Metrics per fold.
        public var perFold: [ClassificationMetrics]
        /// Held-out log-likelihood summed over folds (natural log).
        public var heldOutLogLikelihood: Double
    }

    /// k-fold cross-validation of `learner` for predicting `target`: rows are shuffled with
    /// the seed, split into `folds` nearly equal parts, and each part is predicted by a model
    /// learned on the others.
    public static func crossValidate(_ data: Dataset, target: String, folds: Int, seed: UInt64,
                                     learner: (Dataset) throws -> BayesianNetwork) throws -> CrossValidation {
        guard folds >= 2, folds <= data.rowCount else {
            throw LearningError.invalidOption("folds must be between 2 and the number of rows (\(data.rowCount)), got \(folds)")
        }
        var order = Array(0..<data.rowCount)
        var rng = SplitMix64(seed: seed)
        order.shuffle(using: &rng)
        var allTruth: [Int32] = [], allPred: [[Double]] = []
        var perFold: [ClassificationMetrics] = []
        var ll = 0.0
        for f in 0..<folds {
            let lo = data.rowCount * f / folds, hi = data.rowCount * (f + 1) / folds
            let test = Array(order[lo..<hi])
            let train = Array(order[..<lo] + order[hi...])
            let model = try learner(data.rows(train))
            let held = data.rows(test)
            let (truth, pred) = try predict(model, on: held, target: target)
            perFold.append(ClassificationMetrics(truth: truth, predictions: pred))
            allTruth += truth
            allPred += pred
            ll += try logLikelihood(model, on: held)
        }
        return CrossValidation(folds: folds, seed: seed, pooled: ClassificationMetrics(truth: allTruth, predictions: allPred),
                               perFold: perFold, heldOutLogLikelihood: ll)
    }
}
