import BNCore
import FactorKernels
import Foundation

/// The most probable explanation: a state for every variable maximising the joint with
/// the evidence.
public struct MostProbableExplanation: Sendable, Equatable {
    /// One state index per variable of the network (observed and intervened variables at
    /// their given states).
    public let states: [Int]
    /// `log P(x*, e)`: the joint of the explanation and the evidence (times the soft
    /// findings' likelihoods; in the mutilated network under interventions).
    public let logProbability: Double
    /// `log P(x* | e) = log P(x*, e) − log P(e)`.
    public let logPosterior: Double

    /// `P(x*, e)`.
    public var probability: Double { exp(logProbability) }
    /// `P(x* | e)`.
    public var posterior: Double { exp(logPosterior) }
}

/// A maximum a posteriori assignment of a chosen subset of variables.
public struct MaximumAPosteriori: Sendable, Equatable {
    /// The MAP variables, as asked.
    public let variables: [Int]
    /// One state per MAP variable.
    public let states: [Int]
    /// `log P(m*, e) = log max_m Σ_{rest} P(m, rest, e)`.
    public let logProbability: Double
    /// `log P(m* | e)`.
    public let logPosterior: Double

    public var probability: Double { exp(logProbability) }
    public var posterior: Double { exp(logPosterior) }
}

/// MPE and MAP by max-product elimination in the contraction service
/// (`Contraction.maxProduct`; Dawid 1992, bucket form after Dechter 1999).
///
/// MPE: `x* = argmax_x ∏_v P(x_v | x_pa(v)) · ∏ 1[e] · ∏ λ`: every free variable is
/// max-eliminated, the traceback reads each one's maximising state.
///
/// MAP over `M`: `m* = argmax_m Σ_{X \ M} P(m, x, e)`. Sums and maxima do not commute, so
/// every non-MAP variable is summed out first, then the MAP variables are max-eliminated.
/// Barren variables (outside the ancestors of `M` and the evidence) are pruned first.
/// Ties keep the first configuration in row-major order.
extension VariableElimination {
    /// The most probable explanation of the evidence: the MAP assignment of every variable.
    public func mostProbableExplanation(given evidence: Evidence) throws(InferenceError) -> MostProbableExplanation {
        let m = try map(Array(0..<network.count), given: evidence)
        return MostProbableExplanation(states: m.states, logProbability: m.logProbability, logPosterior: m.logPosterior)
    }

    /// The MAP assignment of `variables` given the evidence (the others summed out).
    public func maximumAPosteriori(of variables: [Int], given evidence: Evidence) throws(InferenceError) -> MaximumAPosteriori {
        try checkTargets(variables)
        return try map(variables, given: evidence)
    }

    /// Over the CPTs of the ancestors of `variables` and the evidence, sliced at the
    /// findings: sums out the other free variables, then max-eliminates `variables`.
    private func map(_ variables: [Int], given evidence: Evidence) throws(InferenceError) -> MaximumAPosteriori {
        let f = try Findings(evidence, in: network)
        let relevant = RelevancePruning.ancestralSet(network, targets: variables, evidence: f.pattern)
        let isMAP = Set(variables)
        var fixed: [Int: Int] = [:]
        for v in f.fixedVariables { fixed[v] = f.fixed[v] }
        var tables: [Table] = []
        for v in 0..<network.count where relevant[v] && !f.intervened[v] {
            tables.append(network.cpts[v].reduced(to: fixed).table)
        }
        for v in f.softVariables where relevant[v] {
            tables.append(Table(axes: Axes(labels: [v], cardinalities: [network.variables[v].cardinality]), values: f.soft[v]!))
        }
        let sumVars = (0..<network.count).filter { relevant[$0] && f.fixed[$0] < 0 && !isMAP.contains($0) }
        let r = try Contraction.maxProduct(tables, summing: sumVars, maximising: variables.filter { f.fixed[$0] < 0 },
                                           heuristic: heuristic, logScale: f.logConstant, budget: budget)
        guard r.logValue > -.infinity else { throw .impossibleEvidence(f.words) }
        let states = variables.map { f.fixed[$0] >= 0 ? f.fixed[$0] : r.states[$0]! }
        let logE = try logProbabilityOfEvidence(evidence)
        return MaximumAPosteriori(variables: variables, states: states, logProbability: r.logValue,
                                  logPosterior: r.logValue - logE)
    }
}
