import Testing
import Foundation
import BNCore
import BNInference
@testable import BNLearning

/// The classifier families, the learn --target pipeline, bagging and nested cross-validation,
/// checked against brute force on small data.
@Suite("Targeted learning")
struct TargetedLearnerTests {
    func truth() throws -> BayesianNetwork { try Fixtures.classifier(noise: true) }

    /// The inner folds' pool (`TargetedLearner.FoldPool`) fed out of order: the same bits as
    /// merging the folds' accumulators one after another in fold order (the log loss and
    /// Brier sums are added in that order, so a pool that merged as the folds arrive would
    /// differ in the last bits here), and the first fold in order that fails or gives nil
    /// decides, whatever arrives first.
    @Test func foldPoolMergesInFoldOrderWhateverOrderTheFoldsEnd() throws {
        // Three folds of two nets; probabilities chosen so that the sums round differently
        // by order (0.1 + 0.2 + 0.3 is not 0.3 + 0.2 + 0.1 in doubles).
        let folds: [[ClassificationMetrics.Accumulator]] = (0..<3).map { f in
            (0..<2).map { net in
                var sums = ClassificationMetrics.Accumulator(states: 2)
                let p = [0.1, 0.2, 0.3][f] + 0.01 * Double(net)
                sums.add(truth: [0, 1, 1], predictions: [[p, 1 - p], [1 - p / 3, p / 3], [0.5, 0.5]])
                sums.compact()
                return sums
            }
        }
        var inOrder = folds[0]
        for f in 1..<3 { for m in 0..<2 { inOrder[m].merge(folds[f][m]) } }
        let pool = TargetedLearner.FoldPool()
        for f in [2, 0, 1] { pool.deliver(f, .success(folds[f])) }
        let pooled = try #require(try pool.result())
        #expect(pooled.map(\.metrics) == inOrder.map(\.metrics))
        #expect(pooled[0].metrics.rows == 9)

        struct Failed: Error {}
        let nilFirst = TargetedLearner.FoldPool()
        nilFirst.deliver(2, .failure(Failed()))
        nilFirst.deliver(0, .success(folds[0]))
        nilFirst.deliver(1, .success(nil))
        #expect(try nilFirst.result() == nil)
        let errorFirst = TargetedLearner.FoldPool()
        errorFirst.deliver(1, .success(nil))
        errorFirst.deliver(0, .failure(Failed()))
        errorFirst.deliver(2, .success(folds[2]))
        #expect(throws: Failed.self) { try errorFirst.result() }
    }

    /// `ln P(row)` by the chain rule, one CPT lookup per variable (every cell observed).
    func bruteForceLogLikelihood(_ net: BayesianNetwork, _ data: Dataset) throws -> Double {
        let binding = try DataBinding(network: net, data: data)
        var ll = 0.0
        for i in 0..<data.rowCount {
            for v in 0..<net.count {
                var index = 0
                for u in net.parents(of: v) + [v] { index = index * net.variables[u].cardinality + Int(binding.codes[u]![i]) }
                ll += log(net.cpts[v].values[index])
            }
        }
        return ll
    }

    /// `P(C | the other cells)` by summing the full joint over C's states.
    func bruteForcePosterior(_ net: BayesianNetwork, _ row: [Int32], target: Int) -> [Double] {
        var p = (0..<net.variables[target].cardinality).map { s -> Double in
            var r = row
            r[target] = Int32(s)
            var joint = 1.0
            for v in 0..<net.count {
                var index = 0
                for u in net.parents(of: v) + [v] { index = index * net.variables[u].cardinality + Int(r[u]) }
                joint *= net.cpts[v].values[index]
            }
            return joint
        }
        let z = p.reduce(0, +)
        for k in p.indices { p[k] /= z }
        return p
    }

    @Test func everyFamilyFitsItsCountsAndPredictsLikeTheJoint() throws {
        let data = ForwardSampler(try truth()).sample(rows: 3_000, seed: 4)
        for s in ClassifierStructure.all where s.isCountFitted {
            let net = try Classifiers.build(s, data, target: "C")
            // The fitted tables reproduce the complete-data log-likelihood computed row by row.
            let byCounts = try Evaluation.logLikelihood(net, on: data)
            let byRows = try bruteForceLogLikelihood(net, data)
            #expect(abs(byCounts - byRows) < 1e-9 * abs(byRows), "\(s)")
            // Predictions (Markov-blanket shortcut) equal the normalised joint.
            let (_, predictions) = try Evaluation.predict(net, on: data, target: "C")
            for i in [0, 17, 2_999] {
                let row = (0..<net.count).map { v in data.columns[data.column(named: net.variables[v].name)!][i] }
                let exact = bruteForcePosterior(net, row, target: 0)
                #expect(abs(predictions[i][0] - exact[0]) < 1e-12, "\(s) row \(i)")
            }
        }
    }

    /// (W)AODE's posterior from the network (the latent super-parent summed out by the
    /// junction tree) equals the averaged one-dependence estimators computed straight from
    /// the data's counts, for complete rows and for rows with a cell summed out.
    @Test func aodeNetworkIsTheAveragedOneDependenceMixture() throws {
        let data = ForwardSampler(try truth()).sample(rows: 2_000, seed: 9)
        let alpha = 3.0
        let cards = data.states.map(\.count)
        let n = data.rowCount
        func count(_ where_: (Int) -> Bool) -> Double { Double((0..<n).filter(where_).count) }
        let col = data.columns
        for (weighting, name) in [(AveragedOneDependence.Weighting.uniform, "aode"), (.mutualInformation, "waode")] {
            let s = try #require(ClassifierStructure(name: name))
            let net = try Classifiers.build(s, data, target: "C", estimator: ParameterEstimator(method: .bdeu(equivalentSampleSize: alpha)))
            let z = try net.require(AveragedOneDependence.superParentName)
            #expect(net.variables[z].role == .latent)
            // X1..X3 carry the class; the noise column N (4) is left out and has no parent.
            let features = [1, 2, 3]
            #expect(net.parents(of: 4).isEmpty && net.children(of: 4).isEmpty)
            #expect(features.allSatisfy { net.parents(of: $0) == [0, z] })
            #expect(net.variables[z].cardinality == features.map { cards[$0] }.reduce(0, +))
            // The weights: 1/3 each, or I(Xj; C) normalised, from the empirical joint.
            var w = features.map { j -> Double in
                guard weighting == .mutualInformation else { return 1 }
                var mi = 0.0
                for c in 0..<2 { for v in 0..<cards[j] {
                    let ncv = count { col[0][$0] == c && col[j][$0] == v }
                    let nc = count { col[0][$0] == c }, nv = count { col[j][$0] == v }
                    if ncv > 0 { mi += ncv / Double(n) * log(ncv * Double(n) / (nc * nv)) }
                } }
                return mi
            }
            let total = w.reduce(0, +)
            w = w.map { $0 / total }
            /// `Σⱼ wⱼ P(c) P(xⱼ | c) ∏_{i≠j} P(xᵢ | c, xⱼ)` with the BDeu estimates, by direct counting.
            func joint(_ c: Int, _ x: [Int: Int]) -> Double {
                let nc = count { col[0][$0] == c }
                let pc = (nc + alpha / 2) / (Double(n) + alpha)
                var sum = 0.0
                for (b, j) in features.enumerated() {
                    let rj = Double(cards[j])
                    let ncv = count { col[0][$0] == c && col[j][$0] == x[j]! }
                    var p = w[b] * pc * (ncv + alpha / (2 * rj)) / (nc + alpha / 2)
                    for i in features where i != j {
                        let ri = Double(cards[i])
                        let nx = count { col[0][$0] == c && col[j][$0] == x[j]! && col[i][$0] == x[i]! }
                        p *= (nx + alpha / (2 * rj * ri)) / (ncv + alpha / (2 * rj))
                    }
                    sum += p
                }
                return sum
            }
            // Rows: complete, and with X1 or X3 missing (summed out of the mixture by brute force).
            let rows: [[Int32]] = [[0, 1, 0, 2, 3], [1, 0, 0, 1, 0], [0, -1, 1, 0, 1], [1, 1, 1, -1, 2]]
            let one = Dataset(names: data.names, states: data.states, columns: (0..<5).map { v in rows.map { $0[v] } })
            let (_, predictions) = try Evaluation.predict(net, on: one, target: "C")
            for (r, row) in rows.enumerated() {
                let p = (0..<2).map { c -> Double in
                    let missing = features.filter { row[$0] < 0 }
                    var x = Dictionary(uniqueKeysWithValues: features.filter { row[$0] >= 0 }.map { ($0, Int(row[$0])) })
                    guard let m = missing.first else { return joint(c, x) }
                    return (0..<cards[m]).reduce(0.0) { acc, v in x[m] = v; return acc + joint(c, x) }
                }
                #expect(abs(predictions[r][0] - p[0] / (p[0] + p[1])) < 1e-12, "\(name) row \(r)")
            }
        }
    }

    /// dnb's network is the penalised logistic regression's optimum: on complete rows its
    /// posteriors satisfy the stationarity conditions of `Σ ln P(c | x) − (λ/2) Σ β²`, with
    /// the weights read back from the tables (`β_{i,v} = d_v − mean_v d`, `d_v` the log ratio
    /// of `P'(v | C = yes)` to `P'(v | C = no)`).
    @Test func discriminativeNaiveBayesIsTheRegressionOptimum() throws {
        let data = ForwardSampler(try truth()).sample(rows: 2_000, seed: 12)
        let lambda = 5.0
        let net = try Classifiers.build(.discriminativeNaiveBayes, data, target: "C",
                                        estimator: ParameterEstimator(method: .bdeu(equivalentSampleSize: lambda)))
        #expect((1...3).allSatisfy { net.parents(of: $0) == [0] } && net.parents(of: 0).isEmpty)
        let (truth, predictions) = try Evaluation.predict(net, on: data, target: "C")
        let residual = truth.indices.map { (truth[$0] == 0 ? 1.0 : 0.0) - predictions[$0][0] }
        // The intercept: predicted and observed shares of C = yes agree.
        #expect(abs(residual.reduce(0, +)) < 1e-6)
        for f in 1...3 {
            let r = net.variables[f].cardinality
            let d = (0..<r).map { v in log(net.cpts[f].values[v]) - log(net.cpts[f].values[r + v]) }
            let mean = d.reduce(0, +) / Double(r)
            for v in 0..<r {
                let gradient = truth.indices.filter { data.columns[f][$0] == v }.reduce(0.0) { $0 + residual[$1] }
                #expect(abs(gradient - lambda * (d[v] - mean)) < 1e-5, "X\(f) = \(v)")
            }
            // The weights are not zero: the fit moved away from the uniform start.
            #expect(d.contains { abs($0 - mean) > 0.1 })
        }
        // Its log loss on the training rows is below generative naive Bayes's (it maximises it).
        let nb = try Classifiers.build(.naiveBayes, data, target: "C")
        let nbLoss = ClassificationMetrics(truth: truth, predictions: try Evaluation.predict(nb, on: data, target: "C").predictions).logLoss
        #expect(ClassificationMetrics(truth: truth, predictions: predictions).logLoss < nbLoss)
    }

    /// A numeric column whose log-odds rise smoothly (linear in the value), a categorical
    /// one, and a column `u` that matters only beside `w` (the class follows their
    /// difference): the raw cells, and the class column `y`.
    func smoothTable(rows: Int, seed: UInt64) throws -> Dataset {
        var rng = SplitMix64(seed: seed)
        var x: [String] = [], g: [String] = [], u: [String] = [], w: [String] = [], y: [String] = []
        for _ in 0..<rows {
            let v = Double(rng.next() % 1_000) / 10, grp = rng.next() % 3
            let a = Double(rng.next() % 100), b = a + Double(rng.next() % 40) - 20
            let logit = -3 + 0.06 * v + (grp == 0 ? 0.8 : 0) + 0.05 * (b - a)
            x.append(String(v)); g.append(["p", "q", "r"][Int(grp)]); u.append(String(a)); w.append(String(b))
            y.append(rng.nextUnit() < 1 / (1 + exp(-logit)) ? "yes" : "no")
        }
        return try table(["x": x, "g": g, "u": u, "w": w, "y": y], order: ["x", "g", "u", "w", "y"])
    }

    /// dnb with the ordered penalty on fine bins: the stored network's posterior (by brute
    /// force over its tables, and through the .bn's inference) is the optimum of
    /// `Σ ln P(c | x) − (λ/2) Σ δ²` with `δ_j = β_j − β_{j−1}` over the ordered bins: the
    /// stationarity condition `Σ_{rows with x ≥ j} (1[c = yes] − P(yes | row)) = λ δ_j` holds
    /// for every step `j ≥ 1`, with `β` read back from the tables.
    @Test func orderedDiscriminativeNaiveBayesIsThePenalisedOptimum() throws {
        let raw = try smoothTable(rows: 1_500, seed: 21)
        var plan = DatasetDiscretization(automatic: .equalFrequency(bins: 8), target: "y")
        plan.methods["y"] = .some(nil)
        let (data, columns) = try plan.apply(to: raw)
        let skeleton = try BayesianNetwork.unconnected(over: data, name: "t",
                                                cutPoints: Dictionary(uniqueKeysWithValues: columns.map { ($0.name, $0.cutPoints) }))
        let c = 4, lambda = 3.0
        let binding = try DataBinding(network: skeleton, data: data)
        let nets = try ClassifierStructure.discriminativeNaiveBayes.fits(target: c, skeleton: skeleton, binding: binding,
                                                                         priors: [lambda, 1e8], maxParents: 4, features: .all,
                                                                         seed: 1, ordered: true)
        let net = nets[0]
        #expect((0..<4).allSatisfy { net.parents(of: $0) == [c] })
        #expect(net.variables[0].cardinality == 8 && net.variables[0].cutPoints == columns[0].cutPoints)
        let (truth, predictions) = try Evaluation.predict(net, on: data, target: "y")
        let yes = Int32(data.states[c].firstIndex(of: "yes")!)
        for r in 0..<data.rowCount {
            let row = (0..<5).map { data.columns[$0][r] }
            #expect(abs(bruteForcePosterior(net, row, target: c)[Int(yes)] - predictions[r][Int(yes)]) < 1e-9)
        }
        let residual = truth.indices.map { (truth[$0] == yes ? 1.0 : 0.0) - predictions[$0][Int(yes)] }
        #expect(abs(residual.reduce(0, +)) < 1e-6)
        for f in [0, 2, 3] {
            let r = net.variables[f].cardinality
            let cpt = net.cpts[f].values            // rows: class states, in the class's order
            let beta = (0..<r).map { v in log(cpt[Int(yes) * r + v]) - log(cpt[(1 - Int(yes)) * r + v]) }
            for j in 1..<r {
                let gradient = truth.indices.filter { data.columns[f][$0] >= j }.reduce(0.0) { $0 + residual[$1] }
                #expect(abs(gradient - lambda * (beta[j] - beta[j - 1])) < 1e-5, "feature \(f) step \(j)")
            }
        }
        // x's weights rise with the value (its true log-odds are linear in it) ...
        let r = net.variables[0].cardinality, cpt = net.cpts[0].values
        let beta = (0..<r).map { v in log(cpt[Int(yes) * r + v]) - log(cpt[(1 - Int(yes)) * r + v]) }
        #expect(beta.last! - beta.first! > 3)
        // ... and a penalty that large flattens every feature to (almost) nothing.
        let flat = nets[1].cpts[0].values
        #expect((0..<r).allSatisfy { v in abs(log(flat[v]) - log(flat[r + v]) - (log(flat[0]) - log(flat[r]))) < 1e-3 })
    }

    @Test func structuresHaveTheirShapes() throws {
        let data = ForwardSampler(try truth()).sample(rows: 20_000, seed: 1)
        let nb = try Classifiers.build(.naiveBayes, data, target: "C")
        // The noise column does not pay for its parameters: it is left out.
        #expect(nb.parents(of: 4).isEmpty && nb.children(of: 4).isEmpty)
        #expect((1...3).allSatisfy { nb.parents(of: $0) == [0] })
        let tan = try Classifiers.build(.tan, data, target: "C")
        #expect(tan.parents(of: 2) == [0, 1])                  // the X1–X2 dependency
        #expect(tan.parents(of: 3) == [0])                     // X3 gains nothing from a feature parent: a forest
        for k in 1...3 {
            let kdb = try Classifiers.build(.kdb(k), data, target: "C")
            for f in 1...4 { #expect(kdb.parents(of: f).filter { $0 != 0 }.count <= k) }
            #expect(kdb.parents(of: 2).contains(1) || kdb.parents(of: 1).contains(2))
        }
        let ban = try Classifiers.build(.ban, data, target: "C")
        #expect(ban.parents(of: 0).isEmpty)
        #expect((1...3).allSatisfy { ban.parents(of: $0).contains(0) })
        let mb = try Classifiers.build(.markovBlanket, data, target: "C")
        #expect(try mb.require("C") == 0)
        #expect(!mb.children(of: 0).isEmpty || !mb.parents(of: 0).isEmpty)
    }

    @Test func bicGainsByHand() {
        // Ten rows; X copies the binary class, Y is independent of both.
        let c: [Int32] = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
        let x: [Int32] = c
        let y: [Int32] = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]
        let binding = DataBinding(codes: [c, x, y], rowCount: 10, weights: nil)
        let info = PairwiseInformation(target: 0, features: [1, 2], cardinalities: [2, 2, 2], binding: binding)
        // N·I(X; C) = 10 ln 2, minus ½ ln 10 for its one extra parameter.
        #expect(abs(info.classGain[1] - (10 * log(2) - 0.5 * log(10))) < 1e-12)
        // Y: I(Y; C) is small and does not pay for its parameter.
        #expect(info.classGain[2] < 0)
        #expect(info.selected(.relevant) == [1])
        #expect(info.selected(.cmim) == [1])
        // Given C, X is constant: I(X; Y | C) = 0, and the arc costs |C| = 2 parameters.
        #expect(abs(info.pairGain[1][2] - (0 - 0.5 * log(10) * 2)) < 1e-12)
    }

    @Test func thePipelineChoosesByInnerLogLossAndCutsAgainstTheTarget() throws {
        // A numeric feature that matters only above 50, a categorical one, and the class.
        var rng = SplitMix64(seed: 11)
        var x: [String] = [], g: [String] = [], y: [String] = []
        for _ in 0..<1_200 {
            let v = Double(rng.next() % 100)
            let grp = rng.next() % 2 == 0 ? "u" : "v"
            let p = (v > 50 ? 0.8 : 0.2) * (grp == "u" ? 1.0 : 0.6)
            x.append(String(Int(v))); g.append(grp)
            y.append(Double(rng.next() % 10_000) / 10_000 < p ? "churn" : "stay")
        }
        let data = try table(["x": x, "g": g, "y": y], order: ["x", "g", "y"])
        var learner = TargetedLearner(target: "y", structures: [.naiveBayes, .tan], priors: [1, 10], innerFolds: 4)
        learner.parameterLearnings = [.generative]     // discriminative tables: DiscriminativeParametersTests
        let (net, report) = try learner.learn(data)
        // MDL finds the cut between 50 and 51 (the only change in P(y | x)).
        let cut = try #require(report.discretized.first { $0.name == "x" })
        #expect(cut.method == "mdl")
        #expect(cut.cutPoints.contains { $0 >= 50 && $0 < 51 })
        #expect(net.variables[try net.require("x")].cutPoints == cut.cutPoints)
        // 2 families × 2 feature selections × 2 priors; the chosen one has the lowest inner log loss.
        #expect(report.candidates.count == 8)
        #expect(Set(report.candidates.map(\.features)) == ["relevant", "cmim"])
        #expect(report.candidates.allSatisfy { report.chosen.logLoss <= $0.logLoss })
        #expect(report.chosen.auc > 0.6)
        // The target keeps its own states.
        #expect(Set(net.variables[try net.require("y")].states) == ["churn", "stay"])
    }

    @Test func fewValuedColumnsAreBinnedAsTheInnerLossPrefers() throws {
        // A count 0…9 whose effect is a threshold (4 or more calls), which also interacts
        // with a flag, and a 0/1 column with a strong effect that MDL keeps as it is.
        var rng = SplitMix64(seed: 13)
        var calls: [String] = [], flag: [String] = [], senior: [String] = [], y: [String] = []
        for _ in 0..<800 {
            let k = Int(rng.next() % 10), f = rng.next() % 2 == 0 ? "a" : "b", s = Int(rng.next() % 2)
            let p = (k >= 4 ? (f == "a" ? 0.85 : 0.45) : 0.1) + (s == 1 ? 0.3 : 0)
            calls.append(String(k)); flag.append(f); senior.append(String(s))
            y.append(Double(rng.next() % 10_000) / 10_000 < p ? "yes" : "no")
        }
        let data = try table(["calls": calls, "flag": flag, "senior": senior, "y": y], order: ["calls", "flag", "senior", "y"])
        #expect(DatasetDiscretization(automatic: .mdl, target: "y").fewValuedColumns(of: data) == ["calls", "senior"])
        var learner = TargetedLearner(target: "y", structures: [.naiveBayes, .tan, .kdb(1)], priors: [1, 10], innerFolds: 4)
        learner.binningLeaders = 2
        learner.parameterLearnings = [.generative]     // discriminative tables: DiscriminativeParametersTests
        let (net, report) = try learner.learn(data)
        // Every design under `values`; under `mdl` only the two designs that led under `values`.
        let byBins = Dictionary(grouping: report.candidates, by: \.bins)
        #expect(byBins["values"]?.count == 3 * 2 * 2)
        let mdl = try #require(byBins["mdl"])
        #expect(mdl.count == 2 * 2)
        var best: [String: Double] = [:]
        for x in byBins["values"]! { best[x.structure + "/" + x.features] = min(best[x.structure + "/" + x.features] ?? .infinity, x.logLoss) }
        let leaders = Set(best.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.prefix(2).map(\.key))
        #expect(Set(mdl.map { $0.structure + "/" + $0.features }) == leaders)
        // The ten counts carry one threshold: merged into two states, the inner loss is lower,
        // so MDL's bins win, and the model carries them.
        #expect(report.candidates.allSatisfy { report.chosen.logLoss <= $0.logLoss })
        #expect(report.chosen.bins == "mdl")
        let cut = try #require(report.discretized.first { $0.name == "calls" })
        // One cut, between 3 and 4 calls (intervals closed on the right: 3 | 4).
        #expect(cut.method == "mdl" && cut.cutPoints.count == 1 && cut.cutPoints.allSatisfy { $0 >= 3 && $0 < 4 })
        #expect(net.variables[try net.require("calls")].cutPoints == cut.cutPoints)
        #expect(net.variables[try net.require("senior")].cardinality == 2)
        // Only `values`: nothing else is tried, and the count keeps its ten states.
        learner.fewValuedBinnings = [.values]
        let (kept, only) = try learner.learn(data)
        #expect(only.candidates.allSatisfy { $0.bins == "values" } && only.candidates.count == 12)
        #expect(kept.variables[try kept.require("calls")].cardinality == 10)
        // A table whose only few-valued column MDL cuts exactly as its values: one binning tried.
        let flags = try table(["senior": senior, "y": y], order: ["senior", "y"])
        let (_, once) = try TargetedLearner(target: "y", structures: [.naiveBayes], priors: [1], innerFolds: 3).learn(flags)
        // nb with either feature selection (then nb's best once more with discriminative tables)
        #expect(once.candidates.filter { $0.parameters == "generative" }.map(\.bins) == ["values", "values"])
    }

    /// With dnb among the families, it is fitted once more on 10 equal-frequency bins with
    /// every feature and the ordered penalty; on a table whose log-odds are smooth in a
    /// numeric column and follow the difference of two others (useless alone, so the
    /// relevance selection drops them) that fit wins the inner selection, and the model
    /// carries its ten bins.
    @Test func orderedDnbOnFineBinsIsChosenWhereTheEffectIsSmooth() throws {
        let raw = try smoothTable(rows: 2_000, seed: 22)
        var learner = TargetedLearner(target: "y", structures: [.naiveBayes, .discriminativeNaiveBayes], priors: [1, 5, 20],
                                      innerFolds: 4)
        learner.parameterLearnings = [.generative]     // discriminative tables: DiscriminativeParametersTests
        let (net, report) = try learner.learn(raw)
        let fine = report.candidates.filter { $0.bins == "values+equal-frequency:10" }
        #expect(fine.count == 3 && fine.allSatisfy { $0.structure == "dnb" && $0.features == "all" })
        #expect(report.candidates.allSatisfy { report.chosen.logLoss <= $0.logLoss })
        #expect(report.chosen.bins == "values+equal-frequency:10")
        let best = report.candidates.filter { $0.bins == "values" }.map(\.logLoss).min()!
        #expect(report.chosen.logLoss < best)
        for name in ["x", "u", "w"] {
            let i = try net.require(name), y = try net.require("y")
            let v = net.variables[i]
            #expect(v.cardinality == 10 && net.parents(of: i) == [y])
            #expect(v.cutPoints == report.discretized.first { $0.name == name }?.cutPoints)
        }
        // Without it (--dnb-bins 0) only the MDL table is tried (and the one with the
        // derived index, here of u and w, whose difference the log-odds follow).
        var off = learner
        off.discriminativeBins = nil
        #expect(try off.learn(raw).1.candidates.allSatisfy { $0.bins == "values" || $0.bins == "values+derived" })
        // A table with no numeric column of many values has nothing to cut finer.
        let categorical = try table(["g": (0..<200).map { ["p", "q"][$0 % 2] }, "y": (0..<200).map { ["a", "b", "b"][$0 % 3] }],
                                    order: ["g", "y"])
        let (_, plain) = try learner.learn(categorical)
        #expect(!plain.candidates.isEmpty && plain.candidates.allSatisfy { $0.bins == "values" })
    }

    @Test func rowsWithGapsAreUsedByEM() throws {
        let truth = try truth()
        let data = ForwardSampler(truth).sample(rows: 2_000, seed: 5, options: .init(missing: 0.2, missingColumns: [1, 2, 3]))
        var learner = TargetedLearner(target: "C", structures: [.naiveBayes], priors: [1], innerFolds: 3)
        learner.parameterLearnings = [.generative]     // EM's tables, not refitted for P(C | row)
        let (net, report) = try learner.learn(data)
        #expect(report.missingCells == data.missingCount && data.missingCount > 0)
        let em = try #require(report.em)
        #expect(em.iterations >= 1)
        // EM's estimate of P(C) uses every row: close to the truth (0.3), where complete cases
        // alone would not move it, and the observed-data likelihood is EM's.
        #expect(abs(net.cpts[0].values[0] - 0.3) < 0.03)
    }

    @Test func baggingMixesTheBootstrapFits() throws {
        let data = ForwardSampler(try truth()).sample(rows: 1_500, seed: 6)
        var learner = TargetedLearner(target: "C", structures: [.tan], priors: [1], innerFolds: 3)
        learner.bagging = 5
        let (net, report) = try learner.learn(data)
        let bag = try #require(report.bagging)
        #expect(bag.replicates == 5)
        let root = try net.require(bag.mixtureRoot)
        #expect(net.variables[root].role == .latent && net.variables[root].cardinality == 5)
        #expect(net.cpts[root].values.allSatisfy { abs($0 - 0.2) < 1e-12 })
        // Strengths are shares of the 5 graphs; the class arcs are in all of them.
        for a in bag.arcStrengths {
            #expect(a.strength > 0 && a.strength <= 1 && a.direction >= 0.5 && a.direction <= 1)
            #expect((a.strength * 5).rounded() == a.strength * 5)
        }
        #expect(bag.arcStrengths.contains { $0.from == "C" && $0.to == "X1" && $0.strength == 1 })
        // The posterior of C sums the latent root out: brute force over (C, root) agrees.
        let row: [Int32] = [0, 1, 0, 2, 3]
        var joint = [0.0, 0.0]
        for c in 0..<2 {
            for b in 0..<5 {
                let r: [Int32] = (0..<net.count).map { v in v == root ? Int32(b) : v == 0 ? Int32(c) : row[v] }
                var p = 1.0
                for v in 0..<net.count {
                    var index = 0
                    for u in net.parents(of: v) + [v] { index = index * net.variables[u].cardinality + Int(r[u]) }
                    p *= net.cpts[v].values[index]
                }
                joint[c] += p
            }
        }
        let one = try table(["C": ["yes"], "X1": [net.variables[1].states[1]], "X2": [net.variables[2].states[0]],
                             "X3": [net.variables[3].states[2]], "N": [net.variables[4].states[3]]],
                            order: ["C", "X1", "X2", "X3", "N"]).encoded(for: net).data
        let (_, p) = try Evaluation.predict(net, on: one, target: "C")
        #expect(abs(p[0][0] - joint[0] / (joint[0] + joint[1])) < 1e-12)
    }

    /// The fold deal in place (`Evaluation.assignStratifiedFolds`, what `learn --target` keeps
    /// of its rows) is the definition: rows shuffled with the seed, grouped by class (a missing
    /// class a group of its own) in sorted order, dealt to the folds in turn.
    @Test func foldsDealtInPlaceAreTheGroupedDeal() {
        var rng = SplitMix64(seed: 5)
        for (rows, classes, folds) in [(1_000, 3, 5), (37, 2, 10), (500, 7, 2)] {
            let y = (0..<rows).map { _ in Int32(rng.next() % UInt64(classes + 1)) - 1 }
            for seed: UInt64 in [1, 99] {
                var order = Array(y.indices)
                var shuffler = SplitMix64(seed: seed)
                order.shuffle(using: &shuffler)
                let groups = Dictionary(grouping: order) { y[$0] }
                var expected = [Int](repeating: -1, count: rows), next = 0
                for c in groups.keys.sorted() { for i in groups[c]! { expected[i] = next % folds; next += 1 } }
                #expect(Evaluation.stratifiedFolds(classes: y, folds: folds, seed: seed) == expected)
            }
        }
    }

    /// `learn` on a table's distinct (row, fold) pairs weighted by their copies, as `credence
    /// learn --target` reads a file: counted families give the same counts, so the same
    /// candidates (log loss and Brier up to rounding), the same choice and model.
    @Test func distinctPairsWithCountsLearnAsTheRows() throws {
        let data = ForwardSampler(try truth()).sample(rows: 1_500, seed: 4)
        let learner = TargetedLearner(target: "C", structures: [.naiveBayes, .tan, .kdb(1)], priors: [1, 20], innerFolds: 4)
        var generative = learner
        generative.parameterLearnings = [.generative]
        let rows = generative.folded(data)
        var index: [[Int32]: Int] = [:], firsts: [Int] = [], counts: [Double] = []
        for r in 0..<data.rowCount {
            let key = data.columns.map { $0[r] } + [rows.folds[r]]
            if let p = index[key] { counts[p] += 1 } else { index[key] = firsts.count; firsts.append(r); counts.append(1) }
        }
        #expect(firsts.count < data.rowCount / 2)
        var pairs = data.rows(firsts)
        pairs.weights = counts
        let merged = TargetedLearner.FoldedTable(data: pairs, folds: firsts.map { rows.folds[$0] }, rows: data.rowCount,
                                                 missingCells: data.missingCount, weightsCountCopies: true)
        let (a, ra) = try generative.learn(rows), (b, rb) = try generative.learn(merged)
        #expect(ra.rows == rb.rows && ra.chosen.structure == rb.chosen.structure && ra.chosen.prior == rb.chosen.prior)
        #expect(ra.candidates.count == rb.candidates.count && ra.candidates.count == 12)
        for (x, y) in zip(ra.candidates, rb.candidates) {
            #expect(x.auc == y.auc && x.accuracy == y.accuracy)
            #expect(abs(x.logLoss - y.logLoss) < 1e-13 && abs(x.brier - y.brier) < 1e-13)
        }
        #expect(a == b)
    }

    @Test func nestedCrossValidationMatchesAHandSplitFold() throws {
        let data = ForwardSampler(try truth()).sample(rows: 900, seed: 8)
        let learner = TargetedLearner(target: "C", structures: [.naiveBayes, .kdb(1)], priors: [1, 5], innerFolds: 3)
        let cv = try Evaluation.crossValidate(data, target: "C", folds: 3, seed: 21) { try learner.learn($0).0 }
        // Fold 1 by hand: the same stratified assignment, learned on the other rows only.
        let fold = Evaluation.stratifiedFolds(classes: data.columns[0], folds: 3, seed: 21)
        let test = fold.indices.filter { fold[$0] == 1 }, train = fold.indices.filter { fold[$0] != 1 }
        #expect(Set(test).isDisjoint(with: train) && test.count + train.count == 900)
        let model = try learner.learn(data.rows(train)).0
        let (truth, predictions) = try Evaluation.predict(model, on: try data.rows(test).encoded(for: model).data, target: "C")
        let byHand = ClassificationMetrics(truth: truth, predictions: predictions)
        #expect(byHand == cv.perFold[1])
        // Stratified: every fold holds a third of each class, give or take one row.
        for c: Int32 in [0, 1] {
            let total = data.columns[0].filter { $0 == c }.count
            for f in 0..<3 {
                let n = fold.indices.filter { fold[$0] == f && data.columns[0][$0] == c }.count
                #expect(abs(n * 3 - total) <= 3)
            }
        }
        // Mean and standard deviation over the folds.
        let aucs = cv.perFold.map(\.auc)
        let mean = aucs.reduce(0, +) / 3
        #expect(abs(cv.foldMean.auc - mean) < 1e-12)
        let sd = (aucs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        #expect(abs(cv.foldStandardDeviation.auc - sd) < 1e-12)
        #expect(cv.heldOutTruth.count == 900 && cv.heldOutPredictions.count == 900)
    }

    @Test func heldOutRowsAreCutWithTheFoldsBinsAndUnseenValuesSummedOut() throws {
        var net = BayesianNetwork(name: "m")
        _ = try net.addVariable(Variable(name: "age", states: Variable.intervalNames(cutPoints: [30, 60]), cutPoints: [30, 60]))
        _ = try net.addVariable(Variable(name: "plan", states: ["basic", "pro"]))
        let raw = try table(["age": ["25", "45", "61", ""], "plan": ["pro", "gold", "basic", "pro"], "extra": ["1", "2", "3", "4"]],
                            order: ["age", "plan", "extra"])
        let (coded, unseen) = try raw.encoded(for: net)
        #expect(coded.names == ["age", "plan"])
        #expect(coded.columns[0] == [0, 1, 2, -1])
        #expect(coded.columns[1] == [1, -1, 0, 1])
        #expect(unseen == 1)
    }

    /// A table from string columns (empty = missing), states in order of first appearance.
    func table(_ cells: [String: [String]], order: [String]) throws -> Dataset {
        var states: [[String]] = [], columns: [[Int32]] = []
        for name in order {
            var seen: [String: Int32] = [:], list: [String] = []
            columns.append(cells[name]!.map { s in
                if s.isEmpty { return -1 }
                if let k = seen[s] { return k }
                seen[s] = Int32(list.count); list.append(s); return Int32(list.count - 1)
            })
            states.append(list)
        }
        return Dataset(names: order, states: states, columns: columns)
    }
}
