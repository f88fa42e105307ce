import Testing
@testable import BNCore
import FactorKernels

/// Every factor operation against the scalar oracle on 1,000 seeded random cases each.
@Suite("Factor algebra against a brute-force oracle")
struct FactorAlgebraTests {
    static let cases = 1_000

    @Test func productMatchesOracle() throws {
        var r = RandomFactors(seed: 1)
        for _ in 0..<Self.cases {
            let pool = r.cardinalities(count: r.int(0...8))
            let a = r.factor(r.scope(pool: pool, arity: r.int(0...pool.count)))
            let b = r.factor(r.scope(pool: pool, arity: r.int(0...pool.count)))
            let p = try a.multiplying(b)
            #expect(p.scope.variables == a.scope.union(b.scope).variables)
            let expected = Oracle.table(p.scope) { Oracle.value(a, $0) * Oracle.value(b, $0) }
            #expect(p.values == expected)   // one multiplication per entry: exact
        }
    }

    @Test func sumOutMatchesOracle() throws {
        var r = RandomFactors(seed: 2)
        for _ in 0..<Self.cases {
            let pool = r.cardinalities(count: r.int(0...8))
            let f = r.factor(r.scope(pool: pool, arity: pool.count))
            var drop = f.scope.variables.filter { _ in r.int(0...1) == 1 }
            drop.shuffle(using: &r.rng)
            let m = f.summingOut(drop)
            #expect(m.scope.variables == f.scope.variables.filter { !drop.contains($0) })
            var expected = [Double](repeating: 0, count: m.values.count)
            for a in Oracle.assignments(f.scope) {
                var index = 0
                for (v, c) in zip(m.scope.variables, m.scope.cardinalities) { index = index * c + a[v]! }
                expected[index] += Oracle.value(f, a)
            }
            #expect(close(m.values, expected))
        }
    }

    @Test func maxOutAndArgmaxMatchOracle() throws {
        var r = RandomFactors(seed: 3)
        for _ in 0..<Self.cases {
            let pool = r.cardinalities(count: r.int(0...8))
            let f = r.factor(r.scope(pool: pool, arity: pool.count), zeros: 0.3)
            let drop = f.scope.variables.filter { _ in r.int(0...1) == 1 }
            let (m, arg) = f.maxingOut(drop)
            for a in Oracle.assignments(m.scope) {
                // Brute force: the first maximiser in row-major order of the dropped variables.
                var best = -Double.infinity
                var bestAssignment: [Int: Int] = [:]
                for b in Oracle.assignments(f.scope.filter { drop.contains($0) }) {
                    let full = a.merging(b) { x, _ in x }
                    let v = Oracle.value(f, full)
                    if v > best { best = v; bestAssignment = b }
                }
                #expect(Oracle.value(m, a) == best)
                #expect(arg.states(given: a) == bestAssignment)
            }
        }
    }

    @Test func reductionByHardEvidenceMatchesOracle() throws {
        var r = RandomFactors(seed: 4)
        for _ in 0..<Self.cases {
            let pool = r.cardinalities(count: r.int(0...8))
            let f = r.factor(r.scope(pool: pool, arity: r.int(0...pool.count)))
            var evidence: [Int: Int] = [:]
            for v in pool.indices where r.int(0...2) == 0 { evidence[v] = r.int(0...(pool[v] - 1)) }
            let g = f.reduced(to: evidence)
            #expect(g.scope.variables == f.scope.variables.filter { evidence[$0] == nil })
            let expected = Oracle.table(g.scope) { a in Oracle.value(f, a.merging(evidence) { x, _ in x }) }
            #expect(g.values == expected)
        }
    }

    @Test func softEvidenceMatchesOracle() throws {
        var r = RandomFactors(seed: 5)
        for _ in 0..<Self.cases {
            let pool = r.cardinalities(count: r.int(1...8))
            let f = r.factor(r.scope(pool: pool, arity: r.int(0...pool.count)))
            let v = r.int(0...(pool.count - 1))
            let weights = r.values(pool[v])
            let g = f.weighted(by: weights, on: v)
            #expect(g.scope == f.scope)
            let expected = Oracle.table(f.scope) { a in Oracle.value(f, a) * (f.scope.contains(v) ? weights[a[v]!] : 1) }
            #expect(g.values == expected)
        }
    }

    @Test func divisionWithZeroConventionMatchesOracle() throws {
        var r = RandomFactors(seed: 6)
        for _ in 0..<Self.cases {
            let pool = r.cardinalities(count: r.int(0...8))
            let f = r.factor(r.scope(pool: pool, arity: pool.count))
            var sub = f.scope.variables.filter { _ in r.int(0...1) == 1 }
            sub.shuffle(using: &r.rng)
            let d = r.factor(Scope(sub, cardinalities: sub.map { pool[$0] }), zeros: 0.3)
            let q = f.dividing(by: d)
            let expected = Oracle.table(f.scope) { a in
                let den = Oracle.value(d, a)
                return den == 0 ? 0 : Oracle.value(f, a) / den
            }
            #expect(q.values == expected)
        }
    }

    @Test func normalisationReturnsTheConstant() throws {
        var r = RandomFactors(seed: 7)
        for _ in 0..<Self.cases {
            let pool = r.cardinalities(count: r.int(0...8))
            let f = r.factor(r.scope(pool: pool, arity: r.int(0...pool.count)))
            let (g, z) = f.normalized()
            let expected = f.values.reduce(0, +)
            #expect(z == expected)
            if z > 0 {
                #expect(close(g.values, f.values.map { $0 / z }))
                #expect(abs(g.values.reduce(0, +) - 1) < 1e-12)
            } else {
                #expect(g == f)
            }
        }
    }

    @Test func reorderMatchesOracle() throws {
        var r = RandomFactors(seed: 8)
        for _ in 0..<Self.cases {
            let pool = r.cardinalities(count: r.int(0...8))
            let f = r.factor(r.scope(pool: pool, arity: r.int(0...pool.count)))
            let order = f.scope.variables.shuffled(using: &r.rng)
            let g = f.reordered(to: order)
            #expect(g.scope.variables == order)
            #expect(g.values == Oracle.table(g.scope) { Oracle.value(f, $0) })
            #expect(g.reordered(to: f.scope.variables) == f)
        }
    }

    @Test func edgeCases() throws {
        // The empty scope: a constant.
        let c = Factor.constant(2.5)
        #expect(c.values == [2.5])
        #expect(c.summingOut([]).values == [2.5])
        let x = try Factor(scope: Scope([0], cardinalities: [3]), values: [0.2, 0.3, 0.5])
        #expect(try c.multiplying(x).values == [0.5, 0.75, 1.25])
        // Summing everything out gives the total.
        #expect(x.summingOut([0]).values == [1.0])
        #expect(x.summingOut([0]).scope == .empty)
        // A single-entry table over a cardinality-1 variable.
        let one = try Factor(scope: Scope([4], cardinalities: [1]), values: [0.0])
        #expect(try one.multiplying(x).values == [0, 0, 0])
        #expect(one.normalized().constant == 0)
        // Max-out of an all-zero table keeps the first state.
        let z = try Factor(scope: Scope([1], cardinalities: [3]), values: [0, 0, 0])
        #expect(z.maxingOut([1]).argmax.states(given: [:]) == [1: 0])
        // Value count mismatch is refused.
        #expect(throws: FactorError.valueCount(Scope([0], cardinalities: [3]), expected: 3, got: 2)) {
            try Factor(scope: Scope([0], cardinalities: [3]), values: [0.5, 0.5])
        }
    }
}
