import ArgumentParser
import BNCore
import BNFormats
import Foundation
import Workbench

/// `credence evaluate MODEL DATA.csv --target VAR [--folds K]` and
/// `credence evaluate DATA.csv --target VAR --learn --folds K` (nested cross-validation).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score the prediction of a target (accuracy, AUC, log loss, Brier): a model as given, its tables refitted in k folds, or with --learn the whole learn --target pipeline relearned in every fold (nested cross-validation).",
        discussion: """
            With --learn (one file, the data): every outer fold learns its own bins, structure family, graph, prior and tables from its training rows alone (credence learn --target and its options), and predicts the held-out rows, cut with that fold's bins. Folds are stratified by the target and seeded. The figures are per fold and pooled, with the standard deviation over folds: the honest estimate of how the learned model predicts new customers.
            Without --learn (a model and the data): the model's structure and bins are kept, and --folds refits only its tables in each fold (with naive Bayes and TAN beside it); these figures are optimistic when the structure or the bins were learned on the same rows. Without --folds and --plot the table streams through in chunks: memory is bounded by a chunk, the distinct rows (for the log-likelihood) and 12 bytes per labelled row (for the AUC), not by the table.
            Example: credence evaluate datasets/wa_churn.csv --target churn --learn --folds 10 --seed 1
            With --plot FILE (.svg, .png or .pdf): the ROC curve (the area under it in the legend) and the reliability diagram (observed share against predicted probability in 10 bins, Wilson 95 % whiskers, ECE, a histogram of the predictions) of one state of the target, drawn from the model as given and, with --folds, its cross-validated predictions; with --learn, from the pooled held-out predictions. The state is --positive, or else the rarest state in the data.
            Example: credence evaluate ../shared/networks/asia.bif asia.csv --target dysp --folds 10 --seed 1
            Example: credence evaluate datasets/wa_churn.csv --target churn --learn --folds 5 --plot churn.svg
            """
    )

    @Argument(help: ArgumentHelp("MODEL DATA, or with --learn just DATA (CSV).", valueName: "files")) var files: [String]
    @Option(help: "The target variable.") var target: String
    @Option(help: "Cross-validation folds (with --learn: 10 by default).") var folds: Int?
    @Option(help: "Random seed (folds and the learning).") var seed: UInt64 = 1
    @Flag(help: "Nested cross-validation of learn --target: relearn bins, structure and tables in every fold.") var learn = false
    @OptionGroup var binning: BinningOptions
    @OptionGroup var classifier: ClassifierOptions
    @Option(help: "With --learn: the most parents of a variable.") var maxParents = 4
    @Option(help: ArgumentHelp("Draw the ROC curve and the reliability diagram into this picture, .svg, .png or .pdf by its extension (written atomically).", valueName: "FILE")) var plot: String?
    @Option(help: ArgumentHelp("With --plot: the state of the target to draw (default: the rarest state in the data).", valueName: "STATE")) var positive: String?
    @Flag(help: "Print one JSON document on stdout.") var json = false
    @Flag(help: "No progress line on stderr (there is none either with --json or when stderr is not a terminal).") var quiet = false

    func validate() throws {
        if positive != nil && plot == nil {
            throw ValidationError("--positive chooses the state that --plot draws; add --plot FILE")
        }
        if let p = plot { _ = try PictureFormat(plot: p) }
    }

    func run() throws {
        // A mistyped folder fails now, not after the folds are learned.
        if let p = plot { try AtomicFile.checkWritable(p) }
        if learn { return try runNested() }
        guard files.count == 2 else {
            throw ValidationError(files.count == 1
                ? "evaluate needs MODEL DATA; to learn the model inside every fold from DATA alone, add --learn"
                : "evaluate takes MODEL DATA (or DATA with --learn), got \(files.count) files")
        }
        let network = try ModelIO.load(path: files[0])
        if folds == nil && plot == nil { return try runStreamed(network) }
        let (dataset, notes) = try ModelIO.loadData(path: files[1], for: network)
        for n in notes { FileHandle.standardError.write(Data("note: \(n)\n".utf8)) }
        if let p = positive, let t = network.index(of: target) {   // a mistyped state fails before the work
            _ = try EvaluationPlot.positiveState(p, target: target, states: network.variables[t].states, truth: [])
        }
        let r = try LearningTasks.evaluate(network, data: dataset, target: target, folds: folds, seed: seed)
        var wrote: (() -> Void)?
        if let path = plot {
            let states = network.variables[try network.require(target)].states
            let (index, chosen) = try EvaluationPlot.positiveState(positive, target: target, states: states, truth: r.truth)
            try EvaluationPlot(r, positive: index, states: states, model: files[0], data: files[1]).write(to: path)
            wrote = { wrotePlot(path, state: states[index], chosen: chosen) }
        }
        defer { wrote?() }   // after the table
        try printReport(r)
    }

    /// The model as given on a table that streams through in chunks (no folds, no plot:
    /// both need every row at hand).
    func runStreamed(_ network: BayesianNetwork) throws {
        let reader = try CSVChunkReader(path: files[1], network: network)
        let line = ProgressLine(quiet: quiet || json)
        defer { line.finish() }
        let r = try LearningTasks.evaluate(network, reader: reader, target: target) { rows in line.update("evaluate: \(rows) rows") }
        line.finish()
        for n in reader.warningTexts { FileHandle.standardError.write(Data("note: \(n)\n".utf8)) }
        try printReport(r)
    }

    func printReport(_ r: LearningTasks.EvaluateReport) throws {
        if json { try printJSON(r); return }
        print(r.text(dataName: files[1]))
    }

    /// "wrote FILE.svg …", on stderr with --json (stdout holds only the document).
    func wrotePlot(_ path: String, state: String, chosen: Bool) {
        let text = "wrote \(path): ROC and reliability of \(target) = \(state)" + (chosen ? " (the rarest state; --positive STATE for another)" : "")
        if json { FileHandle.standardError.write(Data((text + "\n").utf8)) } else { print(text) }
    }

    func runNested() throws {
        guard files.count == 1 else {
            throw ValidationError("evaluate --learn takes only the data (it learns the model in every fold), got \(files.count) files")
        }
        let k = folds ?? 10
        let learner = try classifier.learner(target: target, binning: binning, maxParents: maxParents, seed: seed)
        let (dataset, _) = try ModelIO.loadData(path: files[0])
        if let p = positive, let c = dataset.column(named: target) {
            _ = try EvaluationPlot.positiveState(p, target: target, states: dataset.states[c], truth: [])
        }
        let line = ProgressLine(quiet: quiet || json)
        defer { line.finish() }
        let r = try LearningTasks.nestedCrossValidation(dataset, learner: learner, folds: k, seed: seed) { done, total in
            line.update("evaluate: learned fold \(done) of \(total)")
        }
        line.finish()
        var wrote: (() -> Void)?
        if let path = plot, let c = dataset.column(named: target) {
            let states = dataset.states[c]
            let (index, chosen) = try EvaluationPlot.positiveState(positive, target: target, states: states, truth: r.crossValidation.heldOutTruth)
            try EvaluationPlot(r, positive: index, states: states, data: files[0]).write(to: path)
            wrote = { wrotePlot(path, state: states[index], chosen: chosen) }
        }
        defer { wrote?() }   // after the table
        if json { try printJSON(r); return }
        let cv = r.crossValidation
        print("nested \(cv.folds)-fold cross-validation of learn --target \(target) on \(files[0]) (\(r.rows) rows, stratified, seed \(cv.seed)): bins, structure, prior and tables relearned in every fold")
        print("| fold | rows | chosen | accuracy | AUC | log loss | Brier |")
        print("|---|---:|---|---:|---:|---:|---:|")
        for (f, m) in cv.perFold.enumerated() {
            let c = r.chosen[f]
            print(String(format: "| %d | %d | %@ | %.4f | %.4f | %.4f | %.4f |", f + 1, m.rows, "\(c.structure), \(c.features), \(c.bins) bins, prior \(String(format: "%g", c.prior)), \(c.tablesSummary) tables",
                         m.accuracy, m.auc, m.logLoss, m.brier))
        }
        let mean = cv.foldMean, sd = cv.foldStandardDeviation
        print(String(format: "| mean ± sd over folds | | | %.4f ± %.4f | %.4f ± %.4f | %.4f ± %.4f | %.4f ± %.4f |",
                     mean.accuracy, sd.accuracy, mean.auc, sd.auc, mean.logLoss, sd.logLoss, mean.brier, sd.brier))
        let p = cv.pooled
        print(String(format: "| pooled | %d | | %.4f | %.4f | %.4f | %.4f |", p.rows, p.accuracy, p.auc, p.logLoss, p.brier))
        if cv.unseenCells > 0 {
            print("note: \(cv.unseenCells) held-out cells held a value their fold's training rows never had; they were summed out")
        }
    }
}
