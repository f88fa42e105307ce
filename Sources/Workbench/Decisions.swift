import BNCore
import BNFormats
import BNInference
import Foundation

/// The decision part of a model, by names: utility nodes, the decisions' temporal order and
/// the memory assumption. Kept beside the session's network (the `.bn` statements
/// `utility`, `order`, `limid`) and turned into a `BNCore.InfluenceDiagram` when solved, so
/// that model edits that keep the names keep the utilities.
public struct DecisionSpec: Equatable, Sendable {
    /// A utility node by names: `values` row-major over the parents' states (last fastest).
    public struct Utility: Equatable, Sendable {
        var name: String
        var label: String?
        var parents: [String]
        var values: [Double]
    }

    var utilities: [Utility] = []
    /// The decisions' temporal order; empty: a topological order of the network.
    var order: [String] = []
    /// Decisions remember only their parents (a LIMID) instead of everything earlier.
    var limited = false

    public init(utilities: [Utility] = [], order: [String] = [], limited: Bool = false) {
        self.utilities = utilities
        self.order = order
        self.limited = limited
    }

    /// No utilities: the model is a plain Bayesian network.
    var isEmpty: Bool { utilities.isEmpty && order.isEmpty && !limited }

    /// The spec of a parsed `.bn` document.
    init(_ doc: BNDocument) {
        let net = doc.network
        utilities = doc.utilities.map { Utility(name: $0.name, label: $0.label, parents: $0.parents.map { net.variables[$0].name }, values: $0.values) }
        order = doc.decisionOrder
        limited = doc.limited
    }

    /// The influence diagram over `network` (names resolved; an edit that removed a
    /// utility's parent or a decision is reported here).
    func diagram(for network: BayesianNetwork) throws -> InfluenceDiagram {
        guard !utilities.isEmpty else {
            throw WorkbenchError.usage("the model has no utilities: add one with 'add utility NAME | PARENTS = values' or a 'utility' statement in the .bn file")
        }
        let nodes = try utilities.map { u in
            UtilityNode(name: u.name, label: u.label, parents: try u.parents.map { try network.require($0) }, values: u.values)
        }
        let decisionOrder = try order.map { try network.require($0) }
        return try InfluenceDiagram(network: network, utilities: nodes, decisionOrder: decisionOrder, noForgetting: !limited)
    }

    /// The `.bn` document of `network` with these utilities.
    func document(_ network: BayesianNetwork) throws -> BNDocument {
        var doc = BNDocument(network: network)
        guard !isEmpty else { return doc }
        let id = try diagram(for: network)
        doc.utilities = id.utilities
        doc.decisionOrder = order
        doc.limited = limited
        return doc
    }
}

/// The answer of `decide`: the maximum expected utility, each decision's policy and the
/// expected utility of each of its options, under the findings.
public struct DecisionReport: Codable, Equatable, Sendable {
    /// One row of a policy: a configuration of what the decision observes, the option
    /// chosen, each option's expected utility there and the row's probability.
    struct Rule: Codable, Equatable, Sendable {
        var given: [String]
        var choice: String
        var expectedUtilities: [Double]
        var probability: Double
    }

    struct Policy: Codable, Equatable, Sendable {
        var decision: String
        var options: [String]
        /// What the decision observes (its information set).
        var observes: [String]
        /// The option it was fixed to by a finding, `do()` or a scenario, if any.
        var forced: String?
        var rules: [Rule]
    }

    /// `E[U | e]` with the decision fixed to each option and every other decision optimal.
    struct OptionValues: Codable, Equatable, Sendable {
        var decision: String
        var options: [String]
        var expectedUtilities: [Double]
        /// The option with the largest expected utility.
        var best: String
    }

    var meu: Double
    var variance: Double
    var standardDeviation: Double
    /// False for a LIMID whose single policy updating may have stopped at a local optimum.
    var guaranteedOptimal: Bool
    var limid: Bool
    var policies: [DecisionReport.Policy]
    var expectedUtilities: [OptionValues]
    /// The findings in words ("" when none).
    var given: String

    /// The report as text: MEU, each decision's option values and its policy table (rows
    /// with probability zero left out).
    public var text: String {
        var out = "MEU \(Self.number(meu))  (sd \(Self.number(standardDeviation)))"
        if !given.isEmpty { out += "  given \(given)" }
        out += "\n"
        if !guaranteedOptimal {
            out += "note: single policy updating stopped at a local optimum of this LIMID; it may not be the global one\n"
        }
        for (p, values) in zip(policies, expectedUtilities) {
            out += "\n\(p.decision)" + (p.forced.map { " (fixed to \($0))" } ?? "")
                + (p.observes.isEmpty ? "" : ", observing \(p.observes.joined(separator: ", "))") + "\n"
            var rows = [["option", "EU if chosen always", ""]]
            for (o, eu) in zip(values.options, values.expectedUtilities) {
                rows.append([o, eu.isNaN ? "-" : Self.number(eu), o == values.best ? "best" : ""])
            }
            out += TextTable.render(rows, leftAligned: 1, separatorAfter: 0, indent: "  ") + "\n"
            guard p.forced == nil, !p.observes.isEmpty else { continue }
            out += "  policy:\n"
            var table = [p.observes + ["choose"] + p.options.map { "EU(\($0))" } + ["P"]]
            for r in p.rules where r.probability > 0 {
                table.append(r.given + [r.choice] + r.expectedUtilities.map(Self.number) + [Self.number(r.probability)])
            }
            out += TextTable.render(table, leftAligned: p.observes.count + 1, separatorAfter: 0, indent: "  ") + "\n"
        }
        return out
    }

    /// Four significant decimals at most, no trailing zeros.
    static func number(_ x: Double) -> String {
        var s = String(format: "%.4f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }
}

/// Solves the session's (or a file's) influence diagram: the operation behind `credence
/// decide` and the REPL's `decide` and `policy`.
public enum DecisionService {
    /// Solves `spec` over `network` under `findings` (hard findings and `do()` on a decision
    /// fix it; on chance variables they combine as in queries), with the expected utility
    /// of every option of every decision (one solve per option, the others re-optimised).
    public static func decide(_ network: BayesianNetwork, _ spec: DecisionSpec, findings: FindingSet = FindingSet()) throws -> DecisionReport {
        let id = try spec.diagram(for: network)
        let evidence = try findings.evidence(in: network)
        let solver = InfluenceDiagramSolver(id)
        let s = try solver.solve(given: evidence)
        var policies: [DecisionReport.Policy] = []
        var values: [DecisionReport.OptionValues] = []
        for p in s.policies {
            let v = network.variables[p.decision]
            let options = v.states
            var rules: [DecisionReport.Rule] = []
            for (row, choice) in p.choice.enumerated() where p.forced == nil {
                rules.append(.init(given: network.stateNames(of: p.information, row: row), choice: options[choice],
                                   expectedUtilities: Array(p.expectedUtility[(row * options.count)..<((row + 1) * options.count)]),
                                   probability: p.weight[row]))
            }
            policies.append(.init(decision: v.name, options: options, observes: p.information.map { network.variables[$0].name },
                                  forced: p.forced.map { options[$0] }, rules: rules))
            let eu = p.forced != nil
                ? options.indices.map { $0 == p.forced! ? s.meu : .nan }
                : try solver.expectedUtilities(of: p.decision, given: evidence)
            let best = eu.indices.filter { !eu[$0].isNaN }.max { eu[$0] < eu[$1] } ?? 0
            values.append(.init(decision: v.name, options: options, expectedUtilities: eu, best: options[best]))
        }
        return DecisionReport(meu: s.meu, variance: s.variance, standardDeviation: s.variance.squareRoot(),
                              guaranteedOptimal: s.guaranteedOptimal, limid: spec.limited, policies: policies,
                              expectedUtilities: values, given: findings.isEmpty ? "" : findings.description(in: network))
    }

    /// The value of information of observing `variable` before `decision`: the MEU when
    /// `decision` observes it minus the MEU when it does not (an arc `variable → decision`
    /// added, or removed when it is there). EVPI when `variable` is the uncertain quantity
    /// itself; EVSI when it is a noisy report of it, such as a survey answer (Howard 1966;
    /// Raiffa & Schlaifer 1961). Never negative under no-forgetting: more information
    /// cannot lower the MEU.
    static func valueOfInformation(_ network: BayesianNetwork, _ spec: DecisionSpec, observing variable: String,
                                          before decision: String, findings: FindingSet = FindingSet()) throws -> (without: Double, with: Double) {
        let evidence = try findings.evidence(in: network)
        let d = try network.require(decision)
        let x = try network.require(variable)
        guard network.variables[d].role == .decision else { throw WorkbenchError.usage("\(Quote.name(decision)) is not a decision") }
        var other = network
        let observed = network.parents(of: d).contains(x)
        do {
            if observed { try other.setParents(d, to: network.parents(of: d).filter { $0 != x }) }
            else { try other.addEdge(from: x, to: d) }
        } catch {
            throw WorkbenchError.usage("\(Quote.name(variable)) cannot be observed before \(Quote.name(decision)): \(error)")
        }
        let base = try InfluenceDiagramSolver(spec.diagram(for: network)).solve(given: evidence).meu
        let changed = try InfluenceDiagramSolver(spec.diagram(for: other)).solve(given: evidence).meu
        return observed ? (changed, base) : (base, changed)
    }
}

extension DecisionService {
    /// One row of `voi D`: observing `variable` before the decision raises the MEU from
    /// `without` to `with`; `value = with − without` is its EVPI (EVSI for a noisy report).
    /// `observed`: the decision observes it already (the value of what it sees).
    public struct InformationValue: Codable, Equatable, Sendable {
        var variable: String
        var observed: Bool
        var without: Double
        var with: Double
        var value: Double

        /// The rows as a table, largest value first.
        static func text(_ rows: [InformationValue], decision: String) -> String {
            guard !rows.isEmpty else { return "no chance variable can be observed before \(decision)" }
            var table = [["observed before \(decision)", "value", "MEU with it", "MEU without it"]]
            for r in rows {
                table.append([r.variable + (r.observed ? " (observed now)" : ""), DecisionReport.number(r.value),
                              DecisionReport.number(r.with), DecisionReport.number(r.without)])
            }
            return TextTable.render(table, leftAligned: 1, separatorAfter: 0)
        }
    }

    /// The value of observing each chance variable before `decision` (two solves per
    /// variable): those it observes now (the value of seeing them) and those it could (not
    /// observed as findings, not downstream of it), largest first.
    static func informationValues(_ network: BayesianNetwork, _ spec: DecisionSpec, before decision: String,
                                         findings: FindingSet = FindingSet()) throws -> [InformationValue] {
        let d = try network.require(decision)
        guard network.variables[d].role == .decision else {
            throw WorkbenchError.usage("\(Quote.name(decision)) is not a decision")
        }
        let evidence = try findings.evidence(in: network)
        var rows: [InformationValue] = []
        for x in 0..<network.count where network.variables[x].role != .decision && x != d
            && evidence.hard[x] == nil && evidence.interventions[x] == nil
            && network.dag.path(from: d, to: x) == nil {
            let name = network.variables[x].name
            let (without, with) = try valueOfInformation(network, spec, observing: name, before: decision, findings: findings)
            rows.append(.init(variable: name, observed: network.parents(of: d).contains(x), without: without, with: with, value: with - without))
        }
        return rows.sorted { $0.value > $1.value || ($0.value == $1.value && $0.variable < $1.variable) }
    }
}

extension Session {
    /// `add utility`: adds a utility node to the decision part (checked against the
    /// network: parents known, one value per parent configuration); journaled and undone
    /// by `undo` like every other edit.
    func addUtility(_ u: DecisionSpec.Utility) throws {
        guard !decisions.utilities.contains(where: { $0.name == u.name }) else {
            throw WorkbenchError.usage("there is already a utility \(Quote.name(u.name)); remove it first with 'remove utility \(u.name)'")
        }
        var spec = decisions
        spec.utilities.append(u)
        _ = try spec.diagram(for: network)
        let q = CommandLanguage.quote
        commit(network, spec, journalLine: "add utility \(q(u.name))" + (u.parents.isEmpty ? "" : " | " + u.parents.map(q).joined(separator: ", "))
                                           + " = " + u.values.map { "\($0)" }.joined(separator: " "))
    }

    /// `remove utility NAME`.
    func removeUtility(_ name: String) throws {
        guard let i = decisions.utilities.firstIndex(where: { $0.name == name }) else {
            throw WorkbenchError.usage("there is no utility \(Quote.name(name))" + (decisions.utilities.isEmpty ? "" : "; the utilities are \(decisions.utilities.map(\.name).joined(separator: ", "))"))
        }
        var spec = decisions
        spec.utilities.remove(at: i)
        commit(network, spec, journalLine: "remove utility \(CommandLanguage.quote(name))")
    }

    /// The solution of the model's decisions under the current findings.
    func decide() throws -> DecisionReport {
        try DecisionService.decide(network, decisions, findings: findings)
    }
}

extension DecisionService {
    /// Times `runs` solves of the diagram (single policy updating, MEU and variance; the
    /// per-option expected utilities of `decide` are not included): milliseconds per run,
    /// wall clock, each from a fresh solver. What `credence decide --repeat N` reports.
    public static func timedSolves(_ network: BayesianNetwork, _ spec: DecisionSpec, findings: FindingSet = FindingSet(),
                                   runs: Int) throws -> (meu: Double, milliseconds: [Double]) {
        let id = try spec.diagram(for: network)
        let evidence = try findings.evidence(in: network)
        var times: [Double] = []
        var meu = 0.0
        for _ in 0..<max(1, runs) {
            let start = DispatchTime.now().uptimeNanoseconds
            meu = try InfluenceDiagramSolver(id).solve(given: evidence).meu
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return (meu, times)
    }
}

extension Explanation {
    /// In an influence diagram (`spec` has utilities), the value of observing each chance
    /// variable before each decision, shown by `explain` next to the probabilistic value of
    /// information; nothing for a plain network.
    public mutating func addDecisionValues(_ network: BayesianNetwork, _ spec: DecisionSpec, findings: FindingSet) throws {
        guard !spec.utilities.isEmpty else { return }
        decisionValues = try (0..<network.count).filter { network.variables[$0].role == .decision }.map { d in
            let name = network.variables[d].name
            return DecisionValues(decision: name, values: try DecisionService.informationValues(network, spec, before: name, findings: findings))
        }
    }
}
