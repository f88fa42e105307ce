import BNCore
import BNInference
import Foundation

/// Why a target has the posterior it has, and what would change it: the `explain` command.
///
/// Three parts, all for one target state `t` of a target `T` under the current findings `e`
/// (hard and soft evidence; interventions are kept fixed as part of the model):
///
/// 1. **Impact of each finding** `eᵢ`: `P(t | e)` against `P(t | e₋ᵢ)` (the same findings
///    without `eᵢ`), their difference, and Good's weight of evidence (Good 1950)
///
///    `W(t : eᵢ | e₋ᵢ) = ln [P(eᵢ | t, e₋ᵢ) / P(eᵢ | ¬t, e₋ᵢ)]
///                     = logit P(t | e) − logit P(t | e₋ᵢ)`
///
///    (the second form is Bayes' rule in odds form, so no extra query is needed), in nats;
///    ranked by |P(t | e) − P(t | e₋ᵢ)|. See `Explanation+Impact.swift`.
/// 2. **Parameter sensitivity**: `∂P(t | e)/∂θ` for every CPT parameter `θ = θ_{x|u}` when
///    the other entries of its row co-vary proportionally (Chan & Darwiche 2002, "When do
///    numbers really matter?"; Castillo, Gutiérrez & Hadi 1997), from two calibrations of
///    one junction tree. See `Explanation+Sensitivity.swift`.
/// 3. **Value of information** of each variable `V ≠ T` that is neither observed nor
///    intervened on: the mutual information
///
///    `I(T; V | e) = H(T | e) − Σ_v P(v | e) H(T | e, V = v)
///                 = Σ_{t,v} P(t, v | e) log₂ [P(t, v | e) / (P(t | e) P(v | e))]`
///
///    in bits: the expected entropy reduction of `T` from learning `V` (which question to
///    ask next). See `Explanation+Information.swift`.
public struct Explanation: Codable, Sendable {
    /// One finding's share in the posterior.
    struct Impact: Codable, Sendable, Equatable {
        /// The observed variable.
        var variable: String
        /// The observed state; nil for a likelihood (soft) finding.
        var state: String?
        /// The finding in words, as the session shows it: `xray=yes` or `soft(dysp=0.8,0.3)`.
        var finding: String
        /// `P(t | e₋ᵢ)`: the target's probability without this finding.
        var without: Double
        /// `P(t | e) − P(t | e₋ᵢ)`.
        var change: Double
        /// `ln [P(eᵢ | t, e₋ᵢ) / P(eᵢ | ¬t, e₋ᵢ)]` in nats (±infinity when a probability is 0 or 1).
        var weightOfEvidence: Double
    }

    /// One CPT parameter `θ = P(X = x | U = u)` and the slope of `P(t | e)` in it.
    struct Sensitivity: Codable, Sendable, Equatable {
        var variable: String
        var state: String
        /// `Parent=state` for each parent, in parent order (empty for a root).
        var parentStates: [String]
        var value: Double
        /// `∂P(t | e)/∂θ` under proportional co-variation of the row.
        var derivative: Double
    }

    /// One unobserved variable's value of information for the target.
    struct Information: Codable, Sendable, Equatable {
        var variable: String
        /// `I(T; V | e)` in bits.
        var bits: Double
    }

    public var target: String
    public var state: String
    /// The current findings in words.
    var findings: String
    /// `P(t | e)`.
    var probability: Double
    /// The findings, ranked by |change|.
    var impacts: [Impact]
    /// The parameters with the largest |derivative|, at most `top`.
    var sensitivities: [Sensitivity]
    /// How many parameters were differentiated, and how many were skipped because `θ` is 0
    /// or 1 (proportional co-variation is undefined at 1 and the slope needs `P(t, x, u | e)/θ` at 0).
    var parametersExamined: Int
    var parametersSkipped: Int
    /// `H(T | e)` in bits.
    var entropy: Double
    /// The unobserved variables, ranked by value of information.
    var information: [Information]
    /// In an influence diagram, for each decision, the value (in utility) of observing each
    /// chance variable before it (`DecisionService.informationValues`): shown next to the
    /// probabilistic value of information. Nil for a plain network.
    var decisionValues: [DecisionValues]?

    /// The expected value of information of observing variables before one decision.
    struct DecisionValues: Codable, Sendable, Equatable {
        var decision: String
        var values: [DecisionService.InformationValue]
    }
}

/// Computes `Explanation`s on one network (a junction tree built once, reused).
public final class Explainer {
    let network: BayesianNetwork
    let tree: JunctionTree

    public init(network: BayesianNetwork) throws {
        self.network = network
        tree = try JunctionTree(network)
    }

    /// Explains `P(target = state | findings)`; `state` nil means the target's most probable
    /// state under the findings. `top` bounds the parameter list.
    /// - Throws: `WorkbenchError.usage` when the target is observed or intervened on, or
    ///   when `top` is negative; model errors for unknown names; `impossibleEvidence`.
    public func explain(target name: String, state stateName: String?, findings: FindingSet, top: Int = 10) throws -> Explanation {
        let evidence = try findings.evidence(in: network)
        let t = try network.require(name)
        guard top >= 0 else { throw WorkbenchError.usage("the number of parameters to list must be 0 or more, not \(top)") }
        if let s = evidence.hard[t] {
            throw WorkbenchError.usage("'\(name)' is observed (\(name)=\(network.variables[t].states[s])); retract \(name) to explain it, or explain another variable")
        }
        if let s = evidence.interventions[t] {
            throw WorkbenchError.usage("'\(name)' is set by do(\(name)=\(network.variables[t].states[s])); retract \(name) to explain it, or explain another variable")
        }
        try tree.setEvidence(evidence)
        let posterior = try tree.marginal(t)
        let s: Int
        if let stateName { s = try network.stateIndex(t, stateName) } else {
            s = posterior.indices.max { posterior[$0] < posterior[$1] } ?? 0
        }
        let p = posterior[s]
        let (sens, examined, skipped) = try sensitivities(target: t, state: s, evidence: evidence, probability: p, top: top)
        try tree.setEvidence(evidence)
        let info = try information(target: t, posterior: posterior, evidence: evidence)
        let impacts = try self.impacts(target: t, state: s, evidence: evidence, probability: p)
        return Explanation(target: network.variables[t].name, state: network.variables[t].states[s],
                           findings: findings.description(in: network), probability: p, impacts: impacts,
                           sensitivities: sens, parametersExamined: examined, parametersSkipped: skipped,
                           entropy: Self.entropyBits(posterior), information: info)
    }

    /// `items` in decreasing order of `key` rounded to 1e-12, ties in their given order, so
    /// that rounding noise around an exact tie (two slopes of 0) does not reorder them.
    static func ranked<T>(_ items: [T], by key: (T) -> Double) -> [T] {
        let keys = items.map { (key($0) * 1e12).rounded() }
        return items.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }.map { items[$0] }
    }

    /// `H(p) = −Σ p log₂ p` in bits.
    static func entropyBits(_ p: [Double]) -> Double {
        -p.reduce(0) { $0 + ($1 > 0 ? $1 * log2($1) : 0) }
    }
}
