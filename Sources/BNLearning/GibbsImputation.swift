import BNCore

/// A completion of every missing cell kept across the rounds of structural EM and moved by
/// Gibbs sampling under each round's network: data augmentation (Tanner & Wong 1987), the
/// stochastic E-step of stochastic EM (Celeux & Diebolt 1985) and the stochastic
/// approximation of Friedman's expected counts (Friedman 1997 §4).
///
/// The cells start from their variables' observed frequencies (the empty DAG's posterior,
/// up to one pseudo-count per state). A sweep redraws every missing cell of every row, in turn, from its full
/// conditional given the row's other cells (observed or currently imputed),
///
///   `P(x_v | rest) ∝ θ(x_v | pa(v)) · Π_{c child of v} θ(x_c | pa(c))`,
///
/// which costs `|x_v| · (1 + children)` table reads per cell: a few milliseconds for
/// 10,000 rows of alarm, where completing each row by its exact posterior
/// (`PosteriorCompletion`) costs a junction-tree calibration for the rows whose gaps are
/// entangled. The chain carries over from round to round, so the imputation follows the
/// model as it changes instead of starting over.
struct GibbsImputation {
    let rows: Int
    let variables: Int
    let weights: [Double]?
    /// `cells[v · rows + i]`: the state of `v` in row `i`, observed or imputed.
    private(set) var cells: [Int32]
    /// The rows with a gap, and their missing variables:
    /// `missing[missingStart[r]..<missingStart[r + 1]]` for `gapRows[r]`.
    let gapRows: [Int32]
    let missingStart: [Int]
    let missing: [Int32]
    var rng: SplitMix64

    /// Every missing cell of `binding` (every variable needs a column) drawn from its
    /// variable's observed frequencies.
    init(binding: DataBinding, cardinalities: [Int], seed: UInt64) {
        rows = binding.rowCount
        variables = binding.codes.count
        weights = binding.weights
        cells = binding.codes.flatMap { c -> [Int32] in
            guard let c else { preconditionFailure("GibbsImputation: every variable needs a column") }
            return c
        }
        var gapRows: [Int32] = [], missingStart = [0], missing: [Int32] = []
        for i in 0..<rows {
            for v in 0..<variables where cells[v * rows + i] < 0 { missing.append(Int32(v)) }
            if missing.count > missingStart.last! { gapRows.append(Int32(i)); missingStart.append(missing.count) }
        }
        self.gapRows = gapRows
        self.missingStart = missingStart
        self.missing = missing
        rng = SplitMix64(seed: seed)
        // The observed frequencies (one pseudo-count per state, so none is 0).
        let marginals = (0..<variables).map { v -> [Double] in
            var f = [Double](repeating: 1, count: cardinalities[v])
            for i in 0..<rows { let x = cells[v * rows + i]; if x >= 0 { f[Int(x)] += weights?[i] ?? 1 } }
            return f
        }
        for r in gapRows.indices {
            let i = Int(gapRows[r])
            for k in missingStart[r]..<missingStart[r + 1] {
                let v = Int(missing[k])
                cells[v * rows + i] = Self.draw(marginals[v], count: marginals[v].count, rng: &rng)
            }
        }
    }

    /// A state drawn with probability proportional to `p[0..<count]` (not all 0).
    private static func draw(_ p: UnsafePointer<Double>, count: Int, total: Double, rng: inout SplitMix64) -> Int32 {
        var u = rng.nextUnit() * total
        for x in 0..<(count - 1) { u -= p[x]; if u < 0 { return Int32(x) } }
        return Int32(count - 1)
    }

    private static func draw(_ p: [Double], count: Int, rng: inout SplitMix64) -> Int32 {
        p.withUnsafeBufferPointer { draw($0.baseAddress!, count: count, total: p.reduce(0, +), rng: &rng) }
    }

    /// `count` Gibbs sweeps under `network` (its variables in the order of the columns).
    mutating func sweep(_ network: BayesianNetwork, count: Int = 1) {
        let n = variables, rows = rows
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
        let widest = cards.max() ?? 1
        var p = [Double](repeating: 0, count: widest)
        let gapRows = gapRows, missingStart = missingStart, missing = missing
        var rng = rng
        defer { self.rng = rng }
        cells.withUnsafeMutableBufferPointer { cells in
        p.withUnsafeMutableBufferPointer { p in
        table.withUnsafeBufferPointer { table in
        member.withUnsafeBufferPointer { member in
        memberStride.withUnsafeBufferPointer { memberStride in
            for _ in 0..<count {
                for r in gapRows.indices {
                    let i = Int(gapRows[r])
                    for k in missingStart[r]..<missingStart[r + 1] {
                        let v = Int(missing[k]), card = cards[v]
                        for x in 0..<card { p[x] = 1 }
                        for e in inStart[v]..<inStart[v + 1] {
                            let f = inFamily[e], step = strideThere[e]
                            // The family's cell with x_v = 0.
                            var at = tableStart[f]
                            for m in memberStart[f]..<memberStart[f + 1] where member[m] != v {
                                at += Int(cells[member[m] * rows + i]) * memberStride[m]
                            }
                            for x in 0..<card { p[x] *= table[at + x * step] }
                        }
                        var total = 0.0
                        for x in 0..<card { total += p[x] }
                        // A row the network rules out keeps its cell (never with BDeu tables).
                        guard total > 0 else { continue }
                        cells[v * rows + i] = Self.draw(p.baseAddress!, count: card, total: total, rng: &rng)
                    }
                }
            }
        } } } } }
    }

    /// `k` completed copies of the rows, each of weight `w / k`: the chain's states after
    /// `sweeps` sweeps under `network` and after each of `k − 1` more, identical rows merged
    /// (`DataBinding.deduplicated`). Rows are merged as each copy is read (`RowPatterns`:
    /// copy after copy, row after row, so the same distinct rows in the same order with the
    /// same sums of weights as merging the copies laid end to end), so the copies are never
    /// held whole: 4 bytes a row and copy, not 4 a cell.
    mutating func imputations(_ k: Int, under network: BayesianNetwork, sweeps: Int) -> DataBinding {
        precondition(k >= 1, "GibbsImputation.imputations: at least one imputation")
        sweep(network, count: sweeps)
        let share = 1 / Double(k), width = variables
        var merged = RowPatterns(names: [String](repeating: "", count: width), states: [[String]](repeating: [], count: width))
        var pattern: [Int32] = []
        pattern.reserveCapacity(rows * k)
        var row = [Int32](repeating: 0, count: width)
        for copy in 0..<k {
            if copy > 0 { sweep(network) }
            for i in 0..<rows {
                var hash: UInt64 = 0
                for v in 0..<width { row[v] = cells[v * rows + i]; hash = RowPatterns.mix(hash, row[v]) }
                let w = weights?[i] ?? 1
                pattern.append(merged.add(row, hash: hash, weight: k == 1 ? w : w * share, firstRow: i))
            }
        }
        let total = rows * k
        if merged.patternCount * 4 < total * 3 {
            let codes = (0..<width).map { v in (0..<merged.patternCount).map { merged.cells[$0 * width + v] } }
            return DataBinding(codes: codes, rowCount: merged.patternCount, weights: merged.counts)
        }
        // Merging saves little (`deduplicated` keeps the rows then): every copy's rows.
        let codes = (0..<width).map { v in pattern.map { merged.cells[Int($0) * width + v] } }
        let w = k == 1 ? weights : (0..<k).flatMap { _ in (0..<rows).map { (weights?[$0] ?? 1) * share } }
        return DataBinding(codes: codes, rowCount: total, weights: w)
    }
}
