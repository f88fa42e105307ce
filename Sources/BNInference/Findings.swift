import BNCore
import Foundation

/// Evidence checked against a network and put in the form the engines use.
///
/// - `fixed[v]`: the state of `v` for a hard finding or an intervention (`-1` when free);
///   every table mentioning `v` is sliced at that state.
/// - `intervened[v]`: `do(v = x)`: `v`'s CPT is dropped (graph surgery, Pearl 2009).
/// - `soft[v]`: a likelihood vector on a free variable.
/// - `logConstant`: `Σ log λ_v(x_v)` of soft findings on fixed variables.
///
/// A hard finding and an intervention on the same variable must agree (observing what was
/// set); otherwise the evidence is impossible.
struct Findings: Sendable {
    var fixed: [Int]
    var intervened: [Bool]
    var soft: [[Double]?]
    var logConstant: Double
    /// The evidence as given, and its network: `words` is written from them only when an
    /// error needs it (a query's findings are checked on every call, and rarely printed).
    private let given: Evidence
    private let network: BayesianNetwork

    var fixedVariables: [Int] { fixed.indices.filter { fixed[$0] >= 0 } }
    var softVariables: [Int] { soft.indices.filter { soft[$0] != nil } }
    var isEmpty: Bool { given.isEmpty }

    /// The findings in words, for error messages: interventions, hard findings, then
    /// likelihoods, each by variable index.
    var words: [String] {
        let vs = network.variables
        return given.interventions.sorted { $0.key < $1.key }.map { "do(\(vs[$0.key].name)=\(vs[$0.key].states[$0.value]))" }
            + given.hard.sorted { $0.key < $1.key }.map { "\(vs[$0.key].name)=\(vs[$0.key].states[$0.value])" }
            + given.soft.sorted { $0.key < $1.key }.map { Findings.likelihoodWords(vs[$0.key].name, $0.value) }
    }

    static func likelihoodWords(_ name: String, _ w: [Double]) -> String {
        "\(name)~[\(w.map { "\($0)" }.joined(separator: ", "))]"
    }

    init(_ evidence: Evidence, in network: BayesianNetwork) throws(InferenceError) {
        let n = network.count
        fixed = [Int](repeating: -1, count: n)
        intervened = [Bool](repeating: false, count: n)
        soft = [[Double]?](repeating: nil, count: n)
        logConstant = 0
        given = evidence
        self.network = network
        func name(_ v: Int) -> String { network.variables[v].name }
        func checkState(_ v: Int, _ s: Int) throws(InferenceError) {
            if let why = Evidence.stateProblem(v, s, in: network) { throw .invalidEvidence(why) }
        }
        for (v, s) in evidence.interventions.sorted(by: { $0.key < $1.key }) {
            try checkState(v, s)
            fixed[v] = s
            intervened[v] = true
        }
        var conflict: [String] = []
        for (v, s) in evidence.hard.sorted(by: { $0.key < $1.key }) {
            try checkState(v, s)
            if fixed[v] >= 0 && fixed[v] != s {   // only an intervention fixes v before this loop
                let states = network.variables[v].states
                conflict = ["do(\(name(v))=\(states[fixed[v]]))", "\(name(v))=\(states[s])"]
            }
            fixed[v] = s
            if intervened[v] { fixed[v] = evidence.interventions[v]! }
        }
        var zeroSoft: [String] = []
        for (v, w) in evidence.soft.sorted(by: { $0.key < $1.key }) {
            if let why = Evidence.variableProblem(v, in: network) { throw .invalidEvidence(why) }
            if let why = Evidence.likelihoodProblem(w, states: network.variables[v].cardinality, typed: false) {
                throw .invalidEvidence("the likelihood on \(Quote.name(name(v))) \(why)")
            }
            if fixed[v] >= 0 {
                let x = w[fixed[v]]
                if x == 0 { zeroSoft.append(Findings.likelihoodWords(name(v), w)) }
                logConstant += log(x)
            } else {
                soft[v] = w
            }
        }
        if !conflict.isEmpty { throw .impossibleEvidence(conflict) }
        if !zeroSoft.isEmpty { throw .impossibleEvidence(zeroSoft) }
    }

    /// The evidence as BNCore's `Evidence` restricted to what relevance pruning needs.
    var pattern: Evidence {
        var e = Evidence()
        for v in fixed.indices where fixed[v] >= 0 {
            if intervened[v] { e.interventions[v] = fixed[v] } else { e.hard[v] = fixed[v] }
        }
        for v in soft.indices { if let w = soft[v] { e.soft[v] = w } }
        return e
    }
}
