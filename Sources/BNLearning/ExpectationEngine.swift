import BNCore

/// The E-step of EM for one network: posterior family marginals given a row's evidence.
///
/// For a row with observed cells `e` (state index, or -1 when missing), an engine adds
/// `w · P(x_v, x_pa(v) | e)` to the expected counts of every family `v` (laid out like the
/// CPT: parents row-major, child last) and returns `ln P(e)`. Engines are built per EM
/// iteration from the current parameters.
public protocol ExpectationEngine {
    /// Adds `weight · P(family | evidence)` into `counts[v]` for every variable `v` and returns
    /// `ln P(evidence)`. `evidence[v]` is the observed state of `v` or -1.
    mutating func accumulate(evidence: [Int32], weight: Double, into counts: inout [[Double]]) throws -> Double

    /// The same for many rows; returns `Σ w · ln P(evidence)`. Engines that batch rows
    /// override it; the default visits the rows one by one.
    mutating func accumulate(rows: ArraySlice<(evidence: [Int32], weight: Double)>, into counts: inout [[Double]]) throws -> Double
}

extension ExpectationEngine {
    public mutating func accumulate(rows: ArraySlice<(evidence: [Int32], weight: Double)>, into counts: inout [[Double]]) throws -> Double {
        var ll = 0.0
        for (e, w) in rows { ll += w * (try accumulate(evidence: e, weight: w, into: &counts)) }
        return ll
    }
}

/// An exact engine by enumeration of the joint: for tests and tiny networks only
/// (the joint must fit the memory budget).
public struct EnumerationExpectation: ExpectationEngine {
    let network: BayesianNetwork
    let joint: [Double]
    let cards: [Int]

    public init(_ network: BayesianNetwork) throws {
        self.network = network
        cards = network.cardinalities
        var j = Factor.constant(1)
        for f in network.cpts { j = try j.multiplying(f) }
        joint = j.reordered(to: Array(0..<network.count)).values
    }

    public mutating func accumulate(evidence: [Int32], weight: Double, into counts: inout [[Double]]) throws -> Double {
        let n = cards.count
        var states = [Int](repeating: 0, count: n)
        var pe = 0.0
        var contributions: [(Int, Double, [Int])] = []
        for (index, p) in joint.enumerated() {
            var rest = index
            for v in stride(from: n - 1, through: 0, by: -1) { states[v] = rest % cards[v]; rest /= cards[v] }
            if (0..<n).contains(where: { evidence[$0] >= 0 && Int(evidence[$0]) != states[$0] }) { continue }
            pe += p
            contributions.append((index, p, states))
        }
        guard pe > 0 else { throw LearningError.invalidOption("a row of the data has probability 0 under the model") }
        for (_, p, s) in contributions {
            for v in 0..<n {
                var cell = 0
                for u in network.parents(of: v) + [v] { cell = cell * cards[u] + s[u] }
                counts[v][cell] += weight * p / pe
            }
        }
        return log(pe)
    }
}

import Foundation
