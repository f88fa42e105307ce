import BNCore

/// Score-based structure search over DAGs: greedy hill climbing with tabu list and random
/// restarts (Heckerman, Geiger & Chickering 1995; Chickering 2002 for the operators), with
/// a cache of family scores keyed by (child, parent set).
///
/// Each step considers every legal single-edge change (add `a → b`, remove it, reverse it),
/// scores it by the change of the one or two affected families, and takes the best
/// improvement. With `tabuLength > 0` the best non-tabu move is taken even when it does not
/// improve (tabu search), and the best DAG seen is returned. Restarts perturb the best DAG
/// with random edge changes drawn from the seeded generator.
public struct HillClimbing: Sendable {
    public var score: StructureScore
    public var maxParents: Int
    /// Edges that must be present (`from → to` by variable index).
    public var required: Set<Edge>
    /// Edges that must not be present.
    public var forbidden: Set<Edge>
    public var tabuLength: Int
    public var maxIterations: Int
    public var restarts: Int
    /// Random edge changes applied to the best DAG before each restart.
    public var perturbation: Int
    public var seed: UInt64
    /// Called after every step with the step number (counting on across restarts, so it only
    /// grows), the score of the DAG just reached, and its number of arcs.
    public var progress: (@Sendable (_ step: Int, _ score: Double, _ arcs: Int) -> Void)?

    /// A directed edge `from → to`.
    public struct Edge: Hashable, Sendable {
        public var from: Int
        public var to: Int
        public init(_ from: Int, _ to: Int) { self.from = from; self.to = to }
    }

    public init(score: StructureScore = .bic, maxParents: Int = 4, required: Set<Edge> = [], forbidden: Set<Edge> = [],
                tabuLength: Int = 0, maxIterations: Int = 10_000, restarts: Int = 0, perturbation: Int = 5, seed: UInt64 = 1,
                progress: (@Sendable (_ step: Int, _ score: Double, _ arcs: Int) -> Void)? = nil) {
        self.score = score
        self.maxParents = maxParents
        self.required = required
        self.forbidden = forbidden
        self.tabuLength = tabuLength
        self.maxIterations = maxIterations
        self.restarts = restarts
        self.perturbation = perturbation
        self.seed = seed
        self.progress = progress
    }

    /// What a search found.
    public struct Result: Sendable {
        /// `parents[v]`, sorted by index.
        public var parents: [[Int]]
        public var score: Double
        public var iterations: Int
        /// How many distinct family scores were computed (cache misses).
        public var familiesScored: Int
    }

    /// Searches for the best-scoring DAG over the variables of `data` (complete-case counts:
    /// a row counts for every family it observes fully). `cardinalities[v]` and the binding's
    /// columns define the variables.
    public func search(cardinalities: [Int], binding: DataBinding, start: [[Int]]? = nil) throws(LearningError) -> Result {
        try search(cardinalities: cardinalities, statistics: binding.deduplicated(), start: start)
    }

    /// Searches for the best-scoring DAG with family counts from `statistics`: complete-case
    /// counts of a `DataBinding`, or the expected counts of a `PosteriorCompletion` (the
    /// structure step of structural EM, Friedman 1997).
    public func search(cardinalities: [Int], statistics: any FamilyStatistics, start: [[Int]]? = nil) throws(LearningError) -> Result {
        let n = cardinalities.count
        guard maxParents >= 0 else { throw .invalidOption("max parents must be at least 0") }
        for e in required where forbidden.contains(e) {
            throw .invalidOption("edge \(e.from) -> \(e.to) is both required and forbidden")
        }
        let cache = FamilyScoreCache(score: score, cardinalities: cardinalities, statistics: statistics)
        var parents = start ?? Array(repeating: [], count: n)
        for e in required where !parents[e.to].contains(e.from) { parents[e.to].append(e.from); parents[e.to].sort() }
        guard isAcyclic(parents) else { throw .invalidOption("the required edges form a cycle") }
        var rng = SplitMix64(seed: seed)
        var best = climb(from: parents, cache: cache, stepsBefore: 0)
        var iterations = best.iterations
        for _ in 0..<restarts {
            var p = best.parents
            perturb(&p, rng: &rng)
            let r = climb(from: p, cache: cache, stepsBefore: iterations)
            iterations += r.iterations
            if r.score > best.score + 1e-9 { best = r }
        }
        best.iterations = iterations
        best.familiesScored = cache.misses
        return best
    }

    private func total(_ parents: [[Int]], _ cache: FamilyScoreCache) -> Double {
        parents.indices.reduce(0) { $0 + cache.score($1, parents[$1]) }
    }

    private func climb(from start: [[Int]], cache: FamilyScoreCache, stepsBefore: Int) -> Result {
        var parents = start
        var current = parents.indices.map { cache.score($0, parents[$0]) }
        var bestParents = parents
        var bestScore = current.reduce(0, +)
        var reached = bestScore
        var tabu: [[[Int]]] = []
        var iterations = 0
        let n = parents.count
        let isRequired = Self.matrix(required, n), isForbidden = Self.matrix(forbidden, n)
        // Every move changes one or two families by toggling one parent: `toggle[v·n + u]`
        // is the score change of toggling `u` in the parents of `v` (NaN: not computed since
        // `v`'s parents last changed), so a step only scores the moves of the families the
        // last step changed.
        var toggle = [Double](repeating: .nan, count: n * n)
        /// `v`'s parents with `u` toggled.
        func toggled(_ v: Int, _ u: Int) -> [Int] {
            parents[v].contains(u) ? parents[v].filter { $0 != u } : (parents[v] + [u]).sorted()
        }
        while iterations < maxIterations {
            iterations += 1
            var bestMove: (delta: Double, toggles: [(Int, Int)])? = nil
            var dryRun = true
            // `ancestor[a·n + b]`: a directed path b ⇝ a exists (so adding a → b would close a cycle).
            var ancestor = [Bool](repeating: false, count: n * n)
            for a in 0..<n {
                var stack = parents[a]
                while let u = stack.popLast() {
                    if ancestor[a * n + u] { continue }
                    ancestor[a * n + u] = true
                    stack += parents[u]
                }
            }
            func consider(_ toggles: [(Int, Int)]) {
                var delta = 0.0
                for (v, u) in toggles {
                    var d = toggle[v * n + u]
                    if d.isNaN {
                        let ps = toggled(v, u)
                        if dryRun { _ = cache.change(v, from: parents[v], to: ps); continue }
                        d = cache.change(v, from: parents[v], to: ps) ?? cache.score(v, ps) - current[v]
                        toggle[v * n + u] = d
                    }
                    delta += d
                }
                if dryRun { return }
                if tabuLength > 0 {
                    var candidate = parents
                    for (v, u) in toggles { candidate[v] = toggled(v, u) }
                    if tabu.contains(candidate) { return }
                }
                if bestMove == nil || delta > bestMove!.delta + 1e-12 { bestMove = (delta, toggles) }
            }
            // First a dry run gathers the families no move has scored yet, counted together
            // in one pass; then every move is evaluated from the cache.
            cache.collecting = true
            for pass in 0..<2 {
            if pass == 1 {
                cache.collecting = false
                cache.resolvePending()
                dryRun = false
            }
            for a in 0..<n {
                for b in 0..<n where a != b {
                    if parents[b].contains(a) {
                        // Remove a → b.
                        if !isRequired[a * n + b] {
                            consider([(b, a)])
                            // Reverse a → b into b → a.
                            // It closes a cycle when a reaches b by another path: through
                            // another parent p of b that a is an ancestor of.
                            if !isForbidden[b * n + a] && parents[a].count < maxParents,
                               !parents[b].contains(where: { $0 != a && ancestor[$0 * n + a] }) {
                                consider([(b, a), (a, b)])
                            }
                        }
                    } else if !parents[a].contains(b), !isForbidden[a * n + b], parents[b].count < maxParents,
                              !ancestor[a * n + b] {
                        consider([(b, a)])
                    }
                }
            }
            }
            guard let move = bestMove else { break }
            if move.delta <= 1e-9 && tabuLength == 0 { break }
            if tabuLength > 0 {
                tabu.append(parents)
                if tabu.count > tabuLength { tabu.removeFirst() }
            }
            for (v, u) in move.toggles {
                parents[v] = toggled(v, u)
                current[v] = cache.score(v, parents[v])
                for w in 0..<n { toggle[v * n + w] = .nan }
            }
            // On available cases the families' own scores are on different rows: the
            // score climbs by the moves' changes.
            let s = cache.statistics.sharedRows ? reached + move.delta : current.reduce(0, +)
            reached = s
            progress?(stepsBefore + iterations, s, parents.reduce(0) { $0 + $1.count })
            if s > bestScore + 1e-9 {
                bestScore = s
                bestParents = parents
            } else if tabuLength > 0 && iterations > 4 * tabuLength && s < bestScore - 1e-9 && move.delta <= 0 {
                // Tabu search stops after a long stretch without a new best.
                if iterations > maxIterations / 2 { break }
            }
            if tabuLength == 0 && move.delta <= 1e-9 { break }
        }
        return Result(parents: bestParents, score: bestScore, iterations: iterations, familiesScored: 0)
    }

    /// `edges` as a flat `n × n` matrix, `[from · n + to]`.
    private static func matrix(_ edges: Set<Edge>, _ n: Int) -> [Bool] {
        var m = [Bool](repeating: false, count: n * n)
        for e in edges where e.from < n && e.to < n { m[e.from * n + e.to] = true }
        return m
    }

    /// Random moves away from a local optimum: each step reverses or removes a random
    /// existing edge (the moves greedy climbing is least likely to undo on its own) or adds a
    /// random one, keeping the graph acyclic and the required edges in place.
    private func perturb(_ parents: inout [[Int]], rng: inout SplitMix64) {
        let n = parents.count
        guard n > 1 else { return }
        for _ in 0..<perturbation {
            var edges: [Edge] = []
            for b in 0..<n { for a in parents[b] where !required.contains(Edge(a, b)) { edges.append(Edge(a, b)) } }
            let kind = Int.random(in: 0..<3, using: &rng)
            if kind < 2, !edges.isEmpty {
                let e = edges[Int.random(in: 0..<edges.count, using: &rng)]
                parents[e.to].removeAll { $0 == e.from }
                if kind == 0, !forbidden.contains(Edge(e.to, e.from)), parents[e.from].count < maxParents,
                   !reaches(parents, from: e.from, to: e.to) {
                    parents[e.from] = (parents[e.from] + [e.to]).sorted()
                }
            } else {
                let a = Int.random(in: 0..<n, using: &rng), b = Int.random(in: 0..<n, using: &rng)
                if a != b, !parents[b].contains(a), !forbidden.contains(Edge(a, b)), parents[b].count < maxParents,
                   !reaches(parents, from: b, to: a) {
                    parents[b] = (parents[b] + [a]).sorted()
                }
            }
        }
    }

    /// Whether a directed path `from ⇝ to` exists (following child links).
    private func reaches(_ parents: [[Int]], from: Int, to: Int) -> Bool {
        // Walk backwards from `to` through parents looking for `from`.
        var seen = Set<Int>()
        var stack = [to]
        while let u = stack.popLast() {
            if u == from { return true }
            for p in parents[u] where seen.insert(p).inserted { stack.append(p) }
        }
        return false
    }

    private func isAcyclic(_ parents: [[Int]]) -> Bool {
        var state = [UInt8](repeating: 0, count: parents.count)   // 0 new, 1 on stack, 2 done
        func visit(_ u: Int) -> Bool {
            if state[u] == 1 { return false }
            if state[u] == 2 { return true }
            state[u] = 1
            for p in parents[u] where !visit(p) { return false }
            state[u] = 2
            return true
        }
        return parents.indices.allSatisfy(visit)
    }
}

/// Family scores memoised by (child, sorted parent list): hill climbing re-asks for the
/// same families thousands of times. Misses can be gathered first (`collecting`: the score
/// of an unknown family is recorded and 0 returned) and then counted together in one
/// blocked pass over the rows on two threads (`resolvePending`, through the `statistics`), which is how the search
/// asks: a dry run over all moves, the counts, then the real evaluation.
final class FamilyScoreCache: @unchecked Sendable {
    let score: StructureScore
    let cardinalities: [Int]
    let statistics: any FamilyStatistics
    let sampleSize: Double
    /// Per family key: its score, and with `statistics.sharedRows` the score of the family
    /// without each of its parents (in the order of the key) on the rows that observe the
    /// whole family.
    private var table: [[Int]: (score: Double, without: [Double])] = [:]
    private(set) var misses = 0
    /// While true, `score` records unknown families instead of counting them.
    var collecting = false
    private var pending: [[Int]] = []
    private var pendingSet: Set<[Int]> = []

    init(score: StructureScore, cardinalities: [Int], statistics: any FamilyStatistics) {
        self.score = score
        self.cardinalities = cardinalities
        self.statistics = statistics
        sampleSize = statistics.sampleSize
    }

    func score(_ child: Int, _ parents: [Int]) -> Double {
        entry(parents + [child])?.score ?? 0
    }

    /// The family's entry; nil while collecting (the family is then recorded for counting).
    private func entry(_ key: [Int]) -> (score: Double, without: [Double])? {
        if let e = table[key] { return e }
        if collecting {
            if pendingSet.insert(key).inserted { pending.append(key) }
            return nil
        }
        misses += 1
        record(key, statistics.counts(families: [key], cardinalities: cardinalities)[0])
        return table[key]!
    }

    /// The score change of `child` going from parents `old` to `new` (one parent more or
    /// less) measured on the rows that observe the larger family, when the statistics
    /// count each family on its own rows (`FamilyStatistics.sharedRows`); nil otherwise
    /// (the change is then the difference of the two family scores).
    func change(_ child: Int, from old: [Int], to new: [Int]) -> Double? {
        guard statistics.sharedRows, abs(old.count - new.count) == 1 else {
            if collecting { _ = score(child, new) }
            return nil
        }
        let (large, small, sign) = old.count > new.count ? (old, new, -1.0) : (new, old, 1.0)
        guard let e = entry(large + [child]) else { return 0 }
        var dropped = 0
        while dropped < small.count && small[dropped] == large[dropped] { dropped += 1 }
        return sign * (e.score - e.without[dropped])
    }

    /// Files a family's score from its counts (and, with `sharedRows`, the scores of the
    /// family without each parent, from the same counts).
    private func record(_ key: [Int], _ counts: [Double]) {
        let r = cardinalities[key.last!]
        let own = score.familyScore(counts: counts, childStates: r, sampleSize: sampleSize)
        guard statistics.sharedRows else { table[key] = (own, []); return }
        // Summing parent k out: the table is row-major over the key, so each cell's index
        // splits into (outer, x_k, inner) around the axis of parent k.
        var inner = counts.count
        let without = key.dropLast().indices.map { k -> Double in
            let card = cardinalities[key[k]]
            inner /= card
            let outer = counts.count / (inner * card)
            var summed = [Double](repeating: 0, count: outer * inner)
            for o in 0..<outer {
                for x in 0..<card {
                    let from = (o * card + x) * inner
                    for i in 0..<inner { summed[o * inner + i] += counts[from + i] }
                }
            }
            return score.familyScore(counts: summed, childStates: r, sampleSize: sampleSize)
        }
        table[key] = (own, without)
    }

    /// Counts and scores every family recorded while `collecting`, in one pass. Families
    /// over the same set of variables (`b | a` and `a | b`, a reversal's two sides) share one
    /// count: the joint table over the sorted set, permuted into each family's layout.
    func resolvePending() {
        guard !pending.isEmpty else { return }
        var sets: [[Int]] = []
        var setIndex: [[Int]: Int] = [:]
        for key in pending {
            let sorted = key.sorted()
            if setIndex[sorted] == nil { setIndex[sorted] = sets.count; sets.append(sorted) }
        }
        let all = statistics.counts(families: sets, cardinalities: cardinalities)
        for key in pending {
            let sorted = key.sorted()
            let joint = all[setIndex[sorted]!]
            record(key, key == sorted ? joint : Self.permute(joint, from: sorted, to: key, cardinalities: cardinalities))
        }
        misses += sets.count
        pending.removeAll(keepingCapacity: true)
        pendingSet.removeAll(keepingCapacity: true)
    }

    /// A row-major table over the variables `from` rewritten row-major over `to` (the same
    /// variables in another order).
    static func permute(_ values: [Double], from: [Int], to: [Int], cardinalities: [Int]) -> [Double] {
        let k = from.count
        var fromStride = [Int](repeating: 1, count: k)
        for i in stride(from: k - 2, through: 0, by: -1) { fromStride[i] = fromStride[i + 1] * cardinalities[from[i + 1]] }
        // For each axis of `to`: its stride in `from`, and its cardinality.
        let strides = to.map { v in fromStride[from.firstIndex(of: v)!] }
        let cards = to.map { cardinalities[$0] }
        var out = [Double](repeating: 0, count: values.count)
        var digits = [Int](repeating: 0, count: k)
        var source = 0
        for i in 0..<values.count {
            out[i] = values[source]
            var a = k - 1
            while a >= 0 {
                digits[a] += 1
                source += strides[a]
                if digits[a] < cards[a] { break }
                source -= strides[a] * cards[a]
                digits[a] = 0
                a -= 1
            }
        }
        return out
    }
}
