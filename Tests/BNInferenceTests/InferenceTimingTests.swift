import Testing
import Foundation
import BNCore
import BNFormats
@testable import BNInference

/// Rough timings of the engines on the reference networks, run on demand:
/// `CREDENCE_TIMING=1 swift test -c release -Xswiftc -enable-testing --filter InferenceTiming`.
/// Each number is also checked for sanity (normalised posteriors, VE = JT).
@Suite("Inference timing (CREDENCE_TIMING=1)",
       .enabled(if: ProcessInfo.processInfo.environment["CREDENCE_TIMING"] == "1" && Reference.available))
struct InferenceTimingTests {
    static let networks = Reference.small + Reference.large

    func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

    @Test("reference queries: VE single target, JT all marginals", arguments: networks)
    func referenceQueries(name: String) throws {
        let (net, queries) = try Reference.load(name)
        let evidence = try queries.map { try Evidence(in: net, hard: $0.evidence) }
        let targets = try queries.map { try net.require($0.target) }
        let report = EliminationOrdering.report(for: net, heuristic: .minFill)
        var jt: JunctionTree!
        let build = try seconds { jt = try JunctionTree(net) }
        let ve = VariableElimination(net)
        var coldVE: [Double] = [], warmVE: [Double] = [], jtAll: [Double] = [], jtOne: [Double] = []
        for (e, t) in zip(evidence, targets) {
            var p: [Double] = []
            coldVE.append(try seconds { p = try ve.posterior(of: t, given: e) })
            warmVE.append(try seconds { p = try ve.posterior(of: t, given: e) })
            var m: [[Double]] = []
            jtAll.append(try seconds { m = try jt.allMarginals(given: e) })
            #expect(maxAbsDiff(m[t], p) < 1e-9)
            let fresh = try JunctionTree(net)
            jtOne.append(try seconds { _ = try fresh.posterior(of: t, given: e) })
        }
        print(String(format: "timing %@: width %d, JT total %d entries, JT build %.2f ms | VE single (compile+run) %.3f ms, VE cached plan %.3f ms | JT all marginals %.3f ms, JT single on fresh tree %.3f ms",
                     name, report.inducedWidth, report.totalCliqueEntries, build * 1e3,
                     median(coldVE) * 1e3, median(warmVE) * 1e3, median(jtAll) * 1e3, median(jtOne) * 1e3))
    }

    @Test("batched posteriors: rows per second", arguments: ["asia", "alarm", "insurance", "hepar2", "win95pts"])
    func batched(name: String) throws {
        let (net, _) = try Reference.load(name)
        var rng = SplitMix64(seed: 1)
        let rows = 20_000
        var columns = [[Int32]](repeating: [], count: net.count)
        for _ in 0..<rows {
            let x = RandomNetworks.forwardSample(net, &rng)
            for v in 0..<net.count { columns[v].append(rng.nextUnit() < 0.2 ? Dataset.missing : Int32(x[v])) }
        }
        let data = Dataset(names: net.names, states: net.variables.map(\.states), columns: columns)
        let target = net.count / 2
        let ve = VariableElimination(net)
        var out: BatchPosteriors!
        let t = try seconds { out = try ve.posteriors(of: target, for: data) }
        let warm = try seconds { out = try ve.posteriors(of: target, for: data) }
        // Row-by-row through the single-query path, for comparison (first 2000 rows).
        let single = VariableElimination(net)
        let n1 = 2000
        let rowByRow = try seconds {
            for r in 0..<n1 {
                var e = Evidence()
                for v in 0..<net.count where v != target && columns[v][r] >= 0 { e.hard[v] = Int(columns[v][r]) }
                let p = try single.posterior(of: target, given: e)
                #expect(maxAbsDiff(p, Array(out[r])) < 1e-9)
            }
        }
        print(String(format: "batched %@: %d rows, %d patterns: %.0f rows/s (first call), %.0f rows/s (plans cached); row by row %.0f rows/s",
                     name, rows, out.patternCount, Double(rows) / t, Double(rows) / warm, Double(n1) / rowByRow))
    }

    /// A loop to profile (`CREDENCE_PROFILE=name`): JT all marginals over the reference queries.
    @Test func profileLoop() throws {
        guard let name = ProcessInfo.processInfo.environment["CREDENCE_PROFILE"] else { return }
        let (net, queries) = try Reference.load(name)
        let evidence = try queries.map { try Evidence(in: net, hard: $0.evidence) }
        let jt = try JunctionTree(net)
        let ve = VariableElimination(net)
        let mode = ProcessInfo.processInfo.environment["CREDENCE_PROFILE_MODE"] ?? "jt"
        let t = try seconds {
            for _ in 0..<20 {
                for (e, q) in zip(evidence, queries) {
                    if mode == "jt" { _ = try jt.allMarginals(given: e) } else {
                        _ = try VariableElimination(net).posterior(of: try net.require(q.target), given: e)
                    }
                }
            }
        }
        _ = ve
        print(String(format: "profile %@ %@: %.3f ms per query", name, mode, t * 1e3 / Double(20 * queries.count)))
    }

    @Test("munin1: both engines answer")
    func munin() throws {
        let path = Reference.networkDirectory + "/munin1.bif"
        guard FileManager.default.fileExists(atPath: path) else { return }
        let net = try BIFReader.read(path: path)
        for h in EliminationHeuristic.allCases {
            let r = EliminationOrdering.report(for: net, heuristic: h)
            print("munin1 \(h): width \(r.inducedWidth), largest \(r.largestCliqueEntries), total \(r.totalCliqueEntries)")
        }
        let ve = VariableElimination(net)
        var rng = SplitMix64(seed: 7)
        let x = RandomNetworks.forwardSample(net, &rng)
        var e = Evidence()
        for v in stride(from: 0, to: net.count, by: 9) { e.hard[v] = x[v] }
        var p: [Double] = []
        let tVE = try seconds { p = try ve.posterior(of: 1, given: e) }
        var jt: JunctionTree!
        let tBuild = try seconds { jt = try JunctionTree(net) }
        var q: [Double] = []
        let tJT = try seconds { q = try jt.posterior(of: 1, given: e) }
        #expect(maxAbsDiff(p, q) < 1e-9)
        print(String(format: "munin1: VE %.1f ms, JT build %.1f ms, JT first posterior %.1f ms", tVE * 1e3, tBuild * 1e3, tJT * 1e3))
    }
}
