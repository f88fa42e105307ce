import BNCore
import BNInference
import Foundation

/// A question to a model, by names: targets, hard evidence, likelihoods and interventions.
public struct QueryRequest: Sendable {
    public var targets: [String]
    public var evidence: [String: String]
    public var soft: [String: [Double]]
    public var interventions: [String: String]

    public init(targets: [String], evidence: [String: String] = [:], soft: [String: [Double]] = [:],
                interventions: [String: String] = [:]) {
        self.targets = targets
        self.evidence = evidence
        self.soft = soft
        self.interventions = interventions
    }

    /// Parses `VAR=STATE` items; the error names the bad item.
    public static func assignments(_ items: [String], option: String) throws -> [String: String] {
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

    /// Parses `VAR=P1,P2,...` likelihood items.
    public static func likelihoods(_ items: [String]) throws -> [String: [Double]] {
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
}

/// The answer to a `QueryRequest`.
public struct QueryResult: Codable, Sendable {
    /// One target's posterior.
    public struct Marginal: Codable, Sendable {
        public var variable: String
        public var states: [String]
        public var probabilities: [Double]
    }
    /// A joint posterior over several targets: one row per configuration.
    public struct JointRow: Codable, Sendable {
        public var states: [String]
        public var probability: Double
    }

    public var marginals: [Marginal]
    /// Present when more than one target was asked.
    public var joint: [JointRow]?
    public var jointVariables: [String]?
    /// `P(evidence)` (with interventions applied), and its natural log.
    public var probabilityOfEvidence: Double
    public var logProbabilityOfEvidence: Double
}

/// Answers queries on one network with the junction tree (built once, reused).
public final class QueryService {
    public let network: BayesianNetwork
    private var tree: JunctionTree?

    public init(network: BayesianNetwork) { self.network = network }

    public func answer(_ request: QueryRequest) throws -> QueryResult {
        guard !request.targets.isEmpty else { throw WorkbenchError.usage("name at least one target variable") }
        let evidence = try Evidence(in: network, hard: request.evidence, soft: request.soft, interventions: request.interventions)
        let targets = try request.targets.map { name throws in try network.require(name) }
        if tree == nil { tree = try JunctionTree(network) }
        let jt = tree!
        try jt.setEvidence(evidence)
        let logP = try jt.logProbabilityOfEvidence()
        var marginals: [QueryResult.Marginal] = []
        for t in targets {
            marginals.append(.init(variable: network.variables[t].name, states: network.variables[t].states,
                                   probabilities: try jt.marginal(t)))
        }
        var joint: [QueryResult.JointRow]?
        if targets.count > 1 {
            let f = try jt.joint(of: targets)
            var rows: [QueryResult.JointRow] = []
            let cards = targets.map { network.variables[$0].cardinality }
            for (i, p) in f.values.enumerated() {
                var rest = i
                var states = [String](repeating: "", count: targets.count)
                for k in stride(from: targets.count - 1, through: 0, by: -1) {
                    states[k] = network.variables[targets[k]].states[rest % cards[k]]
                    rest /= cards[k]
                }
                rows.append(.init(states: states, probability: p))
            }
            joint = rows
        }
        return QueryResult(marginals: marginals, joint: joint,
                           jointVariables: targets.count > 1 ? targets.map { network.variables[$0].name } : nil,
                           probabilityOfEvidence: exp(logP), logProbabilityOfEvidence: logP)
    }
}

/// A most probable explanation (all variables) or a MAP assignment (the targets), by names.
public struct ExplanationResult: Codable, Sendable {
    public var kind: String
    public var assignment: [String: String]
    /// The variables in network order (JSON objects are unordered).
    public var variables: [String]
    /// `P(assignment, evidence)` and `P(assignment | evidence)`.
    public var jointProbability: Double
    public var posteriorProbability: Double
    public var logJointProbability: Double
}

extension QueryService {
    /// The MPE of the request's evidence (targets ignored), or with `mapOverTargets` the
    /// MAP assignment of the targets.
    public func explain(_ request: QueryRequest, mapOverTargets: Bool) throws -> ExplanationResult {
        let evidence = try Evidence(in: network, hard: request.evidence, soft: request.soft, interventions: request.interventions)
        let ve = VariableElimination(network)
        if mapOverTargets {
            guard !request.targets.isEmpty else { throw WorkbenchError.usage("--map needs at least one target variable") }
            let vars = try request.targets.map { name throws in try network.require(name) }
            let r = try ve.maximumAPosteriori(of: vars, given: evidence)
            var a: [String: String] = [:]
            for (v, s) in zip(r.variables, r.states) { a[network.variables[v].name] = network.variables[v].states[s] }
            return ExplanationResult(kind: "MAP", assignment: a, variables: vars.map { network.variables[$0].name },
                                     jointProbability: r.probability, posteriorProbability: r.posterior,
                                     logJointProbability: r.logProbability)
        }
        let r = try ve.mostProbableExplanation(given: evidence)
        var a: [String: String] = [:]
        for (v, s) in r.states.enumerated() { a[network.variables[v].name] = network.variables[v].states[s] }
        return ExplanationResult(kind: "MPE", assignment: a, variables: network.names,
                                 jointProbability: r.probability, posteriorProbability: r.posterior,
                                 logJointProbability: r.logProbability)
    }
}
