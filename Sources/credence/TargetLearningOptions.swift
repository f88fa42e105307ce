import Foundation
import ArgumentParser
import Workbench

/// How numeric columns are cut, shared by `learn` and `evaluate --learn`.
struct BinningOptions: ParsableArguments {
    @Option(help: ArgumentHelp("How to cut a numeric column, COLUMN=METHOD (repeatable); METHOD is equal-width:K, equal-frequency:K, mdl or none.",
                               valueName: "column=method")) var discretize: [String] = []
    @Option(help: ArgumentHelp("How to cut the other numeric columns with more than --categorical-limit distinct values: equal-width:K, equal-frequency:K, mdl or none (default: mdl against the target with --target, equal-frequency:4 otherwise).",
                               valueName: "method")) var discretizeNumeric: String?
    @Option(help: "Numeric columns with at most this many distinct values keep one state per value (named by it, cut halfway between values, so new values are cut like any other) unless named in --discretize; with --target, see --few-valued-bins.") var categoricalLimit = 10

    /// The plan, with `defaultMethod` for numeric columns unless one was given.
    func plan(defaultMethod: String, target: String?) throws -> BinningPlan {
        try LearningTasks.discretization(columns: discretize, numeric: discretizeNumeric ?? defaultMethod,
                                         categoricalLimit: categoricalLimit, target: target)
    }
}

/// The classifier pipeline's choices, shared by `learn --target` and `evaluate --learn`.
struct ClassifierOptions: ParsableArguments {
    @Option(help: ArgumentHelp("With --target: the structure families to choose from, comma-separated: nb, tan, kdb1, kdb2, kdb3, ban, mb-hc, outcome, dnb, aode, waode (default: all but aode and waode).",
                               valueName: "list")) var structures: String?
    @Option(help: ArgumentHelp("With --target: the BDeu equivalent sample sizes to choose from, comma-separated; for dnb, the penalty on its weights (default: 1,5,20,50,100,200,500).",
                               valueName: "list")) var priors: String?
    @Option(help: "With --target: inner cross-validation folds for choosing the family and the prior.") var innerFolds = 5
    @Option(help: ArgumentHelp("With --target: how numeric columns with at most --categorical-limit values may be binned, comma-separated: values (one state per value), mdl (cut against the target); with both the inner cross-validation chooses (default: values,mdl).",
                               valueName: "list")) var fewValuedBins: String?
    @Option(help: "With --target: dnb is also tried on this many equal-frequency bins of the numeric columns with more than --categorical-limit values, with a random-walk penalty over neighbouring bins (0: not tried; only with the default mdl binning).") var dnbBins = 10
    @Option(help: ArgumentHelp("With --target: how the tables may be fitted, comma-separated: generative (counted, BDeu), discriminative (the best counted design's tables refitted for P(target | row)); with both the inner cross-validation chooses (default: generative,discriminative).",
                               valueName: "list")) var parameters: String?
    @Option(help: ArgumentHelp("With --target: auto builds one derived variable, a linear index of numeric columns (greedy, by the information of its MDL bins about the target; two-class targets), and tries the leading designs with it in the inner cross-validation, so the model has it only when it lowers the inner log loss by more than its BIC cost ((terms/2) ln n / n); the model records its formula, and every command computes it from those columns; none: every variable is one column (default: auto).",
                               valueName: "auto|none")) var derived: String?
    @Option(help: "With --target: bag this many bootstrap graphs of the chosen family into one model, a mixture over a latent root, and report bnlearn-style arc strengths (0: no bagging).") var bagging = 0

    func learner(target: String, binning: BinningOptions, maxParents: Int, seed: UInt64) throws -> ClassifierLearner {
        let names = structures.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let sizes = try priors.map { text in
            try text.split(separator: ",").map { item -> Double in
                let t = item.trimmingCharacters(in: .whitespaces)
                guard let x = Double(t) else { throw ValidationError("--priors: '\(t)' is not a number; give BDeu equivalent sample sizes, e.g. 1,5,20") }
                return x
            }
        }
        var learner = try LearningTasks.targetedLearner(target: target, structures: names, priors: sizes, innerFolds: innerFolds,
                                                 discretization: try binning.plan(defaultMethod: "mdl", target: target),
                                                 maxParents: maxParents, seed: seed,
                                                 fewValuedBins: fewValuedBins.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                                                 parameters: parameters.map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } },
                                                 derived: derived)
        guard dnbBins == 0 || (2...1000).contains(dnbBins) else { throw ValidationError("--dnb-bins must be 0 (not tried) or between 2 and 1000, got \(dnbBins)") }
        learner.bagging = bagging
        learner.discriminativeBins = dnbBins == 0 ? nil : dnbBins
        return learner
    }
}
