import BNCore

/// Sufficient statistics of a discrete family: `N(pa = j, x = k)`, the (weighted) number of
/// rows with parent configuration `j` and child state `k`, laid out like a CPT (parents
/// row-major, child last). Rows with a missing cell in the family are skipped
/// (complete-case counting; EM replaces it with expected counts).
public enum FamilyCounter {
    /// Rows per block: a block's columns stay in cache while every family is counted.
    static let blockSize = 4096

    /// The counts of every requested family in one pass over the data, row block by row
    /// block, each family's cell found by its mixed-radix index
    /// `j = (…(x_{p0}·r_{p1} + x_{p1})·… )·r_x + x`. The two halves of the rows are counted
    /// on separate threads and added.
    ///
    /// - Parameters:
    ///   - families: each a list of variables, parents first and the child last.
    ///   - cardinalities: the number of states of every variable.
    public static func counts(families: [[Int]], cardinalities: [Int], binding: DataBinding,
                              threads: Int = 2) -> [[Double]] {
        let n = binding.rowCount
        let parts = max(1, min(threads, n / 20_000 + 1))
        let partials = parallelMap(parts) { part in
            countRange(families: families, cardinalities: cardinalities, binding: binding,
                       rows: (n * part / parts)..<(n * (part + 1) / parts), incomplete: nil)
        }
        var total = partials[0]
        for p in partials.dropFirst() {
            for f in total.indices { for i in total[f].indices { total[f][i] += p[f][i] } }
        }
        return total
    }

    /// The counts of one family (parents first, child last).
    public static func counts(family: [Int], cardinalities: [Int], binding: DataBinding) -> [Double] {
        countRange(families: [family], cardinalities: cardinalities, binding: binding, rows: 0..<binding.rowCount,
                   incomplete: nil)[0]
    }

    /// What to do with a row that has a missing cell in a family, instead of skipping it:
    /// called with the family's position in the list, the row, and the family's table
    /// (parents row-major, child last) to add into. `PosteriorCompletion` adds the row's
    /// expected counts here.
    typealias IncompleteRowHandler = (_ family: Int, _ row: Int, _ table: UnsafeMutableBufferPointer<Double>) -> Void

    /// Accumulator copies for a small family table: consecutive rows add into different
    /// copies (row `t` into copy `t % lanes`), so an increment does not wait for the one
    /// before it when both hit the same cell, as they mostly do in a table of a few cells
    /// (store-to-load forwarding would otherwise serialise the whole pass).
    static let lanes = 4
    /// Tables up to this many cells get `lanes` copies (they stay in the L1/L2 cache).
    static let lanedCellLimit = 2048

    static func countRange(families: [[Int]], cardinalities: [Int], binding: DataBinding, rows: Range<Int>,
                           incomplete: IncompleteRowHandler?) -> [[Double]] {
        let sizes = families.map { fam in fam.reduce(1) { $0 * cardinalities[$1] } }
        // The offset between copies: the table size for a laned table, 0 otherwise.
        let laneStride = sizes.map { $0 <= lanedCellLimit ? $0 : 0 }
        var result = sizes.indices.map { f in [Double](repeating: 0, count: laneStride[f] > 0 ? lanes * sizes[f] : sizes[f]) }
        // Cell indices are Int32 (twice as many per vector as Int): no family table can
        // reach 2^31 cells, which would be 16 GiB of counts.
        precondition(sizes.allSatisfy { $0 <= Int(Int32.max) }, "FamilyCounter: a family table has 2^31 cells or more")
        let index = UnsafeMutablePointer<Int32>.allocate(capacity: blockSize)
        defer { index.deallocate() }
        // Families with a variable absent from the data have no complete rows.
        let countable = families.map { fam in fam.allSatisfy { binding.codes[$0] != nil } }
        let gappy = families.map { fam in fam.contains { binding.hasMissing[$0] } }
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = min(start + blockSize, rows.upperBound)
            let len = end - start
            for (f, fam) in families.enumerated() where countable[f] {
                index.update(repeating: 0, count: len)
                for v in fam {
                    let card = Int32(cardinalities[v])
                    binding.codes[v]!.withUnsafeBufferPointer { col in
                        let c = col.baseAddress! + start
                        if binding.hasMissing[v] {
                            for t in 0..<len {
                                // A missing cell (-1) poisons the index for this row: -1
                                // from then on, branch-free (the sign bit of either spread
                                // over the word), so the loop vectorises.
                                let x = c[t], i = index[t]
                                index[t] = (i &* card &+ x) | ((x | i) >> 31)
                            }
                        } else {
                            // A complete column: no checks, so the loop vectorises. A row
                            // already poisoned stays negative (index · card + x < 0 while
                            // index ≤ −1, since x < card; |index| stays below the table size).
                            for t in 0..<len { index[t] = index[t] &* card &+ c[t] }
                        }
                    }
                }
                let stride = laneStride[f]
                result[f].withUnsafeMutableBufferPointer { out in
                    if gappy[f] {
                        // Many rows poisoned, at random: a branch per row would be
                        // mispredicted half the time, so a poisoned row adds 0 to cell 0.
                        // (`m` is -1 for a poisoned row, else 0.)
                        if let w = binding.weights {
                            for t in 0..<len {
                                let i = index[t], m = i >> 31
                                out[(t & (lanes - 1)) &* stride &+ Int(i & ~m)] += w[start + t] * Double(m &+ 1)
                            }
                        } else {
                            for t in 0..<len {
                                let i = index[t], m = i >> 31
                                out[(t & (lanes - 1)) &* stride &+ Int(i & ~m)] += Double(m &+ 1)
                            }
                        }
                    } else if let w = binding.weights {
                        for t in 0..<len where index[t] >= 0 { out[(t & (lanes - 1)) &* stride &+ Int(index[t])] += w[start + t] }
                    } else {
                        for t in 0..<len where index[t] >= 0 { out[(t & (lanes - 1)) &* stride &+ Int(index[t])] += 1 }
                    }
                    // Lane 0 is the table itself (the copies are folded into it below).
                    if let incomplete { for t in 0..<len where index[t] < 0 { incomplete(f, start + t, out) } }
                }
            }
            start = end
        }
        // Fold the copies of each laned table into the first.
        for f in result.indices where laneStride[f] > 0 {
            let size = sizes[f]
            for lane in 1..<lanes { for k in 0..<size { result[f][k] += result[f][lane * size + k] } }
            result[f].removeLast((lanes - 1) * size)
        }
        return result
    }
}
