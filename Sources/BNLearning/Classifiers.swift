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
///   hill climbing on BDeu (equivalent sample size 10), with every arc into `C` forbidden.
/// - `markovBlanket`, Markov-blanket-oriented hill climbing: a search on BDeu (10) over all the
///   variables with no constraint on `C`, started from the naive Bayes graph, so that it
///   refines the class's Markov blanket (removes, reverses and adds arcs around `C`)
///   rather than starting from nothing and possibly never connecting `C`.
/// - `outcome`, the class as an outcome: hill climbing on BDeu (10) over all the variables
///   with every arc out of `C`
///   forbidden, so `P(C | its parents)` is one table read straight from the data: a
///   discriminative family within the network, well calibrated where features repeat one
///   another (on `wa_churn` its log loss beat every class-as-parent family).
///
/// The searches score with BDeu of equivalent sample size 10 (Heckerman, Geiger & Chickering
/// 1995): on the three customer tables of BENCHMARKS.md it gave BAN and the Markov-blanket
/// search a lower inner log loss than BIC on two (MLC 0.230 → 0.211, wa_churn 0.449 → 0.434)
/// and a slightly higher one on the third (credit 0.460 → 0.463).
///
/// Every dependency must pay for its parameters: mutual information enters as its BIC gain
/// (Schwarz 1978), the log-likelihood gain of the arc minus `½ log N` per extra parameter,
/// `N·I(Xᵢ; C) − ½ log N · (rᵢ − 1)(|C| − 1)` for the class arc and
/// `N·I(Xᵢ; Xⱼ | C) − ½ log N · |C|(rᵢ − 1)(rⱼ − 1)` for a feature arc. A feature whose class
/// gain is not positive is left out of the naive Bayes, TAN, KDB and BAN graphs (a
/// selective classifier, Langley & Sage 1994), TAN keeps only the tree arcs of positive gain
/// (a forest), and KDB only parents of positive gain: without this a 51-state column such
/// as a US state wins every pairing on raw mutual information and the tables overfit.
/// Counts are complete-case (a row counts for a pair when both cells and `C` are observed);
/// the searches read complete-case family counts.
public enum ClassifierStructure: Sendable, Hashable, CustomStringConvertible {
    case naiveBayes
    case tan
    case kdb(Int)
    case ban
    case markovBlanket
    case outcome
    /// Averaged one-dependence estimators over the selected features, stored with a latent
    /// super-parent node (`AveragedOneDependence`): uniform weights (`aode`) or weighted by
    /// `I(Xⱼ; C)` (`waode`).
    case aode(AveragedOneDependence.Weighting)
    /// Naive Bayes with tables fitted for `P(c | x)` (`DiscriminativeNaiveBayes`): the
    /// naive-Bayes graph whose posterior is a logistic regression on the one-hot features.
    case discriminativeNaiveBayes

    /// Every family, simplest first (a tie goes to the simpler).
    public static let all: [ClassifierStructure] = [.naiveBayes, .tan, .kdb(1), .kdb(2), .kdb(3), .ban, .markovBlanket, .outcome,
                                                    .aode(.uniform), .aode(.mutualInformation), .discriminativeNaiveBayes]

    /// The families `TargetedLearner` chooses from unless told otherwise: all but AODE and
    /// WAODE, which lost to other families on every table of BENCHMARKS.md in inner
    /// cross-validation (`wa_churn` log loss 0.49–0.52 against dnb's 0.41: averaging
    /// generative estimators still counts the repeated "No internet service" fact several
    /// times) and cost a third of the selection's time; `--structures aode,…` offers them.
    public static let defaults: [ClassifierStructure] = all.filter { if case .aode = $0 { return false } else { return true } }

    /// `nb`, `tan`, `kdb1`…, `ban`, `mb-hc`, `outcome`: the names of `--structures`.
    public var description: String {
        switch self {
        case .naiveBayes: return "nb"
        case .tan: return "tan"
        case .kdb(let k): return "kdb\(k)"
        case .ban: return "ban"
        case .markovBlanket: return "mb-hc"
        case .outcome: return "outcome"
        case .aode(.uniform): return "aode"
        case .aode(.mutualInformation): return "waode"
        case .discriminativeNaiveBayes: return "dnb"
        }
    }

    /// The family of a name from `description` (`kdb` alone is `kdb1`).
    public init?(name: String) {
        switch name.lowercased() {
        case "nb", "naive-bayes", "naivebayes": self = .naiveBayes
        case "tan": self = .tan
        case "ban": self = .ban
        case "mb-hc", "mb", "markov-blanket": self = .markovBlanket
        case "outcome", "outcome-hc": self = .outcome
        case "aode": self = .aode(.uniform)
        case "waode": self = .aode(.mutualInformation)
        case "dnb", "nb-lr": self = .discriminativeNaiveBayes
        case let s where s.hasPrefix("kdb"):
            let rest = s.dropFirst(3)
            guard let k = rest.isEmpty ? 1 : Int(rest), (0...5).contains(k) else { return nil }
            self = .kdb(k)
        default: return nil
        }
    }

    /// Whether the family reads the feature selection (the searches of `markovBlanket` do not).
    public var usesFeatureSelection: Bool { self != .markovBlanket && self != .outcome }

    /// The family's networks over `skeleton`'s variables (no arcs) for class `c`, learned from
    /// `binding` (complete-case counts) and fitted with BDeu of every equivalent sample size
    /// in `priors`, in order: the graph is learned once and its counts fitted with each prior.
    /// `ordered` is passed to `dnb` (`DiscriminativeNaiveBayes`: the random-walk penalty over
    /// the bins of numeric columns); the other families ignore it.
    func fits(target c: Int, skeleton: BayesianNetwork, binding: DataBinding, priors: [Double], maxParents: Int,
              features selection: FeatureSelection, seed: UInt64, threads: Int = 2,
              ordered: Bool = false) throws -> [BayesianNetwork] {
        let cards = skeleton.cardinalities
        if case .aode(let weighting) = self {
            let info = PairwiseInformation(target: c, features: (0..<cards.count).filter { $0 != c }, cardinalities: cards,
                                           binding: binding)
            let selected = info.selected(selection)
            return try priors.map { a in
                try AveragedOneDependence.network(skeleton: skeleton, target: c, features: selected, info: info,
                                                  weighting: weighting, prior: a, binding: binding)
            }
        }
        if self == .discriminativeNaiveBayes {
            let selected = PairwiseInformation(target: c, features: (0..<cards.count).filter { $0 != c }, cardinalities: cards,
                                               binding: binding, pairs: selection == .cmim).selected(selection)
            if let nets = try DiscriminativeNaiveBayes.networks(skeleton: skeleton, target: c, features: selected, binding: binding,
                                                                penalties: priors, ordered: ordered) {
                return nets
            }
        }
        var net = skeleton
        let graph = try parents(target: c, cardinalities: cards, binding: binding, maxParents: maxParents,
                                features: selection, seed: seed)
        for (v, ps) in graph.enumerated() { try net.setParents(v, to: ps) }
        let counts = FamilyCounter.counts(families: net.families, cardinalities: cards, binding: binding, threads: threads)
        return try priors.map { a in try ParameterEstimator(method: .bdeu(equivalentSampleSize: a)).apply(counts: counts, to: net) }
    }

    /// Whether the family's network is its graph over the data's variables (`parents`) with
    /// BDeu tables from counts (so EM refits it on data with gaps and bagging can bag it);
    /// `aode` and `waode` add a latent node and `dnb` fits its tables for prediction.
    public var isCountFitted: Bool {
        switch self {
        case .aode, .discriminativeNaiveBayes: return false
        default: return true
        }
    }

    /// The parents of every variable (sorted by index) for class `target`.
    ///
    /// - Parameters:
    ///   - cardinalities: the states of every variable (the binding's columns).
    ///   - maxParents: the most parents of a variable in the searches (`ban`, `markovBlanket`).
    ///   - features: which features get the class arc (`FeatureSelection`).
    public func parents(target c: Int, cardinalities: [Int], binding: DataBinding, maxParents: Int = 4,
                        features selection: FeatureSelection = .relevant, seed: UInt64 = 1) throws(LearningError) -> [[Int]] {
        let n = cardinalities.count
        let features = (0..<n).filter { $0 != c }
        switch self {
        case .naiveBayes, .tan, .kdb, .discriminativeNaiveBayes:
            let info = PairwiseInformation(target: c, features: features, cardinalities: cardinalities, binding: binding)
            let selected = info.selected(selection)
            var parents = [[Int]](repeating: [], count: n)
            for f in selected { parents[f] = [c] }
            switch self {
            case .kdb(let k):
                let ranked = selected.sorted { info.classGain[$0] > info.classGain[$1] || (info.classGain[$0] == info.classGain[$1] && $0 < $1) }
                for (rank, f) in ranked.enumerated() {
                    let best = ranked[..<rank].filter { info.pairGain[f][$0] > 0 }
                        .sorted { info.pairGain[f][$0] > info.pairGain[f][$1] }.prefix(k)
                    parents[f] += best
                }
            case .tan:
                for (child, parent) in info.spanningForest(selected) { parents[child].append(parent) }
            default:
                break
            }
            return parents.map { $0.sorted() }
        case .outcome:
            let search = HillClimbing(score: .bdeu(equivalentSampleSize: 10), maxParents: maxParents,
                                      forbidden: Set(features.map { HillClimbing.Edge(c, $0) }), seed: seed)
            return try search.search(cardinalities: cardinalities, binding: binding).parents
        case .aode:
            throw .invalidOption("\(self) is a mixture over a latent super-parent, not a graph over the data's variables; it is built by fitting, one network per prior")
        case .ban, .markovBlanket:
            var search = HillClimbing(score: .bdeu(equivalentSampleSize: 10), maxParents: maxParents, seed: seed)
            var start = [[Int]](repeating: [], count: n)
            if self == .ban {
                // The class is a parent of every feature worth its parameters (`selected`),
                // never a child.
                let selected = PairwiseInformation(target: c, features: features, cardinalities: cardinalities,
                                                   binding: binding, pairs: selection == .cmim).selected(selection)
                search.required = Set(selected.map { HillClimbing.Edge(c, $0) })
                search.forbidden = Set(features.map { HillClimbing.Edge($0, c) })
            } else {
                for f in features { start[f] = [c] }
            }
            return try search.search(cardinalities: cardinalities, binding: binding, start: start).parents
        }
    }
}

/// Which features a classifier gives the class arc.
///
/// - `relevant`: every feature whose class arc has a positive BIC gain.
/// - `cmim`: conditional-mutual-information maximisation (Fleuret 2004) with the same gains:
///   repeatedly the feature whose least gain given any feature already chosen,
///   `min(N·I(Xᵢ; C) − pen, min_j N·I(Xᵢ; C | Xⱼ) − pen_j)`, is largest, while it is positive;
///   a feature that mostly repeats a chosen one (the "No internet service" copies of
///   `internet_service`, day charge beside day minutes) is left out rather than counted twice.
/// - `all`: every feature, for a family whose fit has its own penalty (`dnb` on fine bins):
///   a column useless alone may matter beside another (a loan's price beside its amount),
///   and the penalty, not a gain computed one column at a time, decides what it is worth.
///   Not among the selections tried by default for the other families.
public enum FeatureSelection: String, Sendable, Hashable, CaseIterable, Codable {
    case relevant
    case cmim
    case all
}

/// The BIC gains of the arcs a classifier may use (see `ClassifierStructure`): of the class
/// arc into every feature, `N·I(Xᵢ; C) − ½ log N · (rᵢ − 1)(|C| − 1)`, and of every feature
/// arc given the class, `N·I(Xᵢ; Xⱼ | C) − ½ log N · |C|(rᵢ − 1)(rⱼ − 1)` (natural log, `N`
/// the complete cases of the family), from one counting pass over `[C, Xᵢ]` and `[C, Xᵢ, Xⱼ]`.
struct PairwiseInformation {
    var features: [Int]
    /// `classGain[i]` (0 for the class itself).
    var classGain: [Double]
    /// `pairGain[i][j]`, symmetric (empty without `pairs`).
    var pairGain: [[Double]]
    /// `classGainGiven[i][j]`: the gain of the class arc into `Xᵢ` when `Xⱼ` is already known,
    /// `N·I(Xᵢ; C | Xⱼ) − ½ log N · rⱼ(rᵢ − 1)(|C| − 1)` (empty without `pairs`).
    var classGainGiven: [[Double]]
    /// `classCounts[a]`: the counts over `(C, X_{features[a]})`, row-major (complete cases).
    var classCounts: [[Double]]
    /// `pairCounts[[i, j]]` for features `i < j`: the counts over `(C, Xᵢ, Xⱼ)`, row-major
    /// (complete cases; empty without `pairs`).
    var pairCounts: [[Int]: [Double]] = [:]

    init(target c: Int, features: [Int], cardinalities: [Int], binding: DataBinding, pairs withPairs: Bool = true) {
        self.features = features
        let n = cardinalities.count
        var families = features.map { [c, $0] }
        var pairs: [(Int, Int)] = []
        if withPairs {
            for (a, i) in features.enumerated() { for j in features[(a + 1)...] { pairs.append((i, j)); families.append([c, i, j]) } }
        }
        let counts = FamilyCounter.counts(families: families, cardinalities: cardinalities, binding: binding)
        classCounts = Array(counts[..<features.count])
        func gain(_ counts: [Double], classes: Int, ri: Int, rj: Int, parameters: Int) -> Double {
            let total = counts.reduce(0, +)
            guard total > 1 else { return 0 }
            return total * Self.conditionalMutualInformation(counts, classes: classes, ri: ri, rj: rj)
                - 0.5 * log(total) * Double(parameters)
        }
        let k = cardinalities[c]
        classGain = [Double](repeating: 0, count: n)
        for (a, f) in features.enumerated() {
            classGain[f] = gain(counts[a], classes: 1, ri: k, rj: cardinalities[f], parameters: (k - 1) * (cardinalities[f] - 1))
        }
        pairGain = withPairs ? [[Double]](repeating: [Double](repeating: 0, count: n), count: n) : []
        classGainGiven = pairGain
        for (p, (i, j)) in pairs.enumerated() {
            let t = counts[features.count + p]          // (C, Xi, Xj), row-major
            pairCounts[[i, j]] = t
            let ri = cardinalities[i], rj = cardinalities[j]
            let w = gain(t, classes: k, ri: ri, rj: rj, parameters: k * (ri - 1) * (rj - 1))
            pairGain[i][j] = w
            pairGain[j][i] = w
            // The same counts laid out (Xj, C, Xi) and (Xi, C, Xj): I(C; Xi | Xj) and I(C; Xj | Xi).
            var byJ = [Double](repeating: 0, count: t.count), byI = byJ
            for cc in 0..<k { for a in 0..<ri { for b in 0..<rj {
                let x = t[(cc * ri + a) * rj + b]
                byJ[(b * k + cc) * ri + a] = x
                byI[(a * k + cc) * rj + b] = x
            } } }
            classGainGiven[i][j] = gain(byJ, classes: rj, ri: k, rj: ri, parameters: rj * (ri - 1) * (k - 1))
            classGainGiven[j][i] = gain(byI, classes: ri, ri: k, rj: rj, parameters: ri * (rj - 1) * (k - 1))
        }
    }

    /// The features a classifier uses (see `FeatureSelection`).
    func selected(_ selection: FeatureSelection) -> [Int] {
        if selection == .all { return features }
        guard selection == .cmim, !classGainGiven.isEmpty else { return features.filter { classGain[$0] > 0 } }
        var score = classGain
        var chosen: [Int] = []
        var left = Set(features)
        while let best = left.max(by: { score[$0] < score[$1] || (score[$0] == score[$1] && $0 > $1) }), score[best] > 0 {
            chosen.append(best)
            left.remove(best)
            for i in left { score[i] = min(score[i], classGainGiven[i][best]) }
        }
        return chosen.sorted()
    }

    /// Prim's maximum-weight spanning forest over the features `nodes` under `pairGain`,
    /// arcs of positive gain only, each tree rooted at its first feature: (child, parent).
    func spanningForest(_ nodes: [Int]) -> [(Int, Int)] {
        var inTree = Set<Int>()
        var arcs: [(Int, Int)] = []
        for root in nodes where !inTree.contains(root) {
            inTree.insert(root)
            var tree = [root]
            while true {
                var best: (from: Int, to: Int, w: Double)? = nil
                for u in tree {
                    for v in nodes where !inTree.contains(v) && pairGain[u][v] > 0 && (best == nil || pairGain[u][v] > best!.w) {
                        best = (u, v, pairGain[u][v])
                    }
                }
                guard let b = best else { break }
                arcs.append((b.to, b.from))
                inTree.insert(b.to)
                tree.append(b.to)
            }
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
                             features: FeatureSelection = .relevant, maxParents: Int = 4, seed: UInt64 = 1) throws -> BayesianNetwork {
        guard let c = data.column(named: target) else { throw LearningError.missingColumn(variable: target) }
        var net = try BayesianNetwork.unconnected(over: data, name: "\(structure)_\(target)")
        let binding = try DataBinding(network: net, data: data)
        if !structure.isCountFitted {
            guard case .bdeu(let a) = estimator.method else {
                throw LearningError.invalidOption("\(structure) is fitted with BDeu priors only")
            }
            return try structure.fits(target: c, skeleton: net, binding: binding, priors: [a], maxParents: maxParents,
                                      features: features, seed: seed)[0]
        }
        let parents = try structure.parents(target: c, cardinalities: net.cardinalities, binding: binding,
                                            maxParents: maxParents, features: features, seed: seed)
        for (v, ps) in parents.enumerated() { try net.setParents(v, to: ps) }
        return try estimator.fit(net, to: data)
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
