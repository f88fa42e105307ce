import BNCore
import BNInference
import Foundation

extension Explainer {
    /// The impact of each finding `eᵢ` (hard or soft) on `P(t | e)`: one re-calibration per
    /// finding with `eᵢ` removed (the junction tree only recomputes the messages that carry
    /// it). The weight of evidence is Good's (1950)
    /// `ln [P(eᵢ | t, e₋ᵢ) / P(eᵢ | ¬t, e₋ᵢ)]`; by Bayes' rule in odds form,
    /// `P(eᵢ | t, e₋ᵢ) / P(eᵢ | ¬t, e₋ᵢ) = O(t | e) / O(t | e₋ᵢ)`, so it is the change in
    /// log-odds, `logit P(t | e) − logit P(t | e₋ᵢ)`. Ranked by |change|, ties in network order.
    func impacts(target t: Int, state s: Int, evidence: Evidence, probability p: Double) throws -> [Explanation.Impact] {
        var out: [Explanation.Impact] = []
        for v in 0..<network.count where evidence.hard[v] != nil || evidence.soft[v] != nil {
            var without = evidence
            without.hard[v] = nil
            without.soft[v] = nil
            try tree.setEvidence(without)
            let q = try tree.marginal(t)[s]
            let x = network.variables[v]
            let state = evidence.hard[v].map { x.states[$0] }
            let finding = state.map { "\(x.name)=\($0)" } ?? "soft(\(x.name)=\(evidence.soft[v]!.map(Dataset.valueText).joined(separator: ",")))"
            out.append(.init(variable: x.name, state: state, finding: finding, without: q, change: p - q,
                             weightOfEvidence: Self.logOddsChange(from: q, to: p)))
        }
        try tree.setEvidence(evidence)
        return Self.ranked(out) { abs($0.change) }
    }

    /// `logit p − logit q` (0 when p = q, ±infinity when only one of them is 0 or 1).
    static func logOddsChange(from q: Double, to p: Double) -> Double {
        if p == q { return 0 }
        func logit(_ x: Double) -> Double { x <= 0 ? -.infinity : x >= 1 ? .infinity : log(x / (1 - x)) }
        let d = logit(p) - logit(q)
        return d.isNaN ? (p > q ? .infinity : -.infinity) : d
    }
}
