// ReplLatencyBench: how long each editing and query command of the REPL takes, driven
// through `CommandRunner` exactly as the REPL and `credence run` drive it (issue 6: every
// editing and query command under 50 ms on networks up to alarm's size). Release mode:
//
//   swift build -c release --product ReplLatencyBench
//   .build/release/ReplLatencyBench [--runs N] [--cpu] [--json FILE] [NETWORK.bif ...]
//
// Per network, N rounds (default 25). Each round observes a different leaf (cycling through
// leaves and states) on top of two standing findings, so queries never hit a cached answer,
// and makes the same edits on a fixed pair of variables, so the query commands after an
// edit include rebuilding the junction tree, as they would in a session. Each command's
// wall time is one `run(line:)` call, rendering included; the table gives its median and
// maximum over the rounds in milliseconds. With --cpu, the thread's CPU time instead of the
// wall clock: on a shared machine the wall-clock maxima include time slices lost to other
// processes (a few ms each), which the CPU time leaves out.
import BNCore
import FactorKernels
import Foundation
import Workbench

var runs = 25
var jsonPath: String?
var cpuClock = false
var paths: [String] = []
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--runs": runs = args.next().flatMap(Int.init) ?? runs
    case "--json": jsonPath = args.next()
    case "--cpu": cpuClock = true
    case let p where !p.hasPrefix("-"): paths.append(p)
    default: print("usage: ReplLatencyBench [--runs N] [--cpu] [--json FILE] [NETWORK.bif ...]"); exit(2)
    }
}
BLAS.setThreads(1)
AllocatorTuning.keepLargeBlocks()
if paths.isEmpty {
    let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/networks").standardized.path
    paths = ["asia", "child", "insurance", "alarm"].map { shared + "/\($0).bif" }
}

/// The commands in table order.
let commands = ["observe", "retract", "query", "pe", "mpe", "explain", "scenario compare", "show cpt", "show summary",
                "add edge", "remove edge", "add state", "rename state", "remove state", "set cpt", "undo", "redo"]

func q(_ s: String) -> String { CommandLanguage.quote(s) }

/// Nanoseconds of the wall clock, or of this thread's CPU time.
func now(cpu: Bool) -> UInt64 {
    guard cpu else { return DispatchTime.now().uptimeNanoseconds }
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

/// Times every command on one network; returns command -> milliseconds per round.
func measure(_ path: String, runs: Int, cpu: Bool) throws -> [String: [Double]] {
    let network = try ModelIO.load(path: path)
    let runner = CommandRunner(session: Session(network: network, path: nil, journaling: false))
    var times: [String: [Double]] = [:]
    func run(_ name: String?, _ line: String) throws {
        let t0 = now(cpu: cpu)
        do { _ = try runner.run(line: line) } catch { throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(line): \(error.message)"]) }
        let ms = Double(now(cpu: cpu) - t0) / 1e6
        if let name { times[name, default: []].append(ms) }
    }
    let n = network
    let leaves = (0..<n.count).filter { n.children(of: $0).isEmpty }
    // Target: the non-leaf with the most children; findings on leaves (2 standing, the others in turn).
    let target = (0..<n.count).filter { !n.children(of: $0).isEmpty }.max { n.children(of: $0).count < n.children(of: $1).count }!
    let standing = leaves.filter { $0 != target }.prefix(min(2, leaves.count / 2))
    let rotating = leaves.filter { $0 != target && !standing.contains($0) }
    // The edit pair: a root u and the variable v (not u, not a child of u) with the smallest table.
    let u = (0..<n.count).first { n.parents(of: $0).isEmpty && $0 != target }!
    let v = (0..<n.count).filter { $0 != u && !n.children(of: u).contains($0) && $0 != target }
        .min { n.cpts[$0].values.count < n.cpts[$1].values.count }!
    let T = q(n.variables[target].name), U = q(n.variables[u].name), V = q(n.variables[v].name)
    for s in standing { try run(nil, "observe \(q(n.variables[s].name))=\(q(n.variables[s].states[0]))") }
    try run(nil, "scenario save base")
    for i in 0..<runs {
        let e = rotating[i % rotating.count]
        let x = runner.session.network.variables[e]
        try run("observe", "observe \(q(x.name))=\(q(x.states[(i / rotating.count) % x.cardinality]))")
        try run("query", "query \(T)")
        try run("pe", "pe")
        try run("mpe", "mpe")
        try run("explain", "explain \(T)")
        try run(nil, "scenario save now")
        try run("scenario compare", "scenario compare \(T) base now")
        try run("retract", "retract \(q(x.name))")
        try run("show cpt", "show cpt \(T)")
        try run("add edge", "add edge \(U) -> \(V)")
        // One row of V's table, now with U among its parents.
        let net = runner.session.network
        let k = net.variables[v].cardinality
        let row = net.parentStates(of: v, row: 0).map { q(String($0.split(separator: "=", maxSplits: 1)[1])) }
        let probabilities = (0..<k).map { j in j == 0 ? 1 - Double(k - 1) * 0.05 : 0.05 }.map { String($0) }
        try run("set cpt", "set cpt \(V) (\(row.joined(separator: ", "))): \(probabilities.joined(separator: " "))")
        try run("query", "query \(T)")
        try run("undo", "undo")
        try run(nil, "undo")
        try run("redo", "redo")
        try run("remove edge", "remove edge \(U) -> \(V)")
        try run("add state", "add state \(V) extra\(i)")
        try run("rename state", "rename state \(V) extra\(i) spare\(i)")
        try run("remove state", "remove state \(V) spare\(i)")
        try run("show summary", "show")
    }
    return times
}

struct Row: Codable { var command: String; var medianMs: [String: Double]; var maxMs: [String: Double] }
var names: [String] = []
var results: [String: [String: [Double]]] = [:]
for p in paths {
    let name = ((p as NSString).lastPathComponent as NSString).deletingPathExtension
    FileHandle.standardError.write(Data("ReplLatencyBench: \(name)\n".utf8))
    names.append(name)
    results[name] = try measure(p, runs: runs, cpu: cpuClock)
}
func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
func f(_ x: Double) -> String { x < 10 ? String(format: "%.2f", x) : String(format: "%.1f", x) }
print("| command | " + names.map { "\($0) median / max ms" }.joined(separator: " | ") + " |")
print("|---|" + names.map { _ in "---:" }.joined(separator: "|") + "|")
var rows: [Row] = []
var worst = (0.0, "", "")
for c in commands {
    var cells: [String] = []
    var row = Row(command: c, medianMs: [:], maxMs: [:])
    for n in names {
        let xs = results[n]![c] ?? []
        let (m, x) = (median(xs), xs.max() ?? .nan)
        row.medianMs[n] = m; row.maxMs[n] = x
        if x > worst.0 { worst = (x, c, n) }
        cells.append("\(f(m)) / \(f(x))")
    }
    rows.append(row)
    print("| \(c) | " + cells.joined(separator: " | ") + " |")
}
print("")
print("\(cpuClock ? "thread CPU time" : "wall clock"); \(runs) rounds per network (query: \(2 * runs) samples, half of them the first query after an edit); slowest single command: \(worst.1) on \(worst.2), \(f(worst.0)) ms")
if let jsonPath {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(rows).write(to: URL(fileURLWithPath: jsonPath))
}
