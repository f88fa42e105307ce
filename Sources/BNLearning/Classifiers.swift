import BNCore
import Foundation

/// Baseline classifiers built from data as Bayesian networks.
///
/// - Naive Bayes: the class is the only parent of every feature, `P(c, x) = P(c) ∏ P(xᵢ | c)`.
/// - TAN, tree-augmented naive Bayes (Friedman, Geiger & Goldszmidt 1997): features also form
///   a tree, the maximum-weight spanning tree under the conditional mutual information
///   `I(Xᵢ; Xⱼ | C) = Σ P(xᵢ, xⱼ, c) log [P(xᵢ, xⱼ | c) / (P(xᵢ | c) P(xⱼ | c))]`
///   (Chow & Liu 1968), rooted at the first feature and directed away from it.
///
/// Parameters are fitted with the given estimator (complete-case counts).
public enum Classifiers {
    /// Builds a network over the dataset's columns with the given parents and fits it.
    static func network(from data: Dataset, parents: [[Int]], estimator: ParameterEstimator, name: String) throws -> BayesianNetwork {
        var net = BayesianNetwork(name: name)
        for (j, n) in data.names.enumerated() { try net.addVariable(Variable(name: n, states: data.states[j])) }
        for (v, ps) in parents.enumerated() { try net.setParents(v, to: ps) }
        return try estimator.fit(net, to: data)
    }

    public static func naiveBayes(_ data: Dataset, target: String,
                                  estimator: ParameterEstimator = ParameterEstimator(method: .bdeu(equivalentSampleSize: 1))) throws -> BayesianNetwork {
        guard let c = data.column(named: target) else { throw LearningError.missingColumn(variable: target) }
        let parents = data.names.indices.map { $0 == c ? [] : [c] }
        return try network(from: data, parents: parents, estimator: estimator, name: "naive_bayes_\(target)")
    }

    public static func tan(_ data: Dataset, target: String,
                           estimator: ParameterEstimator = ParameterEstimator(method: .bdeu(equivalentSampleSize: 1))) throws -> BayesianNetwork {
        guard let c = data.column(named: target) else { throw LearningError.missingColumn(variable: target) }
        let features = data.names.indices.filter { $0 != c }
        let cards = data.states.map(\.count)
        var net = BayesianNetwork()
        for (j, n) in data.names.enumerated() { try net.addVariable(Variable(name: n, states: data.states[j])) }
        let binding = try DataBinding(network: net, data: data)
        // Conditional mutual information of every feature pair given the class.
        var weight = [[Double]](repeating: [Double](repeating: 0, count: cards.count), count: cards.count)
        for (a, i) in features.enumerated() {
            for j in features[(a + 1)...] {
                let counts = FamilyCounter.counts(family: [c, i, j], cardinalities: cards, binding: binding)
                weight[i][j] = conditionalMutualInformation(counts, classes: cards[c], ri: cards[i], rj: cards[j])
                weight[j][i] = weight[i][j]
            }
        }
        // Prim's maximum spanning tree from the first feature.
        var parents = [[Int]](repeating: [], count: cards.count)
        if let root = features.first {
            var inTree: Set<Int> = [root]
            while inTree.count < features.count {
                var best: (from: Int, to: Int, w: Double)? = nil
                for u in inTree {
                    for v in features where !inTree.contains(v) && (best == nil || weight[u][v] > best!.w) {
                        best = (u, v, weight[u][v])
                    }
                }
                parents[best!.to] = [best!.from]
                inTree.insert(best!.to)
            }
        }
        for f in features { parents[f] = [c] + parents[f] }
        return try network(from: data, parents: parents, estimator: estimator, name: "tan_\(target)")
    }

    /// `I(Xi; Xj | C)` from counts over (C, Xi, Xj), natural log.
    static func conditionalMutualInformation(_ n: [Double], classes: Int, ri: Int, rj: Int) -> Double {
        let total = n.reduce(0, +)
        guard total > 0 else { return 0 }
        var mi = 0.0
        for c in 0..<classes {
            var nc = 0.0
            var ni = [Double](repeating: 0, count: ri), nj = [Double](repeating: 0, count: rj)
            for a in 0..<ri {
                for b in 0..<rj {
                    let x = n[(c * ri + a) * rj + b]
                    nc += x; ni[a] += x; nj[b] += x
                }
            }
            guard nc > 0 else { continue }
            for a in 0..<ri {
                for b in 0..<rj {
                    let x = n[(c * ri + a) * rj + b]
                    if x > 0 { mi += x / total * log(x * nc / (ni[a] * nj[b])) }
                }
            }
        }
        return mi
    }
}
