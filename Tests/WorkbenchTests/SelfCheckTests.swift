import Testing
import Workbench

@Suite("Self-check")
struct SelfCheckTests {
    @Test func selfCheckPassesAndIsReproducible() throws {
        let a = try SelfCheck(cases: 100, seed: 7).run()
        let b = try SelfCheck(cases: 100, seed: 7).run()
        #expect(a.passed)
        #expect(a.cases == 100)
        #expect(a.maxRelativeDifference <= 1e-12)
        #expect(a.maxRelativeDifference == b.maxRelativeDifference)
    }
}
