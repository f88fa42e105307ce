import BNCore
import Foundation

/// The structure families of Bayesian-network classifiers for a class variable `C`, each a
/// way to choose the parents of every variable from data. A family fixes which dependencies
/// a classifier may use; `TargetedLearner` picks one by cross-validated log loss.
///
/// - `naiveBayes`: `C` is the only parent of every feature, `P(c, x) = P(c) ∏ P(xᵢ | c)`
///   (Duda & Hart 1973; Domingos & Pazzani 1997 on why it works).
/// - `tan`, tree-augmented naive Bayes (Friedman, Geiger & Goldszmidt 1997): the features
///   also form a tree, the maximum-weight spanning tree under the conditional mutual
///   information `I(Xᵢ; Xⱼ | C) = Σ P(xᵢ, xⱼ, c) log [P(xᵢ, xⱼ | c) / (P(xᵢ | c) P(xⱼ | c))]`
///   (Chow & Liu 1968), rooted at the first feature and directed away from it (every
///   orientation of the tree gives the same distribution).
/// - `kdb(k)`, the k-dependence Bayesian classifier (Sahami 1996): features ranked by
///   `I(Xᵢ; C)`; each takes `C` and the (at most) `k` earlier-ranked features with the
///   highest positive `I(Xᵢ; Xⱼ | C)` as parents. `k = 0` is naive Bayes.
/// - `ban`, BN-augmented naive Bayes (Friedman, Geiger & Goldszmidt 1997; Cheng & Greiner
///   1999): `C` is a parent of every feature and the arcs among the features are found by
///   hill climbing on BIC, with every arc into `C` forbidden.
/// - `markovBlanket`, Markov-blanket-oriented hill climbing: a search on BIC over all the
///   variables with no constraint on `C`, started from the naive Bayes graph, so that it
///   refines the class's Markov blanket (removes, reverses and adds arcs around `C`)
///   rather than starting from nothing and possibly never connecting `C`.
///
/// Mutual information is estimated from complete-case counts (a row counts for a pair when
/// both cells and `C` are observed); the searches read complete-case family counts.
public enum ClassifierStructure: Sendable, Hashable, CustomStringConvertible {
    case naiveBayes
    case tan
    case kdb(Int)
    case ban
    case markovBlanket

    /// The families `TargetedLearner` chooses from, simplest first (a tie goes to the simpler).
    public static let all: [ClassifierStructure] = [.naiveBayes, .tan, .kdb(1), .kdb(2), .kdb(3), .ban, .markovBlanket]

    /// `nb`, `tan`, `kdb1`…, `ban`, `mb-hc`: the names of `--structures`.
    public var description: String {
        switch self {
        case .naiveBayes: return "nb"
        case .tan: return "tan"
        case .kdb(let k): return "kdb\(k)"
        case .ban: return "ban"
        case .markovBlanket: return "mb-hc"
        }
    }

    /// The family of a name from `description` (`kdb` alone is `kdb1`).
    public init?(name: String) {
        switch name.lowercased() {
        case "nb", "naive-bayes", "naivebayes": self = .naiveBayes
        case "tan": self = .tan
        case "ban": self = .ban
        case "mb-hc", "mb", "markov-blanket": self = .markovBlanket
        case let s where s.hasPrefix("kdb"):
            let rest = s.dropFirst(3)
            guard let k = rest.isEmpty ? 1 : Int(rest), (0...5).contains(k) else { return nil }
            self = .kdb(k)
        default: return nil
        }
    }

    /// The parents of every variable (sorted by index) for class `target`.
    ///
    /// - Parameters:
    ///   - cardinalities: the states of every variable (the binding's columns).
    ///   - maxParents: the most parents of a variable in the searches (`ban`, `markovBlanket`).
    public func parents(target c: Int, cardinalities: [Int], binding: DataBinding, maxParents: Int = 4,
                        seed: UInt64 = 1) throws(LearningError) -> [[Int]] {
        let n = cardinalities.count
        let features = (0..<n).filter { $0 != c }
        let naive = (0..<n).map { $0 == c ? [] : [c] }
        switch self {
        case .naiveBayes, .kdb(0):
            return naive
        case .tan, .kdb:
            let info = PairwiseInformation(target: c, features: features, cardinalities: cardinalities, binding: binding)
            var parents = naive
            if case .kdb(let k) = self {
                let ranked = features.sorted { info.classInformation[$0] > info.classInformation[$1] || (info.classInformation[$0] == info.classInformation[$1] && $0 < $1) }
                for (rank, f) in ranked.enumerated() {
                    let best = ranked[..<rank].filter { info.conditional[f][$0] > 0 }
                        .sorted { info.conditional[f][$0] > info.conditional[f][$1] }.prefix(k)
                    parents[f] += best
                }
            } else {
                for (child, parent) in info.spanningTree() { parents[child].append(parent) }
            }
            return parents.map { $0.sorted() }
        case .ban, .markovBlanket:
            var search = HillClimbing(score: .bic, maxParents: maxParents, seed: seed)
            if self == .ban {
                search.required = Set(features.map { HillClimbing.Edge(c, $0) })
                search.forbidden = Set(features.map { HillClimbing.Edge($0, c) })
            }
            return try search.search(cardinalities: cardinalities, binding: binding, start: naive).parents
        }
    }
}

/// The mutual information of every feature with the class, `I(Xᵢ; C)`, and of every pair of
/// features given the class, `I(Xᵢ; Xⱼ | C)` (natural log), from one counting pass over the
/// families `[C, Xᵢ]` and `[C, Xᵢ, Xⱼ]`.
struct PairwiseInformation {
    var features: [Int]
    /// `classInformation[i] = I(Xᵢ; C)` (0 for the class itself).
    var classInformation: [Double]
    /// `conditional[i][j] = I(Xᵢ; Xⱼ | C)`, symmetric.
    var conditional: [[Double]]

    init(target c: Int, features: [Int], cardinalities: [Int], binding: DataBinding) {
        self.features = features
        let n = cardinalities.count
        var families = features.map { [c, $0] }
        var pairs: [(Int, Int)] = []
        for (a, i) in features.enumerated() { for j in features[(a + 1)...] { pairs.append((i, j)); families.append([c, i, j]) } }
        let counts = FamilyCounter.counts(families: families, cardinalities: cardinalities, binding: binding)
        classInformation = [Double](repeating: 0, count: n)
        for (a, f) in features.enumerated() {
            classInformation[f] = Self.conditionalMutualInformation(counts[a], classes: 1, ri: cardinalities[c], rj: cardinalities[f])
        }
        conditional = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for (p, (i, j)) in pairs.enumerated() {
            let w = Self.conditionalMutualInformation(counts[features.count + p], classes: cardinalities[c],
                                                      ri: cardinalities[i], rj: cardinalities[j])
            conditional[i][j] = w
            conditional[j][i] = w
        }
    }

    /// Prim's maximum-weight spanning tree over the features under `I(Xᵢ; Xⱼ | C)`, rooted at
    /// the first feature: (child, parent) pairs.
    func spanningTree() -> [(Int, Int)] {
        guard let root = features.first else { return [] }
        var inTree: Set<Int> = [root]
        var arcs: [(Int, Int)] = []
        while inTree.count < features.count {
            var best: (from: Int, to: Int, w: Double)? = nil
            for u in features where inTree.contains(u) {
                for v in features where !inTree.contains(v) && (best == nil || conditional[u][v] > best!.w) {
                    best = (u, v, conditional[u][v])
                }
            }
            arcs.append((best!.to, best!.from))
            inTree.insert(best!.to)
        }
        return arcs
    }

    /// `I(Xi; Xj | C)` from counts over (C, Xi, Xj), natural log; with `classes = 1` it is
    /// `I(Xi; Xj)`.
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

/// Classifiers built from data as Bayesian networks: a structure family's graph over the
/// dataset's columns, fitted with the given estimator (complete-case counts).
public enum Classifiers {
    /// The network of `structure` for class `target` over the columns of `data`, fitted.
    public static func build(_ structure: ClassifierStructure, _ data: Dataset, target: String,
                             estimator: ParameterEstimator = ParameterEstimator(method: .bdeu(equivalentSampleSize: 1)),
                             maxParents: Int = 4, seed: UInt64 = 1) throws -> BayesianNetwork {
        guard let c = data.column(named: target) else { throw LearningError.missingColumn(variable: target) }
        var net = try skeleton(data, name: "\(structure)_\(target)")
        let binding = try DataBinding(network: net, data: data)
        let parents = try structure.parents(target: c, cardinalities: net.cardinalities, binding: binding,
                                            maxParents: maxParents, seed: seed)
        for (v, ps) in parents.enumerated() { try net.setParents(v, to: ps) }
        return try estimator.fit(net, to: data)
    }

    /// A network with one parentless variable per column (states as in the data).
    static func skeleton(_ data: Dataset, name: String, cutPoints: [String: [Double]] = [:]) throws -> BayesianNetwork {
        var net = BayesianNetwork(name: name)
        for (j, n) in data.names.enumerated() {
            try net.addVariable(Variable(name: n, states: data.states[j], cutPoints: cutPoints[n]))
        }
        return net
    }

    public static func naiveBayes(_ data: Dataset, target: String,
                                  estimator: ParameterEstimator = ParameterEstimator(method: .bdeu(equivalentSampleSize: 1))) throws -> BayesianNetwork {
        try build(.naiveBayes, data, target: target, estimator: estimator)
    }

    public static func tan(_ data: Dataset, target: String,
                           estimator: ParameterEstimator = ParameterEstimator(method: .bdeu(equivalentSampleSize: 1))) throws -> BayesianNetwork {
        try build(.tan, data, target: target, estimator: estimator)
    }
}
