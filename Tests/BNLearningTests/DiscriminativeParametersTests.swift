import Testing
import Foundation
import BNCore
import BNInference
@testable import BNLearning

/// Discriminative tables (`DiscriminativeParameters`): the objective against brute force,
/// its gradient against finite differences, and the fit and the pipeline's choice.
@Suite("Discriminative parameters")
struct DiscriminativeParametersTests {
    /// C → X1, X2, X3 with X1 → X2 (TAN's shape), and X4 a near copy of X1 with C and X1 as
    /// parents: counted tables count X1's evidence twice, fitted ones need not.
    func network() throws -> BayesianNetwork {
        var net = try Fixtures.classifier()
        let x4 = try net.addVariable(Variable(name: "X4", states: ["a", "b"]))
        try net.addEdge(from: 0, to: x4)
        try net.addEdge(from: 1, to: x4)
        try net.setCPT(x4, Factor(scope: net.familyScope(of: x4), values: [0.95, 0.05, 0.05, 0.95, 0.95, 0.05, 0.05, 0.95]))
        return net
    }

    /// `Σ_n ln P(c_n | observed cells of row n)` by summing the full joint over every
    /// completion of the row's missing cells.
    func bruteForceConditionalLogLikelihood(_ net: BayesianNetwork, _ data: Dataset, target: Int) throws -> Double {
        let binding = try DataBinding(network: net, data: data)
        var total = 0.0
        for i in 0..<data.rowCount {
            let row = (0..<net.count).map { Int(binding.codes[$0]![i]) }
            guard row[target] >= 0 else { continue }
            let missing = (0..<net.count).filter { row[$0] < 0 && $0 != target }
            var perClass = [Double](repeating: 0, count: net.variables[target].cardinality)
            for k in perClass.indices {
                var x = row
                x[target] = k
                for m in missing { x[m] = 0 }
                while true {
                    var joint = 1.0
                    for v in 0..<net.count {
                        var index = 0
                        for u in net.parents(of: v) + [v] { index = index * net.variables[u].cardinality + x[u] }
                        joint *= net.cpts[v].values[index]
                    }
                    perClass[k] += joint
                    var carried = true
                    for m in missing where carried {
                        x[m] += 1
                        if x[m] < net.variables[m].cardinality { carried = false } else { x[m] = 0 }
                    }
                    if carried { break }
                }
            }
            total += log(perClass[row[target]] / perClass.reduce(0, +))
        }
        return total
    }

    func sample(rows: Int, seed: UInt64, missing: Double) throws -> (BayesianNetwork, Dataset) {
        let truth = try network()
        let data = ForwardSampler(truth).sample(rows: rows, seed: seed,
                                                options: .init(missing: missing, missingColumns: missing > 0 ? [1, 2, 3, 4] : []))
        return (truth, data)
    }

    /// The objective's conditional log-likelihood, with missing X1 (a parent of X2 and X4,
    /// enumerated), missing X2, X3, X4 (leaves, summed out) and combinations, equals the
    /// brute-force sum over completions; and the network the fit returns is scored the same
    /// way by the inference engine (`Evaluation.predict`), so the tables are read unchanged.
    @Test func conditionalLikelihoodMarginalisesMissingCellsExactly() throws {
        let (truth, data) = try sample(rows: 600, seed: 3, missing: 0.3)
        #expect(data.missingCount > 300)
        let binding = try DataBinding(network: truth, data: data)
        let viaProblem = DiscriminativeParameters.conditionalLogLikelihood(truth, target: 0, binding: binding)
        let byHand = try bruteForceConditionalLogLikelihood(truth, data, target: 0)
        #expect(abs(viaProblem - byHand) < 1e-9 * abs(byHand))
        let fitted = try #require(try DiscriminativeParameters.networks(truth, target: 0, binding: binding, penalties: [1])?.first)
        let (labels, predictions) = try Evaluation.predict(fitted, on: data, target: "C")
        let byEngine = labels.indices.reduce(0.0) { $0 + log(predictions[$1][Int(labels[$1])]) }
        let byProblem = DiscriminativeParameters.conditionalLogLikelihood(fitted, target: 0, binding: binding)
        #expect(abs(byEngine - byProblem) < 1e-8 * abs(byEngine))
        #expect(abs(byProblem - (try bruteForceConditionalLogLikelihood(fitted, data, target: 0))) < 1e-9 * abs(byProblem))
    }

    /// The analytic gradient of `−CLL(β) + (λ/2)|β|²` equals central finite differences at a
    /// point away from the start, on rows with and without gaps.
    @Test func gradientMatchesFiniteDifferences() throws {
        let (truth, data) = try sample(rows: 300, seed: 8, missing: 0.25)
        var problem = DiscriminativeParameters.Problem(network: truth, target: 0, binding: try DataBinding(network: truth, data: data))
        problem.centre = problem.startingPoint(truth)
        // C's table (2) and the tables of X1 (4), X2 (8), X3 (6), X4 (8).
        #expect(problem.dimension == 28)
        #expect(problem.unitOffset.count > problem.truth.count)   // rows with X1 missing have two completions
        var rng = SplitMix64(seed: 5)
        let beta = problem.startingPoint(truth).map { $0 + (rng.nextUnit() - 0.5) }
        var gradient = [Double](repeating: 0, count: problem.dimension)
        let lambda = 0.7
        _ = problem.negativeObjective(beta, lambda: lambda, gradient: &gradient)
        var scratch = gradient
        let h = 1e-5
        for j in 0..<problem.dimension {
            var up = beta, down = beta
            up[j] += h; down[j] -= h
            let numeric = (problem.negativeObjective(up, lambda: lambda, gradient: &scratch)
                           - problem.negativeObjective(down, lambda: lambda, gradient: &scratch)) / (2 * h)
            #expect(abs(numeric - gradient[j]) < 1e-5 * max(1, abs(numeric)), "β[\(j)]")
        }
        #expect(gradient.contains { abs($0) > 1 })   // not a flat point
    }

    /// A row whose missing cells would need more completions than `maxCompletions` (three
    /// missing parents of an observed feature, 20 states each: 8,000) is fitted without the
    /// families that hold a missing cell, and counted; rows that need few completions are not.
    @Test func rowsWithTooManyCompletionsLeaveOutTheirMissingFamilies() throws {
        var net = BayesianNetwork(name: "wide")
        let c = try net.addVariable(Variable(name: "C", states: ["y", "n"]))
        let parents = try (0..<3).map { try net.addVariable(Variable(name: "P\($0)", states: (0..<20).map { "s\($0)" })) }
        let x = try net.addVariable(Variable(name: "X", states: ["a", "b"]))
        for p in parents { try net.addEdge(from: c, to: p); try net.addEdge(from: p, to: x) }
        try net.addEdge(from: c, to: x)
        var rng = SplitMix64(seed: 4)
        for v in 0..<net.count {
            let r = net.variables[v].cardinality
            var values = (0..<net.cpts[v].values.count).map { _ in 0.05 + rng.nextUnit() }
            for row in 0..<(values.count / r) {
                let z = values[(row * r)..<(row * r + r)].reduce(0, +)
                for j in 0..<r { values[row * r + j] /= z }
            }
            try net.setCPT(v, Factor(scope: net.familyScope(of: v), values: values))
        }
        // Row 0: every cell; row 1: P0 missing (20 completions); row 2: all three missing.
        let columns: [[Int32]] = [[0, 1, 0], [3, -1, -1], [4, 5, -1], [7, 8, -1], [1, 0, 1]]
        let data = Dataset(names: net.names, states: net.variables.map(\.states), columns: columns)
        let binding = try DataBinding(network: net, data: data)
        let problem = DiscriminativeParameters.Problem(network: net, target: c, binding: binding)
        #expect(problem.approximatedRows == 1)
        #expect(problem.rowStart == [0, 1, 21, 22])
        // Row 2 reads only the class table: every other fitted table holds a missing cell.
        let m = problem.fitted.count
        #expect((0..<m).map { problem.unitBase[21 * m + $0] >= 0 } == [true] + [Bool](repeating: false, count: m - 1))
        // Its posterior is then the class prior; the others' are the network's, exactly.
        let byProblem = DiscriminativeParameters.conditionalLogLikelihood(net, target: c, binding: binding)
        let exact = try bruteForceConditionalLogLikelihood(net, data.rows([0, 1]), target: c)
        let prior = log(net.cpts[c].values[0])      // row 2 is of class y
        #expect(abs(byProblem - (exact + prior)) < 1e-9)
        // Row 2's exact posterior is not the prior: the approximation is a real one.
        let row2 = try bruteForceConditionalLogLikelihood(net, data.rows([2]), target: c)
        #expect(abs(row2 - prior) > 1e-3)
    }

    /// On the naive-Bayes graph, where X4 repeats X1 and X2 follows X1 (arcs naive Bayes
    /// lacks), fitted tables raise the conditional log-likelihood well above the counted ones
    /// they start from (counting takes X1's evidence twice; fitting discounts it), stay
    /// normalised, and sit at a minimum of the penalised objective.
    @Test func fittedTablesRaiseTheConditionalLikelihood() throws {
        let (truth, data) = try sample(rows: 2_000, seed: 21, missing: 0.1)
        let skeleton = try BayesianNetwork.unconnected(over: data, name: "t", cutPoints: [:])
        let binding = try DataBinding(network: skeleton, data: data)
        // Naive Bayes' graph, counted (BDeu 1) from the sample.
        var graph = skeleton
        for v in 1..<truth.count { try graph.setParents(v, to: [0]) }
        let counts = FamilyCounter.counts(families: graph.families, cardinalities: graph.cardinalities, binding: binding, threads: 1)
        let counted = try ParameterEstimator(method: .bdeu(equivalentSampleSize: 1)).apply(counts: counts, to: graph)
        let lambda = 0.5
        let fitted = try #require(try DiscriminativeParameters.networks(counted, target: 0, binding: binding, penalties: [lambda])?.first)
        let before = DiscriminativeParameters.conditionalLogLikelihood(counted, target: 0, binding: binding)
        let after = DiscriminativeParameters.conditionalLogLikelihood(fitted, target: 0, binding: binding)
        #expect(after > before + 20, "CLL \(before) → \(after)")
        // The penalty is centred on the counts: with a stiff one the fit stays at the counted
        // tables (class frequencies included), not at uniform ones.
        let stiff = try #require(try DiscriminativeParameters.networks(counted, target: 0, binding: binding, penalties: [1e6])?.first)
        for v in 0..<counted.count {
            #expect(zip(stiff.cpts[v].values, counted.cpts[v].values).allSatisfy { abs($0 - $1) < 1e-3 }, "\(counted.variables[v].name)")
        }
        // Only the class's and its children's tables change; every row sums to 1.
        #expect(fitted.dag == counted.dag)
        for v in 0..<fitted.count {
            let r = fitted.variables[v].cardinality
            let values = fitted.cpts[v].values
            for row in 0..<(values.count / r) {
                #expect(abs(values[(row * r)..<(row * r + r)].reduce(0, +) - 1) < 1e-12)
            }
        }
        // A minimum: the gradient at the fitted tables (β = ln θ centred per row) is small
        // against its size at the start, and no step of 0.05 in a random direction lowers
        // the penalised objective.
        var problem = DiscriminativeParameters.Problem(network: counted, target: 0, binding: binding)
        problem.centre = problem.startingPoint(counted)
        var g0 = [Double](repeating: 0, count: problem.dimension), g1 = g0
        _ = problem.negativeObjective(problem.startingPoint(counted), lambda: lambda, gradient: &g0)
        let best = problem.startingPoint(fitted)
        let value = problem.negativeObjective(best, lambda: lambda, gradient: &g1)
        let norm0 = g0.reduce(0) { max($0, abs($1)) }, norm1 = g1.reduce(0) { max($0, abs($1)) }
        #expect(norm0 > 10 && norm1 < 1e-2 * norm0, "|g| \(norm0) → \(norm1)")
        var rng = SplitMix64(seed: 2)
        for _ in 0..<20 {
            let step = best.map { $0 + 0.05 * (rng.nextUnit() - 0.5) }
            #expect(problem.negativeObjective(step, lambda: lambda, gradient: &g0) > value - 1e-6)
        }
    }

    /// A class followed by one noisy signal and three near copies of it: counted naive Bayes
    /// counts the signal four times and is overconfident; the pipeline measures both and
    /// chooses the discriminative tables by their inner log loss, and `--parameters` restricts
    /// the choice.
    @Test func thePipelineChoosesTablesByInnerLogLoss() throws {
        var rng = SplitMix64(seed: 17)
        var cells: [String: [String]] = ["y": [], "a": [], "b": [], "c": [], "d": []]
        for _ in 0..<1_500 {
            let y = rng.nextUnit() < 0.4
            let s = rng.nextUnit() < (y ? 0.75 : 0.25)
            cells["y"]!.append(y ? "leave" : "stay")
            for name in ["a", "b", "c", "d"] { cells[name]!.append((rng.nextUnit() < 0.97 ? s : !s) ? "hi" : "lo") }
        }
        let order = ["a", "b", "c", "d", "y"]
        var states: [[String]] = [], columns: [[Int32]] = []
        for name in order {
            let list = Array(Set(cells[name]!)).sorted()
            states.append(list)
            columns.append(cells[name]!.map { Int32(list.firstIndex(of: $0)!) })
        }
        let data = Dataset(names: order, states: states, columns: columns)
        var learner = TargetedLearner(target: "y", structures: [.naiveBayes], priors: [1, 10], innerFolds: 3)
        learner.featureSelections = [.relevant]
        learner.discriminativePenalties = [0.3, 3]
        let (net, report) = try learner.learn(data)
        let generative = report.candidates.filter { $0.parameters == "generative" }
        let discriminative = report.candidates.filter { $0.parameters == "discriminative" }
        #expect(generative.count == 2 && discriminative.count == 2)
        #expect(discriminative.map(\.penalty) == [0.3, 3])
        #expect(report.chosen.parameters == "discriminative")
        #expect(report.chosen.logLoss < generative.map(\.logLoss).min()! - 0.01)
        // The stored tables are the fitted ones: naive Bayes' graph, not its counts.
        let counted = try Classifiers.build(.naiveBayes, data, target: "y",
                                            estimator: ParameterEstimator(method: .bdeu(equivalentSampleSize: report.chosen.prior)))
        #expect(net.dag == counted.dag)
        #expect(net.cpts != counted.cpts)
        // Only counted tables: no discriminative candidate.
        learner.parameterLearnings = [.generative]
        let (_, countedOnly) = try learner.learn(data)
        #expect(countedOnly.candidates.allSatisfy { $0.parameters == "generative" && $0.penalty == nil })
        // Only discriminative tables: chosen among them even where counted ones would win.
        learner.parameterLearnings = [.discriminative]
        learner.discriminativePenalties = [1_000]
        let (_, forced) = try learner.learn(data)
        #expect(forced.chosen.parameters == "discriminative" && forced.chosen.penalty == 1_000)
        // Discriminative alone needs a counted family to start from.
        learner.structures = [.discriminativeNaiveBayes]
        #expect(throws: LearningError.self) { try learner.learn(data) }
    }
}
