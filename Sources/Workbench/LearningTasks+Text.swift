import BNLearning
import Foundation

// The one text form of the learning reports, shared by `credence fit`/`learn`/`evaluate` and
// the REPL's `fit`/`learn`/`evaluate` (the front ends add only their own lines: files
// written, undo).

extension LearningTasks.FitReport {
    /// What was fitted (`fitted 8 variables on 1000 rows (312 missing cells) by em`), how EM
    /// ended and the log-likelihood, for `credence fit`; `short` (the REPL's `fit`) leaves out
    /// EM's distinct rows and rounds the log-likelihood to four decimals.
    public func text(variables: Int, short: Bool = false) -> String {
        var lines = ["fitted \(variables) variables on \(rows) rows (\(missingCells) missing cells) by \(method)"]
        if let em {
            lines.append("EM: \(em.iterations) iterations, \(em.converged ? "converged" : "stopped at the cap")"
                         + (short ? "" : ", \(em.distinctRows) distinct rows"))
        }
        lines.append("log-likelihood: " + (short ? String(format: "%.4f", logLikelihood) : "\(logLikelihood)"))
        return lines.joined(separator: "\n")
    }
}

extension LearningTasks.LearnReport {
    /// The columns cut into intervals, the learned structure and its score, then one line
    /// per edge:
    ///
    ///     learned 7 edges over 8 variables (hc, bic = -2320.7303)
    ///       asia -> tub
    ///
    /// With a comparison, its distances to the true structure in `truthName`.
    public func text(variables: Int, truthName: String = "the true model") -> String {
        var lines = discretized.map { "discretised \($0.summary)" }
        lines.append("learned \(plural(edges.count, "edge")) over \(plural(variables, "variable")) (\(algorithm), \(score) = \(String(format: "%.4f", scoreValue)))")
        lines += edges.map { "  \($0[0]) -> \($0[1])" }
        if let c = comparison {
            lines.append("against \(truthName): SHD \(c.shd) between equivalence classes, \(c.shdDAG) between DAGs (\(c.missing) missing, \(c.extra) extra, \(c.reversed) reversed; \(c.learnedEdges) edges learned, \(c.trueEdges) true)")
        }
        return lines.joined(separator: "\n")
    }
}

extension LearningTasks.EvaluateReport {
    /// The model's accuracy, AUC, log loss and Brier score on all rows and in each
    /// cross-validation, as a Markdown table, then the data's log-likelihood. With
    /// cross-validation of a given model, a note that its structure was not relearned per
    /// fold, naming the honest command for `dataName`.
    public func text(dataName: String) -> String {
        func line(_ name: String, _ m: ClassificationMetrics) -> String {
            String(format: "| %@ | %d | %.4f | %.4f | %.4f | %.4f |", name, m.rows, m.accuracy, m.auc, m.logLoss, m.brier)
        }
        var lines = ["predicting \(target) on \(plural(rows, "row"))",
                     "| model | rows | accuracy | AUC | log loss | Brier |",
                     "|---|---:|---:|---:|---:|---:|",
                     line("as given (all rows)", model)]
        for key in ["model", "naive_bayes", "tan"] {
            if let cv = crossValidation?[key] { lines.append(line("\(key), \(cv.folds)-fold CV", cv.pooled)) }
        }
        lines.append("log-likelihood of the data: \(String(format: "%.4f", logLikelihood))")
        if crossValidation != nil {
            lines.append("note: the model's structure and bins were kept, not relearned in each fold; if they were learned on these rows the CV figures are optimistic. For honest figures: credence evaluate \(dataName) --target \(target) --learn")
        }
        return lines.joined(separator: "\n")
    }
}
