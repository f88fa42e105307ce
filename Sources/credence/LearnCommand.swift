import ArgumentParser
import Workbench

/// `credence learn DATA.csv --output OUT`.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Learn a network's structure and parameters from data by score-based search.",
        discussion: """
            Numeric columns with many distinct values are cut into intervals first (by default 4 equal-frequency bins, never splitting a run of equal values; see --discretize); numeric columns with few values keep one state per value. Every cut column is printed with its bins and their counts. The cut points are stored with the learned model (.bn), so fit, score and evaluate cut new data the same way, values never seen included.
            Data with missing cells are learned by structural EM (Friedman 1997): a first search on the available cases (each family's complete rows), then rounds of completing the gaps by the current model (a Gibbs chain seeded by --seed) and searching again from the current structure (the first round with 10 random restarts), until the structure repeats or after 2 rounds; the report's completionRounds counts them.
            The data is read in two streaming passes, in chunks (the states and the bins, then the rows cut and merged into distinct rows with counts), so memory grows with the distinct rows, not with the table; the model is the one the whole table in memory gives. DATA - reads standard input, copied first to a temporary file (deleted at once) that both passes read. With missing cells too: structural EM's Gibbs chain moves each distinct row's copies together, splitting them only by the states they draw. With --target too: the first pass deals every row to an inner cross-validation fold, the second merges the rows into distinct (row, fold) pairs with counts (8 bytes a row while it reads: each row's fold and pair; none once the pairs are laid out); with --bagging, which resamples the rows, they are kept as codes (4 bytes a cell).
            Example: credence learn asia.csv --score bic --max-parents 3 --require smoke->lung --output asia-learned.bn
            """
    )

    @Argument(help: "The data (CSV).") var data: String
    @Option(help: "hc (hill climbing) or tabu.") var algorithm = "hc"
    @Option(help: "bic, aic, bdeu or k2.") var score = "bic"
    @Option(help: "BDeu equivalent sample size.") var ess = 1.0
    @Option(help: "Most parents per variable.") var maxParents = 4
    @Option(name: .customLong("require"), help: "An edge that must be present, A->B (repeatable).") var required: [String] = []
    @Option(name: .customLong("forbid"), help: "An edge that must be absent, A->B (repeatable); A->* forbids every edge out of A, *->B every edge into B.") var forbidden: [String] = []
    @Option(help: "Random restarts.") var restarts = 0
    @Option(help: "Start the search from this model's edges (variables matched by name).") var start: String?
    @Option(help: "Most search steps (0 scores the starting DAG).") var maxIterations: Int?
    @OptionGroup var binning: BinningOptions
    @Option(help: "The class column for mdl discretisation (with --target: the target).") var discretizeTarget: String?
    @Option(help: "Learn the network that best predicts this variable: MDL bins against it, then the structure family (naive Bayes, TAN, KDB-1..3, BAN, Markov-blanket hill climbing, class-as-outcome hill climbing, discriminatively fitted naive Bayes), the feature selection, the BDeu prior and the binning of few-valued numeric columns with the lowest inner cross-validated log loss; --algorithm, --score, --require, --forbid and --start do not apply.") var target: String?
    @OptionGroup var classifier: ClassifierOptions
    @Option(help: "A model with the true structure: report the structural Hamming distance to it.") var compare: String?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "The learned model to write (atomically).") var output: String
    @Option(help: ArgumentHelp("Draw the learned graph (monitors of the marginals, arc width and label: the mutual information of its ends) into this picture (.svg, .png or .pdf).", valueName: "FILE")) var plot: String?
    @Flag(help: "Print one JSON document on stdout.") var json = false
    @Flag(help: "No progress line on stderr (there is none either with --json or when stderr is not a terminal).") var quiet = false

    func run() throws {
        func edges(_ items: [String], _ option: String) throws -> [(String, String)] {
            try items.map { item in
                let parts = item.components(separatedBy: "->")
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw ValidationError("\(option) \(item): expected A->B")
                }
                return (parts[0].trimmingCharacters(in: .whitespaces), parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        _ = try plot.map(PictureFile.plotFormat)
        let t0 = DispatchTime.now().uptimeNanoseconds
        if let target { return try learnClassifier(target: target, started: t0) }
        let plan = try binning.plan(defaultMethod: "equal-frequency:4", target: discretizeTarget)
        let line = ProgressLine(quiet: quiet || json)
        defer { line.finish() }
        let scoreName = score.uppercased()
        let settings = LearningTasks.LearnSettings(algorithm: try LearningTasks.SearchAlgorithm(parsing: algorithm),
                                                   score: try LearningTasks.structureScore(score, ess: ess), maxParents: maxParents,
                                                   required: try edges(required, "--require"), forbidden: try edges(forbidden, "--forbid"),
                                                   restarts: restarts, seed: seed, start: try start.map { try ModelIO.load(path: $0) },
                                                   maxIterations: maxIterations, discretization: plan)
        // The data are read in two streaming passes (bins, then distinct rows with counts);
        // `read` is the time until the second pass has read its last chunk.
        var t1 = t0
        var (net, report) = try LearningTasks.learn(csv: data, settings: settings, reading: { pass, rows in
            t1 = DispatchTime.now().uptimeNanoseconds
            line.update("learn: reading \(data), pass \(pass) of 2, \(rows) rows")
        }) { p in
            line.update({
                let round = p.round > 0 ? "structural EM round \(p.round), " : ""
                let value = p.stage == .search ? "\(scoreName) \(String(format: "%.1f", p.score))"
                                               : "EM log-likelihood \(String(format: "%.1f", p.score))"
                return "learn: \(round)iteration \(p.iteration), \(value), \(p.arcs) arcs"
            }())
        }
        line.finish()
        report.seconds = LearningTasks.Timings(read: Double(t1 - t0) / 1e9, learn: LearningTasks.Timings.since(t1))
        if let path = compare { report.comparison = try LearningTasks.compare(net, with: try ModelIO.load(path: path)) }
        try ModelIO.save(net, to: output)
        report.arcStrengths = try plot.map { try strengths(NetworkPicture.learned(net, data: data, to: $0)) }
        if json { try printJSON(report); return }
        print(report.text(variables: net.count, truthName: compare ?? ""))
        print("wrote \(output)")
        if let p = plot { print("wrote \(p): the learned graph, arc width by mutual information") }
    }

    /// The arcs of a learn --plot picture with their mutual information.
    func strengths(_ picture: NetworkPicture) -> [LearningTasks.ArcStrengthEntry] {
        picture.arcs.map { .init(from: $0.from, to: $0.to, mutualInformation: $0.mutualInformation ?? 0) }
    }

    /// `learn --target`: the classifier pipeline, its choice and inner figures.
    func learnClassifier(target: String, started t0: UInt64) throws {
        let misplaced = [(required.isEmpty, "--require"), (forbidden.isEmpty, "--forbid"), (start == nil, "--start"),
                         (algorithm == "hc", "--algorithm"), (score == "bic", "--score"), (restarts == 0, "--restarts"),
                         (maxIterations == nil, "--max-iterations")].filter { !$0.0 }.map(\.1)
        if let first = misplaced.first {
            throw ValidationError("\(first) does not apply with --target: the structure comes from the classifier families (--structures) chosen by inner cross-validation")
        }
        if let d = discretizeTarget, d != target {
            throw ValidationError("--discretize-target \(d) differs from --target \(target): with --target, numeric columns are cut against the target")
        }
        let learner = try classifier.learner(target: target, binning: binning, maxParents: maxParents, seed: seed)
        // Read twice in chunks, the rows gathered into distinct (row, inner fold) pairs with
        // counts (with --bagging, which resamples rows, the rows kept as codes).
        let table = try LearningTasks.foldedTable(csv: data, learner: learner)
        let read = LearningTasks.Timings.since(t0)
        let t1 = DispatchTime.now().uptimeNanoseconds
        let (net, report) = try learner.learn(table)
        let seconds = LearningTasks.Timings(read: read, learn: LearningTasks.Timings.since(t1))
        var comparison: LearningTasks.StructureComparison?
        if let path = compare { comparison = try LearningTasks.compare(net, with: try ModelIO.load(path: path)) }
        try ModelIO.save(net, to: output)
        let arcStrengths = try plot.map { try strengths(NetworkPicture.learned(net, data: data, to: $0)) }
        if json {
            struct Out: Encodable {
                var report: ClassifierReport
                var comparison: LearningTasks.StructureComparison?
                var arcStrengths: [LearningTasks.ArcStrengthEntry]?
                var seconds: LearningTasks.Timings
                func encode(to encoder: Encoder) throws {
                    try report.encode(to: encoder)
                    var c = encoder.container(keyedBy: Keys.self)
                    try c.encodeIfPresent(comparison, forKey: .comparison)
                    try c.encodeIfPresent(arcStrengths, forKey: .arcStrengths)
                    try c.encode(seconds, forKey: .seconds)
                }
                enum Keys: String, CodingKey { case comparison, arcStrengths, seconds }
            }
            try printJSON(Out(report: report, comparison: comparison, arcStrengths: arcStrengths, seconds: seconds))
            return
        }
        for c in report.discretized { print("discretised \(c.summary)") }
        if let d = report.derived {
            let used = report.chosen.usesDerivedIndex
            print(String(format: "derived %@ = %@: %.1f nats of information about %@ in its MDL bins (%.1f for %@ alone); %@ (a design with it must lower the inner log loss by %.4f)",
                         d.name, d.summary, d.information, report.target, d.firstColumnInformation, d.terms[0].column,
                         used ? "in the model (few-valued bins +derived)" : "offered, not chosen by the inner cross-validation",
                         report.derivedMargin ?? 0))
        }
        print("inner \(report.innerFolds)-fold cross-validation of \(report.target) (\(report.rows) rows): each structure family, feature selection and binning of the few-valued numeric columns with its best BDeu prior (every prior in --json)")
        print("| structure | features | few-valued bins | prior | tables | log loss | AUC | accuracy | Brier |")
        print("|---|---|---|---:|---|---:|---:|---:|---:|")
        var best: [String: ClassifierCandidate] = [:]
        var order: [String] = []
        for c in report.candidates {
            let key = c.structure + "/" + c.features + "/" + c.bins + "/" + c.parameters
            if best[key] == nil { order.append(key) }
            if best[key].map({ c.logLoss < $0.logLoss }) ?? true { best[key] = c }
        }
        for key in order {
            let c = best[key]!
            let mark = c == report.chosen ? " ← chosen" : ""
            print(String(format: "| %@ | %@ | %@ | %g | %@ | %.4f | %.4f | %.4f | %.4f |%@", c.structure, c.features, c.bins, c.prior, c.tablesSummary, c.logLoss, c.auc, c.accuracy, c.brier, mark))
        }
        let em = report.em.map { ", EM on \(report.missingCells) missing cells in \($0.iterations) iterations" } ?? ""
        print("chose \(report.chosen.structure) (\(report.chosen.features) features, few-valued columns binned by \(report.chosen.bins)) with BDeu prior \(String(format: "%g", report.chosen.prior)), \(report.chosen.tablesSummary) tables\(em): \(report.edges.count) arcs over \(net.count) variables")
        if let b = report.bagging {
            print("bagged \(b.replicates) bootstrap graphs: averaged graph of the arcs in at least \(Int(b.threshold * 100)) % of them, tables of every bootstrap mixed under the latent root '\(b.mixtureRoot)'")
            print("| arc | strength | direction |")
            print("|---|---:|---:|")
            for a in b.arcStrengths.prefix(30) { print(String(format: "| %@ -> %@ | %.2f | %.2f |", a.from, a.to, a.strength, a.direction)) }
            if b.arcStrengths.count > 30 { print("(\(b.arcStrengths.count - 30) weaker arcs in --json)") }
        }
        for e in report.edges { print("  \(e[0]) -> \(e[1])") }
        if !report.edges.contains(where: { $0.contains(target) }) {
            print("note: no column is related to \(target) strongly enough on \(report.rows) rows to pay for its parameters: the model predicts the base rate for everyone")
        }
        if let c = comparison {
            print("against \(compare!): SHD \(c.shd) between equivalence classes, \(c.shdDAG) between DAGs")
        }
        print(String(format: "learned in %.2f s", seconds.learn))
        print("wrote \(output)")
        if let p = plot { print("wrote \(p): the learned graph, arc width by mutual information") }
    }
}

import Foundation
