import Foundation
import Testing
import BNCore
@testable import BNInference
import BNFormats

/// Influence diagrams built in code for the solver's tests.
enum Diagrams {
    /// Adds a variable with `states`, `parents` and its table (rows in parent order, last
    /// parent fastest); a decision gets a uniform table.
    static func add(_ net: inout BayesianNetwork, _ name: String, _ states: [String], parents: [String] = [],
                    role: Variable.Role = .chance, _ table: [Double] = []) {
        let v = try! net.addVariable(Variable(name: name, states: states, role: role))
        for p in parents { try! net.addEdge(from: net.index(of: p)!, to: v) }
        if !table.isEmpty { try! net.setCPT(v, Factor(scope: net.familyScope(of: v), values: table)) }
    }

    static func utility(_ net: BayesianNetwork, _ name: String, _ parents: [String], _ values: [Double]) -> UtilityNode {
        UtilityNode(name: name, parents: parents.map { net.index(of: $0)! }, values: values)
    }

    /// Raiffa (1968) oil wildcatter with the test decision (Shenoy 1992's numbers): test
    /// costs 10; drilling pays −70 dry, 50 wet, 200 soaking.
    static func oilWildcatter() -> InfluenceDiagram {
        var net = BayesianNetwork(name: "oil_wildcatter")
        add(&net, "Test", ["yes", "no"], role: .decision)
        add(&net, "Oil", ["dry", "wet", "soaking"], [0.5, 0.3, 0.2])
        add(&net, "Seismic", ["closed", "open", "diffuse", "none"], parents: ["Oil", "Test"],
            [0.1, 0.3, 0.6, 0, 0, 0, 0, 1, 0.3, 0.4, 0.3, 0, 0, 0, 0, 1, 0.5, 0.4, 0.1, 0, 0, 0, 0, 1])
        add(&net, "Drill", ["yes", "no"], parents: ["Test", "Seismic"], role: .decision)
        let u = [utility(net, "TestCost", ["Test"], [-10, 0]),
                 utility(net, "Payoff", ["Oil", "Drill"], [-70, 0, 50, 0, 200, 0])]
        return try! InfluenceDiagram(network: net, utilities: u)
    }

    /// Poole & Mackworth's umbrella problem (Artificial Intelligence, 2010, §9.2).
    static func umbrella() -> InfluenceDiagram {
        var net = BayesianNetwork(name: "umbrella")
        add(&net, "Weather", ["norain", "rain"], [0.7, 0.3])
        add(&net, "Forecast", ["sunny", "cloudy", "rainy"], parents: ["Weather"], [0.7, 0.2, 0.1, 0.15, 0.25, 0.6])
        add(&net, "Umbrella", ["take", "leave"], parents: ["Forecast"], role: .decision)
        let u = [utility(net, "Utility", ["Weather", "Umbrella"], [20, 100, 70, 0])]
        return try! InfluenceDiagram(network: net, utilities: u)
    }

    /// Lauritzen & Nilsson (2001) pig breeder: four months, a test each of the first three,
    /// each treatment decision sees only that month's test (a LIMID).
    static func pigBreeder(noForgetting: Bool) -> InfluenceDiagram {
        var net = BayesianNetwork(name: "pig_breeder")
        var utilities: [UtilityNode] = []
        add(&net, "H1", ["ill", "healthy"], [0.1, 0.9])
        for i in 1...3 {
            add(&net, "T\(i)", ["positive", "negative"], parents: ["H\(i)"], [0.8, 0.2, 0.1, 0.9])
            add(&net, "D\(i)", ["treat", "pass"], parents: ["T\(i)"], role: .decision)
            utilities.append(utility(net, "C\(i)", ["D\(i)"], [-100, 0]))
            add(&net, "H\(i + 1)", ["ill", "healthy"], parents: ["H\(i)", "D\(i)"],
                [0.5, 0.5, 0.9, 0.1, 0.1, 0.9, 0.2, 0.8])
        }
        utilities.append(utility(net, "Price", ["H4"], [300, 1000]))
        return try! InfluenceDiagram(network: net, utilities: utilities, noForgetting: noForgetting)
    }

    /// A random diagram: five chance variables (binary but the last) and two binary decisions in the order
    /// C0 C1 D0 C2 C3 D1 C4, two utilities with values in [−50, 100]. With `recall`, D1
    /// observes D0 and D0's parents (perfect recall).
    static func random(seed: UInt64, recall: Bool) -> InfluenceDiagram {
        var rng = SplitMix64(seed: seed)
        var net = BayesianNetwork(name: "random\(seed)")
        let order = ["C0", "C1", "D0", "C2", "C3", "D1", "C4"]
        for name in order {
            let decision = name.hasPrefix("D")
            let k = name == "C4" ? 2 + Int(rng.next() % 2) : 2
            try! net.addVariable(Variable(name: name, states: (0..<k).map { "s\($0)" }, role: decision ? .decision : .chance))
        }
        func pick(_ among: [Int], upTo: Int) -> [Int] {
            let n = Int(rng.next() % UInt64(upTo + 1))
            return Array(among.shuffled(using: &rng).prefix(min(n, among.count)))
        }
        for v in 1..<order.count where v != 2 && v != 5 {
            for p in pick(Array(0..<v), upTo: 2) { try! net.addEdge(from: p, to: v) }
        }
        for p in pick([0, 1], upTo: 1) { try! net.addEdge(from: p, to: 2) }
        if recall {
            for p in net.parents(of: 2) + [2] { try! net.addEdge(from: p, to: 5) }
            for p in pick([3, 4], upTo: 1) { try! net.addEdge(from: p, to: 5) }
        } else {
            for p in pick([0, 1, 2, 3, 4], upTo: 2) { try! net.addEdge(from: p, to: 5) }
        }
        for v in 0..<net.count where net.variables[v].role == .chance {
            let scope = net.familyScope(of: v)
            let k = scope.cardinalities.last!
            var values: [Double] = []
            for _ in 0..<(scope.cardinalities.dropLast().reduce(1, *)) {
                let row = (0..<k).map { _ in 0.05 + rng.nextUnit() }
                let s = row.reduce(0, +)
                values += row.map { $0 / s }
            }
            try! net.setCPT(v, Factor(scope: scope, values: values))
        }
        var utilities: [UtilityNode] = []
        for (i, parents) in [pick([0, 1, 3, 4, 6], upTo: 1) + [2], pick([0, 1, 3, 4, 6], upTo: 1) + [5]].enumerated() {
            let rows = parents.reduce(1) { $0 * net.variables[$1].cardinality }
            utilities.append(UtilityNode(name: "U\(i)", parents: parents, values: (0..<rows).map { _ in -50 + 150 * rng.nextUnit() }))
        }
        return try! InfluenceDiagram(network: net, utilities: utilities, decisionOrder: [2, 5], noForgetting: false)
    }
}

/// Every deterministic strategy, enumerated: the oracle shares nothing with the solver.
struct StrategyEnumeration {
    let diagram: InfluenceDiagram

    /// `(mean, variance)` of the total utility under the strategy `choice[k][row]` for the
    /// decisions in temporal order, each seeing `information[k]`.
    func moments(_ choice: [[Int]], information: [[Int]]) -> (Double, Double) {
        let net = diagram.network
        let card = net.cardinalities
        var x = [Int](repeating: 0, count: net.count)
        var m1 = 0.0, m2 = 0.0
        func rowOf(_ vars: [Int]) -> Int { vars.reduce(0) { $0 * card[$1] + x[$1] } }
        while true {
            var p = 1.0
            for v in 0..<net.count {
                if let k = diagram.decisionOrder.firstIndex(of: v) {
                    if choice[k][rowOf(information[k])] != x[v] { p = 0; break }
                } else {
                    p *= net.cpts[v].values[rowOf(net.parents(of: v) + [v])]
                }
            }
            if p > 0 {
                let u = diagram.utilities.reduce(0.0) { $0 + $1.values[rowOf($1.parents)] }
                m1 += p * u
                m2 += p * u * u
            }
            var i = net.count - 1
            while i >= 0 { x[i] += 1; if x[i] < card[i] { break }; x[i] = 0; i -= 1 }
            if i < 0 { break }
        }
        return (m1, m2 - m1 * m1)
    }

    /// The best expected utility over all deterministic strategies.
    func best(information: [[Int]]) -> Double {
        let card = diagram.network.cardinalities
        let rows = information.map { $0.reduce(1) { $0 * card[$1] } }
        let options = diagram.decisionOrder.map { card[$0] }
        var choice = rows.map { [Int](repeating: 0, count: $0) }
        var best = -Double.infinity
        while true {
            best = max(best, moments(choice, information: information).0)
            var k = choice.count - 1, advanced = false
            while k >= 0 && !advanced {
                var r = choice[k].count - 1
                while r >= 0 { choice[k][r] += 1; if choice[k][r] < options[k] { advanced = true; break }; choice[k][r] = 0; r -= 1 }
                if !advanced { k -= 1 }
            }
            if !advanced { return best }
        }
    }
}

@Suite("Influence diagrams")
struct InfluenceDiagramTests {
    @Test("oil wildcatter: MEU 22.5, test, drill unless the seismic structure is diffuse")
    func oilWildcatter() throws {
        let id = Diagrams.oilWildcatter()
        let s = try InfluenceDiagramSolver(id).solve()
        #expect(abs(s.meu - 22.5) < 1e-9)
        #expect(s.guaranteedOptimal)
        let test = s.policies[0], drill = s.policies[1]
        #expect(test.choice == [0])
        #expect(abs(test.expectedUtility[0] - 22.5) < 1e-9 && abs(test.expectedUtility[1] - 20) < 1e-9)
        // Drill's information: Test, Seismic; rows (yes, closed) (yes, open) (yes, diffuse) …
        #expect(drill.information == [0, 2])
        #expect(Array(drill.choice[0..<3]) == [0, 0, 1])
        #expect(drill.choice[7] == 0)          // no test: drill (EU 20 against 0)
        // Forcing no test: MEU 20; the expected utility per option of Test.
        let eu = try InfluenceDiagramSolver(id).expectedUtilities(of: 0)
        #expect(abs(eu[0] - 22.5) < 1e-9 && abs(eu[1] - 20) < 1e-9)
        // With the structure observed closed after testing: P(Oil | closed) = (5, 9, 10)/24.
        let closed = try InfluenceDiagramSolver(id).solve(given: Evidence(hard: [0: 0, 2: 0]))
        #expect(abs(closed.meu - ((-70 * 5 + 50 * 9 + 200 * 10) / 24.0 - 10)) < 1e-9)
    }

    @Test("umbrella: MEU 77, leave unless the forecast is rainy")
    func umbrella() throws {
        let s = try InfluenceDiagramSolver(Diagrams.umbrella()).solve()
        #expect(abs(s.meu - 77) < 1e-9)
        #expect(s.policies[0].choice == [1, 1, 0])
        // E[U | rainy, take] = (0.07·20 + 0.18·70)/0.25 = 56.
        #expect(abs(s.policies[0].expectedUtility[4] - 56) < 1e-9)
        #expect(abs(s.policies[0].weight[2] - 0.25) < 1e-12)
        // do(Weather = rain): take the umbrella whatever the forecast, MEU 70.
        let rain = try InfluenceDiagramSolver(Diagrams.umbrella()).solve(given: Evidence(interventions: [0: 1]))
        #expect(abs(rain.meu - 70) < 1e-9 && rain.policies[0].choice == [0, 0, 0])
    }

    @Test("pig breeder LIMID: MEU 726.8121, std 338.4607 (Lauritzen & Nilsson 2001)")
    func pigBreederLIMID() throws {
        let s = try InfluenceDiagramSolver(Diagrams.pigBreeder(noForgetting: false)).solve()
        #expect(abs(s.meu - 726.8121) < 1e-4)
        #expect(abs(s.variance.squareRoot() - 338.460723) < 1e-5)
        #expect(s.policies.map(\.choice) == [[1, 1], [0, 1], [0, 1]])
        #expect(!s.guaranteedOptimal)
        let id = Diagrams.pigBreeder(noForgetting: false)
        let oracle = StrategyEnumeration(diagram: id)
        #expect(abs(oracle.best(information: id.decisionOrder.map { id.informationSet(of: $0) }) - s.meu) < 1e-9)
    }

    @Test("pig breeder under no-forgetting: MEU 729.225, variance 111953.999375 (as pyAgrum 3.3.1)")
    func pigBreederNoForgetting() throws {
        let id = Diagrams.pigBreeder(noForgetting: true)
        let s = try InfluenceDiagramSolver(id).solve()
        #expect(s.guaranteedOptimal && s.sweeps == 1)
        #expect(abs(s.meu - 729.225) < 1e-9 && abs(s.variance - 111953.999375) < 1e-6)
        #expect(s.policies[2].information.count == 5)   // T1 D1 T2 D2 T3
        let info = id.decisionOrder.map { id.informationSet(of: $0) }
        let (mean, variance) = StrategyEnumeration(diagram: id).moments(s.policies.map(\.choice), information: info)
        #expect(abs(mean - s.meu) < 1e-9 && abs(variance - s.variance) < 1e-6)
    }

    @Test("random diagrams: single policy updating against every strategy", arguments: Array(UInt64(1)...12))
    func randomAgainstEnumeration(seed: UInt64) throws {
        for recall in [true, false] {
            let id = Diagrams.random(seed: seed, recall: recall)
            let solver = InfluenceDiagramSolver(id)
            let s = try solver.solve()
            let info = id.decisionOrder.map { id.informationSet(of: $0) }
            let oracle = StrategyEnumeration(diagram: id)
            let (mean, variance) = oracle.moments(s.policies.map(\.choice), information: info)
            #expect(abs(mean - s.meu) < 1e-9 * max(1, abs(mean)))
            #expect(abs(variance - s.variance) < 1e-7 * max(1, variance))
            let best = oracle.best(information: info)
            #expect(s.meu <= best + 1e-9)
            if recall {
                #expect(solver.perfectRecall && s.guaranteedOptimal)
                #expect(abs(best - s.meu) < 1e-9 * max(1, abs(best)))
            }
        }
    }

    @Test("a forced decision: its expected utilities are the MEUs of each option")
    func forced() throws {
        let id = Diagrams.umbrella()
        let solver = InfluenceDiagramSolver(id)
        let eu = try solver.expectedUtilities(of: 2)
        // Always take: 0.7·20 + 0.3·70 = 35; always leave: 70.
        #expect(abs(eu[0] - 35) < 1e-9 && abs(eu[1] - 70) < 1e-9)
        let s = try solver.solve(given: Evidence(hard: [2: 0]))
        #expect(s.policies[0].forced == 0 && abs(s.meu - 35) < 1e-9)
        #expect(throws: InferenceError.self) { try solver.solve(given: Evidence(soft: [2: [1, 2]])) }
    }
}

@Suite("Influence diagrams from .bn files")
struct InfluenceDiagramFileTests {
    static func read(_ name: String) throws -> BNDocument {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../BNFormatsTests/Fixtures/bn/decisions").standardized.path
        return try BNLanguage.read(contentsOf: "\(folder)/\(name)")
    }

    @Test("the literature's diagrams read, solve to their published MEUs and print back the same")
    func fixtures() throws {
        for (file, meu, limited) in [("oil_wildcatter.bn", 22.5, false), ("umbrella.bn", 77.0, false), ("pig_breeder.bn", 726.8121, true)] {
            let doc = try Self.read(file)
            #expect(doc.limited == limited)
            let id = try doc.influenceDiagram()
            let s = try InfluenceDiagramSolver(id).solve()
            #expect(abs(s.meu - meu) < 1e-4, "\(file)")
            let again = try BNLanguage.parse(BNLanguage.print(doc), file: file)
            #expect(again == doc, "\(file)")
        }
        // The file and the diagram built in code agree.
        let fromFile = try InfluenceDiagramSolver(Self.read("oil_wildcatter.bn").influenceDiagram()).solve()
        let inCode = try InfluenceDiagramSolver(Diagrams.oilWildcatter()).solve()
        #expect(fromFile.policies.map(\.choice) == inCode.policies.map(\.choice))
        #expect(abs(fromFile.variance - inCode.variance) < 1e-9)
    }
}
