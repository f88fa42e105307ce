import Testing
import Foundation
import BNCore
@testable import BNLearning

@Suite("Structural EM and posterior completion")
struct StructuralEMTests {
    /// Asia (Lauritzen & Spiegelhalter 1988), states yes/no, as in ../shared/networks/asia.bif.
    static func asia() throws -> BayesianNetwork {
        var net = BayesianNetwork(name: "asia")
        let names = ["asia", "tub", "smoke", "lung", "bronc", "either", "xray", "dysp"]
        for n in names { try net.addVariable(Variable(name: n, states: ["yes", "no"])) }
        func i(_ n: String) -> Int { names.firstIndex(of: n)! }
        for (p, c) in [("asia", "tub"), ("smoke", "lung"), ("smoke", "bronc"), ("tub", "either"), ("lung", "either"),
                       ("either", "xray"), ("bronc", "dysp"), ("either", "dysp")] {
            try net.addEdge(from: i(p), to: i(c))
        }
        let tables: [String: [Double]] = [
            "asia": [0.01, 0.99], "tub": [0.05, 0.95, 0.01, 0.99], "smoke": [0.5, 0.5],
            "lung": [0.1, 0.9, 0.01, 0.99], "bronc": [0.6, 0.4, 0.3, 0.7],
            "either": [1, 0, 1, 0, 1, 0, 0, 1],                       // tub, lung: either = tub or lung
            "xray": [0.98, 0.02, 0.05, 0.95],
            "dysp": [0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.1, 0.9],         // bronc, either
        ]
        for v in 0..<net.count {
            try net.setCPT(v, Factor(scope: net.familyScope(of: v), values: tables[names[v]]!))
        }
        return net
    }

    /// Every cell hidden with probability `fraction` (seeded): missing completely at random.
    static func hiding(_ data: Dataset, fraction: Double, seed: UInt64) -> Dataset {
        var out = data
        var rng = SplitMix64(seed: seed)
        for v in out.columns.indices { for i in 0..<out.rowCount where rng.nextUnit() < fraction { out.columns[v][i] = -1 } }
        return out
    }

    static func skeleton(_ net: BayesianNetwork) throws -> BayesianNetwork {
        var s = BayesianNetwork(name: "skeleton")
        for v in net.variables { try s.addVariable(Variable(name: v.name, states: v.states)) }
        return s
    }

    /// Asia, 10,000 rows, 20 % of cells missing, for three seeds of the rows, the gaps and
    /// the run: structural EM ends within 2 (SHD between equivalence classes) of hill
    /// climbing on the same rows without gaps, where the search on unscaled available cases
    /// (what `learn` did before structural EM) ends far away.
    @Test func asiaWithGapsComesWithinTwoOfCompleteData() throws {
        let truth = try Self.asia()
        let parents = (0..<truth.count).map { truth.parents(of: $0) }
        let search = HillClimbing(score: .bic, maxParents: 4)
        for seed: UInt64 in 1...3 {
            let complete = Fixtures.sample(truth, rows: 10_000, seed: 10 + seed)
            let gaps = Self.hiding(complete, fraction: 0.2, seed: 20 + seed)
            let onComplete = try search.search(cardinalities: truth.cardinalities,
                                               binding: DataBinding(network: truth, data: complete))
            let shdComplete = StructuralHammingDistance.distance(parents, onComplete.parents)
            let result = try StructuralEM(search: search, seed: seed).learn(try Self.skeleton(truth), data: gaps)
            let shdGaps = StructuralHammingDistance.distance(parents, result.parents)
            #expect(shdComplete <= 2)
            #expect(shdGaps <= shdComplete + 2, "seed \(seed): SHD \(shdGaps) with gaps against \(shdComplete) without")
            #expect(result.rounds >= 1 && result.rounds <= 2)
            // The returned network carries the learned structure.
            #expect((0..<result.network.count).map { result.network.parents(of: $0).sorted() } == result.parents)
            // Unscaled complete-case counts reward every parent for the rows it drops.
            let unscaled = try search.search(cardinalities: truth.cardinalities,
                                             binding: DataBinding(network: truth, data: gaps))
            #expect(StructuralHammingDistance.distance(parents, unscaled.parents) > shdComplete + 2)
        }
    }

    /// Available cases scaled to the sample: a family's counts sum to `N` whatever its gaps,
    /// and the search scores a move on the rows that observe the larger family: adding
    /// `smoke → bronc` changes the score of bronc by the scaled difference of the two
    /// families counted on the rows where smoke and bronc are both observed.
    @Test func availableCasesAreScaledAndComparedOnSharedRows() throws {
        let truth = try Self.asia()
        let cards = truth.cardinalities
        let gaps = Self.hiding(Fixtures.sample(truth, rows: 10_000, seed: 41), fraction: 0.2, seed: 42)
        let binding = try DataBinding(network: truth, data: gaps)
        let statistics = AvailableCaseStatistics(binding)
        #expect(statistics.sharedRows && statistics.sampleSize == 10_000)
        for table in statistics.counts(families: [[0], [2, 3], [4, 5, 7], [0, 1, 2, 3]], cardinalities: cards) {
            #expect(abs(table.reduce(0, +) - 10_000) < 1e-6)
        }
        let smoke = 2, bronc = 4
        let cache = FamilyScoreCache(score: .bic, cardinalities: cards, statistics: statistics)
        let change = try #require(cache.change(bronc, from: [], to: [smoke]))
        // By hand: the rows observing both, their counts scaled to N, BIC of each family.
        let both = (0..<gaps.rowCount).filter { gaps.columns[smoke][$0] >= 0 && gaps.columns[bronc][$0] >= 0 }
        var joint = [Double](repeating: 0, count: 4)
        for i in both { joint[Int(gaps.columns[smoke][i]) * 2 + Int(gaps.columns[bronc][i])] += 10_000 / Double(both.count) }
        let marginal = [joint[0] + joint[2], joint[1] + joint[3]]
        let byHand = StructureScore.bic.familyScore(counts: joint, childStates: 2, sampleSize: 10_000)
            - StructureScore.bic.familyScore(counts: marginal, childStates: 2, sampleSize: 10_000)
        #expect(abs(change - byHand) < 1e-6 * abs(byHand))
        #expect(abs(try #require(cache.change(bronc, from: [smoke], to: [])) + byHand) < 1e-6 * abs(byHand))
        // The bronc family alone on its own rows is another number.
        let own = cache.score(bronc, [smoke]) - cache.score(bronc, [])
        #expect(abs(own - byHand) > 1)
    }

    /// Friedman's expected counts, exactly: for families inside and outside the completing
    /// network, `Σ_rows w · P(x_F | observed cells)` by brute force over the joint.
    @Test func expectedCountsMatchTheBruteForcePosterior() throws {
        let net = try Fixtures.chain()    // A → B → C
        let data = Self.hiding(Fixtures.sample(net, rows: 400, seed: 21), fraction: 0.3, seed: 22)
        let completion = try PosteriorCompletion(network: net, data: data)
        let cards = net.cardinalities
        let families = [[0], [0, 1], [1, 2], [0, 2], [2, 1, 0], [1, 0]]
        let counts = completion.counts(families: families, cardinalities: cards)
        // The joint P(a, b, c) from the CPTs.
        func joint(_ x: [Int]) -> Double {
            net.cpts[0].values[x[0]] * net.cpts[1].values[x[0] * 2 + x[1]] * net.cpts[2].values[x[1] * 3 + x[2]]
        }
        let states = (0..<2).flatMap { a in (0..<2).flatMap { b in (0..<3).map { c in [a, b, c] } } }
        for (f, fam) in families.enumerated() {
            var expected = [Double](repeating: 0, count: fam.reduce(1) { $0 * cards[$1] })
            for i in 0..<data.rowCount {
                let e = (0..<3).map { data.columns[$0][i] }
                let consistent = states.filter { x in (0..<3).allSatisfy { e[$0] < 0 || Int(e[$0]) == x[$0] } }
                let z = consistent.reduce(0) { $0 + joint($1) }
                for x in consistent {
                    var cell = 0
                    for u in fam { cell = cell * cards[u] + x[u] }
                    expected[cell] += joint(x) / z
                }
            }
            #expect(zip(counts[f], expected).allSatisfy { abs($0 - $1) < 1e-9 }, "family \(fam)")
            #expect(abs(counts[f].reduce(0, +) - 400) < 1e-9)
        }
    }

    /// The Gibbs chain keeps every observed cell and the total weight, fills every gap, and
    /// its states averaged over many sweeps under the network give the exact expected
    /// counts of `PosteriorCompletion`, for a family of the network and one outside it.
    @Test func gibbsImputationsAverageToTheExpectedCounts() throws {
        let net = try Fixtures.chain()    // A → B → C
        let data = Self.hiding(Fixtures.sample(net, rows: 400, seed: 21), fraction: 0.3, seed: 22)
        let cards = net.cardinalities
        let binding = try DataBinding(network: net, data: data)
        var chain = GibbsImputation(binding: binding, cardinalities: cards, seed: 3)
        let one = chain.imputations(1, under: net, sweeps: 1)
        #expect(one.isComplete && abs(one.sampleSize - 400) < 1e-9)
        let observed = FamilyCounter.counts(families: [[0, 1, 2]], cardinalities: cards, binding: binding)[0]
        let filled = FamilyCounter.counts(families: [[0, 1, 2]], cardinalities: cards, binding: one)[0]
        #expect(zip(observed, filled).allSatisfy { $0 <= $1 + 1e-9 })
        let families = [[0, 1], [0, 2], [2, 1, 0]]
        let exact = try PosteriorCompletion(network: net, data: data).counts(families: families, cardinalities: cards)
        let averaged = chain.imputations(2_000, under: net, sweeps: 5).counts(families: families, cardinalities: cards)
        for (e, a) in zip(exact, averaged) {
            #expect(abs(a.reduce(0, +) - 400) < 1e-6)
            #expect(zip(e, a).allSatisfy { abs($0 - $1) < 2 }, "\(e) against \(a)")
        }
    }

    /// The chain holds the rows as patterns with copies: given the rows or the same table
    /// as distinct patterns weighted by their counts, the same seed gives the same
    /// imputations, bit for bit, and it keeps fewer units than rows (400 rows of three
    /// binary variables, most of them repeated).
    @Test func gibbsChainOnRowsEqualsTheChainOnTheirPatterns() throws {
        let net = try Fixtures.chain()
        let data = Self.hiding(Fixtures.sample(net, rows: 400, seed: 21), fraction: 0.3, seed: 22)
        let rows = try DataBinding(network: net, data: data)
        let patterns = rows.deduplicated()
        #expect(patterns.rowCount < 40 && patterns.weights != nil)
        var a = GibbsImputation(binding: rows, cardinalities: net.cardinalities, seed: 9)
        var b = GibbsImputation(binding: patterns, cardinalities: net.cardinalities, seed: 9)
        #expect(a.cells == b.cells && a.copies == b.copies)
        #expect(a.copies.reduce(0, +) == 400 && a.copies.count < 100)
        let x = a.imputations(3, under: net, sweeps: 2), y = b.imputations(3, under: net, sweeps: 2)
        #expect(x.codes == y.codes && x.weights == y.weights)
        #expect(abs(x.sampleSize - 400) < 1e-9)
    }

    /// Progress reports come after every search step and EM iteration, numbered upwards,
    /// and the last search report gives the arcs of the result.
    @Test func progressIsReportedWithIncreasingIterations() throws {
        let truth = try Self.asia()
        let gaps = Self.hiding(Fixtures.sample(truth, rows: 3_000, seed: 31), fraction: 0.2, seed: 32)
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var reports: [StructuralEM.Progress] = []
            func add(_ p: StructuralEM.Progress) { lock.lock(); reports.append(p); lock.unlock() }
        }
        let log = Log()
        // No restarts: the last search report is then the result's.
        let result = try StructuralEM(search: HillClimbing(), emIterations: 2, restarts: 0, progress: { log.add($0) })
            .learn(try Self.skeleton(truth), data: gaps)
        let reports = log.reports
        #expect(reports.count >= result.iterations)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.iteration < $1.iteration })
        #expect(reports.contains { $0.stage == .search } && reports.contains { $0.stage == .parameters })
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.round <= $1.round })
        if let last = reports.last(where: { $0.stage == .search }) {
            #expect(last.arcs == result.parents.reduce(0) { $0 + $1.count })
        }
        // Hill climbing alone: one report per step, steps 1, 2, 3, ...
        let steps = Log()
        var climbing = HillClimbing()
        climbing.progress = { step, score, arcs in steps.add(.init(stage: .search, round: 0, iteration: step, score: score, arcs: arcs)) }
        let found = try climbing.search(cardinalities: truth.cardinalities,
                                        binding: DataBinding(network: truth, data: Fixtures.sample(truth, rows: 2_000, seed: 33)))
        #expect(steps.reports.map(\.iteration) == Array(1...steps.reports.count))
        #expect(steps.reports.count >= found.iterations - 1 && steps.reports.count <= found.iterations)
        #expect(zip(steps.reports, steps.reports.dropFirst()).allSatisfy { $0.score < $1.score })
    }
}
