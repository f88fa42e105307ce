import BNCore
import BNInference
import Foundation

extension Explainer {
    /// `∂P(t | e)/∂θ` for every parameter `θ = θ_{x|u}` of every CPT, the rest of its row
    /// co-varying proportionally, `θ_{x'|u} ← θ_{x'|u} · (1 − θ)/(1 − θ₀)` (Chan & Darwiche
    /// 2002; Castillo, Gutiérrez & Hadi 1997).
    ///
    /// `P(t, e)` and `P(e)` are then linear in `θ`: the terms of the joint that hold `x, u`
    /// scale as `θ/θ₀`, those that hold `x', u` (x' ≠ x) as `(1 − θ)/(1 − θ₀)`, so
    /// `∂P(e)/∂θ = P(x, u, e)/θ − P(¬x, u, e)/(1 − θ)`, and likewise with `t`. The quotient rule
    /// on `P(t | e) = P(t, e)/P(e)` gives, all probabilities conditioned on `e`,
    ///
    /// `∂P(t | e)/∂θ = a/θ − b/(1 − θ)`, with
    /// `a = P(t, x, u) − P(t) P(x, u)` and `b = P(t, ¬x, u) − P(t) P(¬x, u)`,
    ///
    /// that is `[P(t, x, u) − P(t) P(x, u)] / [θ(1 − θ)] − [P(t, u) − P(t) P(u)] / (1 − θ)`.
    /// The often-quoted form with the first term alone holds when `U` is independent of `T`
    /// given `e` (always for a root); the second term is needed in general (checked against
    /// finite differences in ExplanationTests).
    ///
    /// All family marginals come from two junction-tree calibrations: `P(x, u | e)` with `e`,
    /// and `P(t, x, u | e) = P(t | e) · P(x, u | e, t)` with `e` and `T = t`. Parameters with
    /// `θ` 0 or 1 are skipped and counted (the co-variation is undefined at 1, the slope is
    /// 0/0 at 0), and so are the tables of intervened variables (cut out of the model). For a
    /// two-state variable only the first state of each row is listed: the other's slope is its
    /// negative. Returns the `top` parameters by |slope|, the number examined and skipped.
    func sensitivities(target t: Int, state s: Int, evidence: Evidence, probability pt: Double,
                       top: Int) throws -> ([Explanation.Sensitivity], Int, Int) {
        let families = (0..<network.count).filter { evidence.interventions[$0] == nil && network.variables[$0].cardinality > 1 }
        func familyJoints() throws -> [[Double]] {
            try tree.calibrate()
            return try families.map { v in try tree.joint(of: network.parents(of: v) + [v]).values }
        }
        try tree.setEvidence(evidence)
        let given = try familyJoints()
        var withTarget: [[Double]]
        if pt > 0 {
            var et = evidence
            et.hard[t] = s
            try tree.setEvidence(et)
            withTarget = try familyJoints().map { $0.map { $0 * pt } }
            try tree.setEvidence(evidence)
        } else {
            withTarget = given.map { [Double](repeating: 0, count: $0.count) }
        }
        var all: [(Explanation.Sensitivity, Double)] = []
        var examined = 0, skipped = 0
        for (f, v) in families.enumerated() {
            let x = network.variables[v]
            let k = x.cardinality
            let theta = network.cpts[v].values
            for r in 0..<(theta.count / k) {
                var pu = 0.0, ptu = 0.0
                for j in 0..<k { pu += given[f][r * k + j]; ptu += withTarget[f][r * k + j] }
                for j in 0..<(k == 2 ? 1 : k) {
                    let th = theta[r * k + j]
                    guard th > 0, th < 1 else { skipped += 1; continue }
                    examined += 1
                    let pxu = given[f][r * k + j], ptxu = withTarget[f][r * k + j]
                    let a = ptxu - pt * pxu
                    let b = (ptu - ptxu) - pt * (pu - pxu)
                    let d = a / th - b / (1 - th)
                    all.append((.init(variable: x.name, state: x.states[j], parentStates: network.parentStates(of: v, row: r),
                                      value: th, derivative: d), abs(d)))
                }
            }
        }
        let ranked = Self.ranked(all) { $0.1 }.prefix(top).map(\.0)
        return (Array(ranked), examined, skipped)
    }
}
