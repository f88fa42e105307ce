import BNCore
import BNLearning
import Foundation

/// One network's line of the REPL's `bench` table.
public struct BenchLine: Codable, Sendable {
    var network: String
    /// Where the queries came from: a reference file, or `generated` (answers then
    /// cross-checked between the engines only).
    var queries: String
    var result: InferenceBenchmark.Result
}

extension Session {
    /// Times exact inference (`InferenceBenchmark`): on the current model with `queries`
    /// seeded generated queries when `models` is empty, else on each model file with its
    /// reference queries (`BenchmarkSuite.resolve`: `../reference/NAME.json` beside it) or
    /// generated ones. Paths are resolved against the session's folder.
    func bench(models: [String], repeats: Int, queries: Int?) throws -> [BenchLine] {
        let bench = InferenceBenchmark(repeats: repeats, maxQueries: queries)
        if models.isEmpty {
            guard network.count > 0 else { throw WorkbenchError.usage("the model has no variables to bench; load one, or name model files: bench ../shared/networks/alarm.bif") }
            let ref = try ReferenceQueries.generate(for: network, name: network.name, count: queries ?? 20)
            return [BenchLine(network: network.name, queries: "generated", result: try bench.run(network: network, reference: ref))]
        }
        for m in models where !FileManager.default.fileExists(atPath: resolve(m)) {
            throw WorkbenchError.usage("no model file '\(m)' to bench")
        }
        let items = try BenchmarkSuite.resolve(models: models.map(resolve), queries: [], searchRoot: baseDirectory)
        return try items.map { item in
            let (net, name, ref) = try item.load(count: queries ?? 20)
            return BenchLine(network: name, queries: item.referencePath.map { ($0 as NSString).lastPathComponent } ?? "generated",
                             result: try bench.run(network: net, reference: ref))
        }
    }

    /// Learns a structure and its tables from the loaded data (`LearningTasks.learn`: hill
    /// climbing or tabu search on a decomposable score, then Bayesian parameters) and makes
    /// it the model, undoably. With a model, the data are its variables (states by name) and
    /// the learned model keeps the name, labels and roles; with an empty model, every column
    /// (numeric ones cut into 4 equal-frequency bins). A cancelled search leaves the model
    /// as it was. Settings without a discretisation on an empty model get that rule.
    public func learn(_ settings: LearningTasks.LearnSettings, cancellation: CancellationToken? = nil) throws -> LearningTasks.LearnReport {
        let data: Dataset
        var settings = settings
        if network.count > 0 {
            data = try dataset()
        } else {
            guard let p = dataPath else { throw WorkbenchError.usage("no data loaded: data load FILE.csv") }
            data = try ModelIO.loadData(path: resolve(p)).0
            if settings.discretization == nil {
                settings.discretization = try LearningTasks.discretization(columns: [], numeric: "equal-frequency:4",
                                                                           categoricalLimit: 10, target: nil)
            }
        }
        var (learned, report) = try LearningTasks.learn(data, settings: settings)
        learned.name = network.name
        for v in 0..<learned.count {
            if let old = network.index(of: learned.variables[v].name) {
                let x = network.variables[old]
                learned.setInfo(v, label: x.label, description: x.description, role: x.role)
            }
        }
        try adoptLearned(learned, journalLine: settings.commandText, cancellation: cancellation)
        return report
    }
}

extension LearningTasks.LearnSettings {
    /// The REPL command that repeats this learning (the journal line): the search, score,
    /// bound, restarts and seed, which are what the REPL's `learn` sets.
    var commandText: String {
        let keyword: String
        if case .bdeu = score { keyword = "bdeu" } else { keyword = score.description }
        return "learn \(algorithm.rawValue) score \(keyword) max-parents \(maxParents) restarts \(restarts) seed \(seed)"
    }
}
