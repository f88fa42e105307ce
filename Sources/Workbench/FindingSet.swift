import BNCore
import Foundation

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
            parts.append("soft(\(n)=\(soft[n]!.map { Dataset.valueText($0) }.joined(separator: ",")))")
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
