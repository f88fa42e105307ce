import Testing
@testable import BNCore
import FactorKernels

@Suite("Sizes and the memory budget")
struct SizeAndBudgetTests {
    @Test func overflowingScopeIsRefusedBeforeAllocation() {
        let scope = Scope(Array(0..<20), cardinalities: Array(repeating: 1000, count: 20))
        #expect(throws: FactorError.sizeOverflow(scope)) { try Factor(scope: scope, filledWith: 0) }
        #expect(throws: KernelError.sizeOverflow(scope.cardinalities)) { try CheckedSize.entries(scope.cardinalities) }
    }

    @Test func tableOverBudgetNamesItsVariablesAndSize() throws {
        let scope = Scope([0, 1, 2], cardinalities: [100, 100, 100])   // 8,000,000 bytes
        let budget = MemoryBudget(bytes: 1_000_000)
        do {
            try MemoryBudget.$current.withValue(budget) { _ = try Factor(scope: scope, filledWith: 0) }
            Issue.record("expected the budget to refuse the table")
        } catch let error as FactorError {
            #expect(error == .overBudget(scope, bytes: 8_000_000, budget: 1_000_000))
            let text = error.describe(names: ["Churn", "Tier", "Region"])
            #expect(text.contains("Churn (100 states), Tier (100 states), Region (100 states)"))
            #expect(text.contains("7.6 MiB"))
            #expect(text.contains("976.6 KiB"))
        }
    }

    @Test func productOverBudgetIsRefused() throws {
        let a = try Factor(scope: Scope([0], cardinalities: [1000]), filledWith: 1)
        let b = try Factor(scope: Scope([1], cardinalities: [1000]), filledWith: 1)
        #expect(throws: FactorError.self) {
            try MemoryBudget.$current.withValue(MemoryBudget(bytes: 1 << 20)) { _ = try a.multiplying(b) }
        }
        #expect(try a.multiplying(b).values.count == 1_000_000)
    }

    @Test func budgetTextParses() {
        #expect(MemoryBudget.parse("512M") == 512 << 20)
        #expect(MemoryBudget.parse("4G") == 4 << 30)
        #expect(MemoryBudget.parse("1234") == 1234)
        #expect(MemoryBudget.parse("lots") == nil)
        #expect(MemoryBudget.parse("99999999999999999999G") == nil)
    }

    @Test func stridesAreRowMajor() throws {
        #expect(CheckedSize.strides([2, 3, 4]) == [12, 4, 1])
        #expect(try CheckedSize.entries([]) == 1)
        #expect(throws: KernelError.invalidCardinality([2, 0])) { try CheckedSize.entries([2, 0]) }
    }
}
