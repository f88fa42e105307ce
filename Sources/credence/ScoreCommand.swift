import ArgumentParser
import BNFormats
import Foundation
import Workbench

/// `credence score MODEL DATA.csv --target VAR [--output SCORES.csv]`.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Write the posterior of a target for every row of a table.",
        discussion: """
            The table streams through in chunks of --chunk-rows rows: memory is bounded by a chunk, not by the table, and the output is the same whatever the chunk size. DATA - reads standard input; without --output (or with --output -) the scores go to standard output, so score works in a pipe (and in Spark SQL's TRANSFORM … USING).
            Example: credence score models/telco_churn.bn customers.csv --target Churn --output scores.csv
            Example: cat customers.csv | credence score models/telco_churn.bn - --target Churn > scores.csv
            """
    )

    @Argument(help: "The model.") var model: String
    @Argument(help: "The data (CSV; - reads standard input).") var data: String
    @Option(help: "The target variable.") var target: String
    @Option(help: "The CSV of scores to write (atomically: it appears only once every row is scored); - or none: standard output.") var output: String?
    @Option(help: "Rows per chunk (memory grows with it).") var chunkRows = LearningTasks.scoreChunkRows
    @Flag(help: "Fail when a row's findings have probability zero under the model, or a cell holds a category the model does not know (by default such a row gets empty cells and a warning, and an unknown category is read as missing, summed out, with a warning).") var strict = false
    @Flag(help: "Print one JSON document on stdout.") var json = false
    @Flag(help: "No progress line on stderr (there is none either with --json or when stderr is not a terminal).") var quiet = false

    /// The file to write, or nil for standard output.
    var outputFile: String? { output == "-" ? nil : output }

    func validate() throws {
        if chunkRows < 1 { throw ValidationError("--chunk-rows must be at least 1, got \(chunkRows)") }
        if json && outputFile == nil {
            throw ValidationError("--json prints on standard output, which holds the scores without --output; add --output FILE")
        }
    }

    func run() throws {
        let network = try ModelIO.load(path: model)
        if let path = outputFile { try AtomicFile.checkWritable(path) }
        var options = CSVOptions()
        options.unseenValuesAsMissing = !strict
        let reader = try CSVChunkReader(path: data, network: network, options: options, chunkRows: chunkRows)
        let sink: any ByteSink = try outputFile.map { try AtomicFileWriter(path: $0) } ?? StandardOutputSink()
        let start = DispatchTime.now().uptimeNanoseconds
        let line = ProgressLine(quiet: quiet || json)
        defer { line.finish() }
        let result = try LearningTasks.score(network, reader: reader, target: target, strict: strict, to: sink) { done in
            line.update("score: \(done) rows")
        }
        line.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        for n in result.notes { FileHandle.standardError.write(Data("note: \(n)\n".utf8)) }
        let impossible = result.impossible
        for r in impossible.prefix(5) { FileHandle.standardError.write(Data("warning: \(r.description); its cells are left empty\n".utf8)) }
        if impossible.count > 5 { FileHandle.standardError.write(Data("warning: \(impossible.count - 5) more rows have probability zero\n".utf8)) }
        struct Report: Encodable { var output: String; var rows: Int; var target: String; var scoringSeconds: Double; var impossibleRows: [ImpossibleRow] }
        guard let path = outputFile else {
            if !quiet { FileHandle.standardError.write(Data("wrote P(\(target)) for \(result.rows) rows to standard output (\(String(format: "%.3f", seconds)) s)\n".utf8)) }
            return
        }
        if json { try printJSON(Report(output: path, rows: result.rows, target: target, scoringSeconds: seconds, impossibleRows: impossible)) } else {
            print("wrote \(path): P(\(target)) for \(result.rows) rows (\(String(format: "%.3f", seconds)) s of inference)")
        }
    }
}
