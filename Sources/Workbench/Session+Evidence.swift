import BNCore

extension Session {
    /// Observes `VAR = STATE` for each pair (validated; replaces an earlier observation and
    /// any intervention on the same variable).
    public func observe(_ assignments: [(String, String)]) throws { try set(assignments, \.evidence, dropping: \.interventions) }

    /// Sets likelihood (virtual) evidence on a variable: one non-negative weight per state.
    public func setSoft(_ name: String, _ weights: [Double]) throws {
        _ = try FindingSet(soft: [name: weights]).evidence(in: network)
        findings.soft[name] = weights
    }

    /// Sets interventions `do(VAR = STATE)` (replacing an observation of the same variable).
    public func intervene(_ assignments: [(String, String)]) throws { try set(assignments, \.interventions, dropping: \.evidence) }

    /// Checks every pair, then sets each in `kind` and drops the variable from `other`.
    private func set(_ assignments: [(String, String)], _ kind: WritableKeyPath<FindingSet, [String: String]>,
                     dropping other: WritableKeyPath<FindingSet, [String: String]>) throws {
        for (n, s) in assignments { _ = try FindingSet(evidence: [n: s]).evidence(in: network) }
        for (n, s) in assignments { findings[keyPath: kind][n] = s; findings[keyPath: other][n] = nil }
    }

    /// Removes every finding (hard, soft, do) on the named variables.
    public func retract(_ names: [String]) throws {
        for n in names {
            guard findings.evidence[n] != nil || findings.soft[n] != nil || findings.interventions[n] != nil else {
                _ = try network.require(n)
                throw WorkbenchError.usage("there is no evidence on '\(n)' to retract")
            }
        }
        for n in names { findings.evidence[n] = nil; findings.soft[n] = nil; findings.interventions[n] = nil }
    }

    /// Removes all evidence, likelihoods and interventions.
    public func clearEvidence() {
        findings = FindingSet()
    }

    /// The most probable explanation of the current findings.
    public func mostProbableExplanation() throws -> ExplanationResult {
        try queryService.explain(QueryRequest(targets: [], findings: findings), mapOverTargets: false)
    }

    // MARK: scenarios

    /// Saves the current findings under `name` (replacing a scenario of that name).
    func saveScenario(_ name: String) {
        if scenarios[name] == nil { scenarioOrder.append(name) }
        scenarios[name] = findings
    }

    /// Makes a saved scenario's findings the current ones.
    func loadScenario(_ name: String) throws {
        guard let s = scenarios[name] else { throw unknownScenario(name) }
        findings = s
    }

    func unknownScenario(_ name: String) -> WorkbenchError {
        .usage(scenarioOrder.isEmpty
            ? "no scenario '\(name)': none saved yet (scenario save NAME)"
            : "no scenario '\(name)'; saved: \(scenarioOrder.joined(separator: ", "))")
    }

    /// The posterior of `target` under each named scenario (`current` = the current
    /// findings, unless a scenario has that name).
    public func compareScenarios(target: String, names: [String]) throws -> ScenarioComparison {
        let t = try network.require(target)
        guard !names.isEmpty else { throw WorkbenchError.usage("name at least one scenario to compare") }
        var columns: [ScenarioComparison.Column] = []
        for n in names {
            let s: FindingSet
            if let saved = scenarios[n] { s = saved } else if n == "current" { s = findings } else { throw unknownScenario(n) }
            let r = try queryService.answer(QueryRequest(targets: [target], findings: s))
            columns.append(.init(scenario: n, findings: s.description(in: network), probabilities: r.marginals[0].probabilities,
                                 probabilityOfEvidence: r.probabilityOfEvidence))
        }
        return ScenarioComparison(target: target, states: network.variables[t].states, columns: columns)
    }
}

/// The posterior of one target under several scenarios, side by side.
public struct ScenarioComparison: Codable, Sendable, Equatable {
    struct Column: Codable, Sendable, Equatable {
        var scenario: String
        /// The scenario's findings in words.
        var findings: String
        var probabilities: [Double]
        var probabilityOfEvidence: Double
    }
    var target: String
    var states: [String]
    var columns: [Column]
}

extension Session {
    /// Explains `P(target = state | current findings)` (`state` nil: the target's most
    /// probable state): the impact of each finding, the `top` most sensitive CPT parameters
    /// and the value of information of each unobserved variable (`Explainer`).
    public func explain(target: String, state: String?, top: Int = 10) throws -> Explanation {
        let x: Explainer
        if let cached = cachedExplainer { x = cached } else { x = try Explainer(network: network); cachedExplainer = x }
        var r = try x.explain(target: target, state: state, findings: findings, top: top)
        try r.addDecisionValues(network, decisions, findings: findings)
        return r
    }
}
