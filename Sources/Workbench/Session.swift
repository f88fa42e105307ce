import BNCore
import Foundation

/// What the REPL is working on: a model and where it came from, what is known and done
/// (evidence, likelihoods, interventions), named scenarios, an optional dataset, the
/// undo/redo history of model edits and the crash journal.
///
/// Every change to the model goes through `commit(_:_:journalLine:)` (Session+Edits.swift:
/// edits by `perform(_:)`, fitted and learned models by `adoptLearned`), which push the previous network on the undo stack, mark the
/// session dirty, drop the cached query service and append the command to the journal.
/// The session never prints.
public final class Session {
    /// The model being edited.
    public internal(set) var network: BayesianNetwork
    /// The file the model was loaded from or last saved to.
    public internal(set) var path: String?
    /// True when the model differs from the one last loaded or saved (undoing back to it
    /// makes the session clean again).
    public var isDirty: Bool { network != savedNetwork || decisions != savedDecisions }
    /// The network as last loaded, created or saved.
    var savedNetwork: BayesianNetwork
    /// The decision part as last loaded, created or saved.
    var savedDecisions = DecisionSpec()
    /// Relative paths in commands are resolved against this directory.
    var baseDirectory: String

    /// The decision part of the model (utilities, decision order), empty for a plain network.
    internal(set) var decisions = DecisionSpec()

    /// The current findings (`observe`, `soft`, `do`).
    public internal(set) var findings = FindingSet()
    /// Named scenarios (`scenario save NAME`), in the order they were first saved.
    internal(set) var scenarios: [String: FindingSet] = [:]
    public internal(set) var scenarioOrder: [String] = []

    /// The dataset loaded with `data load`, as given (the path as typed), matched to the model.
    internal(set) var dataPath: String?
    var dataCache: (network: BayesianNetwork, data: Dataset, notes: [String])?
    /// The data file last recorded in the journal (so that a replayed `fit` finds its data).
    var journaledDataPath: String?

    /// What `undo` and `redo` restore: the network with its decision part (utilities, order).
    struct Snapshot {
        var network: BayesianNetwork
        var decisions: DecisionSpec
    }
    var undoStack: [Snapshot] = []
    var redoStack: [Snapshot] = []
    var cachedService: QueryService?
    var cachedExplainer: Explainer?
    /// This session's crash journal of the current model (nil when the model has no path or
    /// the session does not journal); see `Journal`.
    public internal(set) var journal: Journal?
    /// Journals of this model left by sessions that ended without saving, oldest first: they
    /// stay on disk until replayed (`journal replay`) or discarded (`journal discard`).
    public internal(set) var pendingJournals: [Journal] = []
    /// Journals of this model held by other sessions that are editing it now (found at open).
    internal(set) var otherSessions: [Journal] = []
    /// Whether edits are journaled (the interactive REPL); scripts leave no journal behind.
    let journaling: Bool

    /// A fresh session on `network` (not dirty, nothing to undo).
    public init(network: BayesianNetwork = BayesianNetwork(name: "untitled"), path: String? = nil,
                baseDirectory: String = FileManager.default.currentDirectoryPath, journaling: Bool = true) {
        self.journaling = journaling
        self.network = network
        self.savedNetwork = network
        self.path = path
        self.baseDirectory = baseDirectory
        if let path { openJournal(for: path) }
    }

    /// A path as typed, resolved against `baseDirectory` (absolute paths and `~` kept).
    func resolve(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return (baseDirectory as NSString).appendingPathComponent(expanded)
    }

    /// The query service of the current model (rebuilt after any model change).
    public var queryService: QueryService {
        if let s = cachedService { return s }
        let s = QueryService(network: network)
        cachedService = s
        return s
    }

    /// Whether undo / redo have anything to do.
    var canUndo: Bool { !undoStack.isEmpty }
    var canRedo: Bool { !redoStack.isEmpty }

    // MARK: opening and saving

    /// Opens a model file: replaces the model, clears evidence, scenarios and history.
    /// Journals left next to the file by sessions that ended without saving are listed in
    /// `pendingJournals`; this session's own journal of the previous model is closed first
    /// (kept when it holds unsaved edits).
    public func load(path: String) throws {
        guard FileManager.default.fileExists(atPath: resolve(path)) else {
            throw WorkbenchError.io(path: path, reason: "no such file")
        }
        let (net, spec) = try ModelIO.loadWithDecisions(path: resolve(path))
        reset(to: net, path: path)
        decisions = spec
        savedDecisions = spec
    }

    /// Starts an empty network called `name` (no path until saved).
    public func newModel(name: String) {
        reset(to: BayesianNetwork(name: name), path: nil)
    }

    func reset(to net: BayesianNetwork, path: String?) {
        closeJournal()
        decisions = DecisionSpec()
        savedDecisions = DecisionSpec()
        network = net
        savedNetwork = net
        self.path = path
        findings = FindingSet()
        scenarios = [:]; scenarioOrder = []
        undoStack = []; redoStack = []
        cachedService = nil
        cachedExplainer = nil
        dataCache = nil
        journaledDataPath = nil
        pendingJournals = []
        otherSessions = []
        if let path { openJournal(for: path) }
    }

    /// Saves atomically to `path` (or the current path); clears the dirty flag and this
    /// session's journal (other sessions' journals are theirs: a save never touches them).
    /// Saving to another path moves the session to that model and its journal with it.
    /// Returns what another program would read differently in the file (`ModelFile.losses`).
    @discardableResult
    public func save(to newPath: String? = nil) throws -> [String] {
        guard let target = newPath ?? path else {
            throw WorkbenchError.usage("this model has no file yet: save PATH")
        }
        let losses = try ModelIO.save(network, decisions: decisions, to: resolve(target))
        if target != path {
            journal?.discard()
            journal = nil
            path = target
            openJournal(for: target)
        }
        journal?.clear()
        journaledDataPath = nil
        savedNetwork = network
        savedDecisions = decisions
        return losses
    }
}
