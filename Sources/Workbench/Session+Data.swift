import BNCore
import BNLearning

extension Session {
    /// Loads a CSV dataset (columns matched to the model's variables by name, or all columns
    /// when the model has no variables yet); returns the
    /// reader's notes (ignored columns). The path is kept as typed and the file re-read
    /// when the model's variables change.
    @discardableResult
    public func loadData(path: String) throws -> (Dataset, [String]) {
        // An empty model (before `learn`) takes every column, states in order of appearance.
        let (d, notes) = network.count == 0 ? try ModelIO.loadData(path: resolve(path))
            : try ModelIO.loadData(path: resolve(path), for: network)
        // A table that binds to no variable (a header in other case, another delimiter) is
        // refused here, not after a fit on 0 rows.
        if network.count > 0 { try DataRequirement.someVariable.check(d, against: network, operation: "load") }
        dataPath = path
        dataCache = (network, d, notes)
        return (d, notes)
    }

    /// The loaded dataset, matched to the current model.
    func dataset() throws -> Dataset {
        guard let p = dataPath else { throw WorkbenchError.usage("no data loaded: data load FILE.csv") }
        if let c = dataCache, c.network.variables == network.variables { return c.data }
        return try loadData(path: p).0
    }

    /// Fits the model's tables to the loaded data (undoable; journaled as `fit METHOD`).
    /// `progress` sees each EM iteration and its log-likelihood.
    /// With a `cancellation` token, a fit cancelled before it finishes leaves the model as it was.
    public func fit(method: LearningTasks.FitMethod, maxIterations: Int = 100, tolerance: Double = 1e-5, seed: UInt64 = 1,
                    cancellation: CancellationToken? = nil,
                    progress: ((Int, Double) -> Void)? = nil) throws -> LearningTasks.FitReport {
        let data = try dataset()
        let (fitted, report) = try LearningTasks.fit(network, data: data, method: method, prior: nil,
                                                     maxIterations: maxIterations, tolerance: tolerance, restarts: 0,
                                                     seed: seed, progress: progress)
        try adoptLearned(fitted, journalLine: "fit \(method.rawValue)", cancellation: cancellation)
        return report
    }

    /// Makes a model fitted or learned from the loaded data the model, undoably; a
    /// `cancellation` that fired leaves the model as it was. The journal replays a fit or a
    /// learn on the same file: it records where the data came from first (once per file).
    func adoptLearned(_ net: BayesianNetwork, journalLine: String, cancellation: CancellationToken?) throws {
        guard cancellation?.finish() ?? true else { throw WorkbenchError.usage("interrupted: the model is as it was") }
        if let p = dataPath, journaledDataPath != resolve(p) {
            journaledDataPath = resolve(p)
            journal?.append("data load \(CommandLanguage.quote(resolve(p)))")
        }
        commit(net, decisions, journalLine: journalLine)
    }

    /// Draws `rows` forward samples of the model into a CSV file.
    func sample(rows: Int, seed: UInt64, missing: Double, to path: String) throws -> Dataset {
        let d = try LearningTasks.sample(network, rows: rows, seed: seed, missing: missing, dropLatent: false)
        try ModelIO.saveData(d, to: resolve(path))
        return d
    }

    /// Writes per-row posteriors of `target` for the loaded data to a CSV file; returns the
    /// row count and the rows that have probability zero (written with empty cells).
    public func score(target: String, to path: String) throws -> (rows: Int, impossible: [ImpossibleRow]) {
        let (header, rows, impossible) = try LearningTasks.score(network, data: try dataset(), target: target)
        try AtomicFile.write(csv: [header] + rows, to: resolve(path))
        return (rows.count, impossible)
    }

    /// Accuracy, log-loss and friends of the model predicting `target` on the loaded data,
    /// with k-fold cross-validation when `folds` is given.
    public func evaluate(target: String, folds: Int?, seed: UInt64 = 1) throws -> LearningTasks.EvaluateReport {
        try LearningTasks.evaluate(network, data: try dataset(), target: target, folds: folds, seed: seed)
    }
}
