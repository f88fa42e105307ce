import BNCore

/// A deliberately naive scalar reference for the factor algebra: every value is computed
/// from a full assignment by explicit index arithmetic, sharing no code with the kernels.
enum Oracle {
    /// All assignments of a scope, row-major (last variable fastest).
    static func assignments(_ scope: Scope) -> [[Int: Int]] {
        var result: [[Int: Int]] = [[:]]
        for (v, c) in zip(scope.variables, scope.cardinalities) {
            var next: [[Int: Int]] = []
            next.reserveCapacity(result.count * c)
            for a in result {
                for s in 0..<c {
                    var b = a
                    b[v] = s
                    next.append(b)
                }
            }
            result = next
        }
        return result
    }

    /// φ(assignment) by explicit row-major index.
    static func value(_ f: Factor, _ a: [Int: Int]) -> Double {
        var index = 0
        for (v, c) in zip(f.scope.variables, f.scope.cardinalities) { index = index * c + a[v]! }
        return f.values[index]
    }

    /// The table of `body` over `scope`.
    static func table(_ scope: Scope, _ body: ([Int: Int]) -> Double) -> [Double] {
        assignments(scope).map(body)
    }
}

/// Random factors for property tests: arity 0…8, cardinalities 1…50 (shrunk so the
/// union of the scopes in one case stays small enough to enumerate), shuffled variable
/// orders, exact zeros sprinkled in.
struct RandomFactors {
    var rng: SplitMix64
    /// Largest number of entries of any scope union drawn by one case.
    var entryCap: Int

    init(seed: UInt64, entryCap: Int = 4096) {
        rng = SplitMix64(seed: seed)
        self.entryCap = entryCap
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    /// A pool of `count` variables (ids 0..<count, random order not needed) with
    /// cardinalities in 1…50 shrunk until their product is at most `entryCap`.
    mutating func cardinalities(count: Int) -> [Int] {
        var cards = (0..<count).map { _ in int(1...50) }
        while cards.reduce(1, *) > entryCap {
            let i = cards.indices.max { cards[$0] < cards[$1] }!
            cards[i] = max(1, cards[i] / 2)
        }
        return cards
    }

    /// A random scope over a random subset (shuffled) of the pool.
    mutating func scope(pool cards: [Int], arity: Int) -> Scope {
        var ids = Array(cards.indices)
        ids.shuffle(using: &rng)
        let chosen = Array(ids.prefix(arity))
        return Scope(chosen, cardinalities: chosen.map { cards[$0] })
    }

    /// Random values in [0, 1) with about 10% exact zeros.
    mutating func values(_ n: Int, zeros: Double = 0.1) -> [Double] {
        (0..<n).map { _ in rng.nextUnit() < zeros ? 0 : rng.nextUnit() }
    }

    mutating func factor(_ scope: Scope, zeros: Double = 0.1) -> Factor {
        let n = scope.cardinalities.reduce(1, *)
        return try! Factor(scope: scope, values: values(n, zeros: zeros))
    }
}

/// `|a − b| ≤ tol·max(1, |a|, |b|)` elementwise.
func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
        let scale = max(1, abs(x), abs(y))
        if abs(x - y) > tol * scale { return false }
    }
    return true
}
