import BNCore
import BNInference
import Foundation

extension Explainer {
    /// The value of information of every variable `V ≠ T` without a hard finding or an
    /// intervention (soft-observed variables can still be asked about):
    ///
    /// `I(T; V | e) = H(T | e) − Σ_v P(v | e) H(T | e, V = v)
    ///              = Σ_{t,v} P(t, v | e) log₂ [P(t, v | e) / (P(t | e) P(v | e))]`,
    ///
    /// the expected reduction in the entropy of `T` (bits) from observing `V` (Cover &
    /// Thomas 2006, ch. 2; Pearl 1988, §6.4 on test selection). Each term comes from one
    /// joint `P(T, V | e)` on the tree calibrated for `e`, with no further evidence set.
    /// Ranked by value, ties (to 1e-12 bits) in network order. The tree must hold `evidence`.
    func information(target t: Int, posterior pt: [Double], evidence: Evidence) throws -> [Explanation.Information] {
        var out: [Explanation.Information] = []
        for v in 0..<network.count where v != t && evidence.hard[v] == nil && evidence.interventions[v] == nil {
            let joint = try tree.joint(of: [t, v]).values
            let k = network.variables[v].cardinality
            var pv = [Double](repeating: 0, count: k)
            for (i, x) in joint.enumerated() { pv[i % k] += x }
            var bits = 0.0
            for (i, x) in joint.enumerated() where x > 0 {
                bits += x * log2(x / (pt[i / k] * pv[i % k]))
            }
            out.append(.init(variable: network.variables[v].name, bits: max(0, bits)))
        }
        return Self.ranked(out) { $0.bits }
    }
}
