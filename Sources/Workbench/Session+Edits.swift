import BNCore
import BNInference

/// One validated change to a model's structure or tables, by names.
public enum ModelEdit: Equatable, Sendable {
    case addVariable(name: String, states: [String])
    /// `add decision NAME {S1, S2} [observes A B]`: a decision variable and its information arcs.
    case addDecision(name: String, states: [String], observes: [String])
    case removeVariable(String)
    case renameVariable(from: String, to: String)
    case addState(variable: String, state: String)
    case removeState(variable: String, state: String)
    case renameState(variable: String, from: String, to: String)
    case addEdge(from: String, to: String)
    case removeEdge(from: String, to: String)
    case reverseEdge(from: String, to: String)
    /// One row (`parentStates` in parent order), or the whole table when `parentStates` is nil
    /// (a root's single row, or every row in table order).
    case setCPT(variable: String, parentStates: [String]?, probabilities: [Double])

    /// Applies the edit to `network`; on error `network` is unchanged.
    public func apply(to network: inout BayesianNetwork) throws {
        var net = network
        switch self {
        case .addVariable(let name, let states):
            try net.addVariable(Variable(name: name, states: states))
        case .addDecision(let name, let states, let observes):
            let d = try net.addVariable(Variable(name: name, states: states, role: .decision))
            for o in observes { try net.addEdge(from: try net.require(o), to: d) }
        case .removeVariable(let name):
            let v = try net.require(name)
            try net.removeVariable(v, childWeights: try Self.weights(in: net, removing: v, from: net.children(of: v)))
        case .renameVariable(let old, let new):
            try net.renameVariable(try net.require(old), to: new)
        case .addState(let v, let s):
            try net.addState(try net.require(v), s)
        case .removeState(let v, let s):
            try net.removeState(try net.require(v), s)
        case .renameState(let v, let old, let new):
            try net.renameState(try net.require(v), from: old, to: new)
        case .addEdge(let a, let b):
            try net.addEdge(from: try net.require(a), to: try net.require(b))
        case .removeEdge(let a, let b):
            let (p, c) = (try net.require(a), try net.require(b))
            guard net.dag.hasEdge(from: p, to: c) else { throw ModelError.missingEdge(from: a, to: b) }
            try net.removeEdge(from: p, to: c, weights: try Self.weights(in: net, removing: p, from: [c])[c]!)
        case .reverseEdge(let a, let b):
            try net.reverseEdge(from: try net.require(a), to: try net.require(b))
        case .setCPT(let name, let parentStates, let probabilities):
            let v = try net.require(name)
            try Self.setTable(&net, v, parentStates: parentStates, probabilities: probabilities)
        }
        network = net
    }

    /// For each child `c`, the joint `P(p, C)` of the removed parent `p` and the child's
    /// other parents `C = pa(c) \ {p}` in `net` (variable elimination, before the removal):
    /// the weights with which `BayesianNetwork.removeEdge(from:to:weights:)` marginalises `p`
    /// out of `c`'s table, `P'(c | C) = Σ_p P(p | C) · P(c | p, C)`, so that `c` keeps its
    /// distribution given `C`.
    static func weights(in net: BayesianNetwork, removing p: Int, from children: [Int]) throws -> [Int: Factor] {
        let engine = VariableElimination(net)
        var out: [Int: Factor] = [:]
        for c in children {
            out[c] = try engine.joint(of: net.parents(of: c).filter { $0 != p } + [p], given: .none)
        }
        return out
    }

    private static func setTable(_ net: inout BayesianNetwork, _ v: Int, parentStates: [String]?, probabilities: [Double]) throws {
        let x = net.variables[v]
        let parents = net.parents(of: v)
        let k = x.cardinality
        let rows = parents.reduce(1) { $0 * net.variables[$1].cardinality }
        var values = net.cpts[v].values
        let wrongCount = "'\(x.name)' has \(k) states (\(x.states.joined(separator: ", "))); give \(k) probabilities, got \(probabilities.count)"
        if let parentStates {
            guard parentStates.count == parents.count else {
                let names = parents.map { net.variables[$0].name }
                throw WorkbenchError.usage("'\(x.name)' has \(parents.count) parent\(parents.count == 1 ? "" : "s")"
                    + (names.isEmpty ? "; give its row without (...)" : " (\(names.joined(separator: ", "))); give one state of each, in that order"))
            }
            guard probabilities.count == k else { throw WorkbenchError.usage(wrongCount) }
            var row = 0
            for (p, s) in zip(parents, parentStates) {
                row = row * net.variables[p].cardinality + (try net.stateIndex(p, s))
            }
            values.replaceSubrange((row * k)..<((row + 1) * k), with: probabilities)
        } else {
            // The whole table (a root's one row is its whole table); a single row needs its parent states.
            guard probabilities.count == rows * k else {
                throw WorkbenchError.usage(parents.isEmpty ? wrongCount
                    : "'\(x.name)' has parents; give one row as: set cpt \(CommandLanguage.quote(x.name)) (\(parents.map { net.variables[$0].states[0] }.joined(separator: ", "))): p1 p2 ... (or all \(rows * k) numbers)")
            }
            values = probabilities
        }
        let scope = net.familyScope(of: v)
        try net.setCPT(v, try Factor(scope: scope, values: values))
    }

    /// The edit as one command-language line (what the journal records).
    var commandText: String {
        let q = CommandLanguage.quote
        switch self {
        case .addVariable(let n, let s): return "add variable \(q(n)) {\(s.map(q).joined(separator: ", "))}"
        case .addDecision(let n, let s, let o):
            return "add decision \(q(n)) {\(s.map(q).joined(separator: ", "))}" + (o.isEmpty ? "" : " observes " + o.map(q).joined(separator: " "))
        case .removeVariable(let n): return "remove variable \(q(n))"
        case .renameVariable(let a, let b): return "rename variable \(q(a)) \(q(b))"
        case .addState(let v, let s): return "add state \(q(v)) \(q(s))"
        case .removeState(let v, let s): return "remove state \(q(v)) \(q(s))"
        case .renameState(let v, let a, let b): return "rename state \(q(v)) \(q(a)) \(q(b))"
        case .addEdge(let a, let b): return "add edge \(q(a)) -> \(q(b))"
        case .removeEdge(let a, let b): return "remove edge \(q(a)) -> \(q(b))"
        case .reverseEdge(let a, let b): return "reverse edge \(q(a)) -> \(q(b))"
        case .setCPT(let v, let ps, let p):
            let numbers = p.map { "\($0)" }.joined(separator: " ")
            if let ps { return "set cpt \(q(v)) (\(ps.map(q).joined(separator: ", "))): \(numbers)" }
            return "set cpt \(q(v)) \(numbers)"
        }
    }
}

extension Session {
    /// Applies an edit: the previous network goes on the undo stack, the redo stack is
    /// cleared, the journal records the command. Returns notes about evidence that no
    /// longer fits the model (and was dropped).
    @discardableResult
    func perform(_ edit: ModelEdit) throws -> [String] {
        var net = network
        try edit.apply(to: &net)
        switch edit {
        case .renameVariable(let a, let b): renameInEvidence(variable: a, to: b)
        case .renameState(let v, let a, let b): renameInEvidence(variable: v, state: a, to: b)
        default: break
        }
        return commit(net, decisions, journalLine: edit.commandText)
    }

    /// The one way a change enters the model: the current network and decision part go on
    /// the undo stack, the redo stack is cleared, the journal records the command.
    @discardableResult
    func commit(_ net: BayesianNetwork, _ spec: DecisionSpec, journalLine: String?) -> [String] {
        undoStack.append(snapshot)
        redoStack.removeAll()
        setNetwork(net)
        decisions = spec
        if let journalLine { journal?.append(journalLine) }
        return pruneEvidence()
    }

    private var snapshot: Snapshot { Snapshot(network: network, decisions: decisions) }

    /// Undoes the last model change (a network edit, `add utility`, `remove utility`);
    /// false when there is nothing to undo.
    @discardableResult
    public func undo() -> Bool { step(from: &undoStack, to: &redoStack, journaled: "undo") }

    /// Redoes the last undone change; false when there is nothing to redo.
    @discardableResult
    public func redo() -> Bool { step(from: &redoStack, to: &undoStack, journaled: "redo") }

    /// Restores the top of `from`, keeping the current model on `to`.
    private func step(from: inout [Snapshot], to: inout [Snapshot], journaled word: String) -> Bool {
        guard let s = from.popLast() else { return false }
        to.append(snapshot)
        setNetwork(s.network)
        decisions = s.decisions
        pruneEvidence()
        journal?.append(word)
        return true
    }

    private func setNetwork(_ net: BayesianNetwork) {
        network = net
        cachedService = nil
        cachedExplainer = nil
    }

    private func renameInEvidence(variable a: String, to b: String) {
        findings.renameVariable(a, to: b)
        for n in scenarioOrder { scenarios[n]!.renameVariable(a, to: b) }
    }

    private func renameInEvidence(variable v: String, state a: String, to b: String) {
        findings.renameState(of: v, a, to: b)
        for n in scenarioOrder { scenarios[n]!.renameState(of: v, a, to: b) }
    }

    /// Drops evidence that names a variable or state the model no longer has.
    @discardableResult
    func pruneEvidence() -> [String] {
        findings.prune(to: network).sorted()
    }
}
