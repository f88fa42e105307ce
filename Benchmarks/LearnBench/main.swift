// LearnBench: learning speed and accuracy on data sampled from the standard networks, in
// release mode. Every dataset is drawn with a fixed seed by the same ForwardSampler as
// `credence sample --seed S [--missing F]`, so the peer harness can learn from identical
// files (Benchmarks/peers/bench_learning.py).
//
//   swift build -c release --product LearnBench
//   .build/release/LearnBench [--quick] [--only counting|mle|em|structure]... [--json FILE]
import BNCore
import BNFormats
import BNInference
import BNLearning
import FactorKernels
import Foundation

var json: String?
var quick = false
var only: Set<String> = []
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--json": json = args.next()
    case "--quick": quick = true
    case "--only": if let part = args.next() { only.insert(part) }
    default: print("usage: LearnBench [--quick] [--only counting|mle|em|structure]... [--json FILE]"); exit(2)
    }
}
BLAS.setThreads(1)
AllocatorTuning.keepLargeBlocks()
let networks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/networks").standardized.path

func load(_ name: String) -> BayesianNetwork { try! ModelFile.read(networks + "/\(name).bif") }
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}
func medianOf(_ n: Int, _ body: () throws -> Void) rethrows -> Double {
    var s: [Double] = []
    for _ in 0..<n { s.append(try seconds(body)) }
    s.sort()
    return s[s.count / 2]
}
/// Mean absolute difference over every CPT entry.
func mae(_ a: BayesianNetwork, _ b: BayesianNetwork) -> Double {
    var total = 0.0, n = 0
    for v in 0..<a.count { for (x, y) in zip(a.cpts[v].values, b.cpts[v].values) { total += abs(x - y); n += 1 } }
    return total / Double(n)
}
/// Structural Hamming distance: missing, extra and reversed edges, one each.
struct Report: Codable {
    var counting: [String: Double] = [:]
    var mle: [[String: String]] = []
    var em: [[String: String]] = []
    var structure: [[String: String]] = []
}
var report = Report()
@MainActor func runs(_ part: String) -> Bool { only.isEmpty || only.contains(part) }

// 1. Family counting: alarm's 37 families over 1,000,000 complete rows.
if runs("counting") {
    let net = load("alarm")
    let rows = quick ? 100_000 : 1_000_000
    let data = ForwardSampler(net).sample(rows: rows, seed: 1)
    let binding = try DataBinding(network: net, data: data)
    let families = (0..<net.count).map { net.parents(of: $0) + [$0] }
    let t2 = medianOf(5) { _ = FamilyCounter.counts(families: families, cardinalities: net.cardinalities, binding: binding, threads: 2) }
    let t1 = medianOf(5) { _ = FamilyCounter.counts(families: families, cardinalities: net.cardinalities, binding: binding, threads: 1) }
    report.counting = ["rows": Double(rows), "seconds_2_threads": t2, "seconds_1_thread": t1]
    print("family counting, alarm, \(rows) rows, 37 families: \(String(format: "%.3f", t2)) s on 2 threads, \(String(format: "%.3f", t1)) s on 1")
}

// 2. Complete-data MLE: recovery of the CPTs.
print("\n| network | rows | MLE seconds | mean abs error vs true CPTs |\n|---|---:|---:|---:|")
for name in ["alarm", "insurance", "child"] where runs("mle") {
    let net = load(name)
    let rows = quick ? 10_000 : 100_000
    let data = ForwardSampler(net).sample(rows: rows, seed: 2)
    var fitted = net
    let t = try medianOf(3) { fitted = try ParameterEstimator().fit(net.withUniformCPTs(), to: data) }
    report.mle.append(["network": name, "rows": "\(rows)", "seconds": "\(t)", "mae": "\(mae(fitted, net))"])
    print("| \(name) | \(rows) | \(String(format: "%.3f", t)) | \(String(format: "%.5f", mae(fitted, net))) |")
}

// 3. EM with 20% of cells missing at random, from uniform CPTs, to a relative change < 1e-5.
print("\n| network | rows | distinct rows | iterations | converged | EM seconds | final log-likelihood | MAE vs truth | MAE of complete-data MLE |\n|---|---:|---:|---:|---|---:|---:|---:|---:|")
for name in ["child", "insurance", "alarm"] where runs("em") {
    for rows in quick ? [10_000] : [10_000, 100_000] {
        let net = load(name)
        let complete = ForwardSampler(net).sample(rows: rows, seed: 3)
        let gappy = ForwardSampler(net).sample(rows: rows, seed: 3, options: .init(missing: 0.2))
        let em = ExpectationMaximization(maxIterations: 500, tolerance: 1e-5, makeEngine: { try ExpectationEngines.automatic($0) })
        var result: (BayesianNetwork, ExpectationMaximization.Report)!
        let t = try seconds { result = try em.fit(net.withUniformCPTs(), to: gappy) }
        let mleComplete = try ParameterEstimator().fit(net.withUniformCPTs(), to: complete)
        let r = result.1
        report.em.append(["network": name, "rows": "\(rows)", "seconds": "\(t)", "iterations": "\(r.iterations)",
                          "converged": "\(r.converged)", "loglik": "\(r.finalLogLikelihood)", "distinct": "\(r.distinctRows)",
                          "mae_truth": "\(mae(result.0, net))", "mae_complete_mle": "\(mae(mleComplete, net))"])
        print("| \(name) | \(rows) | \(r.distinctRows) | \(r.iterations) | \(r.converged) | \(String(format: "%.2f", t)) | \(String(format: "%.3f", r.finalLogLikelihood)) | \(String(format: "%.5f", mae(result.0, net))) | \(String(format: "%.5f", mae(mleComplete, net))) |")
    }
}

// 4. Structure search with BIC: greedy hill climbing, tabu search, and hill climbing with
// random restarts; SHD on the equivalence classes (CPDAGs, as bnlearn's shd()) and on the DAGs.
print("\n| network | rows | search | seconds | BIC of learned | BIC of true DAG | SHD (CPDAG) | SHD (DAG) | edges learned / true |\n|---|---:|---|---:|---:|---:|---:|---:|---|")
for (name, rows) in quick ? [("asia", 10_000), ("alarm", 10_000)] : [("asia", 10_000), ("alarm", 10_000), ("alarm", 100_000)] where runs("structure") {
    let net = load(name)
    let data = ForwardSampler(net).sample(rows: rows, seed: 4)
    let binding = try DataBinding(network: net, data: data)
    let trueParents = (0..<net.count).map { net.parents(of: $0).sorted() }
    let truth = try HillClimbing(score: .bic, maxIterations: 0).search(cardinalities: net.cardinalities, binding: binding, start: trueParents)
    let searches: [(String, HillClimbing)] = [
        ("hill climbing", HillClimbing(score: .bic, maxParents: 4)),
        ("tabu (20, 500 steps)", HillClimbing(score: .bic, maxParents: 4, tabuLength: 20, maxIterations: 500)),
        ("hill climbing, 10 restarts", HillClimbing(score: .bic, maxParents: 4, restarts: 10, perturbation: 10, seed: 7)),
        ("hill climbing, 30 restarts", HillClimbing(score: .bic, maxParents: 4, restarts: 30, perturbation: 10, seed: 7)),
    ]
    for (label, search) in searches {
        var result: HillClimbing.Result!
        let t = try seconds { result = try search.search(cardinalities: net.cardinalities, binding: binding) }
        let d = StructuralHammingDistance.distance(trueParents, result.parents)
        let dd = StructuralHammingDistance.dagDistance(trueParents, result.parents)
        let learnedEdges = result.parents.reduce(0) { $0 + $1.count }
        report.structure.append(["network": name, "rows": "\(rows)", "search": label, "seconds": "\(t)", "bic": "\(result.score)",
                                 "bic_true": "\(truth.score)", "shd_cpdag": "\(d)", "shd_dag": "\(dd)", "edges": "\(learnedEdges)"])
        print("| \(name) | \(rows) | \(label) | \(String(format: "%.2f", t)) | \(String(format: "%.1f", result.score)) | \(String(format: "%.1f", truth.score)) | \(d) | \(dd) | \(learnedEdges) / \(net.dag.edgeCount) |")
    }
}

if let json {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    try enc.encode(report).write(to: URL(fileURLWithPath: json))
}
