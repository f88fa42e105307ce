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
        #expect(MemoryBudget.parse("1.5G") == 1_610_612_736)
        #expect(MemoryBudget.parse("0.5k") == 512)
        #expect(MemoryBudget.parse(" 4GiB ") == 4 << 30)
        #expect(MemoryBudget.parse("512MB") == 512 << 20)
        #expect(MemoryBudget.parse("100B") == 100)
        for bad in ["abc", "-1", "0", "1.5", "1.G", ".5G", "1e9", "4iB", "G", "", "1.5.2G", "+4G"] {
            #expect(MemoryBudget.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func unparsableBudgetIsAnErrorNamingTheVariable() throws {
        #expect(try MemoryBudget.fromEnvironment([:]).bytes == 4 << 30)
        #expect(try MemoryBudget.fromEnvironment(["CREDENCE_MEMORY_BUDGET": "1.5G"]).bytes == 1_610_612_736)
        for bad in ["abc", "-1", "1.5"] {
            let e = #expect(throws: BudgetError.self) { try MemoryBudget.fromEnvironment(["CREDENCE_MEMORY_BUDGET": bad]) }
            #expect(e?.description == "CREDENCE_MEMORY_BUDGET='\(bad)' is not a memory size; use \(MemoryBudget.acceptedForms)")
        }
    }

    @Test func quotesShowAShortPrefixOfLongNames() {
        #expect(Quote.name("Churn") == "'Churn'")
        let long = String(repeating: "x", count: 1 << 20)
        #expect(Quote.name(long) == "'\(String(repeating: "x", count: Quote.limit))…' (1048576 bytes)")
        #expect(Quote.short(long) == String(repeating: "x", count: Quote.limit) + "…")
        let e = ModelError.unknownVariable(long)
        #expect(e.description.count < 120)
    }

    @Test func stridesAreRowMajor() throws {
        #expect(CheckedSize.strides([2, 3, 4]) == [12, 4, 1])
        #expect(try CheckedSize.entries([]) == 1)
        #expect(throws: KernelError.invalidCardinality([2, 0])) { try CheckedSize.entries([2, 0]) }
    }
}
