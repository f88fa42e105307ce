import BNCore
import Foundation

/// Averaged one-dependence estimators (AODE, Webb, Boughton & Wang 2005) and their weighted
/// form (WAODE, Jiang & Zhang 2006), stored exactly as one plain Bayesian network.
///
/// **The classifier.** For class `C` and selected features `X₁ … X_d`, the super-parent
/// one-dependence estimator (SPODE) of `Xⱼ` makes `C` and `Xⱼ` parents of every other
/// feature: `Pⱼ(c, x) = P(c) P(xⱼ | c) ∏_{i≠j} P(xᵢ | c, xⱼ)`. AODE averages the `d` joint
/// distributions, `P(c, x) = Σⱼ wⱼ Pⱼ(c, x)` with `wⱼ = 1/d`; WAODE weighs each super-parent
/// by its mutual information with the class, `wⱼ ∝ I(Xⱼ; C)`. So
/// `P(c | x) ∝ Σⱼ wⱼ Pⱼ(c, x)`: a mixture of joint distributions, each a TAN-like graph
/// with one shared feature parent, needing no structure search (only pair counts).
///
/// **As one network.** A latent node `S` ("which super-parent, in which state") has one
/// state `(j, v)` for every selected feature `Xⱼ` and each of its states `v`:
/// - `C` is a root, `P(c)`;
/// - `S` has parent `C`, `P(S = (j, v) | c) = wⱼ P(Xⱼ = v | c)`;
/// - every selected `Xᵢ` has parents `C` and `S`:
///   `P(xᵢ | c, S = (j, v)) = P(xᵢ | c, Xⱼ = v)` for `i ≠ j` and `1[xᵢ = v]` for `i = j`;
/// - a feature left out by the selection keeps its marginal `P(xᵢ)` and no parent.
///
/// Summing `S` out, `Σ_{(j,v)} P(c) wⱼ P(v | c) 1[xⱼ = v] ∏_{i≠j} P(xᵢ | c, v) = Σⱼ wⱼ Pⱼ(c, x)`:
/// the network's joint is the (W)AODE mixture exactly, every command reads it, `explain`
/// included, and a missing cell is summed out like any other (for `Xⱼ` missing, SPODE `j`
/// becomes `Σ_v P(v | c) ∏ P(xᵢ | c, v)`). The moral graph has cliques `{C, S, Xᵢ}`: inference
/// costs `O(d · |C| · |S| · rᵢ)`.
///
/// **Estimates.** Each table is the BDeu posterior mean of its family with equivalent sample
/// size `α` (Heckerman, Geiger & Chickering 1995), from the complete-case counts of that
/// family: `P(v | c) = (N_{cv} + α/(|C| rⱼ)) / (N_c + α/|C|)` over `(C, Xⱼ)`, and
/// `P(xᵢ | c, v) = (N_{cvxᵢ} + α/(|C| rⱼ rᵢ)) / (N_{cv} + α/(|C| rⱼ))` over `(C, Xⱼ, Xᵢ)`.
/// A row with a gap counts for every pair it completes (available-case estimates, AODE's own
/// treatment of gaps), so no row is dropped; no EM is needed because the tables are read
/// from pair counts, never from the latent `S`.
public enum AveragedOneDependence {
    /// How the super-parents are weighed.
    public enum Weighting: Sendable, Hashable {
        /// AODE: `wⱼ = 1/d`.
        case uniform
        /// WAODE: `wⱼ ∝ I(Xⱼ; C)` from the counts of `(C, Xⱼ)`.
        case mutualInformation
    }

    /// The name of the latent super-parent node.
    public static let superParentName = "superparent"

    /// The (W)AODE network over `skeleton`'s variables (no arcs) for class `c`, super-parents
    /// and children `features`, from the pair counts of `info` (made with `pairs: true`).
    static func network(skeleton: BayesianNetwork, target c: Int, features: [Int], info: PairwiseInformation,
                        weighting: Weighting, prior alpha: Double, binding: DataBinding) throws -> BayesianNetwork {
        let cards = skeleton.cardinalities
        let k = cards[c]
        let chosen = Set(features)
        // The class and the features left out: their own (marginal) counts.
        let alone = [c] + (0..<skeleton.count).filter { $0 != c && !chosen.contains($0) }
        let marginals = FamilyCounter.counts(families: alone.map { [$0] }, cardinalities: cards, binding: binding, threads: 1)
        var net = skeleton
        for (a, v) in alone.enumerated() {
            let r = Double(cards[v]), total = marginals[a].reduce(0, +)
            try net.setCPT(v, try Factor(scope: net.familyScope(of: v), values: marginals[a].map { ($0 + alpha / r) / (total + alpha) }))
        }
        guard !features.isEmpty else { return net }
        let position = Dictionary(uniqueKeysWithValues: info.features.enumerated().map { ($1, $0) })
        // Weights.
        var w = features.map { j -> Double in
            guard weighting == .mutualInformation else { return 1 }
            return PairwiseInformation.conditionalMutualInformation(info.classCounts[position[j]!], classes: 1, ri: k, rj: cards[j])
        }
        let sum = w.reduce(0, +)
        w = sum > 0 ? w.map { $0 / sum } : features.map { _ in 1 / Double(features.count) }
        // The latent node: one state per (super-parent, state).
        var offset: [Int: Int] = [:]
        var labels: [String] = []
        for j in features {
            offset[j] = labels.count
            labels += skeleton.variables[j].states.map { "\(skeleton.variables[j].name)=\($0)" }
        }
        let names = Set(skeleton.names)
        var name = superParentName
        while names.contains(name) { name = "_" + name }
        var seen: [String: Int] = [:]
        labels = labels.map { l in seen[l, default: 0] += 1; return seen[l]! == 1 ? l : "\(l)#\(seen[l]!)" }
        let s = try net.addVariable(Variable(name: name, states: labels,
                                             description: "(W)AODE: which super-parent feature, in which state (latent)",
                                             role: .latent))
        let z = labels.count
        try net.setParents(s, to: [c])
        var sTable = [Double](repeating: 0, count: k * z)
        for (b, j) in features.enumerated() {
            let rj = cards[j], counts = info.classCounts[position[j]!]      // (C, Xj)
            for cc in 0..<k {
                let nc = (0..<rj).reduce(0.0) { $0 + counts[cc * rj + $1] }
                for v in 0..<rj {
                    sTable[cc * z + offset[j]! + v] = w[b] * (counts[cc * rj + v] + alpha / Double(k * rj)) / (nc + alpha / Double(k))
                }
            }
        }
        try net.setCPT(s, try Factor(scope: net.familyScope(of: s), values: sTable))
        for i in features {
            try net.setParents(i, to: [c, s])
            let ri = cards[i]
            var table = [Double](repeating: 0, count: k * z * ri)       // (C, S, Xi)
            for j in features {
                let rj = cards[j], base = offset[j]!
                if j == i {
                    for cc in 0..<k { for v in 0..<rj { table[(cc * z + base + v) * ri + v] = 1 } }
                    continue
                }
                // (C, Xj, Xi) counts from the stored (C, min, max) layout.
                let t = info.pairCounts[[min(i, j), max(i, j)]]!
                for cc in 0..<k {
                    for v in 0..<rj {
                        var cell = [Double](repeating: 0, count: ri)
                        for x in 0..<ri { cell[x] = j < i ? t[(cc * rj + v) * ri + x] : t[(cc * ri + x) * rj + v] }
                        let ncv = cell.reduce(0, +)
                        for x in 0..<ri {
                            table[(cc * z + base + v) * ri + x] = (cell[x] + alpha / Double(k * rj * ri)) / (ncv + alpha / Double(k * rj))
                        }
                    }
                }
            }
            try net.setCPT(i, try Factor(scope: net.familyScope(of: i), values: table))
        }
        return net
    }
}
