import BNCore
import BNInference
import Foundation

/// Times exact inference on a network over a file of reference queries and checks every
/// answer: the work behind `credence bench --queries FILE`.
///
/// Per query, two tasks: the posterior of the single target (variable elimination, with
/// its plan cache, and the junction tree with incremental evidence) and all marginals (the
/// junction tree, one calibration). Each task is timed in a pass of its own over the
/// queries, as the peer harness times each engine and task in a process of its own: when
/// the tasks alternated query by query, a junction-tree calibration over barley's 160 MiB
/// of tables evicted the CPTs from the caches before every timed variable elimination.
/// Queries run in file order, each task `repeats` times:
/// the first run is the *cold* time (plans for a new evidence pattern are compiled inside
/// it), the median of the others the *warm* time (a repeated question). The reported time
/// of a task is the median over the queries of the cold times; warm medians are reported
/// beside them. The largest
/// absolute difference from the reference (posteriors, all marginals and P(evidence)) is
/// reported for each engine.
public struct InferenceBenchmark: Sendable {
    var repeats: Int
    var maxQueries: Int?
    /// Measured memory bandwidth (bytes/s) for the physical floor; nil skips it.
    var bandwidth: Double?
    /// Wall clock, or the process's CPU time (steadier on a shared machine; the peer
    /// harness measures the peers in CPU time).
    var cpuClock: Bool

    public init(repeats: Int = 3, maxQueries: Int? = nil, bandwidth: Double? = nil, cpuClock: Bool = false) {
        self.repeats = repeats
        self.maxQueries = maxQueries
        self.bandwidth = bandwidth
        self.cpuClock = cpuClock
    }

    private func nowNanoseconds() -> UInt64 {
        guard cpuClock else { return DispatchTime.now().uptimeNanoseconds }
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    /// One network's figures (times in milliseconds).
    public struct Result: Codable, Sendable {
        public var network: String
        var queries: Int
        var junctionTreeBuildMs: Double
        /// Median per-query cold time of the single-target posterior, the faster engine.
        var single_target_ms: Double
        var singleTargetVEMs: Double
        var singleTargetJTMs: Double
        /// Median per-query cold time of all marginals (junction tree).
        var all_marginals_ms: Double
        /// Largest |difference| from the reference over every number checked.
        public var max_abs_diff: Double
        var maxAbsDiffVE: Double
        var maxAbsDiffJT: Double
        /// Bytes of the clique tables plus both directions of every separator: what one
        /// full calibration with materialised tables must touch at least once.
        var calibrationBytes: Int
        /// Warm medians (a query asked again), when `repeats > 1`.
        var singleTargetWarmMs: Double?
        var allMarginalsWarmMs: Double?
        /// `calibrationBytes / bandwidth` in milliseconds, and all-marginals time over it.
        var physicalFloorMs: Double?
        var floorRatio: Double?
    }

    public func run(network: BayesianNetwork, reference: ReferenceQueries) throws -> Result {
        var queries = reference.queries
        if let m = maxQueries { queries = Array(queries.prefix(m)) }
        let ve = VariableElimination(network)
        let t0 = DispatchTime.now().uptimeNanoseconds
        let jt = try JunctionTree(network)
        let buildMs = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        var veTimes: [Double] = [], jtTimes: [Double] = [], allTimes: [Double] = []
        var veWarm: [Double] = [], jtWarm: [Double] = [], allWarm: [Double] = []
        var diffVE = 0.0, diffJT = 0.0
        let prepared = try queries.map { q in (query: q, evidence: try FindingSet(evidence: q.evidence).evidence(in: network),
                                                  target: try network.require(q.target)) }
        // Pass 1: single target by variable elimination.
        for (q, evidence, target) in prepared {
            var p: [Double] = []
            try time(into: &veTimes, &veWarm) { p = try ve.posterior(of: target, given: evidence) }
            diffVE = max(diffVE, maxDiff(p, q.posterior))
        }
        // Pass 2: single target by the junction tree (evidence set incrementally).
        for (q, evidence, target) in prepared {
            var p: [Double] = []
            try time(into: &jtTimes, &jtWarm) {
                try jt.setEvidence(.none)
                p = try jt.posterior(of: target, given: evidence)
            }
            diffJT = max(diffJT, maxDiff(p, q.posterior))
        }
        // Pass 3: all marginals by the junction tree.
        for (q, evidence, _) in prepared {
            var all: [[Double]] = []
            try time(into: &allTimes, &allWarm) {
                try jt.setEvidence(.none)
                all = try jt.allMarginals(given: evidence)
            }
            if let expected = q.all_marginals {
                for (name, values) in expected {
                    diffJT = max(diffJT, maxDiff(all[try network.require(name)], values))
                }
            }
        }
        // Untimed: P(evidence) by both engines.
        for (q, evidence, _) in prepared {
            let pe = try ve.probabilityOfEvidence(evidence)
            diffVE = max(diffVE, abs(pe - q.p_evidence))
            try jt.setEvidence(evidence)
            diffJT = max(diffJT, abs(exp(try jt.logProbabilityOfEvidence()) - q.p_evidence))
        }
        let veMs = median(veTimes), jtm = median(jtTimes)
        let st = jt.structure
        var entries = st.cliqueEntries.reduce(0, +)
        for sep in st.separators { entries += 2 * sep.reduce(1) { $0 * network.variables[$1].cardinality } }
        let bytes = entries * MemoryLayout<Double>.stride
        let floor = bandwidth.map { Double(bytes) / $0 * 1e3 }
        let allMs = median(allTimes)
        return Result(network: reference.network, queries: queries.count, junctionTreeBuildMs: buildMs,
                      single_target_ms: min(veMs, jtm), singleTargetVEMs: veMs, singleTargetJTMs: jtm,
                      all_marginals_ms: allMs, max_abs_diff: max(diffVE, diffJT),
                      maxAbsDiffVE: diffVE, maxAbsDiffJT: diffJT, calibrationBytes: bytes,
                      singleTargetWarmMs: veWarm.isEmpty ? nil : min(median(veWarm), median(jtWarm)),
                      allMarginalsWarmMs: allWarm.isEmpty ? nil : median(allWarm),
                      physicalFloorMs: floor, floorRatio: floor.map { allMs / $0 })
    }

    /// Runs `body` `repeats` times: the first run's time goes to `cold`, the median of the
    /// others (when there are others) to `warm`, in milliseconds.
    private func time(into cold: inout [Double], _ warm: inout [Double], _ body: () throws -> Void) throws {
        var samples: [Double] = []
        for _ in 0..<max(1, repeats) {
            let t0 = nowNanoseconds()
            try body()
            samples.append(Double(nowNanoseconds() - t0) / 1e6)
        }
        cold.append(samples[0])
        if samples.count > 1 { warm.append(median(Array(samples.dropFirst()))) }
    }
}

// The two text forms of benchmark results: `credence bench`'s Markdown table (a row as each
// network finishes, every figure) and the REPL's aligned `bench` table (cold times, sources).

extension InferenceBenchmark.Result {
    /// The head of `credence bench`'s Markdown table, after the measured memory bandwidth
    /// (bytes/s) and a blank line.
    public static func markdownHeader(bandwidth: Double) -> String {
        """
        memory bandwidth (STREAM-style copy): \(String(format: "%.1f", bandwidth / 1e9)) GB/s

        | network | queries | JT build ms | single target ms, cold (VE / JT) | warm | all marginals ms, cold | warm | max abs diff | calibration tables | floor ms | all-marginals / floor |
        |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
        """
    }

    /// This network's row of `credence bench`'s Markdown table (milliseconds with four
    /// decimals below 1, two above).
    public var markdownRow: String {
        func ms(_ x: Double) -> String { String(format: x < 1 ? "%.4f" : "%.2f", x) }
        let ratio = String(format: floorRatio.map { $0 >= 10 } ?? false ? "%.0f" : "%.2f", floorRatio ?? .nan)
        return "| \(network) | \(queries) | \(ms(junctionTreeBuildMs)) | \(ms(single_target_ms)) (\(ms(singleTargetVEMs)) / \(ms(singleTargetJTMs))) "
            + "| \(singleTargetWarmMs.map(ms) ?? "–") | \(ms(all_marginals_ms)) | \(allMarginalsWarmMs.map(ms) ?? "–") "
            + "| \(String(format: "%.1e", max_abs_diff)) | \(MemoryBudget.format(calibrationBytes)) | \(ms(physicalFloorMs ?? .nan)) | \(ratio) |"
    }
}

extension BenchLine {
    /// The REPL's `bench` table: one aligned row per network, cold medians in milliseconds
    /// with three decimals.
    static func text(_ lines: [BenchLine]) -> String {
        func ms(_ x: Double) -> String { String(format: "%.3f", x) }
        let rows = [["network", "queries", "from", "JT build ms", "single target ms (VE / JT)", "all marginals ms", "max abs diff"]] + lines.map {
            let r = $0.result
            return [$0.network, String(r.queries), $0.queries, ms(r.junctionTreeBuildMs),
                    "\(ms(r.single_target_ms)) (\(ms(r.singleTargetVEMs)) / \(ms(r.singleTargetJTMs)))", ms(r.all_marginals_ms),
                    String(format: "%.1e", r.max_abs_diff)]
        }
        return "median time per query, cold (first run of each query)\n" + TextTable.render(rows, leftAligned: 1, indent: "  ")
    }
}

func median(_ xs: [Double]) -> Double {
    guard !xs.isEmpty else { return .nan }
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func maxDiff(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
