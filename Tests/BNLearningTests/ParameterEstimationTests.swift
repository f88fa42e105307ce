import Testing
import BNCore
@testable import BNLearning

@Suite("Family counts and parameter estimation")
struct ParameterEstimationTests {
    /// Six rows of A (2 states) and B (2 states), one with B missing, one with A missing.
    func tiny() -> (BayesianNetwork, Dataset) {
        var net = BayesianNetwork(name: "tiny")
        let a = try! net.addVariable(Variable(name: "A", states: ["x", "y"]))
        let b = try! net.addVariable(Variable(name: "B", states: ["u", "v"]))
        try! net.addEdge(from: a, to: b)
        // Data columns in the other order, and B's states listed as v, u: the binding recodes.
        let data = Dataset(names: ["B", "A"], states: [["v", "u"], ["x", "y"]],
                           columns: [[1, 1, 0, -1, 0, 1], [0, 0, 0, 1, 1, -1]])
        return (net, data)
    }

    @Test func countsSkipIncompleteRowsAndRecodeStates() throws {
        let (net, data) = tiny()
        let binding = try DataBinding(network: net, data: data)
        let counts = FamilyCounter.counts(families: [[0], [0, 1]], cardinalities: net.cardinalities, binding: binding)
        // A: x in rows 0,1,2; y in rows 3,4; row 5 missing.
        #expect(counts[0] == [3, 2])
        // (A, B): (x,u) rows 0,1; (x,v) row 2; (y,v) row 4; row 3 has B missing.
        #expect(counts[1] == [2, 1, 0, 1])
    }

    @Test func weightedCounts() throws {
        var (net, data) = tiny()
        data.weights = [1, 2, 3, 4, 5, 6]
        let binding = try DataBinding(network: net, data: data)
        #expect(FamilyCounter.counts(family: [0, 1], cardinalities: net.cardinalities, binding: binding) == [3, 3, 0, 5])
        _ = net
    }

    @Test func maximumLikelihoodAndBDeu() throws {
        let (net, data) = tiny()
        let mle = try ParameterEstimator().fit(net, to: data)
        #expect(mle.cpts[0].values == [0.6, 0.4])
        let mleB: [Double] = [2.0 / 3, 1.0 / 3, 0, 1]
        #expect(mle.cpts[1].values == mleB)
        // BDeu with ESS 4: α = 4 / (q r); for A q=1,r=2 → 2; for B q=2,r=2 → 1.
        let bayes = try ParameterEstimator(method: .bdeu(equivalentSampleSize: 4)).fit(net, to: data)
        let bayesA: [Double] = [5.0 / 9, 4.0 / 9]
        let bayesB: [Double] = [3.0 / 5, 2.0 / 5, 1.0 / 3, 2.0 / 3]
        #expect(bayes.cpts[0].values == bayesA)
        #expect(bayes.cpts[1].values == bayesB)
    }

    @Test func unseenParentConfigurationPolicy() throws {
        var net = BayesianNetwork()
        let a = try net.addVariable(Variable(name: "A", states: ["x", "y", "z"]))
        let b = try net.addVariable(Variable(name: "B", states: ["u", "v"]))
        try net.addEdge(from: a, to: b)
        let data = Dataset(names: ["A", "B"], states: [["x", "y", "z"], ["u", "v"]], columns: [[0, 1], [0, 1]])
        let fitted = try ParameterEstimator().fit(net, to: data)
        let expected: [Double] = [1, 0, 0, 1, 0.5, 0.5]   // A = z never seen → uniform
        #expect(fitted.cpts[b].values == expected)
        #expect(throws: LearningError.unseenParentConfiguration(variable: "B", parentStates: ["A=z"])) {
            try ParameterEstimator(unseenPolicy: .error).fit(net, to: data)
        }
    }

    @Test func missingColumnAndStateMismatchAreNamed() throws {
        let (net, _) = tiny()
        let noB = Dataset(names: ["A"], states: [["x", "y"]], columns: [[0, 1]])
        #expect(throws: LearningError.missingColumn(variable: "B")) { try ParameterEstimator().fit(net, to: noB) }
        let odd = Dataset(names: ["A", "B"], states: [["x", "y"], ["u", "w"]], columns: [[0], [1]])
        #expect(throws: LearningError.stateMismatch(variable: "B", modelStates: ["u", "v"], dataStates: ["u", "w"])) {
            try ParameterEstimator().fit(net, to: odd)
        }
    }

    @Test func mleRecoversTheGeneratingCPTs() throws {
        let truth = try Fixtures.chain()
        let data = Fixtures.sample(truth, rows: 200_000, seed: 9)
        let fitted = try ParameterEstimator().fit(truth, to: data)
        var worst = 0.0
        for v in 0..<truth.count {
            for (x, y) in zip(fitted.cpts[v].values, truth.cpts[v].values) { worst = max(worst, abs(x - y)) }
        }
        #expect(worst < 0.01)
        // Counting in two halves on two threads gives the same counts as one pass.
        let binding = try DataBinding(network: truth, data: data)
        let fams = [[0], [0, 1], [1, 2]]
        #expect(FamilyCounter.counts(families: fams, cardinalities: truth.cardinalities, binding: binding, threads: 2)
                == FamilyCounter.counts(families: fams, cardinalities: truth.cardinalities, binding: binding, threads: 1))
    }
}
