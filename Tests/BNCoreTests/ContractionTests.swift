import Testing
@testable import BNCore
import FactorKernels

/// The fused contraction `Σ_E ∏ φᵢ` against the oracle (product then sum), and the BLAS
/// and odometer paths against each other.
@Suite("Contraction")
struct ContractionTests {
    @Test func contractionMatchesOracleOnBothPaths() throws {
        var r = RandomFactors(seed: 11, entryCap: 3000)
        for _ in 0..<1_000 {
            let pool = r.cardinalities(count: r.int(0...8))
            let n = r.int(1...4)
            let factors = (0..<n).map { _ in r.factor(r.scope(pool: pool, arity: r.int(0...pool.count))) }
            let union = factors.dropFirst().reduce(factors[0].scope) { $0.union($1.scope) }
            var eliminate = union.variables.filter { _ in r.int(0...1) == 1 }
            eliminate.shuffle(using: &r.rng)
            // Oracle: enumerate the union, multiply, accumulate into the kept assignment.
            let kept = union.filter { !eliminate.contains($0) }
            var expected = [Double](repeating: 0, count: kept.cardinalities.reduce(1, *))
            for a in Oracle.assignments(union) {
                var index = 0
                for (v, c) in zip(kept.variables, kept.cardinalities) { index = index * c + a[v]! }
                expected[index] += factors.reduce(1.0) { $0 * Oracle.value($1, a) }
            }
            let viaBLAS = try Factor.contract(factors, eliminating: eliminate, path: .blas).reordered(to: kept.variables)
            let viaOdometer = try Factor.contract(factors, eliminating: eliminate, path: .odometer).reordered(to: kept.variables)
            let automatic = try Factor.contract(factors, eliminating: eliminate).reordered(to: kept.variables)
            #expect(close(viaBLAS.values, expected, tol: 1e-12))
            #expect(close(viaOdometer.values, expected, tol: 1e-12))
            #expect(close(viaBLAS.values, viaOdometer.values, tol: 1e-12))
            #expect(close(automatic.values, expected, tol: 1e-12))
        }
    }

    @Test func everyLayoutOfAPairwisePlan() throws {
        // A(b, m, k) and B(b, k, n) in all 3! x 3! axis orders: direct, transposed and
        // permuted layouts all give the same answer.
        let cards = [0: 3, 1: 4, 2: 5, 3: 6]   // 0 = batch, 1 = m, 2 = k, 3 = n
        var r = RandomFactors(seed: 12)
        let aBase = r.factor(Scope([0, 1, 2], cardinalities: [3, 4, 5]))
        let bBase = r.factor(Scope([0, 2, 3], cardinalities: [3, 5, 6]))
        let reference = try aBase.multiplying(bBase).summingOut([2]).reordered(to: [0, 1, 3])
        for aOrder in permutations([0, 1, 2]) {
            for bOrder in permutations([0, 2, 3]) {
                let a = aBase.reordered(to: aOrder), b = bBase.reordered(to: bOrder)
                for path in [ContractionPlan.Path.blas, .odometer] {
                    let plan = ContractionPlan(a: a.scope.axes, b: b.scope.axes, keep: [0, 1, 3], path: path)
                    #expect(plan.output.cardinalities == plan.output.labels.map { cards[$0]! })
                    let out = try Factor(scope: Scope(plan.output.labels, cardinalities: plan.output.cardinalities),
                                         values: plan.execute(a.values, b.values)).reordered(to: [0, 1, 3])
                    #expect(close(out.values, reference.values, tol: 1e-12))
                }
            }
        }
    }

    @Test func blasIsChosenAboveTheThresholdOnly() {
        let big = ContractionPlan(a: Axes(labels: [1, 2], cardinalities: [64, 64]),
                                  b: Axes(labels: [2, 3], cardinalities: [64, 64]), keep: [1, 3])
        #expect(big.usesBLAS)
        let small = ContractionPlan(a: Axes(labels: [1, 2], cardinalities: [2, 2]),
                                    b: Axes(labels: [2, 3], cardinalities: [2, 2]), keep: [1, 3])
        #expect(!small.usesBLAS)
    }

    @Test func contractionOfNothingIsOne() throws {
        #expect(try Factor.contract([], eliminating: []).values == [1])
    }

    @Test func contractionRespectsTheMemoryBudget() throws {
        let a = try Factor(scope: Scope([0, 1], cardinalities: [100, 100]), filledWith: 1)
        let b = try Factor(scope: Scope([2, 3], cardinalities: [100, 100]), filledWith: 1)
        let small = MemoryBudget(bytes: 1 << 20)
        #expect(throws: FactorError.self) {
            try MemoryBudget.$current.withValue(small) {
                _ = try Factor.contract([a, b], eliminating: [])
            }
        }
    }
}

func permutations(_ xs: [Int]) -> [[Int]] {
    if xs.count <= 1 { return [xs] }
    return xs.indices.flatMap { i -> [[Int]] in
        var rest = xs
        let x = rest.remove(at: i)
        return permutations(rest).map { [x] + $0 }
    }
}
