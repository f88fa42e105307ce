import Foundation
import Testing
import BNCore
import BNFormats
import BNLearning
@testable import Workbench

/// The steps of a fit spread over machines (credence.spark) and the threads each takes: the
/// E-step, the counts and the scores of one part must not depend on how many threads a
/// Spark task gives them (one per task by default), beyond the last bits of a sum.
@Suite("Distributed learning steps")
struct DistributedLearningTests {
    func alarm() throws -> BayesianNetwork { try ModelIO.load(path: sharedRoot + "/networks/alarm.bif") }

    @Test func expectedCountsDoNotDependOnTheThreads() throws {
        let net = try alarm()
        // 2,000 rows: enough for two parts (the E-step splits at 256 rows a part).
        let data = try LearningTasks.sample(net, rows: 2_000, seed: 18, missing: 0.3, dropLatent: false)
        let (one, llOne) = try LearningTasks.expectedCounts(net, data: data, threads: 1)
        for threads in [2, 3] {
            let (many, ll) = try LearningTasks.expectedCounts(net, data: data, threads: threads)
            #expect(abs(ll - llOne) <= 1e-12 * abs(llOne))
            for (a, b) in zip(one.joined(), many.joined()) { #expect(abs(a - b) <= 1e-9 * max(1, abs(a))) }
        }
        // Every family's expected counts add up to the rows (each row is one case of it).
        for v in 0..<net.count { #expect(abs(one[v].reduce(0, +) - 2_000) <= 1e-8) }
        // The E-step of one thread is the single-process EM's first log-likelihood.
        let (_, report) = try LearningTasks.fit(net, data: data, method: .em, prior: nil, maxIterations: 1, tolerance: 0,
                                                restarts: 0, seed: 1)
        #expect(abs(report.em!.logLikelihoodTrace[0] - llOne) <= 1e-12 * abs(llOne))
    }

    @Test func familyCountsAreTheSameSumsOnAnyThreads() throws {
        let net = try alarm()
        let data = try LearningTasks.sample(net, rows: 50_000, seed: 3, missing: 0, dropLatent: false)
        let one = try LearningTasks.familyCounts(net, data: data, threads: 1)
        #expect(try LearningTasks.familyCounts(net, data: data, threads: 2) == one)
        #expect(try LearningTasks.familyCounts(net, data: data, threads: 0) == one)   // 0 is read as 1
        for v in 0..<net.count { #expect(one[v].reduce(0, +) == 50_000) }
    }

    @Test func scoresAreTheSameBitsOnAnyThreads() throws {
        let net = try alarm()
        let data = try LearningTasks.sample(net, rows: 3_000, seed: 5, missing: 0.3, dropLatent: false)
        let one = try LearningTasks.posteriors(net, data: data, target: "CATECHOL", threads: 1)
        let two = try LearningTasks.posteriors(net, data: data, target: "CATECHOL", threads: 2)
        #expect(one.values.count == 6_000)
        #expect(one.values == two.values)
        #expect(try RowScorer(net, target: "CATECHOL", threads: 0).threads == 1)
    }
}
