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
    @Option(help: ArgumentHelp("How to cut a numeric column, COLUMN=METHOD (repeatable); METHOD is equal-width:K, equal-frequency:K, mdl or none.",
                               valueName: "column=method")) var discretize: [String] = []
    @Option(help: ArgumentHelp("How to cut the other numeric columns with more than --categorical-limit distinct values: equal-width:K, equal-frequency:K, mdl or none.",
                               valueName: "method")) var discretizeNumeric = "equal-frequency:4"
    @Option(help: "Numeric columns with at most this many distinct values keep one state per value (named by it, cut halfway between values, so new values are cut like any other) unless named in --discretize.") var categoricalLimit = 10
    @Option(help: "The class column for mdl discretisation.") var discretizeTarget: String?
    @Option(help: "A model with the true structure: report the structural Hamming distance to it.") var compare: String?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "The learned model to write (atomically).") var output: String
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
        let t0 = DispatchTime.now().uptimeNanoseconds
        let (dataset, _) = try ModelIO.loadData(path: data)
        let read = LearningTasks.Timings.since(t0)
        let t1 = DispatchTime.now().uptimeNanoseconds
        let plan = try LearningTasks.discretization(columns: discretize, numeric: discretizeNumeric,
                                                    categoricalLimit: categoricalLimit, target: discretizeTarget)
        let line = ProgressLine(quiet: quiet || json)
        defer { line.finish() }
        let scoreName = score.uppercased()
        var (net, report) = try LearningTasks.learn(dataset, algorithm: algorithm, score: score, ess: ess, maxParents: maxParents,
                                                    required: try edges(required, "--require"),
                                                    forbidden: try edges(forbidden, "--forbid"),
                                                    restarts: restarts, seed: seed,
                                                    start: try start.map { try ModelIO.load(path: $0) },
                                                    maxIterations: maxIterations, discretization: plan) { p in
            line.update({
                let round = p.round > 0 ? "structural EM round \(p.round), " : ""
                let value = p.stage == .search ? "\(scoreName) \(String(format: "%.1f", p.score))"
                                               : "EM log-likelihood \(String(format: "%.1f", p.score))"
                return "learn: \(round)iteration \(p.iteration), \(value), \(p.arcs) arcs"
            }())
        }
        line.finish()
        report.seconds = LearningTasks.Timings(read: read, learn: LearningTasks.Timings.since(t1))
        if let path = compare { report.comparison = try LearningTasks.compare(net, with: try ModelIO.load(path: path)) }
        try ModelIO.save(net, to: output)
        if json { try printJSON(report); return }
        for c in report.discretized {
            print("discretised \(c.summary)")
        }
        print("learned \(report.edges.count) edges over \(net.count) variables (\(report.algorithm), \(report.score) = \(report.scoreValue))")
        for e in report.edges { print("  \(e[0]) -> \(e[1])") }
        if let c = report.comparison {
            print("against \(compare!): SHD \(c.shd) between equivalence classes, \(c.shdDAG) between DAGs (\(c.missing) missing, \(c.extra) extra, \(c.reversed) reversed; \(c.learnedEdges) edges learned, \(c.trueEdges) true)")
        }
        print("wrote \(output)")
    }
}

import Foundation
