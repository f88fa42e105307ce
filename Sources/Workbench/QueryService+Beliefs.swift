import BNCore
import BNInference
import Foundation

/// Every variable's posterior at once, and the strength of arcs: what a picture of the
/// whole network needs (`NetworkPicture`), from the service's one junction tree.
extension QueryService {
    /// `P(X | e)` for every variable `X` in network order (one full calibration, Lauritzen &
    /// Spiegelhalter 1988) and `ln P(e)` (interventions applied).
    public func allMarginals(under findings: FindingSet) throws -> (marginals: [[Double]], logProbabilityOfEvidence: Double) {
        let evidence = try findings.evidence(in: network)
        let jt = try junctionTree()
        try jt.setEvidence(evidence)
        let logP = try jt.logProbabilityOfEvidence()
        return (try jt.allMarginals(), logP)
    }

    /// The mutual information `I(A; B | e) = Σ_{a,b} P(a, b | e) log₂ [P(a, b | e) / (P(a | e) P(b | e))]`
    /// in bits of each pair of variables (an arc's two ends: one clique holds every family,
    /// so each pair is read from one clique belief). 0 when either end is fixed by the findings.
    func mutualInformation(of pairs: [(Int, Int)], under findings: FindingSet) throws -> [Double] {
        let evidence = try findings.evidence(in: network)
        let jt = try junctionTree()
        try jt.setEvidence(evidence)
        return try pairs.map { a, b in
            let joint = try jt.joint(of: [a, b]).values
            let ka = network.variables[a].cardinality, kb = network.variables[b].cardinality
            var pa = [Double](repeating: 0, count: ka), pb = [Double](repeating: 0, count: kb)
            for i in 0..<ka { for j in 0..<kb { pa[i] += joint[i * kb + j]; pb[j] += joint[i * kb + j] } }
            var mi = 0.0
            for i in 0..<ka { for j in 0..<kb {
                let p = joint[i * kb + j]
                if p > 0 { mi += p * log2(p / (pa[i] * pb[j])) }
            } }
            return max(0, mi)
        }
    }

    func junctionTree() throws -> JunctionTree {
        if let t = tree { return t }
        let t = try JunctionTree(network)
        tree = t
        return t
    }
}

extension QueryService {
    /// Every variable's posterior under `findings` as a `QueryResult` (the form of
    /// `credence query --json`, one marginal per variable in network order, no joint): what
    /// a picture of the network shows after each click.
    public func beliefs(under findings: FindingSet) throws -> QueryResult {
        let (marginals, logP) = try allMarginals(under: findings)
        return QueryResult(marginals: zip(network.variables, marginals).map { .init(variable: $0.name, states: $0.states, probabilities: $1) },
                           joint: nil, jointVariables: nil, probabilityOfEvidence: exp(logP), logProbabilityOfEvidence: logP)
    }
}
