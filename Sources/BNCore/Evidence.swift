/// What is known or done in a query: hard observations, soft (likelihood) findings and
/// interventions `do(X = x)`, all keyed by variable index.
///
/// - hard: `X = x`, multiplies the joint by the indicator `1[X = x]`;
/// - soft: a likelihood vector `λ`, multiplies the joint by `λ(X)` (Pearl's virtual evidence);
/// - do: graph surgery (Pearl 2009): the incoming edges of `X` are cut and `X` is fixed.
public struct Evidence: Hashable, Sendable {
    public var hard: [Int: Int]
    public var soft: [Int: [Double]]
    public var interventions: [Int: Int]

    public init(hard: [Int: Int] = [:], soft: [Int: [Double]] = [:], interventions: [Int: Int] = [:]) {
        self.hard = hard
        self.soft = soft
        self.interventions = interventions
    }

    public static let none = Evidence()

    public var isEmpty: Bool { hard.isEmpty && soft.isEmpty && interventions.isEmpty }

    /// Evidence given by names, checked against a network: the one conversion of findings by
    /// name into indices (Workbench's `FindingSet`, a `.bn` file's `evidence` block). Names and
    /// states must exist; a typed likelihood must pass `likelihoodProblem(typed: true)`.
    public init(in network: BayesianNetwork, hard: [String: String] = [:], soft: [String: [Double]] = [:],
                interventions: [String: String] = [:]) throws(ModelError) {
        var h: [Int: Int] = [:], s: [Int: [Double]] = [:], d: [Int: Int] = [:]
        for (name, state) in hard {
            let v = try network.require(name)
            h[v] = try network.stateIndex(v, state)
        }
        for (name, weights) in soft {
            let v = try network.require(name)
            if let why = Evidence.likelihoodProblem(weights, states: network.variables[v].cardinality, typed: true) {
                throw .invalidLikelihood(variable: name, reason: why)
            }
            s[v] = weights
        }
        for (name, state) in interventions {
            let v = try network.require(name)
            d[v] = try network.stateIndex(v, state)
        }
        self.init(hard: h, soft: s, interventions: d)
    }

    // The checks of evidence, in one place: the named initialiser above runs them on findings
    // by name, the engines (BNInference's `Findings`) on every query's evidence, which may be
    // built by index.

    /// Why `(v, s)` is not a variable and one of its states in `network`, or nil.
    package static func stateProblem(_ v: Int, _ s: Int, in network: BayesianNetwork) -> String? {
        if let why = variableProblem(v, in: network) { return why }
        let k = network.variables[v].cardinality
        return s >= 0 && s < k ? nil : "state #\(s) of \(Quote.name(network.variables[v].name)) is out of range (it has \(k) states)"
    }

    /// Why `v` is not a variable index of `network`, or nil.
    package static func variableProblem(_ v: Int, in network: BayesianNetwork) -> String? {
        v >= 0 && v < network.count ? nil : "there is no variable #\(v) (the network has \(network.count))"
    }

    /// Why `weights` cannot be a likelihood on a variable with `k` states, or nil: it needs
    /// one weight per state, not all zero. `typed` (findings a user typed, by name): each
    /// weight is P(finding | state), in [0, 1], since above 1 they make P(evidence) more than
    /// a probability (1e308 overflowed it to inf), and only ratios move the posterior, so any
    /// vector can be scaled into range. Otherwise (evidence built by index) finite and
    /// non-negative.
    package static func likelihoodProblem(_ weights: [Double], states k: Int, typed: Bool) -> String? {
        guard weights.count == k else { return "needs \(k) weights (one per state), got \(weights.count)" }
        let zero = !weights.contains { $0 > 0 }
        guard typed else {
            return weights.allSatisfy({ $0 >= 0 && $0.isFinite }) && !zero ? nil : "must be finite, non-negative and not all zero"
        }
        let bad = weights.first { !($0 >= 0 && $0 <= 1) }.map { "got \($0)" } ?? (zero ? "all are zero" : nil)
        return bad.map { "weights are P(finding | state): between 0 and 1 and not all zero (\($0)); only their ratios matter, so divide them by the largest" }
    }
}
