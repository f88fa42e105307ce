import ArgumentParser
import Foundation
import Workbench

/// `credence score MODEL DATA.csv --target VAR --output SCORES.csv`.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Write the posterior of a target for every row of a table.",
        discussion: "Example: credence score models/telco_churn.bn customers.csv --target Churn --output scores.csv"
    )

    @Argument(help: "The model.") var model: String
    @Argument(help: "The data (CSV).") var data: String
    @Option(help: "The target variable.") var target: String
    @Option(help: "The CSV of scores to write (atomically).") var output: String
    @Flag(help: "Fail when a row's findings have probability zero under the model, or a cell holds a category the model does not know (by default such a row gets empty cells and a warning, and an unknown category is read as missing, summed out, with a warning).") var strict = false
    @Flag(help: "Print one JSON document on stdout.") var json = false
    @Flag(help: "No progress line on stderr (there is none either with --json or when stderr is not a terminal).") var quiet = false

    func run() throws {
        let network = try ModelIO.load(path: model)
        let (dataset, notes) = try ModelIO.loadData(path: data, for: network, unseenAsMissing: !strict)
        for n in notes { FileHandle.standardError.write(Data("note: \(n)\n".utf8)) }
        let start = DispatchTime.now().uptimeNanoseconds
        let line = ProgressLine(quiet: quiet || json)
        defer { line.finish() }
        let (header, rows, impossible) = try LearningTasks.score(network, data: dataset, target: target, strict: strict) { done, total in
            line.update("score: \(done) of \(total) rows")
        }
        line.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        try AtomicFile.write(csv: [header] + rows, to: output)
        for r in impossible.prefix(5) { FileHandle.standardError.write(Data("warning: \(r.description); its cells are left empty\n".utf8)) }
        if impossible.count > 5 { FileHandle.standardError.write(Data("warning: \(impossible.count - 5) more rows have probability zero\n".utf8)) }
        struct Report: Encodable { var output: String; var rows: Int; var target: String; var scoringSeconds: Double; var impossibleRows: [ImpossibleRow] }
        if json { try printJSON(Report(output: output, rows: rows.count, target: target, scoringSeconds: seconds, impossibleRows: impossible)) } else {
            print("wrote \(output): P(\(target)) for \(rows.count) rows (\(String(format: "%.3f", seconds)) s of inference)")
        }
    }
}
