import BNCore
import BNInference

/// The E-step through the junction tree: one tree per EM iteration (CPTs change, the
/// structure and its compiled programs do not), evidence set per distinct row, and each
/// family's posterior `P(x_v, x_pa(v) | e)` read from the calibrated tree.
/// Families whose variables are all observed in the row get their indicator directly.
public struct JunctionTreeExpectation: ExpectationEngine {
    let tree: JunctionTree
    let families: [[Int]]
    let cardinalities: [Int]

    public init(_ network: BayesianNetwork) throws {
        tree = try JunctionTree(network)
        families = network.families
        cardinalities = network.cardinalities
    }

    public mutating func accumulate(evidence: [Int32], weight: Double, into counts: inout [[Double]]) throws -> Double {
        var hard: [Int: Int] = [:]
        for (v, s) in evidence.enumerated() where s >= 0 { hard[v] = Int(s) }
        try tree.setEvidence(Evidence(hard: hard))
        let logP = try tree.logProbabilityOfEvidence()
        for (v, family) in families.enumerated() {
            if family.allSatisfy({ evidence[$0] >= 0 }) {
                var cell = 0
                for u in family { cell = cell * cardinalities[u] + Int(evidence[u]) }
                counts[v][cell] += weight
                continue
            }
            let joint = try tree.joint(of: family)
            counts[v].withUnsafeMutableBufferPointer { out in
                for (i, p) in joint.values.enumerated() { out[i] += weight * p }
            }
        }
        return logP
    }
}
