import ArgumentParser
import BNFormats
import Foundation
import Workbench

extension LearningTasks.FitMethod: ExpressibleByArgument {}
extension LearningTasks.FitStart: ExpressibleByArgument {}

/// `credence fit MODEL DATA.csv --output OUT`.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Estimate a model's parameters from data (MLE, Bayesian, or EM for missing cells and latent variables).",
        discussion: """
        mle and bayes count complete cases per family; em uses every row, summing out missing cells, and estimates variables that have no column (latent). --prior ESS adds a BDeu prior (MAP-EM with em). The EM log-likelihood trace is in --json output.

        The data streams through once, in chunks, and only its distinct rows are kept, with their counts: memory grows with the distinct rows, not with the table.

        Example: credence fit ../shared/networks/child.bif child.csv --method em --output child-fitted.bif --json
        """
    )

    @Argument(help: "The model whose structure is kept.") var model: String
    @Argument(help: "The data (CSV, columns named like the variables).") var data: String
    @Option(help: "mle, bayes or em.") var method: LearningTasks.FitMethod = .mle
    @Option(help: "BDeu equivalent sample size (prior).") var prior: Double?
    @Option(help: "EM iteration cap.") var maxIter = 100
    @Option(help: "EM stops when the relative log-likelihood change is below this.") var tolerance = 1e-5
    @Option(help: "EM random restarts.") var restarts = 0
    @Option(help: "Where EM starts: the model's CPTs, uniform rows, or each family's complete-case estimates (available).") var initial: LearningTasks.FitStart = .model
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "The fitted model to write (atomically).") var output: String
    @Option(help: ArgumentHelp("With --method em: draw the log-likelihood trace into this picture (.svg, .png or .pdf; the trace is in --json too).", valueName: "FILE")) var plot: String?
    @Flag(help: "Print one JSON document on stdout.") var json = false
    @Flag(help: "No progress line on stderr (there is none either with --json or when stderr is not a terminal).") var quiet = false

    func validate() throws {
        if plot != nil && method != .em { throw ValidationError("--plot draws the EM log-likelihood trace; add --method em") }
    }

    func run() throws {
        let plotFormat = try plot.map(PictureFile.plotFormat)
        let t0 = DispatchTime.now().uptimeNanoseconds
        let network = try ModelIO.load(path: model)
        let line = ProgressLine(quiet: quiet || json)
        defer { line.finish() }
        // One streamed pass gathers the distinct rows with their counts: memory is bounded
        // by the patterns, not by the rows.
        let reader = try CSVChunkReader(path: data, network: network)
        let patterns = try LearningTasks.patternTable(reader) { rows in line.update("fit: read \(rows) rows") }
        line.finish()
        let read = LearningTasks.Timings.since(t0)
        let t1 = DispatchTime.now().uptimeNanoseconds
        for n in reader.warningTexts { FileHandle.standardError.write(Data("note: \(n)\n".utf8)) }
        var (fitted, report) = try LearningTasks.fit(network, patterns: patterns, method: method, prior: prior,
                                                     maxIterations: maxIter, tolerance: tolerance,
                                                     restarts: restarts, seed: seed, start: initial) { iteration, ll in
            line.update("fit: EM iteration \(iteration + 1), log-likelihood \(String(format: "%.4f", ll))")
        }
        line.finish()
        report.seconds = LearningTasks.Timings(read: read, learn: LearningTasks.Timings.since(t1))
        try ModelIO.save(fitted, to: output)
        if let p = plot, let format = plotFormat {
            try PictureFile.write(svg: TracePlot(report, model: model, data: data).svg(), to: p, format: format)
            if json { FileHandle.standardError.write(Data("wrote \(p): the EM log-likelihood trace\n".utf8)) }
        }
        if json { try printJSON(report); return }
        print(report.text(variables: network.count))
        if let first = report.firstImpossibleRow {
            FileHandle.standardError.write(Data("warning: \(report.impossibleRows) row\(report.impossibleRows == 1 ? " has" : "s have") probability zero under the fitted tables, so the log-likelihood is -inf; the first: \(first.description)\n  hint: complete-case estimates can rule out rows with gaps; --method bayes (a prior) or --method em keeps every row possible\n".utf8))
        }
        print("wrote \(output)")
        if let p = plot { print("wrote \(p): the EM log-likelihood trace") }
    }
}
