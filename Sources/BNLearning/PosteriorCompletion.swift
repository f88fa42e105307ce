import BNCore
import BNInference
import Foundation

/// A dataset completed by the posterior of its missing cells under a network `(G, θ)`: the
/// E-step of structural EM (Friedman 1997, "Learning belief networks in the presence of
/// missing values and hidden variables"), which scores any candidate family by its
/// expected counts
///
///   `E[N(pa = j, x = k)] = Σ_rows w · P(x_pa = j, x = k | observed cells of the row; G, θ)`,
///
/// for families of `G` and outside it alike. A family observed in a row counts that row
/// as it is (the same blocked pass as `FamilyCounter`); where it misses cells, the row adds
/// its posterior mass. Given the row's observed cells, the missing variables fall into
/// independent groups (`MissingCellEnumeration`: variables linked by a family of `G`), so
/// each group's joint posterior `P(x_C | e) = Π_{f ∈ F_C} f(x_C, e) / Z_C` is enumerated
/// once and kept (assignments of probability 0 dropped) with each variable's marginal: a
/// family missing one cell of the row reads that marginal, one missing several cells of a
/// group reads the group's joint, one spanning groups the product of their posteriors.
/// Groups too large to enumerate keep only the exact marginal of each of their cells (one
/// junction-tree calibration per row), their correlations dropped.
///
/// Scoring a structure `G'` by these counts is Friedman's expected score `Q(G' : G, θ)`;
/// for BIC, a `G'` with `Q(G') > Q(G)` has a higher observed-data score than `G` (Friedman
/// 1997, theorem 3.1), which is what makes structural EM climb.
public struct PosteriorCompletion: FamilyStatistics {
    /// The rows (deduplicated), with their weights.
    let binding: DataBinding
    /// `columns[v · rows + i]`: the state of `v` in row `i`, -1 when missing.
    let columns: [Int32]
    /// `groupOf[v · rows + i]`: the group holding row `i`'s missing cell of `v` (-1 when observed).
    let groupOf: [Int32]
    /// `positionOf[v · rows + i]`: the place of `v` among its group's variables.
    let positionOf: [Int32]
    /// `marginalOf[v · rows + i]`: where `P(x_v | e_i)` starts in `marginals` (when missing).
    let marginalOf: [Int32]
    let marginals: [Double]
    /// Per group: the number of its variables.
    let width: [Int]
    /// Per group: its first entry; the entries of group `g` are `entryStart[g]..<entryStart[g + 1]`.
    let entryStart: [Int]
    /// Per group: where its assignment codes start (`width[g]` codes per entry).
    let codeStart: [Int]
    /// The assignments, entry-major.
    let codes: [Int32]
    /// `P(assignment | observed cells)` of every entry.
    let probabilities: [Double]
    /// The total row weight `N`.
    public let sampleSize: Double
    /// Rows with a group too entangled to enumerate: each missing cell of such a group
    /// keeps its exact posterior marginal (one junction-tree calibration per row), and a
    /// family with several of them takes the product of the marginals.
    public let approximatedRows: Int

    /// Groups that cost more than this many products (`|x_C| · |F_C|`) are approximated by
    /// their marginals.
    public static let enumerationLimit = 4_096

    /// Completes `data` (variables matched to `network` by name; every variable needs a
    /// column) by the posterior of `network`.
    public init(network: BayesianNetwork, data: Dataset, threads: Int = 2) throws {
        try self.init(network: network, binding: DataBinding(network: network, data: data).deduplicated(), threads: threads)
    }

    /// Completes the rows of `binding` (columns in `network`'s variable order).
    init(network: BayesianNetwork, binding: DataBinding, threads: Int) throws {
        let n = network.count
        let rows = binding.rowCount
        let columns = binding.codes.flatMap { c -> [Int32] in
            guard let c else { preconditionFailure("PosteriorCompletion: every variable needs a column") }
            return c
        }
        let cards = network.cardinalities
        struct Part: Sendable {
            var groupOf: [[Int32]], positionOf: [[Int32]], marginalOf: [[Int32]]
            var marginals: [Double] = []
            var width: [Int] = [], entryCount: [Int] = [], codes: [Int32] = [], probabilities: [Double] = []
            var approximated = 0
        }
        let parts = max(1, min(threads, rows / 256 + 1))
        let results = parallelMap(parts) { part -> Result<Part, Error> in
            Result {
                let range = (rows * part / parts)..<(rows * (part + 1) / parts)
                let blank = [[Int32]](repeating: [Int32](repeating: -1, count: range.count), count: n)
                var out = Part(groupOf: blank, positionOf: blank, marginalOf: blank)
                let enumeration = MissingCellEnumeration(network, enumerationLimit: Self.enumerationLimit) {
                    EnumerationFallbackUnused()
                }
                var scratch = MissingCellEnumeration.Scratch(variables: n, families: n)
                var tree: JunctionTree?
                var e = [Int32](repeating: 0, count: n)
                var digits: [Int32] = []
                for i in range {
                    var incomplete = false
                    for v in 0..<n { e[v] = columns[v * rows + i]; if e[v] < 0 { incomplete = true } }
                    guard incomplete else { continue }
                    let local = i - range.lowerBound
                    /// Files a group: its variables, then its entries (codes, probabilities).
                    func add(_ vars: [Int], entries: Int, marginal: [[Double]]) {
                        for (k, v) in vars.enumerated() {
                            out.groupOf[v][local] = Int32(out.width.count)
                            out.positionOf[v][local] = Int32(k)
                            out.marginalOf[v][local] = Int32(out.marginals.count)
                            out.marginals.append(contentsOf: marginal[k])
                        }
                        out.width.append(vars.count)
                        out.entryCount.append(entries)
                    }
                    var tooLarge: [Int] = []
                    for g in enumeration.groups(of: e, scratch: &scratch) {
                        guard enumeration.cost(of: g, limit: Self.enumerationLimit) != nil else { tooLarge += g.vars; continue }
                        let z = enumeration.enumerateGroup(g, e, scratch: &scratch)
                        guard z > 0 else { throw enumeration.impossible(e) }
                        // Entries of positive probability, with each variable's marginal
                        // summed in place (the odometer runs over the group, last fastest).
                        let width = g.vars.count
                        digits.removeAll(keepingCapacity: true)
                        digits.append(contentsOf: repeatElement(0, count: width))
                        var offsets: [Int] = []
                        var size = 1
                        for (k, v) in g.vars.enumerated() {
                            out.groupOf[v][local] = Int32(out.width.count)
                            out.positionOf[v][local] = Int32(k)
                            out.marginalOf[v][local] = Int32(out.marginals.count)
                            offsets.append(out.marginals.count)
                            out.marginals.append(contentsOf: repeatElement(0, count: cards[v]))
                            size *= cards[v]
                        }
                        var kept = 0
                        for a in 0..<size {
                            let p = scratch.probabilities[a] / z
                            if p > 0 {
                                out.codes.append(contentsOf: digits)
                                out.probabilities.append(p)
                                for k in 0..<width { out.marginals[offsets[k] + Int(digits[k])] += p }
                                kept += 1
                            }
                            var k = width - 1
                            while k >= 0 {
                                digits[k] += 1
                                if Int(digits[k]) < cards[g.vars[k]] { break }
                                digits[k] = 0
                                k -= 1
                            }
                        }
                        out.width.append(width)
                        out.entryCount.append(kept)
                    }
                    if !tooLarge.isEmpty {
                        // Too entangled to enumerate: each of these cells its own group, with
                        // its exact marginal from one calibration.
                        if tree == nil { tree = try JunctionTree(network) }
                        var hard: [Int: Int] = [:]
                        for v in 0..<n where e[v] >= 0 { hard[v] = Int(e[v]) }
                        try tree!.setEvidence(Evidence(hard: hard))
                        for v in tooLarge {
                            let p = try tree!.marginal(v)
                            out.codes.append(contentsOf: (0..<Int32(cards[v])))
                            out.probabilities.append(contentsOf: p)
                            add([v], entries: cards[v], marginal: [p])
                        }
                        out.approximated += 1
                    }
                }
                return out
            }
        }
        // Join the parts: group and marginal numbers of later parts move past the earlier ones.
        var groupOf = [[Int32]](repeating: [], count: n), positionOf = groupOf, marginalOf = groupOf
        var width: [Int] = [], entryStart = [0], codeStart = [0], codes: [Int32] = [], probabilities: [Double] = []
        var marginals: [Double] = []
        var approximated = 0
        for r in results {
            let p = try r.get()
            let groupOffset = Int32(width.count), marginalOffset = Int32(marginals.count)
            for v in 0..<n {
                groupOf[v].append(contentsOf: p.groupOf[v].map { $0 < 0 ? -1 : $0 + groupOffset })
                positionOf[v].append(contentsOf: p.positionOf[v])
                marginalOf[v].append(contentsOf: p.marginalOf[v].map { $0 < 0 ? -1 : $0 + marginalOffset })
            }
            for (w, c) in zip(p.width, p.entryCount) {
                width.append(w)
                entryStart.append(entryStart.last! + c)
                codeStart.append(codeStart.last! + c * w)
            }
            codes.append(contentsOf: p.codes)
            probabilities.append(contentsOf: p.probabilities)
            marginals.append(contentsOf: p.marginals)
            approximated += p.approximated
        }
        precondition(marginals.count < Int(Int32.max) && codes.count < Int.max, "PosteriorCompletion: too many missing cells")
        self.binding = binding
        self.columns = columns
        self.groupOf = groupOf.flatMap { $0 }
        self.positionOf = positionOf.flatMap { $0 }
        self.marginalOf = marginalOf.flatMap { $0 }
        self.marginals = marginals
        self.width = width
        self.entryStart = entryStart
        self.codeStart = codeStart
        self.codes = codes
        self.probabilities = probabilities
        sampleSize = binding.sampleSize
        approximatedRows = approximated
    }

    /// The expected counts of each family (parents first, child last): the families are
    /// split over two threads, each counted in one blocked pass over the rows.
    public func counts(families: [[Int]], cardinalities: [Int]) -> [[Double]] {
        let parts = max(1, min(2, families.count))
        let partials = parallelMap(parts) { part -> [[Double]] in
            let mine = Array(families[(families.count * part / parts)..<(families.count * (part + 1) / parts)])
            // The families' layouts, flat: the handler below then touches no array (two
            // threads retaining shared arrays row by row would contend on their counts).
            var start = [0], members: [Int] = [], strides: [Int] = []
            for fam in mine {
                var s = [Int](repeating: 1, count: fam.count)
                for i in stride(from: fam.count - 2, through: 0, by: -1) { s[i] = s[i + 1] * cardinalities[fam[i + 1]] }
                members += fam
                strides += s
                start.append(members.count)
            }
            let cards = members.map { cardinalities[$0] }
            return start.withUnsafeBufferPointer { start in
            members.withUnsafeBufferPointer { members in
            strides.withUnsafeBufferPointer { strides in
            cards.withUnsafeBufferPointer { cards in
                withTables(Layout(start: start, members: members, strides: strides, cards: cards)) { tables in
                    FamilyCounter.countRange(families: mine, cardinalities: cardinalities, binding: binding,
                                             rows: 0..<binding.rowCount) { f, row, out in
                        tables.addExpected(family: f, row: row, into: out)
                    }
                }
            } } } }
        }
        return partials.flatMap { $0 }
    }

    /// The families being counted: family `f`'s members are `members[start[f]..<start[f + 1]]`
    /// (parents first, child last), with their strides in its table and their cardinalities.
    private struct Layout {
        let start, members, strides, cards: UnsafeBufferPointer<Int>
    }

    /// The completion's arrays as buffers for the counting loop.
    private func withTables<R>(_ layout: Layout, _ body: (Tables) -> R) -> R {
        let weights = binding.weights ?? []
        return columns.withUnsafeBufferPointer { columns in
        groupOf.withUnsafeBufferPointer { groupOf in
        positionOf.withUnsafeBufferPointer { positionOf in
        marginalOf.withUnsafeBufferPointer { marginalOf in
        marginals.withUnsafeBufferPointer { marginals in
        codes.withUnsafeBufferPointer { codes in
        probabilities.withUnsafeBufferPointer { probabilities in
        width.withUnsafeBufferPointer { width in
        entryStart.withUnsafeBufferPointer { entryStart in
        codeStart.withUnsafeBufferPointer { codeStart in
        weights.withUnsafeBufferPointer { weights in
            body(Tables(rows: binding.rowCount, layout: layout, columns: columns, groupOf: groupOf, positionOf: positionOf,
                        marginalOf: marginalOf, marginals: marginals, codes: codes, probabilities: probabilities,
                        width: width, entryStart: entryStart, codeStart: codeStart,
                        weights: binding.weights == nil ? nil : weights))
        } } } } } } } } } } }
    }

    /// Read-only views of the completion, the per-cell tables indexed `v · rows + i`.
    private struct Tables {
        let rows: Int
        let layout: Layout
        let columns, groupOf, positionOf, marginalOf: UnsafeBufferPointer<Int32>
        let marginals: UnsafeBufferPointer<Double>
        let codes: UnsafeBufferPointer<Int32>
        let probabilities: UnsafeBufferPointer<Double>
        let width, entryStart, codeStart: UnsafeBufferPointer<Int>
        let weights: UnsafeBufferPointer<Double>?

        /// Adds row `i`'s posterior mass over the cells of a family with a missing cell in
        /// it: `w · P(x_{F ∩ M} | e)`, where the joint posterior of the family's missing
        /// cells is `Π_g P(x_{F ∩ C_g} | e)` over the groups `C_g` they fall in, each factor
        /// the group's posterior summed onto the family's members.
        func addExpected(family f: Int, row i: Int, into table: UnsafeMutableBufferPointer<Double>) {
            let w = weights?[i] ?? 1
            let first = layout.start[f], m = layout.start[f + 1] - first
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 7 * m) { buffer in
                // Per missing member k: its cell, group, place there, stride in the table,
                // cardinality, and stride in the joint; then the distinct groups.
                let cell = buffer.baseAddress!, group = cell + m, place = group + m, step = place + m
                let card = step + m, jointStride = card + m, distinct = jointStride + m
                var base = 0, missing = 0, groups = 0
                for k in 0..<m {
                    let u = layout.members[first + k]
                    let at = u * rows + i
                    let c = columns[at]
                    if c >= 0 { base += Int(c) * layout.strides[first + k]; continue }
                    let g = Int(groupOf[at])
                    cell[missing] = at
                    group[missing] = g
                    place[missing] = Int(positionOf[at])
                    step[missing] = layout.strides[first + k]
                    card[missing] = layout.cards[first + k]
                    missing += 1
                    var seen = false
                    for d in 0..<groups where distinct[d] == g { seen = true; break }
                    if !seen { distinct[groups] = g; groups += 1 }
                }
                if missing == 1 {
                    // One missing cell (the common case): its posterior marginal.
                    let start = Int(marginalOf[cell[0]]), s = step[0]
                    for x in 0..<card[0] { table[base + x * s] += w * marginals[start + x] }
                    return
                }
                var size = 1
                for k in stride(from: missing - 1, through: 0, by: -1) { jointStride[k] = size; size *= card[k] }
                // One table per group over the joint's index space (its members' axes only),
                // then their product over every joint state.
                withUnsafeTemporaryAllocation(of: Double.self, capacity: groups * size) { partial in
                    partial.initialize(repeating: 0)
                    for d in 0..<groups {
                        let g = distinct[d], wd = width[g], out = partial.baseAddress! + d * size
                        var code = codeStart[g]
                        for a in entryStart[g]..<entryStart[g + 1] {
                            var x = 0
                            for k in 0..<missing where group[k] == g { x += Int(codes[code + place[k]]) * jointStride[k] }
                            out[x] += probabilities[a]
                            code += wd
                        }
                    }
                    for x in 0..<size {
                        var p = w, at = base, rest = x
                        for k in 0..<missing {
                            let digit = rest / jointStride[k]
                            rest -= digit * jointStride[k]
                            at += digit * step[k]
                        }
                        for d in 0..<groups {
                            var y = 0
                            for k in 0..<missing where group[k] == distinct[d] { y += (x / jointStride[k]) % card[k] * jointStride[k] }
                            p *= partial[d * size + y]
                        }
                        if p != 0 { table[at] += p }
                    }
                }
            }
        }
    }
}

/// `MissingCellEnumeration`'s fallback, never built: `PosteriorCompletion` only asks it for
/// groups and their enumeration, and samples rows whose groups are too large itself.
private struct EnumerationFallbackUnused: ExpectationEngine {
    mutating func accumulate(evidence: [Int32], weight: Double, into counts: inout [[Double]]) throws -> Double {
        preconditionFailure("PosteriorCompletion does not use an enumeration fallback")
    }
}
