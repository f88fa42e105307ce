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

    /// Evidence given by names, validated against a network.
    public init(in network: BayesianNetwork, hard: [String: String] = [:], soft: [String: [Double]] = [:],
                interventions: [String: String] = [:]) throws(ModelError) {
        var h: [Int: Int] = [:], s: [Int: [Double]] = [:], d: [Int: Int] = [:]
        for (name, state) in hard {
            let v = try network.require(name)
            h[v] = try network.stateIndex(v, state)
        }
        for (name, weights) in soft {
            let v = try network.require(name)
            let k = network.variables[v].cardinality
            guard weights.count == k else {
                throw .invalidLikelihood(variable: name, reason: "needs \(k) weights (one per state), got \(weights.count)")
            }
            // Typed likelihoods are P(finding | state), in [0, 1]: above 1 they make P(evidence)
            // more than a probability (1e308 overflowed it to inf). Only ratios move the
            // posterior, so any vector can be scaled into range.
            guard weights.allSatisfy({ $0 >= 0 && $0 <= 1 }), weights.contains(where: { $0 > 0 }) else {
                let bad = weights.first { !($0 >= 0 && $0 <= 1) }.map { "got \($0)" } ?? "all are zero"
                throw .invalidLikelihood(variable: name, reason: "weights are P(finding | state): between 0 and 1 and not all zero (\(bad)); only their ratios matter, so divide them by the largest")
            }
            s[v] = weights
        }
        for (name, state) in interventions {
            let v = try network.require(name)
            d[v] = try network.stateIndex(v, state)
        }
        self.init(hard: h, soft: s, interventions: d)
    }
}
