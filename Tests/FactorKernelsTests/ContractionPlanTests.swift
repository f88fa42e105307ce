import Testing
import FactorKernels

@Suite("Contraction plans")
struct ContractionPlanTests {
    @Test func groupsAndOutputOrder() {
        // A(b=0, m=1, k=2, a-only summed=4) · B(b=0, k=2, n=3): output [b, m, n].
        let plan = ContractionPlan(a: Axes(labels: [0, 1, 2, 4], cardinalities: [2, 3, 4, 5]),
                                   b: Axes(labels: [0, 2, 3], cardinalities: [2, 4, 6]),
                                   keep: [0, 1, 3], path: .blas)
        #expect(plan.output.labels == [0, 1, 3])
        #expect(plan.output.cardinalities == [2, 3, 6])
        #expect(plan.usesBLAS)
    }

    @Test func matrixProductThroughBothPaths() {
        // [[1,2],[3,4]] · [[5,6],[7,8]] = [[19,22],[43,50]]
        let a = Axes(labels: [1, 2], cardinalities: [2, 2])
        let b = Axes(labels: [2, 3], cardinalities: [2, 2])
        for path in [ContractionPlan.Path.blas, .odometer] {
            let plan = ContractionPlan(a: a, b: b, keep: [1, 3], path: path)
            #expect(plan.execute([1, 2, 3, 4], [5, 6, 7, 8]) == [19, 22, 43, 50])
        }
        // Transposed storage of B: B stored as (n, k).
        let bt = Axes(labels: [3, 2], cardinalities: [2, 2])
        let plan = ContractionPlan(a: a, b: bt, keep: [1, 3], path: .blas)
        #expect(plan.execute([1, 2, 3, 4], [5, 7, 6, 8]) == [19, 22, 43, 50])
    }

    @Test("an operand given in the order the plan would copy it into is read in place, with the same numbers")
    func operandInTheCopiedOrder() throws {
        // A(k=0, m=1, k=2) · B(k=2, k=0, n=3): A's contracted labels straddle its kept one,
        // so the GEMM needs a copy of A as (m, k); B, as (k, n) in A's order, needs none.
        let a = Axes(labels: [0, 1, 2], cardinalities: [4, 5, 3])
        let b = Axes(labels: [0, 2, 3], cardinalities: [4, 3, 4])
        let aValues = (0..<a.entries).map { 0.1 + Double(($0 * 7) % 11) / 3 }
        let bValues = (0..<b.entries).map { 0.2 + Double(($0 * 5) % 13) / 7 }
        let plan = ContractionPlan(a: a, b: b, keep: [1, 3])
        #expect(plan.usesBLAS)
        let target = try #require(plan.aCopiedInto)
        #expect(target.labels == [1, 0, 2])
        #expect(plan.bCopiedInto == nil)
        let inPlace = ContractionPlan(a: target, b: b, keep: [1, 3])
        #expect(inPlace.aCopiedInto == nil && inPlace.output == plan.output)
        #expect(inPlace.execute(TableKernels.permute(aValues, from: a, to: target), bValues) == plan.execute(aValues, bValues))
    }

    @Test func outerProductAndFullContraction() {
        let a = Axes(labels: [1], cardinalities: [2]), b = Axes(labels: [2], cardinalities: [3])
        let outer = ContractionPlan(a: a, b: b, keep: [1, 2], path: .blas)
        #expect(outer.execute([1, 2], [3, 4, 5]) == [3, 4, 5, 6, 8, 10])
        let full = ContractionPlan(a: a, b: b, keep: [], path: .blas)
        #expect(full.execute([1, 2], [3, 4, 5]) == [36])
        let dot = ContractionPlan(a: a, b: Axes(labels: [1], cardinalities: [2]), keep: [], path: .blas)
        #expect(dot.execute([1, 2], [3, 4]) == [11])
    }
}
