import BNCore

/// A completion of every missing cell kept across the rounds of structural EM and moved by
/// Gibbs sampling under each round's network: data augmentation (Tanner & Wong 1987), the
/// stochastic E-step of stochastic EM (Celeux & Diebolt 1985) and the stochastic
/// approximation of Friedman's expected counts (Friedman 1997 §4).
///
/// The cells start from their variables' observed frequencies (the empty DAG's posterior,
/// up to one pseudo-count per state). A sweep redraws every missing cell of every row, in
/// turn, from its full conditional given the row's other cells (observed or currently
/// imputed),
///
///   `P(x_v | rest) ∝ θ(x_v | pa(v)) · Π_{c child of v} θ(x_c | pa(c))`,
///
/// which costs `|x_v| · (1 + children)` table reads per cell: a few milliseconds for
/// 10,000 rows of alarm, where completing each row by its exact posterior
/// (`PosteriorCompletion`) costs a junction-tree calibration for the rows whose gaps are
/// entangled. The chain carries over from round to round, so the imputation follows the
/// model as it changes instead of starting over.
///
/// **Rows are held as distinct patterns, not one by one.** Identical rows are one pattern
/// with its number of copies (a row of whole-number weight `w` counts as `w` copies: the
/// patterns of a table read with their counts are its rows), and the chain's state is, per
/// pattern, its distinct completions with how many copies carry each (`units`). Every copy
/// still moves by its own Gibbs chain: a unit of `m` copies splits, cell after cell, by `m`
/// draws from the cell's full conditional given the unit's other cells into one unit per
/// state drawn, and the units of a pattern that end with the same cells merge again. The
/// copies' chains are independent given the network, so the counts have the distribution
/// of `m` separate rows' chains, at the same cost in draws, while memory is bounded by the
/// distinct (pattern, completion) pairs, at most the rows and for a large table with few
/// missing cells per row far fewer. A row of fractional weight is its own pattern of one
/// copy carrying that weight.
struct GibbsImputation {
    let variables: Int
    /// The units, in order of their pattern's first row: unit `u`'s cells
    /// `cells[u · variables ..< (u + 1) · variables]` (observed or imputed), its copies,
    /// each copy's weight, and its pattern.
    private(set) var cells: [Int32]
    private(set) var copies: [Int]
    private var copyWeight: [Double]
    private var unitPattern: [Int32]
    /// Pattern `p`'s missing variables: `missing[missingStart[p] ..< missingStart[p + 1]]`.
    private let missingStart: [Int]
    private let missing: [Int32]
    var rng: SplitMix64

    /// Every missing cell of `binding` (every variable needs a column) drawn from its
    /// variable's observed frequencies.
    init(binding: DataBinding, cardinalities: [Int], seed: UInt64) {
        let rows = binding.rowCount, n = binding.codes.count
        variables = n
        let columns = binding.codes.map { c -> [Int32] in
            guard let c else { preconditionFailure("GibbsImputation: every variable needs a column") }
            return c
        }
        // Patterns: identical rows merged when every weight is a whole number (then copies
        // of weight 1); otherwise each row alone, one copy of its weight.
        let whole = binding.weights?.allSatisfy { $0 >= 1 && $0 == $0.rounded() && $0 < 1e15 } ?? true
        var patternCells: [Int32] = [], patternCopies: [Int] = [], patternWeight: [Double] = []
        if whole {
            var grouped = RowPatterns(names: [String](repeating: "", count: n), states: [[String]](repeating: [], count: n))
            var row = [Int32](repeating: 0, count: n)
            for i in 0..<rows {
                var hash: UInt64 = 0
                for v in 0..<n { row[v] = columns[v][i]; hash = RowPatterns.mix(hash, row[v]) }
                _ = grouped.add(row, hash: hash, weight: binding.weights?[i] ?? 1, firstRow: i)
            }
            patternCells = grouped.cells
            patternCopies = grouped.counts.map { Int($0) }
            patternWeight = [Double](repeating: 1, count: grouped.patternCount)
        } else {
            patternCells.reserveCapacity(rows * n)
            for i in 0..<rows { for v in 0..<n { patternCells.append(columns[v][i]) } }
            patternCopies = [Int](repeating: 1, count: rows)
            patternWeight = binding.weights!
        }
        var missingStart = [0], missing: [Int32] = []
        for p in patternCopies.indices {
            for v in 0..<n where patternCells[p * n + v] < 0 { missing.append(Int32(v)) }
            missingStart.append(missing.count)
        }
        self.missingStart = missingStart
        self.missing = missing
        cells = patternCells
        copies = patternCopies
        copyWeight = patternWeight
        unitPattern = (0..<patternCopies.count).map { Int32($0) }
        rng = SplitMix64(seed: seed)
        // The observed frequencies (one pseudo-count per state, so none is 0).
        var marginals = (0..<n).map { [Double](repeating: 1, count: cardinalities[$0]) }
        for p in patternCopies.indices {
            for v in 0..<n {
                let x = patternCells[p * n + v]
                if x >= 0 { marginals[v][Int(x)] += Double(patternCopies[p]) * patternWeight[p] }
            }
        }
        redraw(widest: cardinalities.max() ?? 1) { v, _, p in
            for x in 0..<cardinalities[v] { p[x] = marginals[v][x] }
            return cardinalities[v]
        }
    }

    /// A state drawn with probability proportional to `p[0..<count]` (not all 0).
    private static func draw(_ p: UnsafePointer<Double>, count: Int, total: Double, rng: inout SplitMix64) -> Int32 {
        var u = rng.nextUnit() * total
        for x in 0..<(count - 1) { u -= p[x]; if u < 0 { return Int32(x) } }
        return Int32(count - 1)
    }

    /// One pass over every missing cell of every unit, pattern by pattern: `conditional(v,
    /// cells, p)` writes the weights of the states of `v` given a unit's `cells` into `p`
    /// and returns their count; each of the unit's copies draws its state from them (a unit
    /// splits by the states drawn; `widest` bounds the counts), and a pattern's units with equal cells then merge, in
    /// order of first appearance. With every weight 0 a cell keeps its state (a row the
    /// network rules out; never with BDeu tables).
    private mutating func redraw(widest: Int, _ conditional: (Int, UnsafePointer<Int32>, UnsafeMutablePointer<Double>) -> Int) {
        let n = variables
        var newCells: [Int32] = [], newCopies: [Int] = [], newWeight: [Double] = [], newPattern: [Int32] = []
        newCells.reserveCapacity(cells.count)
        var p = [Double](repeating: 0, count: max(widest, 1))
        var work: [Int32] = [], workCopies: [Int] = []          // a pattern's sub-units
        var histogram = [Int](repeating: 0, count: max(widest, 1))
        var rng = rng
        defer { self.rng = rng }
        var u = 0
        while u < copies.count {
            let pattern = Int(unitPattern[u])
            var end = u
            while end < copies.count && unitPattern[end] == unitPattern[u] { end += 1 }
            let gaps = missingStart[pattern]..<missingStart[pattern + 1]
            if end - u == 1 && copies[u] == 1 {
                // One copy (a row seen once): its cells redrawn in place, as a row's chain.
                let at = newCells.count
                newCells += cells[(u * n)..<(end * n)]
                for k in gaps {
                    let v = Int(missing[k])
                    let card = newCells.withUnsafeBufferPointer { c in
                        p.withUnsafeMutableBufferPointer { conditional(v, c.baseAddress! + at, $0.baseAddress!) }
                    }
                    let total = (0..<card).reduce(0.0) { $0 + p[$1] }
                    guard total > 0 else { continue }
                    newCells[at + v] = p.withUnsafeBufferPointer { Self.draw($0.baseAddress!, count: card, total: total, rng: &rng) }
                }
                newCopies.append(1)
                newWeight.append(copyWeight[u])
                newPattern.append(Int32(pattern))
                u = end
                continue
            }
            work = Array(cells[(u * n)..<(end * n)])
            workCopies = Array(copies[u..<end])
            for k in gaps {
                let v = Int(missing[k])
                var next: [Int32] = [], nextCopies: [Int] = []
                for w in workCopies.indices {
                    let card = work.withUnsafeBufferPointer { c in
                        p.withUnsafeMutableBufferPointer { conditional(v, c.baseAddress! + w * n, $0.baseAddress!) }
                    }
                    let total = (0..<card).reduce(0.0) { $0 + p[$1] }
                    let row = work[(w * n)..<((w + 1) * n)]
                    guard total > 0 else { next += row; nextCopies.append(workCopies[w]); continue }
                    for x in 0..<card { histogram[x] = 0 }
                    p.withUnsafeBufferPointer { p in
                        for _ in 0..<workCopies[w] { histogram[Int(Self.draw(p.baseAddress!, count: card, total: total, rng: &rng))] += 1 }
                    }
                    for x in 0..<card where histogram[x] > 0 {
                        next += row
                        next[next.count - n + v] = Int32(x)
                        nextCopies.append(histogram[x])
                    }
                }
                work = next
                workCopies = nextCopies
            }
            // Merge the pattern's sub-units with equal cells (only where it split).
            if workCopies.count > end - u {
                var index: [ArraySlice<Int32>: Int] = [:]
                var merged: [Int32] = [], mergedCopies: [Int] = []
                for w in workCopies.indices {
                    let row = work[(w * n)..<((w + 1) * n)]
                    if let at = index[row] { mergedCopies[at] += workCopies[w] } else {
                        index[row] = mergedCopies.count
                        merged += row
                        mergedCopies.append(workCopies[w])
                    }
                }
                work = merged
                workCopies = mergedCopies
            }
            newCells += work
            newCopies += workCopies
            newWeight += repeatElement(copyWeight[u], count: workCopies.count)
            newPattern += repeatElement(Int32(pattern), count: workCopies.count)
            u = end
        }
        cells = newCells
        copies = newCopies
        copyWeight = newWeight
        unitPattern = newPattern
    }

    /// `count` Gibbs sweeps under `network` (its variables in the order of the columns).
    mutating func sweep(_ network: BayesianNetwork, count: Int = 1) {
        let n = variables
        let cards = network.cardinalities
        // Every CPT flat, with each family's members and their strides in it; for each
        // variable, the families it is in (its own first, then its children's) and its
        // stride there.
        var table: [Double] = [], tableStart: [Int] = []
        var member: [Int] = [], memberStride: [Int] = [], memberStart = [0]
        for v in 0..<n {
            let cpt = network.cpts[v]
            tableStart.append(table.count)
            table += cpt.values
            let scope = cpt.scope.variables
            var s = 1
            var strides = [Int](repeating: 0, count: scope.count)
            for k in stride(from: scope.count - 1, through: 0, by: -1) { strides[k] = s; s *= cards[scope[k]] }
            member += scope
            memberStride += strides
            memberStart.append(member.count)
        }
        var inFamily: [Int] = [], strideThere: [Int] = [], inStart = [0]
        for v in 0..<n {
            for f in [v] + network.children(of: v) {
                let k = (memberStart[f]..<memberStart[f + 1]).first { member[$0] == v }!
                inFamily.append(f)
                strideThere.append(memberStride[k])
            }
            inStart.append(inFamily.count)
        }
        table.withUnsafeBufferPointer { table in
            for _ in 0..<count {
                redraw(widest: cards.max() ?? 1) { v, row, p in
                    let card = cards[v]
                    for x in 0..<card { p[x] = 1 }
                    for e in inStart[v]..<inStart[v + 1] {
                        let f = inFamily[e], step = strideThere[e]
                        // The family's cell with x_v = 0.
                        var at = tableStart[f]
                        for m in memberStart[f]..<memberStart[f + 1] where member[m] != v {
                            at += Int(row[member[m]]) * memberStride[m]
                        }
                        for x in 0..<card { p[x] *= table[at + x * step] }
                    }
                    return card
                }
            }
        }
    }

    /// `k` completed copies of the table, each of weight `w / k`: the chain's states after
    /// `sweeps` sweeps under `network` and after each of `k − 1` more, identical rows merged
    /// (as `DataBinding.deduplicated` would: in order of first appearance, copy after copy,
    /// unit after unit, with the sums of their weights).
    mutating func imputations(_ k: Int, under network: BayesianNetwork, sweeps: Int) -> DataBinding {
        precondition(k >= 1, "GibbsImputation.imputations: at least one imputation")
        sweep(network, count: sweeps)
        let share = 1 / Double(k), width = variables
        var merged = RowPatterns(names: [String](repeating: "", count: width), states: [[String]](repeating: [], count: width))
        var row = [Int32](repeating: 0, count: width)
        for copy in 0..<k {
            if copy > 0 { sweep(network) }
            for u in copies.indices {
                var hash: UInt64 = 0
                for v in 0..<width { row[v] = cells[u * width + v]; hash = RowPatterns.mix(hash, row[v]) }
                let w = Double(copies[u]) * copyWeight[u]
                _ = merged.add(row, hash: hash, weight: k == 1 ? w : w * share, firstRow: u)
            }
        }
        let codes = (0..<width).map { v in (0..<merged.patternCount).map { merged.cells[$0 * width + v] } }
        return DataBinding(codes: codes, rowCount: merged.patternCount, weights: merged.counts)
    }
}
