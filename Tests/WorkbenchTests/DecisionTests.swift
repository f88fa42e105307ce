import Foundation
import Testing
import BNCore
@testable import Workbench

@Suite("Decisions: decide, policy, voi")
struct DecisionTests {
    static let root = repositoryRoot
    static let oil = root + "/Tests/BNFormatsTests/Fixtures/bn/decisions/oil_wildcatter.bn"

    @Test("decide on the oil wildcatter: MEU, option values, the policy, JSON keys")
    func oilWildcatter() throws {
        let (net, spec) = try ModelIO.loadWithDecisions(path: Self.oil)
        let r = try DecisionService.decide(net, spec)
        #expect(abs(r.meu - 22.5) < 1e-9 && r.guaranteedOptimal)
        #expect(r.expectedUtilities.map(\.best) == ["yes", "yes"])
        #expect(abs(r.expectedUtilities[0].expectedUtilities[1] - 20) < 1e-9)
        let drill = r.policies[1]
        #expect(drill.observes == ["Test", "Seismic"])
        let diffuse = try #require(drill.rules.first { $0.given == ["yes", "diffuse"] })
        #expect(diffuse.choice == "no" && abs(diffuse.probability - 0.41) < 1e-12)
        // E[payoff | diffuse] = (0.3·−70 + 0.09·50 + 0.02·200)/0.41 − 10.
        #expect(abs(diffuse.expectedUtilities[0] - ((-21 + 4.5 + 4) / 0.41 - 10)) < 1e-9)
        let json = try JSONDocument.encode(r)
        for key in ["\"meu\"", "\"policies\"", "\"expectedUtilities\"", "\"variance\""] { #expect(json.contains(key)) }
        #expect(r.text.hasPrefix("MEU 22.5  (sd "))
    }

    @Test("the value of information: EVPI of the oil, the value of the seismic result")
    func valueOfInformation() throws {
        let (net, spec) = try ModelIO.loadWithDecisions(path: Self.oil)
        let rows = try DecisionService.informationValues(net, spec, before: "Drill")
        let oil = try #require(rows.first { $0.variable == "Oil" })
        #expect(abs(oil.value - 32.5) < 1e-9 && !oil.observed)       // 55 − 22.5
        let seismic = try #require(rows.first { $0.variable == "Seismic" })
        #expect(seismic.observed && abs(seismic.without - 20) < 1e-9)  // without it, do not test
        #expect(rows.map(\.value) == rows.map(\.value).sorted(by: >))
        #expect(throws: (any Error).self) { try DecisionService.informationValues(net, spec, before: "Oil") }
    }

    @Test("REPL: decide, policy, voi; findings fix decisions; utilities survive a .bn save, other formats refuse")
    func session() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("credence-decisions-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let s = Session(baseDirectory: dir, journaling: false)
        let runner = CommandRunner(session: s)
        _ = try runner.run(line: "load \"\(Self.oil)\"")
        #expect(try CommandLanguage.parse("policy Drill") == .policy("Drill"))
        #expect(try CommandLanguage.parse("voi Drill") == .valueOfInformation("Drill"))
        _ = try runner.execute(.intervene([.init("Test", "no")]))
        let forced = try s.decide()
        #expect(abs(forced.meu - 20) < 1e-9 && forced.policies[0].forced == "no")
        let policy = try runner.execute(.policy("Drill"))
        #expect(policy.text.contains("Drill, observing Test, Seismic"))
        #expect(throws: (any Error).self) { try runner.execute(.policy("Oil")) }
        try s.save(to: "copy.bn")
        let (_, again) = try ModelIO.loadWithDecisions(path: dir + "/copy.bn")
        #expect(again == s.decisions && again.utilities.count == 2)
        #expect(throws: (any Error).self) { try s.save(to: "copy.bif") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/copy.bif"))
    }

    @Test("the shipped decision model: the best offer for a price complaint is the prepaid package; the survey pays")
    func winbackModel() throws {
        let (net, spec) = try ModelIO.loadWithDecisions(path: Self.root + "/models/dealer_winback_decision.bn")
        var f = FindingSet()
        f.evidence = ["StatedReason": "price", "CarClass": "economy"]
        f.interventions = ["ContactMethod": "phone"]
        let r = try DecisionService.decide(net, spec, findings: f)
        #expect(r.expectedUtilities[1].best == "prepaid_4")
        let survey = try DecisionService.valueOfInformation(net, spec, observing: "StatedReason", before: "Incentive")
        #expect(survey.with - survey.without > 20)   // more than a phone survey costs
    }

    @Test("REPL: add decision and add utility build the umbrella problem; remove utility; the session is dirty")
    func buildInTheREPL() throws {
        let s = Session(journaling: false)
        let runner = CommandRunner(session: s)
        for line in ["new umbrella", "add variable Weather {norain, rain}", "set cpt Weather 0.7 0.3",
                     "add variable Forecast {sunny, cloudy, rainy}", "add edge Weather -> Forecast",
                     "set cpt Forecast (norain): 0.7 0.2 0.1", "set cpt Forecast (rain): 0.15 0.25 0.6",
                     "add decision Umbrella {take, leave} observes Forecast",
                     "add utility Utility | Weather, Umbrella = 20 100 70 0"] {
            _ = try runner.run(line: line)
        }
        #expect(try CommandLanguage.parse("add decision D {a, b} observes X Y") == .edit(.addDecision(name: "D", states: ["a", "b"], observes: ["X", "Y"])))
        let r = try s.decide()
        #expect(abs(r.meu - 77) < 1e-9 && r.policies[0].rules.map(\.choice) == ["leave", "leave", "take"])
        #expect(s.isDirty)
        #expect(throws: CommandFailure.self) { try runner.run(line: "add utility Utility = 1") }      // twice
        #expect(throws: CommandFailure.self) { try runner.run(line: "add utility Bad | Weather = 1 2 3") }
        _ = try runner.run(line: "remove utility Utility")
        #expect(s.decisions.utilities.isEmpty)
        #expect(throws: (any Error).self) { try s.decide() }
    }
}

