import BNCore

/// The sufficient statistics of a table for every fit of a fixed set of columns: its
/// distinct rows (patterns of states and missing cells) with how often each occurs,
/// gathered chunk by chunk, so that memory is bounded by the distinct patterns, not by the
/// rows.
///
/// Every weighted count `N(x, u) = Σ_rows w·1[row has x, u]` is a sum over the patterns
/// `Σ_p c_p·1[p has x, u]`, and the E-step of EM and the observed-data log-likelihood are
/// sums of per-row terms that depend on the row's cells only: both are the same computed on
/// the patterns with their counts as weights (`dataset`). Counts are whole numbers, exact
/// in Double up to 2^53, and patterns keep the order of their first row, so a fit on
/// `dataset` equals the fit on the rows (EM's own deduplication makes the same patterns in
/// the same order).
///
/// Two `RowPatterns` of parts of a table `merge` into those of the whole (the reduce of a
/// map-reduce over partitions: a Spark executor gathers one partition, the driver merges).
public struct RowPatterns: Sendable {
    /// The columns' names and states (those of every chunk added).
    public let names: [String]
    public let states: [[String]]
    /// The cells of pattern `p`: `cells[p·width ..< (p+1)·width]`, in column order.
    public private(set) var cells: [Int32] = []
    /// The total weight of each pattern's rows.
    public private(set) var counts: [Double] = []
    /// The 1-based data row (`Dataset.rowNumber`) of each pattern's first row.
    public private(set) var firstRows: [Int] = []
    /// The rows added, and their missing cells.
    public private(set) var rowCount = 0
    public private(set) var missingCells = 0
    private var hashes: [UInt64] = []
    /// Open addressing: the pattern in a slot, or -1.
    private var slots = [Int32](repeating: -1, count: 1024)

    public var width: Int { names.count }
    public var patternCount: Int { counts.count }

    /// No rows yet, over these columns.
    public init(names: [String], states: [[String]]) {
        self.names = names
        self.states = states
    }

    /// Adds the rows of `chunk`, which must have these columns (names and states), and
    /// returns each row's pattern.
    @discardableResult
    public mutating func add(_ chunk: Dataset) -> [Int32] {
        precondition(chunk.names == names && chunk.states == states, "RowPatterns: a chunk with other columns")
        let n = chunk.rowCount
        var hash = [UInt64](repeating: 0, count: n)
        for column in chunk.columns {
            missingCells += Dataset.missingCells(in: column)
            for i in 0..<n { hash[i] = Self.mix(hash[i], column[i]) }
        }
        var row = [Int32](repeating: 0, count: width)
        var pattern = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<width { row[j] = chunk.columns[j][i] }
            pattern[i] = add(row, hash: hash[i], weight: chunk.weights?[i] ?? 1, firstRow: chunk.rowNumber(i))
        }
        rowCount += n
        return pattern
    }

    /// Adds the patterns of another part of the same table (rows numbered in its own part).
    public mutating func merge(_ other: RowPatterns) {
        precondition(other.names == names && other.states == states, "RowPatterns: merging other columns")
        for p in 0..<other.patternCount {
            let row = Array(other.cells[(p * width)..<((p + 1) * width)])
            _ = add(row, hash: other.hashes[p], weight: other.counts[p], firstRow: other.firstRows[p] + rowCount)
        }
        rowCount += other.rowCount
        missingCells += other.missingCells
    }

    /// One row per pattern, its count as its weight; `Dataset.rowNumber` of a pattern is
    /// its first row, so a message about it names a row of the table.
    public var dataset: Dataset {
        var columns = [[Int32]](repeating: [], count: width)
        for j in 0..<width {
            columns[j] = (0..<patternCount).map { cells[$0 * width + j] }
        }
        var out = Dataset(names: names, states: states, columns: columns, weights: counts)
        out.source = DataSource(file: "", rowNumbers: firstRows)
        return out
    }

    /// A row's hash with one more cell mixed in (a multiply and an xor-shift per cell).
    static func mix(_ h: UInt64, _ code: Int32) -> UInt64 {
        let x = (h ^ UInt64(UInt32(bitPattern: code))) &* 0x9E37_79B9_7F4A_7C15
        return x ^ (x >> 29)
    }

    /// Adds one row (its cells in column order, `hash` the `mix` of them from 0); returns
    /// its pattern.
    mutating func add(_ row: [Int32], hash: UInt64, weight: Double, firstRow: Int) -> Int32 {
        if 2 * (patternCount + 1) > slots.count { grow() }
        let mask = slots.count - 1
        var at = Int(truncatingIfNeeded: hash >> 7) & mask
        while true {
            let p = Int(slots[at])
            if p < 0 {
                slots[at] = Int32(patternCount)
                cells += row
                counts.append(weight)
                firstRows.append(firstRow)
                hashes.append(hash)
                return Int32(patternCount - 1)
            }
            if hashes[p] == hash && cells.withUnsafeBufferPointer({ c in (0..<width).allSatisfy { c[p * width + $0] == row[$0] } }) {
                counts[p] += weight
                return Int32(p)
            }
            at = (at + 1) & mask
        }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: 2 * slots.count)
        let mask = slots.count - 1
        for p in 0..<patternCount {
            var at = Int(truncatingIfNeeded: hashes[p] >> 7) & mask
            while slots[at] >= 0 { at = (at + 1) & mask }
            slots[at] = Int32(p)
        }
    }
}
