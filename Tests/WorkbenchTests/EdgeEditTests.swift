import Foundation
import Testing
import BNCore
@testable import Workbench

/// `reverse edge` and `remove edge` / `remove variable` change only what was asked: arc
/// reversal keeps the joint (Shachter 1986), removing a parent keeps the child's
/// distribution given its other parents (the parent marginalised out by inference).
@Suite("Edge edits keep what the user did not ask to change")
struct EdgeEditTests {
    static func asia() throws -> BayesianNetwork { try ModelIO.load(path: sharedRoot + "/networks/asia.bif") }

    /// The full joint in variable order (asia: 2^8 entries).
    static func joint(_ n: BayesianNetwork) throws -> [Double] {
        var f = Factor.constant(1)
        for t in n.cpts { f = try f.multiplying(t) }
        return f.reordered(to: Array(0..<n.count)).values
    }

    static func p(_ s: Session, _ target: String, _ state: Int = 0, given evidence: [(String, String)] = []) throws -> Double {
        s.clearEvidence()
        if !evidence.isEmpty { try s.observe(evidence) }
        defer { s.clearEvidence() }
        return try s.queryService.posterior(of: target, given: s.findings)[state]
    }

    static let asiaEdges = [("asia", "tub"), ("smoke", "lung"), ("smoke", "bronc"), ("tub", "either"),
                            ("lung", "either"), ("either", "xray"), ("either", "dysp"), ("bronc", "dysp")]

    /// Every edge of asia reversed: the joint is the same to 1e-12 and the edge points back.
    @Test(arguments: asiaEdges)
    func reversingAnAsiaEdgeKeepsTheJoint(from a: String, to b: String) throws {
        var n = try Self.asia()
        let before = try Self.joint(n)
        try ModelEdit.reverseEdge(from: a, to: b).apply(to: &n)
        #expect(n.dag.hasEdge(from: n.index(of: b)!, to: n.index(of: a)!) && !n.dag.hasEdge(from: n.index(of: a)!, to: n.index(of: b)!))
        let after = try Self.joint(n)
        #expect(zip(before, after).map { abs($0 - $1) }.max()! < 1e-12)
    }

    /// The case of the issue: P(smoke=yes | lung=yes) = 0.5·0.1 / 0.055 = 0.90909… before
    /// and after `reverse edge smoke -> lung` (it used to become 0.5).
    @Test func reversingSmokeLungKeepsTheirPosterior() throws {
        let s = Session(network: try Self.asia(), journaling: false)
        let r = CommandRunner(session: s)
        let expected = 0.05 / 0.055
        #expect(abs(try Self.p(s, "smoke", given: [("lung", "yes")]) - expected) < 1e-12)
        _ = try r.run(line: "reverse edge smoke -> lung")
        let n = s.network
        let (smoke, lung) = (n.index(of: "smoke")!, n.index(of: "lung")!)
        #expect(n.parents(of: smoke) == [lung] && n.parents(of: lung).isEmpty)
        #expect(abs(try Self.p(s, "smoke", given: [("lung", "yes")]) - expected) < 1e-12)
        // The tables themselves: P(lung) = (0.055, 0.945); P(smoke=yes | lung) = 0.05/0.055, 0.45/0.945.
        #expect(abs(n.cpts[lung].values[0] - 0.055) < 1e-15 && abs(n.cpts[lung].values[1] - 0.945) < 1e-15)
        #expect(abs(n.cpts[smoke][[0, 0]] - expected) < 1e-15 && abs(n.cpts[smoke][[1, 0]] - 0.45 / 0.945) < 1e-15)
        // Every other query is unchanged too.
        let before = Session(network: try Self.asia(), journaling: false)
        for v in n.names {
            for e in [[], [("xray", "yes")], [("dysp", "yes"), ("asia", "yes")]] {
                #expect(abs(try Self.p(s, v, given: e) - (try Self.p(before, v, given: e))) < 1e-12, "\(v) | \(e)")
            }
        }
    }

    @Test func aReversalThatWouldCloseACycleIsRefused() throws {
        let s = Session(network: try Self.asia(), journaling: false)
        try s.perform(.addEdge(from: "tub", to: "lung"))
        let before = s.network
        #expect(throws: ModelError.reversalCycle(from: "tub", to: "either", path: ["tub", "lung", "either"])) {
            try s.perform(.reverseEdge(from: "tub", to: "either"))
        }
        #expect(s.network == before)
    }

    /// `remove edge lung -> either`: either = lung OR tub, and lung is independent of tub,
    /// so P'(either=yes | tub=no) = P(lung=yes) = 0.055 and P'(either=yes | tub=yes) = 1
    /// (uniform averaging gave 0.5 and 1). P(either=yes) = 0.0104 + 0.9896·0.055 = 0.064828
    /// before and after; so is P(xray=yes), which hangs off either.
    @Test func removingLungEitherKeepsEitherGivenTub() throws {
        let s = Session(network: try Self.asia(), journaling: false)
        let pEither = try Self.p(s, "either"), pXray = try Self.p(s, "xray")
        #expect(abs(pEither - 0.064828) < 1e-12)
        _ = try CommandRunner(session: s).run(line: "remove edge lung -> either")
        let n = s.network
        let either = n.index(of: "either")!
        #expect(n.parents(of: either) == [n.index(of: "tub")!])
        let expected = [1, 0, 0.055, 0.945]
        #expect(zip(n.cpts[either].values, expected).allSatisfy { abs($0 - $1) < 1e-15 })
        let (newEither, newXray) = (try Self.p(s, "either"), try Self.p(s, "xray"))
        #expect(abs(newEither - pEither) < 1e-12 && abs(newXray - pXray) < 1e-12)
        // Removing lung altogether leaves either the same table.
        let t = Session(network: try Self.asia(), journaling: false)
        try t.perform(.removeVariable("lung"))
        let m = t.network
        #expect(zip(m.cpts[m.index(of: "either")!].values, expected).allSatisfy { abs($0 - $1) < 1e-15 })
    }

    /// C → A → B ← C, A depends on C: removing A → B weights B's rows by P(A | C), computed
    /// by inference. P'(B=0 | C=0) = 0.2·0.1 + 0.8·0.8 = 0.66, P'(B=0 | C=1) = 0.7·0.5 + 0.3·0.3
    /// = 0.44 (uniform averaging gave 0.45 and 0.4).
    @Test func removingAnEdgeWeighsByTheParentsDistribution() throws {
        var n = BayesianNetwork(name: "t")
        for name in ["C", "A", "B"] { try n.addVariable(Variable(name: name, states: ["0", "1"])) }
        for edit: ModelEdit in [.addEdge(from: "C", to: "A"), .addEdge(from: "A", to: "B"), .addEdge(from: "C", to: "B"),
                                .setCPT(variable: "C", parentStates: nil, probabilities: [0.4, 0.6]),
                                .setCPT(variable: "A", parentStates: nil, probabilities: [0.2, 0.8, 0.7, 0.3]),
                                .setCPT(variable: "B", parentStates: nil, probabilities: [0.1, 0.9, 0.5, 0.5, 0.8, 0.2, 0.3, 0.7]),
                                .removeEdge(from: "A", to: "B")] {
            try edit.apply(to: &n)
        }
        let b = n.index(of: "B")!
        #expect(n.parents(of: b) == [n.index(of: "C")!])
        #expect(zip(n.cpts[b].values, [0.66, 0.34, 0.44, 0.56]).allSatisfy { abs($0 - $1) < 1e-15 })
        var m = n
        #expect(throws: ModelError.missingEdge(from: "A", to: "B")) { try ModelEdit.removeEdge(from: "A", to: "B").apply(to: &m) }
    }
}
