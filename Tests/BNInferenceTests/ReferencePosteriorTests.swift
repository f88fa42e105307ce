import Testing
import Foundation
import BNCore
import BNFormats
@testable import BNInference

/// The shared reference posteriors (pyAgrum LazyPropagation, see
/// `../shared/reference/README.md`): every query's target posterior, `P(evidence)` and
/// all marginals, matched to 1e-9 by variable elimination and by the junction tree.
enum Reference {
    /// `../shared` next to the repository (or `CREDENCE_SHARED_DIR`).
    static let sharedDirectory: String = {
        if let d = ProcessInfo.processInfo.environment["CREDENCE_SHARED_DIR"] { return d }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.deletingLastPathComponent().appendingPathComponent("shared").path
    }()
    static var referenceDirectory: String { sharedDirectory + "/reference" }
    static var networkDirectory: String { sharedDirectory + "/networks" }
    static var available: Bool { FileManager.default.fileExists(atPath: referenceDirectory + "/asia.json") }

    struct Query {
        let target: String
        let evidence: [String: String]
        let posterior: [Double]
        let pEvidence: Double
        let allMarginals: [String: [Double]]?
    }

    static func networkPath(_ name: String) -> String {
        let plain = networkDirectory + "/\(name).bif"
        return FileManager.default.fileExists(atPath: plain) ? plain : plain + ".gz"
    }

    static func load(_ name: String) throws -> (BayesianNetwork, [Query]) {
        let net = try BIFReader.read(path: networkPath(name))
        let data = try Data(contentsOf: URL(fileURLWithPath: referenceDirectory + "/\(name).json"))
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let queries = (json["queries"] as! [[String: Any]]).map { q in
            Query(target: q["target"] as! String,
                  evidence: q["evidence"] as! [String: String],
                  posterior: (q["posterior"] as! [NSNumber]).map(\.doubleValue),
                  pEvidence: (q["p_evidence"] as! NSNumber).doubleValue,
                  allMarginals: (q["all_marginals"] as? [String: [NSNumber]])?.mapValues { $0.map(\.doubleValue) })
        }
        return (net, queries)
    }

    /// Networks whose every query runs in a debug build within the CI budget; the large
    /// ones run a subset in debug (all of them in release, see `queryLimit`).
    static let small = ["asia", "cancer", "earthquake", "sachs", "survey", "child", "insurance", "alarm",
                        "water", "hailfinder", "hepar2", "win95pts"]
    static let large = ["barley", "mildew", "andes", "pathfinder"]

    static var isDebug: Bool {
        #if DEBUG
        return true
        #else
        return false
        #endif
    }
}

@Suite("Reference posteriors (pyAgrum, 1e-9)", .enabled(if: Reference.available))
struct ReferencePosteriorTests {
    /// Checks every query of `name` with `kind`; returns the largest absolute difference.
    func check(_ name: String, _ kind: EngineKind, queryLimit: Int, marginalQueries: Int) throws -> Double {
        let (net, queries) = try Reference.load(name)
        let engine = try kind.make(net)
        var worst = 0.0
        for (i, q) in queries.prefix(queryLimit).enumerated() {
            let e = try Evidence(in: net, hard: q.evidence)
            let t = try net.require(q.target)
            let post = try engine.posterior(of: t, given: e)
            let d = maxAbsDiff(post, q.posterior)
            worst = max(worst, d)
            #expect(d < 1e-9, "\(name) query \(i) target \(q.target): \(post) vs \(q.posterior)")
            let pe = exp(try engine.logProbabilityOfEvidence(e))
            let dp = abs(pe - q.pEvidence)
            worst = max(worst, dp)
            #expect(dp < 1e-9, "\(name) query \(i) P(e) \(pe) vs \(q.pEvidence)")
            if let all = q.allMarginals, i < marginalQueries {
                let got = try engine.allMarginals(given: e)
                for (v, expected) in all {
                    let d = maxAbsDiff(got[try net.require(v)], expected)
                    worst = max(worst, d)
                    #expect(d < 1e-9, "\(name) query \(i) marginal \(v)")
                }
            }
        }
        print("reference \(name) \(kind.rawValue): \(min(queryLimit, queries.count)) queries, max abs diff \(worst)")
        return worst
    }

    @Test("small and medium networks: every query, every marginal",
          arguments: Reference.small, EngineKind.allCases)
    func smallNetworks(name: String, kind: EngineKind) throws {
        // Variable elimination answers all marginals one variable at a time: in debug builds
        // check them on the first queries only.
        let marginals = kind == .junctionTree || !Reference.isDebug ? Int.max : 5
        _ = try check(name, kind, queryLimit: Int.max, marginalQueries: marginals)
    }

    @Test("large networks: every query (VE all-marginals on a subset)",
          arguments: Reference.large, EngineKind.allCases)
    func largeNetworks(name: String, kind: EngineKind) throws {
        // Every query's posterior and P(e); all marginals on every query by the junction
        // tree, on the first few by variable elimination (one VE run per variable).
        let queries = Int.max
        let marginals = kind == .junctionTree ? Int.max : (Reference.isDebug ? 2 : 5)
        _ = try check(name, kind, queryLimit: queries, marginalQueries: marginals)
    }
}

@Suite("munin1 (no reference file): both engines answer and agree",
       .enabled(if: FileManager.default.fileExists(atPath: Reference.networkDirectory + "/munin1.bif")))
struct MuninTests {
    @Test func muninAnswers() throws {
        let net = try BIFReader.read(path: Reference.networkDirectory + "/munin1.bif")
        var rng = SplitMix64(seed: 7)
        let x = RandomNetworks.forwardSample(net, &rng)
        var e = Evidence()
        for v in stride(from: 3, to: net.count, by: 11) { e.hard[v] = x[v] }
        let ve = VariableElimination(net)
        let jt = try JunctionTree(net)
        for t in [0, 50, 120, 185].filter({ $0 < net.count && e.hard[$0] == nil }) {
            let p = try ve.posterior(of: t, given: e)
            let q = try jt.posterior(of: t, given: e)
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
            #expect(maxAbsDiff(p, q) < 1e-9, "target \(net.variables[t].name)")
        }
        let lv = try ve.logProbabilityOfEvidence(e)
        let lj = try jt.logProbabilityOfEvidence(e)
        #expect(abs(lv - lj) < 1e-9 * max(1, abs(lv)))
    }
}

@Suite struct FoldedPlanTests {
    /// The sliced plan's normalised answer, run unfolded on every input.
    static func sliced(_ ve: VariableElimination, _ q: CompiledQuery, _ f: Findings) -> [Double] {
        var plain = q.program
        plain.folded = nil
        let r = plain.run(ve.prepare(q.inputs, used: nil, f))
        let z = r.table.values.reduce(0, +)
        return r.table.values.map { $0 / z }
    }

    @Test("compiled plans answer as the sliced plan: pattern tables to rounding, folded constants bit for bit",
          arguments: ["alarm", "barley", "water", "insurance", "pathfinder"])
    func compiledPlansAnswerAsTheSlicedPlan(_ name: String) throws {
        guard Reference.available else { return }
        let (net, queries) = try Reference.load(name)
        let ve = VariableElimination(net)
        var kinds = (pattern: 0, folded: 0)
        for q in queries.prefix(Reference.isDebug ? 6 : 20) {
            let f = try Findings(try Evidence(in: net, hard: q.evidence), in: net)
            let target = net.index(of: q.target)!
            let key = VariableElimination.PlanKey(targets: [target], findings: f, mode: .posterior, batched: false)
            let compiled = try ve.compile(key)
            let expected = Self.sliced(ve, compiled, f)
            if let pattern = compiled.pattern {
                kinds.pattern += 1
                let slice = pattern.slice(at: f).values
                let z = slice.reduce(0, +)
                for (a, b) in zip(slice.map { $0 / z }, expected) { #expect(abs(a - b) <= 1e-13, "\(name): \(q.evidence)") }
                // The warm answer is the slice: the engine's posterior, on the pattern's
                // second sight, equals the reference.
                _ = try ve.posterior(of: target, given: try Evidence(in: net, hard: q.evidence))
                let warm = try ve.posterior(of: target, given: try Evidence(in: net, hard: q.evidence))
                for (a, b) in zip(warm, q.posterior) { #expect(abs(a - b) <= 1e-9) }
            } else if let skip = compiled.program.folded?.skip {
                kinds.folded += 1
                let r = compiled.program.run(ve.prepare(compiled.inputs, used: compiled.program.usedInputs, f))
                let z = r.table.values.reduce(0, +)
                #expect(r.table.values.map { $0 / z } == expected, "\(name): \(q.evidence)")
                #expect(skip.contains(true))
            }
        }
        switch name {
        case "pathfinder": #expect(kinds.folded > 0 && kinds.pattern == 0)   // 11 findings: no pattern table fits
        default: #expect(kinds.pattern > 0)
        }
    }
}
