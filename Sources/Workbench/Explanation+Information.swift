import BNCore
import BNInference
import Foundation

extension Explainer {
    /// The value of information of every variable `V ≠ T` without a hard finding or an
    /// intervention (soft-observed variables can still be asked about):
    ///
    /// `I(T; V | e) = H(T | e) − Σ_v P(v | e) H(T | e, V = v)
    ///              = Σ_t P(t | e) Σ_v P(v | e, t) log₂ [P(v | e, t) / P(v | e)]`,
    ///
    /// the expected reduction in the entropy of `T` (bits) from observing `V` (Cover &
    /// Thomas 2006, ch. 2; Pearl 1988, §6.4 on test selection). The second form (mutual
    /// information as the expected divergence of `V`'s posterior once `T` is known) needs
    /// only all marginals under `e` and under `e, T = t` for each state `t` of `T`: `1 + |T|`
    /// junction-tree calibrations for every `V` at once, instead of one joint `P(T, V | e)`
    /// per variable. Ranked by value, ties (to 1e-12 bits) in network order. The tree must
    /// hold `evidence`, and holds it again on return.
    func information(target t: Int, posterior pt: [Double], evidence: Evidence) throws -> [Explanation.Information] {
        let base = try tree.allMarginals()
        let given: [[[Double]]?] = try pt.indices.map { s in
            guard pt[s] > 0 else { return nil }
            var et = evidence
            et.hard[t] = s
            try tree.setEvidence(et)
            return try tree.allMarginals()
        }
        try tree.setEvidence(evidence)
        var out: [Explanation.Information] = []
        for v in 0..<network.count where v != t && evidence.hard[v] == nil && evidence.interventions[v] == nil {
            var bits = 0.0
            for (s, m) in given.enumerated() {
                guard let m else { continue }
                for (j, p) in m[v].enumerated() where p > 0 { bits += pt[s] * p * log2(p / base[v][j]) }
            }
            out.append(.init(variable: network.variables[v].name, bits: max(0, bits)))
        }
        return Self.ranked(out) { $0.bits }
    }
}
