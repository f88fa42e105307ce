import BNCore
import BNInference
import Foundation

/// A question to a model, by names: targets and the findings it is asked under.
public struct QueryRequest: Sendable {
    public var targets: [String]
    public var findings: FindingSet

    public init(targets: [String], findings: FindingSet = FindingSet()) {
        self.targets = targets
        self.findings = findings
    }
}

/// The answer to a `QueryRequest`.
public struct QueryResult: Codable, Sendable {
    /// One target's posterior.
    public struct Marginal: Codable, Sendable {
        var variable: String
        var states: [String]
        public var probabilities: [Double]
    }
    /// A joint posterior over several targets: one row per configuration.
    public struct JointRow: Codable, Sendable {
        var states: [String]
        public var probability: Double
    }

    public var marginals: [Marginal]
    /// Present when more than one target was asked.
    public var joint: [JointRow]?
    var jointVariables: [String]?
    /// `P(evidence)` (with interventions applied), and its natural log.
    var probabilityOfEvidence: Double
    public var logProbabilityOfEvidence: Double
}

/// Answers queries on one network with the junction tree (built once, reused).
public final class QueryService {
    let network: BayesianNetwork
    var tree: JunctionTree?
    var eliminator: VariableElimination?

    public init(network: BayesianNetwork) { self.network = network }

    public func answer(_ request: QueryRequest) throws -> QueryResult {
        guard !request.targets.isEmpty else { throw WorkbenchError.usage("name at least one target variable") }
        let evidence = try request.findings.evidence(in: network)
        let targets = try request.targets.map { name throws in try network.require(name) }
        let jt = try junctionTree()
        try jt.setEvidence(evidence)
        let logP = try jt.logProbabilityOfEvidence()
        var marginals: [QueryResult.Marginal] = []
        for t in targets {
            marginals.append(.init(variable: network.variables[t].name, states: network.variables[t].states,
                                   probabilities: try jt.marginal(t)))
        }
        var joint: [QueryResult.JointRow]?
        if targets.count > 1 {
            joint = try jt.joint(of: targets).values.enumerated().map { .init(states: network.stateNames(of: targets, row: $0), probability: $1) }
        }
        return QueryResult(marginals: marginals, joint: joint,
                           jointVariables: targets.count > 1 ? targets.map { network.variables[$0].name } : nil,
                           probabilityOfEvidence: exp(logP), logProbabilityOfEvidence: logP)
    }
}

extension QueryService {
    /// `P(target | findings)` alone, without `P(evidence)`: variable elimination with
    /// relevance pruning and compiled plans cached by evidence pattern (Zhang & Poole 1996;
    /// `VariableElimination`). One question under fresh findings costs less this way than a
    /// junction-tree propagation (BENCHMARKS.md, "Exact inference against the peers": the
    /// cold single target), which is what a front end asking one posterior at a time wants.
    public func posterior(of target: String, given findings: FindingSet) throws -> [Double] {
        let evidence = try findings.evidence(in: network)
        return try posterior(of: try network.require(target), given: evidence)
    }

    /// The same posterior for a caller that already holds indices (the C ABI's
    /// `credence_query_indexed`): `target` in network order, `evidence` validated by the
    /// engine (a variable or state out of range is an `InferenceError.invalidEvidence`).
    public func posterior(of target: Int, given evidence: Evidence) throws -> [Double] {
        if eliminator == nil { eliminator = VariableElimination(network) }
        return try eliminator!.posterior(of: target, given: evidence)
    }
}

extension QueryService {
    /// `P(evidence)` with the interventions applied, and its natural log (1 and 0 for a
    /// network without variables).
    public func probabilityOfEvidence(_ findings: FindingSet) throws -> (p: Double, log: Double) {
        guard network.count > 0 else { return (1, 0) }
        let r = try answer(QueryRequest(targets: [network.variables[0].name], findings: findings))
        return (r.probabilityOfEvidence, r.logProbabilityOfEvidence)
    }
}

/// A most probable explanation (all variables) or a MAP assignment (the targets), by names.
public struct ExplanationResult: Codable, Sendable {
    var kind: String
    var assignment: [String: String]
    /// The variables in network order (JSON objects are unordered).
    var variables: [String]
    /// `P(assignment, evidence)` and `P(assignment | evidence)`.
    var jointProbability: Double
    var posteriorProbability: Double
    var logJointProbability: Double
}

extension QueryService {
    /// The MPE of the request's evidence (targets ignored), or with `mapOverTargets` the
    /// MAP assignment of the targets.
    public func explain(_ request: QueryRequest, mapOverTargets: Bool) throws -> ExplanationResult {
        let evidence = try request.findings.evidence(in: network)
        let ve = VariableElimination(network)
        let vars: [Int], states: [Int], logP: Double, logPosterior: Double
        if mapOverTargets {
            guard !request.targets.isEmpty else { throw WorkbenchError.usage("--map needs at least one target variable") }
            let r = try ve.maximumAPosteriori(of: try request.targets.map { name throws in try network.require(name) }, given: evidence)
            (vars, states, logP, logPosterior) = (r.variables, r.states, r.logProbability, r.logPosterior)
        } else {
            let r = try ve.mostProbableExplanation(given: evidence)
            (vars, states, logP, logPosterior) = (Array(network.variables.indices), r.states, r.logProbability, r.logPosterior)
        }
        var a: [String: String] = [:]
        for (v, s) in zip(vars, states) { a[network.variables[v].name] = network.variables[v].states[s] }
        return ExplanationResult(kind: mapOverTargets ? "MAP" : "MPE", assignment: a, variables: vars.map { network.variables[$0].name },
                                 jointProbability: exp(logP), posteriorProbability: exp(logPosterior), logJointProbability: logP)
    }
}

// MARK: text

extension QueryResult {
    /// The answer as the REPL and the command line print it: `given FINDINGS` (unless there
    /// are none), each target's posterior as a bar chart, the joint as a table when several
    /// targets were asked, and P(evidence) when there is evidence.
    public func text(given findings: String) -> String {
        var parts: [String] = []
        if findings != "(none)" { parts.append("given \(findings)") }
        for m in marginals { parts.append(BarChart.render(title: m.variable, labels: m.states, values: m.probabilities)) }
        if let rows = joint, let vars = jointVariables {
            let table = [vars + ["P"]] + rows.map { $0.states + [BarChart.formatProbability($0.probability)] }
            parts.append("joint P(\(vars.joined(separator: ", ")) | evidence):\n" + TextTable.render(table, leftAligned: vars.count, indent: "  "))
        }
        if findings != "(none)" { parts.append("P(evidence) = \(BarChart.formatProbability(probabilityOfEvidence))") }
        return parts.joined(separator: "\n")
    }
}

extension ExplanationResult {
    /// `MPE given FINDINGS:` (or `MAP`), one row per variable, then the joint and posterior
    /// probabilities of the assignment.
    public func text(given findings: String) -> String {
        let rows = [["variable", "state"]] + variables.map { [$0, assignment[$0]!] }
        return "\(kind) given \(findings):\n" + TextTable.render(rows, leftAligned: 2, indent: "  ")
            + "\nP(\(kind), evidence) = \(BarChart.formatProbability(jointProbability)); P(\(kind) | evidence) = \(BarChart.formatProbability(posteriorProbability))"
    }
}
