import BNCore
import BNFormats
import BNLearning
import Foundation

/// The operations of `evaluate` and `fit` over a table read chunk by chunk
/// (`CSVChunkReader`), with memory bounded by a chunk and the statistics they keep (the
/// distinct row patterns with their counts; for `evaluate`, the labelled rows' scores), not
/// by the table. Their results equal those of the same operations on the whole table in
/// memory.
extension LearningTasks {
    /// The distinct patterns of every row of `reader` with their counts (`RowPatterns`),
    /// read to the end. `progress` hears the rows read after each chunk.
    static func rowPatterns(_ reader: CSVChunkReader, progress: ((_ rows: Int) -> Void)? = nil) throws -> RowPatterns {
        var patterns = RowPatterns(names: reader.schema.names, states: reader.schema.states)
        while let chunk = try reader.next() {
            patterns.add(chunk)
            progress?(reader.rowsRead)
        }
        return patterns
    }

    /// `patterns` as a table of one row per pattern weighted by its count, its rows named
    /// by their first row in the file `schema` was read from (the header-only table when
    /// there are no rows, for the "no data rows" error).
    static func patternTable(_ patterns: RowPatterns, schema: Dataset) -> Dataset {
        guard patterns.rowCount > 0 else { return schema }
        var data = patterns.dataset
        data.source = DataSource(file: schema.source?.file ?? "", ignoredColumns: schema.source?.ignoredColumns ?? [],
                                 rowNumbers: patterns.firstRows)
        return data
    }

    /// The rows of `reader` as one row per distinct pattern weighted by its count
    /// (`patternTable`), with the table's rows and missing cells: what `fit` needs, the
    /// patterns' hash table released before the fit starts.
    public static func patternTable(_ reader: CSVChunkReader, progress: ((_ rows: Int) -> Void)? = nil) throws -> PatternTable {
        PatternTable(try rowPatterns(reader, progress: progress), schema: reader.schema)
    }

    /// A table's distinct rows weighted by their counts, and the table's own size.
    public struct PatternTable: Sendable {
        var table: Dataset
        var rows: Int
        var missingCells: Int

        /// The rows gathered in `patterns` (from a table with header `schema`), laid out.
        init(_ patterns: RowPatterns, schema: Dataset) {
            (table, rows, missingCells) = (patternTable(patterns, schema: schema), patterns.rowCount, patterns.missingCells)
        }
    }

    /// `fit(_:data:…)` on a table's distinct rows weighted by their counts: MLE and Bayesian
    /// estimates count the families over the patterns weighted by their counts, and EM runs
    /// its E-step once per pattern (as it does on a table in memory after merging identical
    /// rows). The report counts the table's rows and missing cells, not the patterns.
    public static func fit(_ network: BayesianNetwork, patterns: PatternTable, method: FitMethod, prior: Double?,
                           maxIterations: Int, tolerance: Double, restarts: Int, seed: UInt64,
                           start: FitStart = .model,
                           progress: ((Int, Double) -> Void)? = nil) throws -> (BayesianNetwork, FitReport) {
        var (fitted, report) = try fit(network, data: patterns.table, method: method, prior: prior,
                                       maxIterations: maxIterations, tolerance: tolerance, restarts: restarts, seed: seed,
                                       start: start, progress: progress)
        report.rows = patterns.rows
        report.missingCells = patterns.missingCells
        return (fitted, report)
    }

    /// `evaluate(_:data:target:folds: nil, …)` streamed: each chunk's rows are predicted
    /// and added to the metrics (`ClassificationMetrics.Accumulator`) and to the row
    /// patterns, from which the log-likelihood of the data is computed at the end. No
    /// cross-validation (folds need every row at hand) and no per-row predictions in the
    /// report.
    public static func evaluate(_ network: BayesianNetwork, reader: CSVChunkReader, target: String,
                                progress: ((_ rows: Int) -> Void)? = nil) throws -> EvaluateReport {
        let t = try network.require(target)
        var chunk = try reader.next()
        try DataRequirement.targetAndFindings(target: target).check(chunk ?? reader.schema, against: network, operation: "evaluate")
        var metrics = ClassificationMetrics.Accumulator(states: network.variables[t].cardinality)
        var patterns = RowPatterns(names: reader.schema.names, states: reader.schema.states)
        while let part = chunk {
            let (truth, predictions) = try part.locatingImpossibleRows(network) { try Evaluation.predict(network, on: part, target: target) }
            metrics.add(truth: truth, predictions: predictions)
            patterns.add(part)
            progress?(reader.rowsRead)
            chunk = try reader.next()
        }
        let table = patternTable(patterns, schema: reader.schema)
        let ll = try table.locatingImpossibleRows(network) { try Evaluation.logLikelihood(network, on: table) }
        return EvaluateReport(target: target, rows: patterns.rowCount, model: metrics.metrics, logLikelihood: ll, crossValidation: nil)
    }
}

extension LearningTasks {
    /// `learn(_:settings:)` on a CSV file read twice in chunks of `chunkRows` rows (without
    /// a model: every column kept, states in order of first appearance), with memory
    /// bounded by the distinct rows, not the rows:
    ///
    /// 1. the first pass sums each column's weight per state (and per target state for MDL:
    ///    `DatasetDiscretization.ColumnWeights`), from which the numeric columns' cuts are
    ///    chosen as on the whole table (`DatasetDiscretization.plan`);
    /// 2. the second pass cuts every chunk and gathers its rows into distinct patterns with
    ///    counts (`RowPatterns`);
    /// 3. the search and the parameters run on the patterns weighted by their counts.
    ///
    /// The model equals that of `learn(_:settings:)` on the table read whole, with missing
    /// cells too: structural EM's Gibbs chain holds the rows as patterns with their copies
    /// (`GibbsImputation`), the same whether it is given the rows or the patterns. `reading`
    /// hears the pass (1 or 2) and the rows read after each chunk.
    ///
    /// `path` `-` reads `standardInput` (a pipe, which cannot be read twice): it is first
    /// copied to a temporary file, unlinked as soon as it is made (nothing is left behind),
    /// and both passes read that copy; diagnostics name `<stdin>`. Memory stays bounded by
    /// the patterns; the disk holds the table once while `learn` runs.
    public static func learn(csv path: String, settings: LearnSettings, chunkRows: Int = scoreChunkRows,
                             standardInput: Int32 = 0,
                             reading: ((_ pass: Int, _ rows: Int) -> Void)? = nil,
                             progress: (@Sendable (StructuralEM.Progress) -> Void)? = nil) throws -> (BayesianNetwork, LearnReport) {
        try rereading(path, standardInput: standardInput, chunkRows: chunkRows) { reader in
            try learn(reader, path: path, settings: settings, reading: reading, progress: progress)
        }
    }

    /// `learn(csv:settings:…)` with `reader` giving a reader of the table from its first byte.
    private static func learn(_ reader: () throws -> CSVChunkReader, path: String, settings: LearnSettings,
                              reading: ((_ pass: Int, _ rows: Int) -> Void)?,
                              progress: (@Sendable (StructuralEM.Progress) -> Void)?) throws -> (BayesianNetwork, LearnReport) {
        let plan = settings.discretization ?? DatasetDiscretization(automatic: nil)
        let first = try reader()
        var weights = plan.columnWeights(names: first.schema.names)
        while let chunk = try first.next() {
            weights.add(chunk)
            reading?(1, first.rowsRead)
        }
        guard weights.rowCount > 0 else {
            try DataRequirement.requireRows(first.schema, operation: "learn from")
            preconditionFailure("a table with no rows passed requireRows")
        }
        let cuts = try plan.plan(weights)
        var states = weights.states
        for c in cuts { states[c.column] = c.report.states }
        // The second pass: the same reader, so the same codes, now final.
        let second = try reader()
        var patterns = RowPatterns(names: weights.names, states: states)
        while var chunk = try second.next() {
            try requireFirstPassCodes(chunk.states, first: weights.states, path: path)
            for c in cuts { chunk.columns[c.column] = chunk.columns[c.column].map { $0 < 0 ? $0 : c.recoding[Int($0)] } }
            chunk.states = states
            _ = patterns.add(chunk)
            reading?(2, second.rowsRead)
        }
        // Gaps decide the path (structural EM), so they must be the first pass's too.
        guard patterns.rowCount == weights.rowCount, patterns.missingCells == weights.missingCells else {
            throw changedWhileRead(path)
        }
        let table = patternTable(patterns, schema: second.schema)
        return try learn(discrete: table, discretized: cuts.map(\.report), settings: settings, progress: progress)
    }
}

extension LearningTasks {
    /// `body` given a maker of readers of the CSV file at `path` from its first byte, each
    /// call a new pass. `path` `-` reads `standardInput` (a pipe, which cannot be read twice):
    /// it is first copied to a temporary file (`spool`), which every pass reads and which is
    /// gone when `body` returns; diagnostics name `<stdin>`.
    static func rereading<T>(_ path: String, standardInput: Int32, chunkRows: Int,
                             _ body: (() throws -> CSVChunkReader) throws -> T) throws -> T {
        let spooled: Int32? = path == "-" ? try spool(standardInput) : nil
        defer { if let spooled { close(spooled) } }
        return try body {
            guard let spooled else { return try CSVChunkReader(path: path, network: nil, chunkRows: chunkRows) }
            guard lseek(spooled, 0, SEEK_SET) == 0 else {
                throw WorkbenchError.io(path: "<stdin>", reason: "cannot rewind its temporary copy: \(String(cString: strerror(errno)))")
            }
            return try CSVChunkReader(descriptor: spooled, file: "<stdin>", network: nil, chunkRows: chunkRows)
        }
    }

    /// The error for a file that is not what an earlier pass read (rewritten meanwhile).
    static func changedWhileRead(_ path: String) -> WorkbenchError {
        WorkbenchError.usage("\(Quote.name(path)) changed while it was read: read it again from a file that stays put")
    }

    /// Throws `changedWhileRead` unless a later pass's chunk codes its columns as the first
    /// pass did: codes are numbered by first appearance, so the same file gives every chunk
    /// a prefix of the first pass's states (`first`); anything else would recode with other
    /// meanings.
    static func requireFirstPassCodes(_ states: [[String]], first: [[String]], path: String) throws {
        guard zip(states, first).allSatisfy({ $1.starts(with: $0) }) else { throw changedWhileRead(path) }
    }

    /// The table of `learn --target` (`TargetedLearner.FoldedTable`) from the CSV file at
    /// `path`, read twice in chunks of `chunkRows` rows (`-`: standard input, copied to a
    /// temporary file first, as `learn(csv:settings:…)` does), with memory bounded by the
    /// distinct (row, inner fold) pairs, and 8 bytes a row while the file is read:
    ///
    /// 1. the first pass keeps the target's code of every row (4 bytes a row), from which
    ///    each row's inner fold is dealt in place (`TargetedLearner.assignFolds`: 4 bytes
    ///    more a row for the shuffled order while it runs);
    /// 2. the second pass gathers every row with its fold into distinct pairs with counts
    ///    (`RowPatterns`, the fold as one more column), and notes each row's pair (4 bytes
    ///    a row), should merging save too little; then the rows' folds and pairs are dropped.
    ///
    /// The inner folds are those of the whole table read at once, and a fold's training
    /// rows and held-out rows are its pairs weighted by their counts; where the pairs are
    /// more than three quarters of the rows (numeric columns), the table is the rows
    /// themselves, unweighted, as read whole (the same figures to the bit).
    /// With bagging (which resamples the rows) the rows are read and kept (`rows(_:)`).
    /// `reading` hears the pass (1 or 2) and the rows read after each chunk.
    public static func foldedTable(csv path: String, learner: TargetedLearner, chunkRows: Int = scoreChunkRows,
                                   standardInput: Int32 = 0,
                                   reading: ((_ pass: Int, _ rows: Int) -> Void)? = nil) throws -> TargetedLearner.FoldedTable {
        try rereading(path, standardInput: standardInput, chunkRows: chunkRows) { reader in
            let first = try reader()
            guard learner.bagging == 0 else {
                let data = try rows(first) { reading?(1, $0) }
                try DataRequirement.requireRows(data, operation: "learn from")
                return learner.folded(data)
            }
            let t = first.schema.column(named: learner.target)
            var folds: [Int32] = [], missing = 0, states = first.schema.states
            while let chunk = try first.next() {
                if let t { folds += chunk.columns[t] }
                missing += chunk.missingCount
                states = chunk.states
                reading?(1, first.rowsRead)
            }
            let rowCount = first.rowsRead
            if rowCount == 0 { try DataRequirement.requireRows(first.schema, operation: "learn from") }
            // No target column: `learn` names the columns and refuses.
            guard t != nil else {
                return TargetedLearner.FoldedTable(data: first.schema, folds: [], rows: rowCount, missingCells: missing,
                                                   weightsCountCopies: true)
            }
            learner.assignFolds(&folds)
            let foldStates = (0...Int(folds.max() ?? 0)).map(String.init)
            let second = try reader()
            var pairs = RowPatterns(names: first.schema.names + [""], states: states + [foldStates])
            var pairOfRow: [Int32] = []     // each row's pair, should merging not pay
            pairOfRow.reserveCapacity(rowCount)
            while var chunk = try second.next() {
                guard second.rowsRead <= rowCount else { throw changedWhileRead(path) }
                try requireFirstPassCodes(chunk.states, first: states, path: path)
                chunk.names.append("")
                chunk.states = pairs.states
                chunk.columns.append(Array(folds[(second.rowsRead - chunk.rowCount)..<second.rowsRead]))
                pairOfRow += pairs.add(chunk)
                reading?(2, second.rowsRead)
            }
            guard pairs.rowCount == rowCount, pairs.missingCells == missing else { throw changedWhileRead(path) }
            var data = patternTable(pairs, schema: second.schema)
            var pairFolds = data.columns.removeLast()
            data.names.removeLast()
            data.states.removeLast()
            // Merging that saves less than a quarter of the rows (numeric columns) is not worth
            // the rounding of weighted sums: the rows themselves, as `DataBinding.deduplicated`.
            if !DataBinding.mergingPays(distinct: pairs.patternCount, rows: rowCount) {
                pairFolds = folds
                for j in data.columns.indices {
                    let column = data.columns[j]
                    data.columns[j] = pairOfRow.map { column[Int($0)] }
                }
                data.weights = nil
                data.source = DataSource(file: second.file, ignoredColumns: second.schema.source?.ignoredColumns ?? [])
            }
            return TargetedLearner.FoldedTable(data: data, folds: pairFolds, rows: rowCount, missingCells: missing,
                                               weightsCountCopies: true)
        }
    }

    /// Copies everything `descriptor` yields (standard input, a pipe) to a new temporary file
    /// in `NSTemporaryDirectory()`, unlinked at once so that it vanishes when closed, and
    /// returns that file's descriptor (the caller closes it). Reads and writes 1 MiB at a
    /// time: memory stays one block whatever the input's size.
    static func spool(_ descriptor: Int32) throws -> Int32 {
        let folder = NSTemporaryDirectory()
        var template = Array((folder + (folder.hasSuffix("/") ? "" : "/") + "credence-stdin-XXXXXX").utf8CString)
        let out = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard out >= 0 else {
            throw WorkbenchError.io(path: folder, reason: "cannot make a temporary copy of standard input there: \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let size = 1 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { block.deallocate() }
        do {
            while true {
                let n = read(descriptor, block, size)
                if n == 0 { break }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WorkbenchError.io(path: "<stdin>", reason: "cannot read it: \(String(cString: strerror(errno)))")
                }
                var done = 0
                while done < n {
                    let w = write(out, block + done, n - done)
                    if w < 0 {
                        if errno == EINTR { continue }
                        throw WorkbenchError.io(path: folder, reason: "cannot copy standard input to a temporary file there: \(String(cString: strerror(errno)))")
                    }
                    done += w
                }
            }
        } catch {
            close(out)
            throw error
        }
        return out
    }

    /// The rows of `reader` read to its end in chunks and laid end to end: the very table
    /// `CSVReader.read(path:)` gives for the same bytes (names, states in order of first
    /// appearance, codes, source), built from codes alone, so the file's text is never held
    /// whole (4 bytes a cell). What `learn --target` needs: its inner cross-validation folds
    /// split the rows themselves.
    static func rows(_ reader: CSVChunkReader, progress: ((_ rows: Int) -> Void)? = nil) throws -> Dataset {
        var data = reader.schema
        while let chunk = try reader.next() {
            for j in data.columns.indices { data.columns[j] += chunk.columns[j] }
            data.states = chunk.states
            progress?(reader.rowsRead)
        }
        data.source = DataSource(file: reader.file, ignoredColumns: reader.schema.source?.ignoredColumns ?? [])
        return data
    }

    /// `rows(_:)` of the CSV file at `path` (`-`: standard input, read once).
    public static func rows(csv path: String, chunkRows: Int = scoreChunkRows) throws -> Dataset {
        try rows(CSVChunkReader(path: path, network: nil, chunkRows: chunkRows))
    }
}
