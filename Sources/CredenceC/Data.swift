import BNCore
import BNLearning
import Foundation
import Workbench

// Tables from the caller's memory (a DataFrame's columns) and the operations that read them:
// score, fit, learn and evaluate. The table is matched to a model by `DataTable`, the same
// rules as `credence score/fit/evaluate` reading a CSV file.

@_cdecl("credence_table_new")
public func credence_table_new(_ rows: Int64) -> OpaqueRawPointer? {
    rows < 0 ? nil : retain(TableHandle(rows: Int(rows)))
}

@_cdecl("credence_table_free")
public func credence_table_free(_ table: OpaqueRawPointer?) { release(table, as: TableHandle.self) }

/// A column of categories: `codes[i]` (the table's row count of them) indexes the
/// `n_labels` NUL-terminated UTF-8 labels laid end to end in `labels`; negative is missing.
@_cdecl("credence_table_add_categories")
public func credence_table_add_categories(_ table: OpaqueRawPointer?, _ name: UnsafePointer<CChar>?,
                                          _ codes: UnsafePointer<Int32>?, _ labels: UnsafePointer<CChar>?, _ labelCount: Int64,
                                          _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let t = try handle(table, TableHandle.self, "the table")
        let n = t.table.rowCount
        let column = try array(codes, count: n, missing: "the codes of the column are missing")
        var texts: [String] = []
        texts.reserveCapacity(Int(labelCount))
        var p = labels
        for _ in 0..<max(0, labelCount) {
            guard let q = p else { throw ArgumentError(description: "the labels of the column are missing") }
            let s = String(cString: q)
            texts.append(s)
            p = q + s.utf8.count + 1
        }
        try t.table.append(try string(name, "the column name"), .categories(codes: column, labels: texts))
    }
}

/// A column of numbers (`NaN` missing), the table's row count of them.
@_cdecl("credence_table_add_numbers")
public func credence_table_add_numbers(_ table: OpaqueRawPointer?, _ name: UnsafePointer<CChar>?,
                                       _ values: UnsafePointer<Double>?,
                                       _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let t = try handle(table, TableHandle.self, "the table")
        let n = t.table.rowCount
        let column = try array(values, count: n, missing: "the values of the column are missing")
        try t.table.append(try string(name, "the column name"), .numbers(column))
    }
}

/// A column of state codes: `codes[i]` (the table's row count of them) indexes the states
/// of the variable of the same name in the model's order, `-1` missing; what
/// `credence_table_codes` wrote, handed back without reading any text. Only a call with a
/// model reads such a column (a code out of range is an error there); learn refuses it.
@_cdecl("credence_table_add_states")
public func credence_table_add_states(_ table: OpaqueRawPointer?, _ name: UnsafePointer<CChar>?, _ codes: UnsafePointer<Int32>?,
                                      _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let t = try handle(table, TableHandle.self, "the table")
        let column = try array(codes, count: t.table.rowCount, missing: "the codes of the column are missing")
        try t.table.append(try string(name, "the column name"), .states(column))
    }
}

/// What `score` and the other table calls report besides their numbers.
struct TableNotes: Encodable {
    var notes: [String]
    var impossibleRows: [ImpossibleRow]
}

/// `credence score`: P(target | row) for every row, row-major (`out_len` = rows × the
/// target's states), NaN for a row whose findings have probability zero; `notes` (may be
/// null) receives JSON {notes, impossibleRows}. A category the model does not know is read
/// as missing with a note, unless `strict`.
@_cdecl("credence_score")
public func credence_score(_ net: OpaqueRawPointer?, _ table: OpaqueRawPointer?, _ target: UnsafePointer<CChar>?, _ strict: Int32,
                           _ out: UnsafeMutablePointer<Double>?, _ outLength: Int,
                           _ notes: UnsafeMutablePointer<OpaqueRawPointer?>?,
                           _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let t = try handle(table, TableHandle.self, "the table")
        let (data, read) = try t.table.dataset(for: h.network, unseenAsMissing: strict == 0)
        let scored = try LearningTasks.posteriors(h.network, data: data, target: try string(target, "the target"), strict: strict != 0,
                                                  threads: batchThreads)
        try copy(scored.values, to: out, length: outLength, what: "the scores")
        if let notes { try give(try JSONDocument.encode(TableNotes(notes: read, impossibleRows: scored.impossible), pretty: false), notes) }
    }
}

/// The options of `credence fit`, as JSON keys (all optional).
struct FitOptions: Decodable {
    var method: String?
    var prior: Double?
    var maxIter: Int?
    var tolerance: Double?
    var restarts: Int?
    var initial: String?
    var seed: UInt64?
}

/// The `method` option of a fit (default mle).
func fitMethod(_ name: String?) throws -> LearningTasks.FitMethod {
    guard let name else { return .mle }
    return try LearningTasks.FitMethod(parsing: name)
}

/// Decodes a JSON object of options; null or empty text is `{}`.
func options<T: Decodable>(_ p: UnsafePointer<CChar>?, as _: T.Type) throws -> T {
    let text = p.map { String(cString: $0) } ?? ""
    do {
        return try JSONDecoder().decode(T.self, from: Data((text.isEmpty ? "{}" : text).utf8))
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
        throw WorkbenchError.usage("option \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
    } catch {
        throw WorkbenchError.usage("the options are not a JSON object: \(text.prefix(200))")
    }
}

/// `credence fit`: the network's parameters estimated from the table; the fitted network
/// to `out`, the report (`credence fit --json`, with `notes`) to `report`.
@_cdecl("credence_fit")
public func credence_fit(_ net: OpaqueRawPointer?, _ table: OpaqueRawPointer?, _ optionsJSON: UnsafePointer<CChar>?,
                         _ out: UnsafeMutablePointer<OpaqueRawPointer?>?, _ report: UnsafeMutablePointer<OpaqueRawPointer?>?,
                         _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let t = try handle(table, TableHandle.self, "the table")
        let o = try options(optionsJSON, as: FitOptions.self)
        let method = try fitMethod(o.method)
        let start = try o.initial.map { m in
            guard let x = LearningTasks.FitStart(rawValue: m) else { throw WorkbenchError.usage("initial must be model, uniform or available, got '\(m)'") }
            return x
        } ?? LearningTasks.FitStart.model
        let t0 = DispatchTime.now().uptimeNanoseconds
        let (data, read) = try t.table.dataset(for: h.network)
        let readSeconds = LearningTasks.Timings.since(t0)
        let t1 = DispatchTime.now().uptimeNanoseconds
        var (fitted, r) = try LearningTasks.fit(h.network, data: data, method: method, prior: o.prior,
                                                maxIterations: o.maxIter ?? 100, tolerance: o.tolerance ?? 1e-5,
                                                restarts: o.restarts ?? 0, seed: o.seed ?? 1, start: start)
        r.seconds = LearningTasks.Timings(read: readSeconds, learn: LearningTasks.Timings.since(t1))
        try give(fitted, out)
        if let report { try give(try JSONDocument.encode(Noted(value: r, notes: read)), report) }
    }
}

/// A report with the notes about the table read for it (as `notes`).
struct Noted<T: Encodable>: Encodable {
    var value: T
    var notes: [String]
    func encode(to encoder: Encoder) throws {
        try value.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(notes, forKey: .notes)
    }
    enum Keys: String, CodingKey { case notes }
}

/// The options of `credence learn`, as JSON keys (all optional); `target` chooses the
/// classifier pipeline of `learn --target`.
struct LearnOptions: Decodable {
    var algorithm: String?
    var score: String?
    var ess: Double?
    var maxParents: Int?
    var require: [[String]]?
    var forbid: [[String]]?
    var restarts: Int?
    var maxIterations: Int?
    var seed: UInt64?
    var discretize: [String: String]?
    var discretizeNumeric: String?
    var categoricalLimit: Int?
    var discretizeTarget: String?
    var target: String?
    var structures: [String]?
    var priors: [Double]?
    var innerFolds: Int?
    var fewValuedBins: [String]?
    var parameters: [String]?
    var derived: String?
    var bagging: Int?
}

/// `credence learn`: a structure and its parameters from the table; the network to `out`,
/// the report (`credence learn --json`) to `report`.
@_cdecl("credence_learn")
public func credence_learn(_ table: OpaqueRawPointer?, _ optionsJSON: UnsafePointer<CChar>?,
                           _ out: UnsafeMutablePointer<OpaqueRawPointer?>?, _ report: UnsafeMutablePointer<OpaqueRawPointer?>?,
                           _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let t = try handle(table, TableHandle.self, "the table")
        let o = try options(optionsJSON, as: LearnOptions.self)
        let data = try t.table.dataset()
        let columns = (o.discretize ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        func pairs(_ items: [[String]]?, _ what: String) throws -> [(String, String)] {
            try (items ?? []).map { p in
                guard p.count == 2 else { throw WorkbenchError.usage("\(what): each edge is a pair [A, B], got \(p)") }
                return (p[0], p[1])
            }
        }
        if let target = o.target {
            let misplaced = [(o.require == nil, "require"), (o.forbid == nil, "forbid"), (o.algorithm == nil, "algorithm"),
                             (o.score == nil, "score"), (o.restarts == nil, "restarts"), (o.maxIterations == nil, "max_iterations")]
                .filter { !$0.0 }.map(\.1)
            if let first = misplaced.first {
                throw WorkbenchError.usage("\(first) does not apply with target: the structure comes from the classifier families (structures) chosen by inner cross-validation")
            }
            var learner = try LearningTasks.targetedLearner(
                target: target, structures: o.structures, priors: o.priors, innerFolds: o.innerFolds ?? 5,
                discretization: try LearningTasks.discretization(columns: columns, numeric: o.discretizeNumeric ?? "mdl",
                                                                 categoricalLimit: o.categoricalLimit ?? 10, target: target),
                maxParents: o.maxParents ?? 4, seed: o.seed ?? 1, fewValuedBins: o.fewValuedBins,
                parameters: o.parameters, derived: o.derived)
            learner.bagging = o.bagging ?? 0
            let (net, r) = try LearningTasks.learn(data, with: learner)
            try give(net, out)
            if let report { try give(try JSONDocument.encode(r), report) }
            return
        }
        let plan = try LearningTasks.discretization(columns: columns, numeric: o.discretizeNumeric ?? "equal-frequency:4",
                                                    categoricalLimit: o.categoricalLimit ?? 10, target: o.discretizeTarget)
        let (net, r) = try LearningTasks.learn(data, settings: .init(algorithm: try LearningTasks.SearchAlgorithm(parsing: o.algorithm ?? "hc"),
                                               score: try LearningTasks.structureScore(o.score ?? "bic", ess: o.ess ?? 1),
                                               maxParents: o.maxParents ?? 4,
                                               required: try pairs(o.require, "require"), forbidden: try pairs(o.forbid, "forbid"),
                                               restarts: o.restarts ?? 0, seed: o.seed ?? 1,
                                               maxIterations: o.maxIterations, discretization: plan))
        try give(net, out)
        if let report { try give(try JSONDocument.encode(r), report) }
    }
}

/// `credence evaluate --json`: the network as a classifier of `target` on the table, with
/// `folds`-fold cross-validation when `folds` > 0.
@_cdecl("credence_evaluate")
public func credence_evaluate(_ net: OpaqueRawPointer?, _ table: OpaqueRawPointer?, _ target: UnsafePointer<CChar>?,
                              _ folds: Int32, _ seed: UInt64,
                              _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                              _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let t = try handle(table, TableHandle.self, "the table")
        let (data, read) = try t.table.dataset(for: h.network)
        let r = try LearningTasks.evaluate(h.network, data: data, target: try string(target, "the target"),
                                           folds: folds > 0 ? Int(folds) : nil, seed: seed)
        try give(try JSONDocument.encode(Noted(value: r, notes: read)), out)
    }
}
