import BNCore
import Workbench

// The steps of a fit over a table spread over machines (python/credence/spark.py): row
// weights for tables of distinct patterns with counts, the family counts (MLE) or the E-step
// (EM) of one part, and the M-step from the summed counts. Each is the step `credence fit`
// runs on one machine (LearningTasks.familyCounts, expectedCounts, maximize).

/// Row weights: `weights[i]` is the weight (count) of row `i`, the table's row count of
/// them; fit, learn and the count calls weigh each row by it.
@_cdecl("credence_table_set_weights")
public func credence_table_set_weights(_ table: OpaqueRawPointer?, _ weights: UnsafePointer<Double>?,
                                       _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let t = try handle(table, TableHandle.self, "the table")
        let w = try array(weights, count: t.table.rowCount, missing: "the weights are missing")
        if let bad = w.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
            throw WorkbenchError.usage("the weight of row \(bad + 1) is \(w[bad]); weights must be finite and not negative")
        }
        t.table.weights = w
    }
}

/// The table read in the model's states as `credence_fit` reads it (a value that is no
/// state of its variable is an error naming it and its first row): one column of codes per
/// table column that names a variable (in the order the columns were added; others are
/// skipped), each the table's row count long, laid end to end (`out_len` = rows × those
/// columns); `-1` is a missing cell. Encoded once, a table's codes come back as state
/// columns (`credence_table_add_states`) without reading its texts again.
@_cdecl("credence_table_codes")
public func credence_table_codes(_ net: OpaqueRawPointer?, _ table: OpaqueRawPointer?,
                                 _ out: UnsafeMutablePointer<Int32>?, _ outLength: Int,
                                 _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let t = try handle(table, TableHandle.self, "the table")
        let (data, _) = try t.table.dataset(for: h.network)
        let needed = data.rowCount * data.columnCount
        guard outLength == needed, let out else {
            throw ArgumentError(description: "the codes need \(needed) numbers (\(data.columnCount) columns of \(t.table.rowCount) rows), got a buffer of \(outLength)")
        }
        for (j, column) in data.columns.enumerated() {
            column.withUnsafeBufferPointer { c in
                guard let base = c.baseAddress else { return }
                (out + j * data.rowCount).update(from: base, count: c.count)
            }
        }
    }
}

/// Sets how many threads each later batch call of this process splits its rows over
/// (`credence_score`, `credence_family_counts`, `credence_expected_counts`); 0 restores the
/// default, every core. Returns the previous setting (0 for the default), or -1 for a
/// negative `threads`, which changes nothing. A Spark executor already runs one task per
/// core, so its tasks set 1 (`spark.task.cpus`): with the default, two tasks on two cores
/// would each start two threads, four busy threads contending for two cores.
@_cdecl("credence_set_threads")
public func credence_set_threads(_ threads: Int32) -> Int32 {
    guard threads >= 0 else { return -1 }
    return Int32(batchThreadsSetting.exchange(Int(threads), ordering: .relaxed))
}

/// How many family counts the network has: the sum of its CPTs' sizes (the length of the
/// count buffers below), or -1 for a null handle.
@_cdecl("credence_family_count_length")
public func credence_family_count_length(_ net: OpaqueRawPointer?) -> Int64 {
    guard let net else { return -1 }
    return Int64(object(net, as: NetworkHandle.self).network.cpts.reduce(0) { $0 + $1.values.count })
}

/// The complete-case family counts of the (weighted) table, the CPTs' layouts concatenated
/// in network order.
@_cdecl("credence_family_counts")
public func credence_family_counts(_ net: OpaqueRawPointer?, _ table: OpaqueRawPointer?,
                                   _ out: UnsafeMutablePointer<Double>?, _ outLength: Int,
                                   _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        try numbers(net, table, out, outLength, "the counts") {
            try LearningTasks.familyCounts($0, data: $1, threads: batchThreads).flatMap { $0 }
        }
    }
}

/// The E-step of EM over the (weighted) table: expected family counts as above, and
/// Σ w · ln P(observed cells) into *log_likelihood.
@_cdecl("credence_expected_counts")
public func credence_expected_counts(_ net: OpaqueRawPointer?, _ table: OpaqueRawPointer?,
                                     _ out: UnsafeMutablePointer<Double>?, _ outLength: Int,
                                     _ logLikelihood: UnsafeMutablePointer<Double>?,
                                     _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        try numbers(net, table, out, outLength, "the counts") { net, data in
            let (counts, ll) = try LearningTasks.expectedCounts(net, data: data, threads: batchThreads)
            logLikelihood?.pointee = ll
            return counts.flatMap { $0 }
        }
    }
}

/// The M-step: the network with every CPT estimated from summed family counts (laid out as
/// above); options {method: "mle"|"bayes"|"em", prior} as `credence_fit` takes them.
@_cdecl("credence_estimate")
public func credence_estimate(_ net: OpaqueRawPointer?, _ counts: UnsafePointer<Double>?, _ countsLength: Int,
                              _ optionsJSON: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                              _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let o = try options(optionsJSON, as: FitOptions.self)
        let method = try fitMethod(o.method)
        let sizes = h.network.cpts.map(\.values.count)
        guard countsLength == sizes.reduce(0, +), let counts else {
            throw ArgumentError(description: "the counts hold \(countsLength) numbers; the model needs \(sizes.reduce(0, +))")
        }
        var tables: [[Double]] = [], at = 0
        for size in sizes {
            tables.append(Array(UnsafeBufferPointer(start: counts + at, count: size)))
            at += size
        }
        try give(try LearningTasks.maximize(h.network, counts: tables, method: method, prior: o.prior), out)
    }
}

/// The target's distribution for every row as `credence evaluate` predicts it, row-major
/// (rows × the target's states): the scores of a distributed evaluate.
@_cdecl("credence_predict")
public func credence_predict(_ net: OpaqueRawPointer?, _ table: OpaqueRawPointer?, _ target: UnsafePointer<CChar>?,
                             _ out: UnsafeMutablePointer<Double>?, _ outLength: Int,
                             _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let name = try string(target, "the target")
        try numbers(net, table, out, outLength, "the predictions") { try LearningTasks.predictions($0, data: $1, target: name) }
    }
}

/// The numbers `body` computes from the network and the table read in its states, copied
/// to the caller's buffer of `length` doubles.
private func numbers(_ net: OpaqueRawPointer?, _ table: OpaqueRawPointer?, _ out: UnsafeMutablePointer<Double>?, _ length: Int,
                     _ what: String, _ body: (BayesianNetwork, Dataset) throws -> [Double]) throws {
    let h = try handle(net, NetworkHandle.self, "the network")
    let t = try handle(table, TableHandle.self, "the table")
    let (data, _) = try t.table.dataset(for: h.network)
    try copy(try body(h.network, data), to: out, length: length, what: what)
}
