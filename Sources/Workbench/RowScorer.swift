import BNCore
import BNFormats
import BNInference
import Foundation

/// Per-row posteriors of a target, one chunk of rows at a time: the one scoring step of
/// `score` on a table in memory, of `credence score` streaming a file or a pipe chunk by
/// chunk, and of a caller that hands over one batch of rows per call (the C ABI, one Arrow
/// batch each).
///
/// A row's line is `row, P(target=s₁), …, P(target=s_k), most_probable`, where
/// `P(target | findings) = P(target, findings) / P(findings)` is computed by batched
/// variable elimination: rows are grouped by observation pattern, each group one compiled
/// plan with the rows as a batch axis; barren nodes are pruned only, so every finding
/// counts. A row whose findings have probability zero gets empty cells
/// and is listed as impossible (with `strict`, it is an error instead).
struct RowScorer {
    let network: BayesianNetwork
    let target: String
    let strict: Bool
    /// `row, P(target=…)…, most_probable`.
    let header: [String]
    private let targetIndex: Int
    /// The target's states, in the order of the columns.
    let states: [String]
    private let engine: VariableElimination
    private let rowIndependent: Bool
    /// Threads a chunk's batches run on (`VariableElimination.posteriors(threads:)`; the
    /// results do not depend on it).
    let threads: Int

    /// With `rowIndependent`, every row is computed by the one plan over all the variables
    /// the table has a column for (`VariableElimination.posteriors(pooledOver:)`), so a row
    /// gives the same bits in any chunk; without it the plans adapt to the patterns of the
    /// rows at hand (faster for a few large patterns, but the last bits of a row can then
    /// depend on its neighbours). `threads`: see `threads` (default: every core).
    init(_ network: BayesianNetwork, target: String, strict: Bool = false, rowIndependent: Bool = false,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        self.network = network
        self.target = target
        self.strict = strict
        targetIndex = try network.require(target)
        states = network.variables[targetIndex].states
        header = ["row"] + states.map { "P(\(target)=\($0))" } + ["most_probable"]
        engine = VariableElimination(network)
        self.rowIndependent = rowIndependent
        self.threads = max(1, threads)
    }

    /// The posteriors of `chunk`'s rows, row-major (`values[r · states.count + s]`; NaN for a
    /// row of probability zero), and those rows explained.
    func posteriors(_ chunk: Dataset) throws -> (values: [Double], impossible: [ImpossibleRow]) {
        let pooled = rowIndependent ? chunk.names.compactMap { network.index(of: $0) }.filter { $0 != targetIndex } : nil
        let batch = try engine.posteriors(of: targetIndex, for: chunk, withLogEvidence: true, skippingImpossibleRows: true,
                                          threads: threads, pooledOver: pooled)
        let found = batch.impossibleRows.map { ImpossibleRow.explain($0, in: chunk, network: network) }
        if strict, let first = found.first {
            throw WorkbenchError.usage(first.description + (found.count > 1 ? " (and \(found.count - 1) more rows)" : ""))
        }
        return (batch.values, found)
    }

    /// The lines of `chunk`'s rows (each row named by `chunk.rowNumber`) and its rows of
    /// probability zero.
    func score(_ chunk: Dataset) throws -> (rows: [[String]], impossible: [ImpossibleRow]) {
        let (values, found) = try posteriors(chunk)
        let k = states.count
        var rows: [[String]] = []
        rows.reserveCapacity(values.count / max(k, 1))
        for i in 0..<(values.count / max(k, 1)) {
            let p = values[(i * k)..<((i + 1) * k)]
            var row: [String] = [String(chunk.rowNumber(i))]
            if p.contains(where: \.isNaN) {
                row += [String](repeating: "", count: k + 1)
            } else {
                var best = p.startIndex
                for j in p.indices where p[j] > p[best] { best = j }
                for x in p { row.append("\(x)") }
                row.append(states[best - p.startIndex])
            }
            rows.append(row)
        }
        return (rows, found)
    }

    /// `score(chunk)` as CSV bytes, a line per row (`AtomicFile.csvLine`, LF-terminated).
    func csv(_ chunk: Dataset) throws -> (bytes: [UInt8], impossible: [ImpossibleRow]) {
        let (rows, impossible) = try score(chunk)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * (24 * states.count + 16))
        for row in rows {
            bytes.append(contentsOf: AtomicFile.csvLine(row).utf8)
            bytes.append(10)
        }
        return (bytes, impossible)
    }
}

extension LearningTasks {
    /// What a streamed `score` did.
    public struct StreamedScore: Sendable {
        public var rows: Int
        public var impossible: [ImpossibleRow]
        /// The reader's notes (ignored columns, unseen values with their counts).
        public var notes: [String]
    }

    /// `score` over a table read chunk by chunk, each chunk's lines written to `output` as
    /// soon as they are computed: memory is bounded by one chunk (`reader.chunkRows` rows of
    /// codes, their posteriors and lines), not by the table. Every row is computed by the
    /// same plan (`RowScorer(rowIndependent: true)`), so the bytes written do not depend on
    /// the chunk size (they can differ in the last digit from the adaptive plans of
    /// `score(_:data:target:)`). `output` is committed only after the last row: a file
    /// output is never left half-written by an error in a later chunk. `progress` hears
    /// the rows done after each chunk.
    public static func score(_ network: BayesianNetwork, reader: CSVChunkReader, target: String, strict: Bool = false,
                             to output: any ByteSink, progress: ((_ done: Int) -> Void)? = nil) throws -> StreamedScore {
        let scorer = try RowScorer(network, target: target, strict: strict, rowIndependent: true)
        let requirement = DataRequirement.findings(target: target)
        var chunk = try reader.next()
        try requirement.check(chunk ?? reader.schema, against: network, operation: "score")
        try output.write(Array((AtomicFile.csvLine(scorer.header) + "\n").utf8))
        var impossible: [ImpossibleRow] = []
        while let part = chunk {
            let (bytes, found) = try scorer.csv(part)
            try output.write(bytes)
            impossible += found
            progress?(reader.rowsRead)
            chunk = try reader.next()
        }
        try output.commit()
        return StreamedScore(rows: reader.rowsRead, impossible: impossible, notes: reader.warningTexts)
    }
}
