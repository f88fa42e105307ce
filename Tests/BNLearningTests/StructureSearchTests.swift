import Testing
import Foundation
import BNCore
@testable import BNLearning

@Suite("Scores and structure search")
struct StructureSearchTests {
    /// Merging identical rows keeps every family count; a joint count permuted into another
    /// variable order equals counting in that order.
    @Test func deduplicatedRowsAndPermutedCountsGiveTheSameCounts() throws {
        let net = try Fixtures.chain()
        let data = Fixtures.sample(net, rows: 3_000, seed: 41)
        let binding = try DataBinding(network: net, data: data)
        let merged = binding.deduplicated()
        #expect(merged.rowCount < binding.rowCount && merged.weights?.reduce(0, +) == 3_000)
        let cards = net.cardinalities
        let families = [[0], [0, 1], [2, 0], [1, 2, 0], [2, 1, 0]]
        #expect(FamilyCounter.counts(families: families, cardinalities: cards, binding: merged)
                == FamilyCounter.counts(families: families, cardinalities: cards, binding: binding))
        for order in [[1, 0, 2], [2, 1, 0], [0, 2, 1]] {
            let joint = FamilyCounter.counts(family: [0, 1, 2], cardinalities: cards, binding: binding)
            #expect(FamilyScoreCache.permute(joint, from: [0, 1, 2], to: order, cardinalities: cards)
                    == FamilyCounter.counts(family: order, cardinalities: cards, binding: binding))
        }
    }

    @Test func bicByHand() {
        // Counts of a binary child with one binary parent: rows (2, 1), (0, 1); N = 4.
        let counts: [Double] = [2, 1, 0, 1]
        let ll = 2 * log(2.0 / 3) + 1 * log(1.0 / 3) + 1 * log(1.0)
        let bic = StructureScore.bic.familyScore(counts: counts, childStates: 2, sampleSize: 4)
        #expect(abs(bic - (ll - 0.5 * log(4.0) * 2)) < 1e-12)
        let aic = StructureScore.aic.familyScore(counts: counts, childStates: 2, sampleSize: 4)
        #expect(abs(aic - (ll - 2)) < 1e-12)
        // K2: Σ_j [log Γ(2) − log Γ(N_j + 2) + Σ_k log Γ(N_jk + 1)]
        //   j = 0 (N_j = 3): 0 − log 4! + log 2! + log 1!;  j = 1 (N_j = 1): 0 − log 2! + log 0! + log 1!
        let k2 = StructureScore.k2.familyScore(counts: counts, childStates: 2, sampleSize: 4)
        #expect(abs(k2 - (-log(24.0) + log(2.0) - log(2.0))) < 1e-12)
    }

    @Test func bdeuAndBICAreScoreEquivalent() throws {
        // A → B and B → A are Markov equivalent: BDeu and BIC give them equal scores; K2 need not.
        let truth = try Fixtures.chain()
        let data = Fixtures.sample(truth, rows: 3_000, seed: 4)
        let binding = try DataBinding(network: truth, data: data)
        let cards = truth.cardinalities
        for score in [StructureScore.bic, .bdeu(equivalentSampleSize: 10)] {
            let cache = FamilyScoreCache(score: score, cardinalities: cards, statistics: binding)
            let ab = cache.score(0, []) + cache.score(1, [0])
            let ba = cache.score(1, []) + cache.score(0, [1])
            #expect(abs(ab - ba) < 1e-8)
        }
    }

    @Test func hillClimbingRecoversTheChainSkeleton() throws {
        let truth = try Fixtures.chain()
        let data = Fixtures.sample(truth, rows: 20_000, seed: 5)
        let binding = try DataBinding(network: truth, data: data)
        for score in [StructureScore.bic, .bdeu(equivalentSampleSize: 1), .k2, .aic] {
            let result = try HillClimbing(score: score).search(cardinalities: truth.cardinalities, binding: binding)
            var skeleton = Set<[Int]>()
            for (v, ps) in result.parents.enumerated() { for p in ps { skeleton.insert([min(p, v), max(p, v)]) } }
            #expect(skeleton == [[0, 1], [1, 2]], "score \(score)")
        }
    }

    @Test func requiredAndForbiddenEdgesAndMaxParents() throws {
        let truth = try Fixtures.chain()
        let data = Fixtures.sample(truth, rows: 5_000, seed: 6)
        let binding = try DataBinding(network: truth, data: data)
        let search = HillClimbing(maxParents: 1, required: [.init(0, 2)], forbidden: [.init(0, 1), .init(1, 0)])
        let result = try search.search(cardinalities: truth.cardinalities, binding: binding)
        #expect(result.parents[2].contains(0))
        #expect(!result.parents[1].contains(0) && !result.parents[0].contains(1))
        #expect(result.parents.allSatisfy { $0.count <= 1 })
        #expect(throws: LearningError.self) {
            try HillClimbing(required: [.init(0, 1)], forbidden: [.init(0, 1)]).search(cardinalities: truth.cardinalities, binding: binding)
        }
    }

    @Test func tabuAndRestartsNeverEndBelowPlainHillClimbing() throws {
        let truth = try Fixtures.chain()
        let data = Fixtures.sample(truth, rows: 5_000, seed: 7)
        let binding = try DataBinding(network: truth, data: data)
        let plain = try HillClimbing().search(cardinalities: truth.cardinalities, binding: binding)
        let tabu = try HillClimbing(tabuLength: 10, maxIterations: 200, restarts: 3, seed: 3)
            .search(cardinalities: truth.cardinalities, binding: binding)
        #expect(tabu.score >= plain.score - 1e-9)
        let again = try HillClimbing(tabuLength: 10, maxIterations: 200, restarts: 3, seed: 3)
            .search(cardinalities: truth.cardinalities, binding: binding)
        #expect(again.parents == tabu.parents)   // seeded: reproducible
    }
}
