import Foundation
import BNFormats

/// A file of seeded queries with exact answers (format: ../shared/reference/README.md):
/// the network's name, its states, and for each query a target, hard evidence by names,
/// the posterior of the target, P(evidence) and (optionally) every marginal.
public struct ReferenceQueries: Codable, Sendable {
    public struct Query: Codable, Sendable {
        var target: String
        var evidence: [String: String]
        var posterior: [Double]
        var p_evidence: Double
        var all_marginals: [String: [Double]]?
    }

    var network: String
    var states: [String: [String]]
    public var queries: [Query]
    /// Who computed the answers; generated files say "credence" (not an independent check).
    var reference: String?

    /// Reads a reference file; errors name the file.
    static func load(path: String) throws -> ReferenceQueries {
        let data = Data(try SourceText.load(path: path).bytes)
        do { return try JSONDecoder().decode(ReferenceQueries.self, from: data) } catch {
            throw WorkbenchError.io(path: path, reason: "not a reference-query file: \(error)")
        }
    }
}

extension ReferenceQueries {
    /// Seeded queries for a network that has no reference file, drawn the way the shared
    /// reference files were: an ancestral sample first, then per query a uniform target and
    /// `evidenceFraction` of the other variables observed at their sampled states (so
    /// P(evidence) > 0). Answers come from Credence's variable elimination and are marked so.
    static func generate(for network: BayesianNetwork, name: String, count: Int = 20,
                                evidenceFraction: Double = 0.1, seed: UInt64 = 20240601) throws -> ReferenceQueries {
        var rng = SplitMix64(seed: seed)
        let sample = ForwardSampler(network).sample(rows: count, seed: seed ^ 0x5eed)
        let ve = VariableElimination(network)
        var queries: [Query] = []
        for i in 0..<count {
            let target = Int.random(in: 0..<network.count, using: &rng)
            var others = Array(0..<network.count).filter { $0 != target }
            others.shuffle(using: &rng)
            let k = max(1, Int((evidenceFraction * Double(network.count)).rounded()))
            var evidence: [String: String] = [:]
            var hard: [Int: Int] = [:]
            for v in others.prefix(k) {
                let s = Int(sample.columns[v][i])
                evidence[network.variables[v].name] = network.variables[v].states[s]
                hard[v] = s
            }
            let e = Evidence(hard: hard)
            queries.append(Query(target: network.variables[target].name, evidence: evidence,
                                 posterior: try ve.posterior(of: target, given: e),
                                 p_evidence: try ve.probabilityOfEvidence(e)))
        }
        return ReferenceQueries(network: name, states: Dictionary(uniqueKeysWithValues: network.variables.map { ($0.name, $0.states) }),
                                queries: queries, reference: "credence variable elimination (generated, not independent)")
    }
}

import BNCore
import BNInference
