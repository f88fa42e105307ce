import BNCore
import Foundation

/// An exact inference engine over a fixed network: variable elimination or the junction
/// tree. Variables and states are indices into `network`; evidence combines hard and soft
/// findings and interventions (see `Evidence`).
public protocol InferenceEngine: AnyObject {
    /// The network queried.
    var network: BayesianNetwork { get }
    /// `P(target | evidence)`, one probability per state of `target`.
    func posterior(of target: Int, given evidence: Evidence) throws(InferenceError) -> [Double]
    /// The joint posterior `P(targets | evidence)` as a factor over `targets` in the given order.
    func joint(of targets: [Int], given evidence: Evidence) throws(InferenceError) -> Factor
    /// `log P(evidence)` (interventions are applied, not observed: `log P(e | do(x))`).
    func logProbabilityOfEvidence(_ evidence: Evidence) throws(InferenceError) -> Double
    /// `P(v | evidence)` for every variable `v` (a point mass on observed variables).
    func allMarginals(given evidence: Evidence) throws(InferenceError) -> [[Double]]
}

extension InferenceEngine {
    /// `P(evidence)`; underflows to 0 only when the probability is below ~1e-308. Prefer
    /// `logProbabilityOfEvidence` for long records.
    public func probabilityOfEvidence(_ evidence: Evidence) throws(InferenceError) -> Double {
        exp(try logProbabilityOfEvidence(evidence))
    }
}
