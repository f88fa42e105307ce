import BNCore
import FactorKernels
import Foundation

/// A quick check of the factor core on this machine: random contractions through the BLAS
/// path and the odometer path, compared with the plain product-then-sum. Used by
/// `credence selfcheck` and the README's first command, so a broken BLAS install shows at once.
public struct SelfCheck: Sendable {
    /// What one run found.
    public struct Report: Sendable, Codable {
        public var cases: Int
        public var maxRelativeDifference: Double
        public var blasThreads: Int
        public var passed: Bool
        public var seconds: Double
    }

    var cases: Int
    var seed: UInt64

    public init(cases: Int = 300, seed: UInt64 = 2024) {
        self.cases = cases
        self.seed = seed
    }

    /// Runs the check. Tolerance: 1e-12 relative, as in the test suite.
    public func run() throws -> Report {
        let start = DispatchTime.now().uptimeNanoseconds
        var rng = SplitMix64(seed: seed)
        var worst = 0.0
        for _ in 0..<cases {
            let arity = Int.random(in: 1...6, using: &rng)
            var cards = (0..<arity).map { _ in Int.random(in: 1...12, using: &rng) }
            while cards.reduce(1, *) > 4096 { cards[cards.indices.max { cards[$0] < cards[$1] }!] /= 2 }
            func randomFactor() throws -> Factor {
                var vars = Array(0..<arity).filter { _ in Bool.random(using: &rng) }
                vars.shuffle(using: &rng)
                let scope = Scope(vars, cardinalities: vars.map { cards[$0] })
                let n = cards.isEmpty ? 1 : vars.map { cards[$0] }.reduce(1, *)
                return try Factor(scope: scope, values: (0..<n).map { _ in rng.nextUnit() })
            }
            let fs = try (0..<3).map { _ in try randomFactor() }
            let eliminate = (0..<arity).filter { _ in Bool.random(using: &rng) }
            let kept = (0..<arity).filter { v in !eliminate.contains(v) && fs.contains { $0.scope.contains(v) } }
            let plain = try fs[0].multiplying(fs[1]).multiplying(fs[2]).summingOut(eliminate).reordered(to: kept)
            for path in [ContractionPlan.Path.blas, .odometer] {
                let fused = try Factor.contract(fs, eliminating: eliminate, path: path).reordered(to: kept)
                for (x, y) in zip(fused.values, plain.values) {
                    worst = max(worst, abs(x - y) / max(1, abs(x), abs(y)))
                }
            }
        }
        return Report(cases: cases, maxRelativeDifference: worst, blasThreads: BLAS.threads,
                      passed: worst <= 1e-12, seconds: LearningTasks.Timings.since(start))
    }
}
