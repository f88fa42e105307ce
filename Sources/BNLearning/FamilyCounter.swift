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
                       rows: (n * part / parts)..<(n * (part + 1) / parts))
        }
        var total = partials[0]
        for p in partials.dropFirst() {
            for f in total.indices { for i in total[f].indices { total[f][i] += p[f][i] } }
        }
        return total
    }

    /// The counts of one family (parents first, child last).
    public static func counts(family: [Int], cardinalities: [Int], binding: DataBinding) -> [Double] {
        countRange(families: [family], cardinalities: cardinalities, binding: binding, rows: 0..<binding.rowCount)[0]
    }

    static func countRange(families: [[Int]], cardinalities: [Int], binding: DataBinding, rows: Range<Int>) -> [[Double]] {
        var result = families.map { fam in [Double](repeating: 0, count: fam.reduce(1) { $0 * cardinalities[$1] }) }
        var index = [Int](repeating: 0, count: blockSize)
        var start = rows.lowerBound
        while start < rows.upperBound {
            let end = min(start + blockSize, rows.upperBound)
            let len = end - start
            for (f, fam) in families.enumerated() {
                // A family with a variable absent from the data has no complete rows.
                guard fam.allSatisfy({ binding.codes[$0] != nil }) else { continue }
                for t in 0..<len { index[t] = 0 }
                for v in fam {
                    let card = cardinalities[v]
                    binding.codes[v]!.withUnsafeBufferPointer { col in
                        if binding.hasMissing[v] {
                            for t in 0..<len {
                                let x = Int(col[start + t])
                                // A missing cell poisons the index (negative) for this row.
                                index[t] = (x < 0 || index[t] < 0) ? -1 : index[t] * card + x
                            }
                        } else {
                            // A complete column: no checks, so the loop vectorises. A row
                            // already poisoned stays negative (index · card + x < 0 while
                            // index ≤ −1, since x < card).
                            index.withUnsafeMutableBufferPointer { idx in
                                let c = col.baseAddress! + start
                                for t in 0..<len { idx[t] = idx[t] &* card &+ Int(c[t]) }
                            }
                        }
                    }
                }
                result[f].withUnsafeMutableBufferPointer { out in
                    if let w = binding.weights {
                        for t in 0..<len where index[t] >= 0 { out[index[t]] += w[start + t] }
                    } else {
                        for t in 0..<len where index[t] >= 0 { out[index[t]] += 1 }
                    }
                }
            }
            start = end
        }
        return result
    }
}
