import Foundation
import Testing
import BNCore
@testable import Workbench

@Suite("explain: impact, sensitivity, value of information")
struct ExplainCommandTests {
    func load(_ name: String) throws -> BayesianNetwork { try ModelIO.load(path: sharedRoot + "/networks/\(name).bif") }

    /// `P(T = t | e)` by a fresh junction tree, `e` given by names.
    func posterior(_ n: BayesianNetwork, _ target: String, _ state: String, _ e: [String: String],
                   soft: [String: [Double]] = [:]) throws -> Double {
        let r = try QueryService(network: n).answer(QueryRequest(targets: [target], findings: FindingSet(evidence: e, soft: soft)))
        return r.marginals[0].probabilities[try n.stateIndex(try n.require(target), state)]
    }

    /// The network with `θ = P(x | row)` set to `value`, the rest of the row scaled proportionally.
    func covaried(_ n: BayesianNetwork, _ v: Int, row: Int, state: Int, to value: Double) throws -> BayesianNetwork {
        var m = n
        let k = n.variables[v].cardinality
        var values = n.cpts[v].values
        let old = values[row * k + state]
        for j in 0..<k { values[row * k + j] = j == state ? value : values[row * k + j] * (1 - value) / (1 - old) }
        try m.setCPT(v, try Factor(scope: n.familyScope(of: v), values: values), renormalizing: false)
        return m
    }

    func checkAgainstFiniteDifferences(_ n: BayesianNetwork, target: String, state: String, evidence: [String: String]) throws -> Int {
        let x = try Explainer(network: n).explain(target: target, state: state, findings: FindingSet(evidence: evidence), top: 100_000)
        #expect(x.sensitivities.count == x.parametersExamined)
        let h = 1e-5
        var checked = 0
        for s in x.sensitivities {
            let v = try n.require(s.variable)
            let row = (0..<(n.cpts[v].values.count / n.variables[v].cardinality)).first { n.parentStates(of: v, row: $0) == s.parentStates }!
            let j = try n.stateIndex(v, s.state)
            #expect(n.cpts[v].values[row * n.variables[v].cardinality + j] == s.value)
            let step = min(h, s.value / 2, (1 - s.value) / 2)
            let up = try posterior(try covaried(n, v, row: row, state: j, to: s.value + step), target, state, evidence)
            let down = try posterior(try covaried(n, v, row: row, state: j, to: s.value - step), target, state, evidence)
            let fd = (up - down) / (2 * step)
            #expect(abs(fd - s.derivative) < 1e-6 * max(1, abs(fd)), "\(s.variable) \(s.parentStates): \(s.derivative) vs \(fd)")
            checked += 1
        }
        return checked
    }

    @Test func sensitivityMatchesCentralFiniteDifferencesOnAsia() throws {
        let n = try load("asia")
        let checked = try checkAgainstFiniteDifferences(n, target: "lung", state: "yes", evidence: ["asia": "yes", "xray": "yes", "dysp": "yes"])
        // asia: 18 rows of two-state tables, of which the 4 rows of the deterministic 'either' are 0/1.
        #expect(checked == 14)
        let x = try Explainer(network: n).explain(target: "lung", state: "yes", findings: FindingSet(evidence: ["xray": "yes"]), top: 3)
        #expect(x.sensitivities.count == 3)
        #expect(x.parametersSkipped == 4)
        #expect(abs(x.sensitivities[0].derivative) >= abs(x.sensitivities[1].derivative))
    }

    /// The often-quoted slope [P(t,x,u|e) − P(t|e) P(x,u|e)] / [θ(1 − θ)] alone is wrong when
    /// the parents U depend on the target given e: here either (the parent of xray) depends
    /// on lung. The term −[P(t,u|e) − P(t|e) P(u|e)] / (1 − θ) makes up
    /// the difference (and the sum matches finite differences above).
    @Test func theParentTermOfTheSlopeIsNeeded() throws {
        let n = try load("asia")
        let e = ["xray": "yes", "smoke": "yes"]
        let service = QueryService(network: n)
        func joint(_ evidence: [String: String]) throws -> [[String]: Double] {
            let r = try service.answer(QueryRequest(targets: ["either", "xray"], findings: FindingSet(evidence: evidence)))
            return Dictionary(uniqueKeysWithValues: r.joint!.map { ($0.states, $0.probability) })
        }
        let pt = try posterior(n, "lung", "yes", e)
        let given = try joint(e), withT = try joint(e.merging(["lung": "yes"]) { a, _ in a })
        let theta = 0.05   // P(xray=yes | either=no): slope -3.7925 (finite differences agree); the first term alone gives -3.9921
        let pxu = given[["no", "yes"]]!, ptxu = pt * withT[["no", "yes"]]!
        let pu = given[["no", "yes"]]! + given[["no", "no"]]!, ptu = pt * (withT[["no", "yes"]]! + withT[["no", "no"]]!)
        let short = (ptxu - pt * pxu) / (theta * (1 - theta))
        let full = short - (ptu - pt * pu) / (1 - theta)
        let x = try Explainer(network: n).explain(target: "lung", state: "yes", findings: FindingSet(evidence: e), top: 100)
        let s = try #require(x.sensitivities.first { $0.variable == "xray" && $0.parentStates == ["either=no"] })
        #expect(abs(s.derivative - full) < 1e-9)
        #expect(abs(s.derivative - short) > 0.1, "short \(short), full \(full)")
    }

    @Test func sensitivityMatchesFiniteDifferencesWithManyStatesOnChild() throws {
        let n = try load("child")
        let checked = try checkAgainstFiniteDifferences(n, target: "Disease", state: "TGA", evidence: ["LowerBodyO2": "<5", "Age": "0-3_days"])
        #expect(checked > 100)
    }

    @Test func valueOfInformationMatchesBruteForceEnumeration() throws {
        let n = try load("asia")
        let hard = ["xray": "yes"], soft = ["dysp": [0.8, 0.3]]
        let e = try Evidence(in: n, hard: hard, soft: soft)
        let x = try Explainer(network: n).explain(target: "lung", state: nil, findings: FindingSet(evidence: hard, soft: soft))
        // Enumerate the 2^8 joint states, weighted by the evidence.
        let t = try n.require("lung")
        var weights: [[Int]: Double] = [:]
        var assignment = [Int](repeating: 0, count: n.count)
        for code in 0..<(1 << n.count) {
            for v in 0..<n.count { assignment[v] = (code >> v) & 1 }
            var p = 1.0
            for v in 0..<n.count { p *= n.cpts[v].value(at: Dictionary(uniqueKeysWithValues: assignment.enumerated().map { ($0, $1) })) }
            if let s = e.hard.first?.value, assignment[e.hard.first!.key] != s { continue }
            for (v, w) in e.soft { p *= w[assignment[v]] }
            weights[assignment] = p
        }
        let z = weights.values.reduce(0, +)
        func entropy(_ p: [Double]) -> Double { -p.reduce(0) { $0 + ($1 > 0 ? $1 * log2($1) : 0) } }
        var pt = [0.0, 0.0]
        for (a, w) in weights { pt[a[t]] += w / z }
        #expect(abs(x.entropy - entropy(pt)) < 1e-12)
        #expect(x.state == (pt[0] >= pt[1] ? "yes" : "no"))
        #expect(abs(x.probability - pt[try n.stateIndex(t, x.state)]) < 1e-12)
        // H(T|e) − Σ_v P(v|e) H(T|e, V=v), by brute force.
        var expected: [String: Double] = [:]
        for v in 0..<n.count where v != t && e.hard[v] == nil {
            var joint = [[0.0, 0.0], [0.0, 0.0]]
            for (a, w) in weights { joint[a[v]][a[t]] += w / z }
            let conditional = joint.reduce(0.0) { acc, row in
                let pv = row.reduce(0, +)
                return acc + (pv > 0 ? pv * entropy(row.map { $0 / pv }) : 0)
            }
            expected[n.variables[v].name] = entropy(pt) - conditional
        }
        #expect(x.information.count == 6)
        for i in x.information { #expect(abs(i.bits - expected[i.variable]!) < 1e-10, "\(i.variable)") }
        #expect(zip(x.information, x.information.dropFirst()).allSatisfy { $0.bits >= $1.bits })
        // 'either' carries everything xray says about lung: the best next question.
        #expect(x.information[0].variable == "either")
    }

    @Test func impactMatchesDirectQueries() throws {
        let n = try load("asia")
        let evidence = ["smoke": "yes", "xray": "yes", "dysp": "no"]
        let x = try Explainer(network: n).explain(target: "lung", state: "yes", findings: FindingSet(evidence: evidence))
        #expect(abs(x.probability - (try posterior(n, "lung", "yes", evidence))) < 1e-12)
        #expect(x.impacts.map(\.variable).sorted() == ["dysp", "smoke", "xray"])
        for i in x.impacts {
            var rest = evidence
            rest[i.variable] = nil
            let without = try posterior(n, "lung", "yes", rest)
            #expect(abs(i.without - without) < 1e-12)
            #expect(abs(i.change - (x.probability - without)) < 1e-12)
            // Good's weight of evidence from its definition: ln P(eᵢ | t, e₋ᵢ) / P(eᵢ | ¬t, e₋ᵢ).
            #expect(i.finding == "\(i.variable)=\(i.state!)")
            let given = try posterior(n, i.variable, i.state!, rest.merging(["lung": "yes"]) { a, _ in a })
            let givenNot = try posterior(n, i.variable, i.state!, rest.merging(["lung": "no"]) { a, _ in a })
            #expect(abs(i.weightOfEvidence - log(given / givenNot)) < 1e-9)
        }
        #expect(zip(x.impacts, x.impacts.dropFirst()).allSatisfy { abs($0.change) >= abs($1.change) })
        #expect(x.impacts[0].variable == "xray")
    }

    @Test func errorsSayWhatIsWrong() throws {
        let runner = CommandRunner(session: Session(network: try load("asia")))
        func failure(_ line: String) -> String {
            do { _ = try runner.run(line: line); return "" } catch { return error.message }
        }
        #expect(failure("explain lungg").contains("did you mean 'lung'?"))
        #expect(failure("explain lung=maybe").contains("maybe"))
        #expect(failure("explain lung=maybe").contains("yes"))
        _ = try runner.run(line: "observe lung=yes")
        #expect(failure("explain lung") == "'lung' is observed (lung=yes); retract lung to explain it, or explain another variable")
        _ = try runner.run(line: "do lung=no")
        #expect(failure("explain lung").contains("is set by do(lung=no)"))
        #expect(try CommandLanguage.parse("explain lung=yes top 3") == .explain(target: "lung", state: "yes", top: 3))
        #expect(try CommandLanguage.parse("explain lung") == .explain(target: "lung", state: nil, top: 10))
        #expect(throws: CommandFailure.self) { try CommandLanguage.parse("explain") }
        #expect(throws: CommandFailure.self) { try CommandLanguage.parse("explain lung top") }
    }

    @Test func theRunnerRendersAllThreeParts() throws {
        let runner = CommandRunner(session: Session(network: try load("asia")))
        _ = try runner.run(line: "observe xray=yes smoke=yes")
        let r = try #require(try runner.run(line: "explain lung=yes top 2"))
        #expect(r.text.hasPrefix("P(lung=yes | smoke=yes, xray=yes) = "))
        #expect(r.text.contains("sensitivity of P(lung=yes | evidence) to the tables: top 2 of 14 parameters (4 at 0 or 1 skipped)"))
        #expect(r.text.contains("value of information for lung"))
    }
}

@Suite("credence explain", .serialized)
struct ExplainSubcommandTests {
    @Test(.enabled(if: CommandLanguageTranscriptTests.binary != nil, "the credence binary is not built next to the tests"))
    func jsonAndErrorsThroughTheBinary() throws {
        let asia = "../../../../shared/networks/asia.bif"
        let (out, status) = try CommandLanguageTranscriptTests.runBinary(["explain", asia, "lung=yes", "--evidence", "xray=yes",
                                                                          "--evidence", "smoke=yes", "--top", "2", "--json"])
        #expect(status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(doc["target"] as? String == "lung")
        #expect(abs((doc["probability"] as? Double ?? 0) - 0.6460) < 1e-4)
        #expect((doc["sensitivities"] as? [Any])?.count == 2)
        #expect((doc["impacts"] as? [[String: Any]])?.first?["finding"] as? String == "xray=yes")
        #expect(doc["parametersExamined"] as? Int == 14)
        let text = try CommandLanguageTranscriptTests.runBinary(["explain", asia, "lung=yes", "--evidence", "xray=yes", "--top", "1"])
        #expect(text.output.hasPrefix("P(lung=yes | xray=yes) = "))
        let (bad, badStatus) = try CommandLanguageTranscriptTests.runBinary(["explain", asia, "lung", "--evidence", "lung=no"])
        #expect(badStatus != 0)
        #expect(bad.contains("'lung' is observed (lung=no); retract lung to explain it"))
        let (state, stateStatus) = try CommandLanguageTranscriptTests.runBinary(["explain", asia, "lung=maybe"])
        #expect(stateStatus != 0)
        #expect(state.contains("maybe"))
    }
}
