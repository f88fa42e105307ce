import ArgumentParser
import Foundation
import Workbench

/// `credence evaluate MODEL DATA.csv --target VAR [--folds K]`.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a model's prediction of a target (accuracy, AUC, log loss, Brier), with k-fold CV against naive Bayes and TAN.",
        discussion: "Example: credence evaluate ../shared/networks/asia.bif asia.csv --target dysp --folds 10 --seed 1"
    )

    @Argument(help: "The model.") var model: String
    @Argument(help: "The data (CSV).") var data: String
    @Option(help: "The target variable.") var target: String
    @Option(help: "Cross-validation folds.") var folds: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() throws {
        let network = try ModelIO.load(path: model)
        let (dataset, notes) = try ModelIO.loadData(path: data, for: network)
        for n in notes { FileHandle.standardError.write(Data("note: \(n)\n".utf8)) }
        let r = try LearningTasks.evaluate(network, data: dataset, target: target, folds: folds, seed: seed)
        if json { try printJSON(r); return }
        func line(_ name: String, _ m: BNLearningMetrics) -> String {
            String(format: "| %@ | %d | %.4f | %.4f | %.4f | %.4f |", name, m.rows, m.accuracy, m.auc, m.logLoss, m.brier)
        }
        print("| model | rows | accuracy | AUC | log loss | Brier |")
        print("|---|---:|---:|---:|---:|---:|")
        print(line("as given (all rows)", r.model))
        for key in ["model", "naive_bayes", "tan"] {
            if let cv = r.crossValidation?[key] { print(line("\(key), \(cv.folds)-fold CV", cv.pooled)) }
        }
        print("log-likelihood of the data: \(r.logLikelihood)")
    }
}
