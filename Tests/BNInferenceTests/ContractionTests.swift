import Foundation
import Testing
import BNCore
import FactorKernels
@testable import BNInference

/// The contraction service against a plain definition of the sum.
@Suite("Contraction service")
struct ContractionTests {
    /// `Σ_{summed} ∏ tables` by enumerating every joint assignment, over `out` in its order.
    static func bruteForce(_ tables: [Table], out: Axes, summed: Axes) -> [Double] {
        let all = out.labels + summed.labels
        let cards = out.cardinalities + summed.cardinalities
        var result = [Double](repeating: 0, count: out.entries)
        var index = [Int](repeating: 0, count: all.count)
        for _ in 0..<(cards.reduce(1, *)) {
            var p = 1.0
            for t in tables {
                var offset = 0
                for (l, c) in zip(t.axes.labels, t.axes.cardinalities) { offset = offset * c + index[all.firstIndex(of: l)!] }
                p *= t.values[offset]
            }
            var o = 0
            for k in 0..<out.count { o = o * out.cardinalities[k] + index[k] }
            result[o] += p
            _ = advanceOdometer(&index, cards)
        }
        return result
    }

    static func table(_ labels: [Int], _ card: [Int: Int], _ rng: inout SplitMix64) -> Table {
        let axes = Axes(labels: labels, cardinalities: labels.map { card[$0]! })
        return Table(axes: axes, values: (0..<axes.entries).map { _ in 0.05 + rng.nextUnit() })
    }

    @Test("the largest operand's order gives the same sums, on the same axes it reports",
          arguments: [
            // (tables' labels, kept labels): a big CPT-like table and smaller ones; kept
            // labels inside and outside the largest table; summed labels absent from it.
            ([[0, 1, 2, 3, 4], [4, 5], [1]], [0, 3, 5]),
            ([[6, 2, 0, 4], [0, 7], [7, 2]], [2, 7]),
            ([[3, 1, 0, 2, 5], [5, 4]], [4, 0]),
            ([[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]], [1]),
          ])
    func largestOrderMatchesTheDefinition(labels: [[Int]], kept: [Int]) {
        var rng = SplitMix64(seed: 42)
        let card = [0: 4, 1: 3, 2: 5, 3: 4, 4: 3, 5: 2, 6: 5, 7: 4]
        let tables = labels.map { Self.table($0, card, &rng) }
        let union = Array(Set(labels.flatMap { $0 })).sorted()
        let out = Axes(labels: kept, cardinalities: kept.map { card[$0]! })
        let summedLabels = union.filter { !kept.contains($0) }
        let summed = Axes(labels: summedLabels, cardinalities: summedLabels.map { card[$0]! })
        #expect(tables.map(\.values.count).max()! >= Contraction.reorderMinimumEntries)
        let (axes, values) = { let t = Contraction.productSumInLargestOrder(tables, out: out, summed: summed); return (t.axes, t.values) }()
        #expect(Set(axes.labels) == Set(kept))
        let expected = Self.bruteForce(tables, out: axes, summed: summed)
        #expect(values.count == expected.count)
        for (x, y) in zip(values, expected) { #expect(abs(x - y) <= 1e-12 * max(1, abs(y))) }
        // And the plain walk, in the requested order, agrees.
        let plain = TableKernels.productSum(tables, out: out, summed: summed)
        let plainExpected = Self.bruteForce(tables, out: out, summed: summed)
        for (x, y) in zip(plain, plainExpected) { #expect(abs(x - y) <= 1e-12 * max(1, abs(y))) }
    }

    @Test("a matrix product is tried for two tables only when each keeps 4 entries of its own")
    func matrixProductThreshold() {
        var rng = SplitMix64(seed: 1)
        let card = [0: 4, 1: 2, 2: 2, 3: 8, 4: 3]
        // A keeps {1, 2} (4 entries), B keeps {3} (8): worth it.
        let a = Self.table([0, 1, 2], card, &rng), b = Self.table([0, 3], card, &rng)
        #expect(Contraction.worthAMatrixProduct([a, b], summed: [0]))
        // A keeps {4} (3 entries) only: a matrix-vector product, not worth a copy.
        let c = Self.table([0, 4], card, &rng)
        #expect(!Contraction.worthAMatrixProduct([c, b], summed: [0]))
    }

    @Test("the one-shot pass and the compiled program compute the same sum, scale and axes")
    func oneShotMatchesProgram() throws {
        var rng = SplitMix64(seed: 7)
        let card = [0: 3, 1: 2, 2: 4, 3: 3, 4: 2, 5: 3]
        let labels = [[0, 1], [1, 2, 3], [3, 4], [0, 4, 5], [5]]
        let tables = labels.map { Self.table($0, card, &rng) }
        let heads: [Int?] = [1, 3, 4, 5, nil]
        let budget = Contraction.Budget(1 << 30, name: { "v\($0)" })
        for keep in [[2], [0, 5], [], [4, 2]] {
            let direct = try Contraction.oneShot(tables, heads: heads, keep: keep, budget: budget)
            let program = try ContractionProgram.compile(inputs: tables.map(\.axes), heads: heads, keep: keep, budget: budget)
            let run = program.run(tables.map(\.values))
            #expect(run.table.axes == program.resultAxes)
            #expect(direct.table.axes == program.resultAxes)
            let a = direct.table.values.map { $0 * exp(direct.logScale) }
            let b = run.table.values.map { $0 * exp(run.logScale[0]) }
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-12 * max(1, abs(y))) }
        }
    }

    @Test("a program choosing its input layouts gives the same numbers from inputs in those layouts")
    func chosenInputLayouts() throws {
        var rng = SplitMix64(seed: 11)
        let card = [0: 4, 1: 5, 2: 3, 3: 4, 4: 3]
        let tables = [[0, 1, 2], [0, 2, 3], [3, 4]].map { Self.table($0, card, &rng) }
        let heads: [Int?] = [nil, nil, nil]
        let budget = Contraction.Budget(1 << 30, name: { "v\($0)" })
        let plain = try ContractionProgram.compile(inputs: tables.map(\.axes), heads: heads, keep: [1, 4], budget: budget)
        let chosen = try ContractionProgram.compile(inputs: tables.map(\.axes), heads: heads, keep: [1, 4], budget: budget,
                                                    choosingInputLayouts: true)
        #expect(plain.inputAxes == tables.map(\.axes))
        #expect(chosen.inputAxes != plain.inputAxes)
        let inputs = zip(tables, chosen.inputAxes).map { TableKernels.permute($0.values, from: $0.axes, to: $1) }
        let a = plain.run(tables.map(\.values)), b = chosen.run(inputs)
        #expect(a.table == b.table && a.logScale == b.logScale)
    }

    @Test("constant folding runs the steps of unchanging inputs once, with the same numbers bit for bit")
    func constantFolding() throws {
        var rng = SplitMix64(seed: 5)
        let card = [0: 3, 1: 4, 2: 2, 3: 5, 4: 3, 5: 2]
        // Tables 0-2 never change (a chain 0-1-2 summed out into label 3); 3 and 4 do.
        let tables = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]].map { Self.table($0, card, &rng) }
        let heads: [Int?] = [nil, nil, nil, nil, nil]
        let budget = Contraction.Budget(1 << 30, name: { "v\($0)" })
        let program = try ContractionProgram.compile(inputs: tables.map(\.axes), heads: heads, keep: [5], budget: budget)
        let constants = [0: tables[0].values, 1: tables[1].values, 2: tables[2].values]
        let folded = program.folding(constants: constants, limit: 1 << 20)
        let skipped = try #require(folded.folded).skip.filter { $0 }.count
        #expect(skipped >= 2)                                   // at least the 0-1-2 chain
        #expect(folded.usedInputs == [false, false, false, true, true])
        for trial in 0..<3 {
            var changing = tables
            for t in 3...4 { changing[t] = Self.table(tables[t].axes.labels, card, &rng) }
            if trial == 2 { changing[4].values = changing[4].values.map { $0 * 0x1p-40 } }   // rescaled
            let expected = program.run(changing.map(\.values))
            let got = folded.run([[], [], []] + changing[3...].map(\.values))
            #expect(got.table == expected.table && got.logScale == expected.logScale)
        }
        // Nothing constant, or over the limit: the program is returned as it was.
        #expect(program.folding(constants: [4: tables[4].values], limit: 1 << 20).folded == nil)
        #expect(program.folding(constants: constants, limit: 0).folded == nil)
    }

    @Test("mentions list each label's tables in the order they were added")
    func mentionsKeepTheirOrder() {
        var mentions = Contraction.Mentions(labels: 3, capacity: 1)
        for (t, l) in [(0, 2), (1, 0), (2, 2), (3, 1), (4, 2)] { mentions.append(t, to: l) }
        var got: [[Int]] = [[], [], []]
        for l in 0..<3 { mentions.forEach(l) { got[l].append($0) } }
        #expect(got == [[1], [3], [0, 2, 4]])
    }

    @Test("one budget error, named after the table that does not fit")
    func budgetError() {
        let budget = Contraction.Budget(64, name: { "v\($0)" })
        #expect(throws: InferenceError.memoryBudgetExceeded(clique: ["v1", "v2"], entries: 12, bytes: 96, budget: 64)) {
            try budget.check(Axes(labels: [1, 2], cardinalities: [3, 4]))
        }
    }

    @Test("the compile rule: one-shot until the due sighting, compiled and cached after")
    func compileRule() throws {
        let cache = ProgramCache<Int, Int>(CompileRule(sighting: 2, manySighting: 3), limit: 100)
        var compiles = 0
        func ask(_ key: Int, _ operands: Int) throws -> Int? {
            try cache.programIfDue(key, operands: operands) { () throws(InferenceError) in compiles += 1; return key }
        }
        #expect(try ask(1, 2) == nil)
        #expect(try ask(1, 2) == 1)
        #expect(try ask(1, 2) == 1)
        #expect(compiles == 1)
        let many = CompileRule.manyOperands + 1
        #expect(try ask(2, many) == nil)
        #expect(try ask(2, many) == nil)
        #expect(try ask(2, many) == 2)
        #expect(cache.count == 2)
        // The smallest pair, the first one in (i, j) order on ties.
        let cost = [[0, 5, 3, 3], [0, 0, 4, 3], [0, 0, 0, 9]]
        let p = ContractionPlan.smallestPair(4) { cost[$0][$1] }
        #expect(p.i == 0 && p.j == 2 && p.cost == 3)
    }
}
