import BNCore
import Foundation

/// What the REPL is working on: a model and where it came from, what is known and done
/// (evidence, likelihoods, interventions), named scenarios, an optional dataset, the
/// undo/redo history of model edits and the crash journal.
///
/// Every change to the model goes through `perform(_:)` (Session+Edits.swift) or
/// `replaceModel(_:journal:)`, which push the previous network on the undo stack, mark the
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

/// Findings by names: hard evidence `VAR=STATE`, likelihood (soft) evidence `VAR=w1,w2,…`
/// and interventions `do(VAR=STATE)`. The one form in which every front end states what is
/// known (the REPL session's current findings and its named scenarios, the command line's
/// `--evidence/--soft/--do`, a `QueryRequest`), turned into the engine's `Evidence` in one
/// place, `evidence(in:)`.
public struct FindingSet: Equatable, Sendable {
    public var evidence: [String: String]
    public var soft: [String: [Double]]
    public var interventions: [String: String]

    public init(evidence: [String: String] = [:], soft: [String: [Double]] = [:], interventions: [String: String] = [:]) {
        self.evidence = evidence
        self.soft = soft
        self.interventions = interventions
    }

    /// No finding at all.
    var isEmpty: Bool { evidence.isEmpty && soft.isEmpty && interventions.isEmpty }

    /// The findings on `network`, validated (names, states, weights) by `Evidence(in:)`.
    public func evidence(in network: BayesianNetwork) throws -> Evidence {
        try Evidence(in: network, hard: evidence, soft: soft, interventions: interventions)
    }

    /// Findings from command-line items: `VAR=STATE` (`--evidence`, `--do`) and
    /// `VAR=P1,P2,…` (`--soft`); the error names the bad item and its option.
    public static func parsing(evidence: [String], soft: [String], interventions: [String]) throws -> FindingSet {
        FindingSet(evidence: try assignments(evidence, option: "--evidence"), soft: try likelihoods(soft),
                   interventions: try assignments(interventions, option: "--do"))
    }

    static func assignments(_ items: [String], option: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw WorkbenchError.usage("\(option) \(item): expected VARIABLE=STATE")
            }
            guard out[parts[0]] == nil else { throw WorkbenchError.usage("\(option): '\(parts[0])' is given twice") }
            out[parts[0]] = parts[1]
        }
        return out
    }

    static func likelihoods(_ items: [String]) throws -> [String: [Double]] {
        var out: [String: [Double]] = [:]
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            let numbers = parts.count == 2 ? parts[1].split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) } : []
            guard parts.count == 2, !numbers.isEmpty, numbers.allSatisfy({ $0 != nil }) else {
                throw WorkbenchError.usage("--soft \(item): expected VARIABLE=P1,P2,... with one number per state")
            }
            out[parts[0]] = numbers.map { $0! }
        }
        return out
    }

    /// `smoke=yes, do(Incentive=voucher_500), soft(X=0.2,0.8)` in network order, or `(none)`.
    public func description(in network: BayesianNetwork) -> String {
        var parts: [String] = []
        func rank(_ n: String) -> Int { network.index(of: n) ?? Int.max }
        for n in evidence.keys.sorted(by: { (rank($0), $0) < (rank($1), $1) }) { parts.append("\(n)=\(evidence[n]!)") }
        for n in soft.keys.sorted(by: { (rank($0), $0) < (rank($1), $1) }) {
            parts.append("soft(\(n)=\(soft[n]!.map { formatNumber($0) }.joined(separator: ",")))")
        }
        for n in interventions.keys.sorted(by: { (rank($0), $0) < (rank($1), $1) }) { parts.append("do(\(n)=\(interventions[n]!))") }
        return parts.isEmpty ? "(none)" : parts.joined(separator: ", ")
    }

    /// A variable renamed from `a` to `b`.
    mutating func renameVariable(_ a: String, to b: String) {
        func move<T>(_ d: inout [String: T]) { if let x = d.removeValue(forKey: a) { d[b] = x } }
        move(&evidence); move(&soft); move(&interventions)
    }

    /// A state of variable `v` renamed from `a` to `b`.
    mutating func renameState(of v: String, _ a: String, to b: String) {
        func move(_ d: inout [String: String]) { if d[v] == a { d[v] = b } }
        move(&evidence); move(&interventions)
    }

    /// Drops the findings that name a variable or state `network` does not have; returns notes.
    mutating func prune(to network: BayesianNetwork) -> [String] {
        var notes: [String] = []
        func fits(_ name: String, _ state: String) -> Bool {
            guard let v = network.index(of: name) else { return false }
            return network.variables[v].states.contains(state)
        }
        for (n, s) in evidence where !fits(n, s) { evidence[n] = nil; notes.append("dropped evidence \(n)=\(s)") }
        for (n, s) in interventions where !fits(n, s) { interventions[n] = nil; notes.append("dropped do(\(n)=\(s))") }
        for (n, w) in soft where network.index(of: n).map({ network.variables[$0].cardinality }) != w.count {
            soft[n] = nil; notes.append("dropped soft evidence on \(n)")
        }
        return notes
    }
}

/// A number as short as it reads back exactly (`0.1`, `2`, `1e-05`).
func formatNumber(_ x: Double) -> String {
    if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
}
