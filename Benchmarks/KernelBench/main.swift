// KernelBench: throughput of the factor contraction against a bare cblas_dgemm of the
// same M×K×N, and of the odometer path; plus the crossover that sets
// ContractionPlan.defaultBLASThreshold. Run in release mode:
//
//   swift build -c release --product KernelBench
//   .build/release/KernelBench [--max-mb 512] [--repeat 5] [--threads 1] [--json FILE]
//
// Each figure is the median of `--repeat` timed runs (each run long enough to exceed
// ~20 ms by repeating the operation), after one warm-up run.
import BNCore
import FactorKernels
import Foundation

struct Options {
    var maxMB = 512.0
    var repeats = 5
    var threads = 1
    var json: String?
    var odometerMaxMB = 16.0
    var tuneAllocator = true

    init(_ args: [String]) {
        var i = 1
        func value() -> String {
            i += 1
            guard i < args.count else { fatalError("missing value for \(args[i - 1])") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--max-mb": maxMB = Double(value())!
            case "--repeat": repeats = Int(value())!
            case "--threads": threads = Int(value())!
            case "--json": json = value()
            case "--odometer-max-mb": odometerMaxMB = Double(value())!
            case "--glibc-default-allocator": tuneAllocator = false
            case "-h", "--help":
                print("usage: KernelBench [--max-mb MB] [--repeat N] [--threads N] [--odometer-max-mb MB] [--glibc-default-allocator] [--json FILE]")
                exit(0)
            default: fatalError("unknown argument \(args[i])")
            }
            i += 1
        }
    }
}

/// Median seconds per call of `body`, repeating it enough times to last ~20 ms per run.
func measure(repeats: Int, _ body: () -> Void) -> Double {
    body()  // warm-up
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    let once = max(1, DispatchTime.now().uptimeNanoseconds - start)
    let inner = max(1, Int(20_000_000 / once))
    var samples: [Double] = []
    for _ in 0..<repeats {
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<inner { body() }
        let t1 = DispatchTime.now().uptimeNanoseconds
        samples.append(Double(t1 - t0) / 1e9 / Double(inner))
    }
    samples.sort()
    return samples[samples.count / 2]
}

func randomValues(_ n: Int, seed: UInt64) -> [Double] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in rng.nextUnit() }
}

struct Row: Codable {
    var family: String
    var operandBytes: Int
    var m: Int, k: Int, n: Int
    var dgemmSeconds: Double
    var contractionSeconds: Double
    var odometerSeconds: Double?
    var ratio: Double { contractionSeconds / dgemmSeconds }
    var gflops: Double { 2.0 * Double(m) * Double(k) * Double(n) / contractionSeconds / 1e9 }
}

struct ThresholdRow: Codable {
    var batch: Int
    var m: Int, k: Int, n: Int
    var flops: Int
    var odometerSeconds: Double
    var blasSeconds: Double
}

let opts = Options(CommandLine.arguments)
BLAS.setThreads(opts.threads)
if opts.tuneAllocator { AllocatorTuning.keepLargeBlocks() }

/// One contraction case: `A(axes a) · B(axes b)` summed over the shared non-kept labels,
/// timed as a factor contraction, as a bare dgemm of the equivalent M×K×N, and (when small
/// enough) through the odometer path.
func runCase(family: String, a: Axes, b: Axes, keep: Set<Int>, m: Int, k: Int, n: Int) -> Row {
    let av = randomValues(a.entries, seed: 1)
    let bv = randomValues(b.entries, seed: 2)
    // Bare dgemm on the same M×K×N, operands already in GEMM layout.
    var c = [Double](repeating: 0, count: m * n)
    let bare = measure(repeats: opts.repeats) {
        av.withUnsafeBufferPointer { pa in
            bv.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.bareDgemm(m: m, n: n, k: k, a: pa.baseAddress!, b: pb.baseAddress!, c: pc.baseAddress!)
                }
            }
        }
    }
    let plan = ContractionPlan(a: a, b: b, keep: keep)
    var sink = 0.0
    let fused = measure(repeats: opts.repeats) { sink += plan.execute(av, bv)[0] }
    var odo: Double?
    let bytes = a.entries * 8
    if Double(bytes) <= opts.odometerMaxMB * 1_048_576 {
        let slow = ContractionPlan(a: a, b: b, keep: keep, path: .odometer)
        odo = measure(repeats: max(1, min(opts.repeats, 3))) { sink += slow.execute(av, bv)[0] }
    }
    if sink.isNaN { print("") }
    return Row(family: family, operandBytes: bytes, m: m, k: k, n: n,
               dgemmSeconds: bare, contractionSeconds: fused, odometerSeconds: odo)
}

var rows: [Row] = []
// Operand sizes from 1 KiB to maxMB, ×4 each step.
var sizes: [Int] = []
var s = 1024
while Double(s) <= opts.maxMB * 1_048_576 { sizes.append(s); s *= 4 }
if let last = sizes.last, Double(last) < opts.maxMB * 1_048_576 { sizes.append(Int(opts.maxMB * 1_048_576)) }

for bytes in sizes {
    let side = Int((Double(bytes / 8)).squareRoot().rounded())
    // Family 1, "aligned": A(x, y) · B(y, z), summing y: a plain matrix product of factors.
    rows.append(runCase(family: "aligned", a: Axes(labels: [0, 1], cardinalities: [side, side]),
                        b: Axes(labels: [1, 2], cardinalities: [side, side]), keep: [0, 2], m: side, k: side, n: side))
    // Family 2, "transposed": A stored (y, x): passed to dgemm transposed, no copy.
    rows.append(runCase(family: "transposed", a: Axes(labels: [1, 0], cardinalities: [side, side]),
                        b: Axes(labels: [1, 2], cardinalities: [side, side]), keep: [0, 2], m: side, k: side, n: side))
    // Family 3, "permuted": A over (x1, y, x2) with the summed axis in the middle, which
    // needs one permuting copy before the GEMM.
    let half = max(1, Int(Double(side).squareRoot().rounded()))
    let x1 = half, x2 = max(1, side / half)
    rows.append(runCase(family: "permuted", a: Axes(labels: [0, 1, 3], cardinalities: [x1, side, x2]),
                        b: Axes(labels: [1, 2], cardinalities: [side, side]), keep: [0, 3, 2],
                        m: x1 * x2, k: side, n: side))
    // Family 4, "message": a clique table times a message over its last axis, summed
    // (the junction-tree pattern: a matrix-vector product).
    let rowsM = max(1, bytes / 8 / 64)
    rows.append(runCase(family: "message", a: Axes(labels: [0, 1], cardinalities: [rowsM, 64]),
                        b: Axes(labels: [1], cardinalities: [64]), keep: [0], m: rowsM, k: 64, n: 1))
    FileHandle.standardError.write("done \(bytes) bytes\n".data(using: .utf8)!)
}

// Crossover: M=K=N from 2 to 48, odometer vs BLAS, unbatched and with a batch axis of 64
// (a label shared and kept by both operands: one GEMM call per batch index).
var thresholds: [ThresholdRow] = []
for batch in [1, 64] {
    for side in [2, 3, 4, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48] {
        let a = Axes(labels: [9, 0, 1], cardinalities: [batch, side, side])
        let b = Axes(labels: [9, 1, 2], cardinalities: [batch, side, side])
        let av = randomValues(a.entries, seed: 3), bv = randomValues(b.entries, seed: 4)
        let pO = ContractionPlan(a: a, b: b, keep: [9, 0, 2], path: .odometer)
        let pB = ContractionPlan(a: a, b: b, keep: [9, 0, 2], path: .blas)
        var sink = 0.0
        let o = measure(repeats: opts.repeats) { sink += pO.execute(av, bv)[0] }
        let bl = measure(repeats: opts.repeats) { sink += pB.execute(av, bv)[0] }
        if sink.isNaN { print("") }
        thresholds.append(ThresholdRow(batch: batch, m: side, k: side, n: side, flops: side * side * side,
                                       odometerSeconds: o, blasSeconds: bl))
    }
}

// The planar-walk kernels (FactorKernels' one odometer: two innermost axes as plain
// loops) on bucket-sized tables of three- and four-state variables: permute, sum-out,
// broadcast product, and the multi-operand product-sum of the one-shot elimination with
// one to four operands.
struct PlanarRow { var kernel: String; var entries: Int; var seconds: Double }
var planar: [PlanarRow] = []
do {
    let big = Axes(labels: [0, 1, 2, 3, 4, 5, 6], cardinalities: [3, 4, 3, 4, 3, 4, 3])   // 15,552 entries
    let bigValues = randomValues(big.entries, seed: 11)
    let reversed = big.selecting(big.labels.reversed())
    let small1 = Table(axes: Axes(labels: [6, 2], cardinalities: [3, 3]), values: randomValues(9, seed: 12))
    let small2 = Table(axes: Axes(labels: [4, 0], cardinalities: [3, 3]), values: randomValues(9, seed: 13))
    let small3 = Table(axes: Axes(labels: [5, 1], cardinalities: [4, 4]), values: randomValues(16, seed: 14))
    let bigTable = Table(axes: big, values: bigValues)
    let out = big.selecting([0, 2, 4]), summed = big.selecting([1, 3, 5, 6])
    var sink = 0.0
    func time(_ name: String, _ body: () -> [Double]) {
        let s = measure(repeats: opts.repeats) { sink += body()[0] }
        planar.append(PlanarRow(kernel: name, entries: big.entries, seconds: s))
    }
    time("permute (reversed axes)") { TableKernels.permute(bigValues, from: big, to: reversed) }
    time("sum-out (keep 3 of 7)") { TableKernels.sumOut(bigValues, big, keeping: [0, 2, 4]).values }
    time("broadcast product") { TableKernels.broadcast(bigValues, big, small1.values, small1.axes, into: big, .multiply) }
    let operands = [bigTable, small1, small2, small3]
    for k in 1...4 {
        time("product-sum, \(k) operand\(k == 1 ? "" : "s")") {
            TableKernels.productSum(Array(operands.prefix(k)), out: out, summed: summed)
        }
    }
    if sink.isNaN { print("") }
}

func fmt(_ x: Double) -> String {
    if x >= 1 { return String(format: "%.3f s", x) }
    if x >= 1e-3 { return String(format: "%.3f ms", x * 1e3) }
    return String(format: "%.2f µs", x * 1e6)
}
func size(_ b: Int) -> String {
    b >= 1_048_576 ? String(format: "%.0f MiB", Double(b) / 1_048_576) : String(format: "%.0f KiB", Double(b) / 1024)
}

print("OpenBLAS threads: \(BLAS.threads); allocator: \(opts.tuneAllocator ? "large blocks kept (AllocatorTuning)" : "glibc default")")
print("")
print("| family | operand A | M×K×N | bare dgemm | contraction | ratio | GFLOP/s | odometer |")
print("|---|---:|---|---:|---:|---:|---:|---:|")
for r in rows {
    print("| \(r.family) | \(size(r.operandBytes)) | \(r.m)×\(r.k)×\(r.n) | \(fmt(r.dgemmSeconds)) | \(fmt(r.contractionSeconds)) | \(String(format: "%.2f", r.ratio)) | \(String(format: "%.1f", r.gflops)) | \(r.odometerSeconds.map(fmt) ?? "–") |")
}
print("")
print("| batch | M=K=N | M·K·N per GEMM | odometer | BLAS | faster |")
print("|---:|---:|---:|---:|---:|---|")
for t in thresholds {
    print("| \(t.batch) | \(t.m) | \(t.flops) | \(fmt(t.odometerSeconds)) | \(fmt(t.blasSeconds)) | \(t.odometerSeconds < t.blasSeconds ? "odometer" : "BLAS") |")
}
print("")
print("| planar-walk kernel | entries walked | time |")
print("|---|---:|---:|")
for p in planar { print("| \(p.kernel) | \(p.entries) | \(fmt(p.seconds)) |") }
if let path = opts.json {
    struct Report: Codable { var threads: Int; var rows: [Row]; var thresholds: [ThresholdRow] }
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys]
    try! enc.encode(Report(threads: BLAS.threads, rows: rows, thresholds: thresholds)).write(to: URL(fileURLWithPath: path))
}
