import BNCore

/// The most probable explanation: a state for every variable maximising the joint with
/// the evidence.
public struct MostProbableExplanation: Sendable, Equatable {
    /// One state index per variable of the network (observed and intervened variables at
    /// their given states).
    public let states: [Int]
    /// `log P(x*, e)`: the joint of the explanation and the evidence (times the soft
    /// findings' likelihoods; in the mutilated network under interventions).
    public let logProbability: Double
    /// `log P(x* | e) = log P(x*, e) − log P(e)`.
    public let logPosterior: Double

    /// `P(x*, e)`.
    public var probability: Double { exp(logProbability) }
    /// `P(x* | e)`.
    public var posterior: Double { exp(logPosterior) }
}

/// A maximum a posteriori assignment of a chosen subset of variables.
public struct MaximumAPosteriori: Sendable, Equatable {
    /// The MAP variables, as asked.
    public let variables: [Int]
    /// One state per MAP variable.
    public let states: [Int]
    /// `log P(m*, e) = log max_m Σ_{rest} P(m, rest, e)`.
    public let logProbability: Double
    /// `log P(m* | e)`.
    public let logPosterior: Double

    public var probability: Double { exp(logProbability) }
    public var posterior: Double { exp(logPosterior) }
}

/// Max-product elimination (Dawid 1992, "Applications of a general propagation algorithm
/// for probabilistic expert systems": max-propagation; here in bucket form, Dechter 1999).
///
/// MPE: `x* = argmax_x ∏_v P(x_v | x_pa(v)) · ∏ 1[e] · ∏ λ`. Every free variable is
/// eliminated by `max` in a heuristic order; each bucket's product is max-marginalised by
/// `Factor.maxingOut`, which also records the maximising state for every configuration of
/// the bucket's other variables. The traceback visits the variables in reverse order and
/// reads each one's state from its arg-max table given the states already chosen.
///
/// MAP over `M`: `m* = argmax_m Σ_{X \ M} P(m, x, e)`. Sums and maxima do not commute, so
/// the order is constrained: every non-MAP variable is summed out first (through
/// `Factor.contract`), then the MAP variables are max-eliminated as above. Barren
/// variables (outside the ancestors of `M` and the evidence) are pruned first.
///
/// Each bucket result is normalised and its log scale carried, so long products do not
/// underflow. Ties keep the first configuration in row-major order.
extension VariableElimination {
    /// The most probable explanation of the evidence.
    public func mostProbableExplanation(given evidence: Evidence) throws(InferenceError) -> MostProbableExplanation {
        let f = try Findings(evidence, in: network)
        let all = [Bool](repeating: true, count: network.count)
        let free = (0..<network.count).filter { f.fixed[$0] < 0 }
        let r = try maxProduct(findings: f, relevant: all, sumVariables: [], maxVariables: free)
        var states = f.fixed
        for (v, s) in r.states { states[v] = s }
        let logE = try logProbabilityOfEvidence(evidence)
        return MostProbableExplanation(states: states, logProbability: r.logValue, logPosterior: r.logValue - logE)
    }

    /// The MAP assignment of `variables` given the evidence (the others summed out).
    public func maximumAPosteriori(of variables: [Int], given evidence: Evidence) throws(InferenceError) -> MaximumAPosteriori {
        try checkTargets(variables)
        let f = try Findings(evidence, in: network)
        let relevant = RelevancePruning.ancestralSet(network, targets: variables, evidence: f.pattern)
        let isMAP = Set(variables)
        let maxVars = variables.filter { f.fixed[$0] < 0 }
        let sumVars = (0..<network.count).filter { relevant[$0] && f.fixed[$0] < 0 && !isMAP.contains($0) }
        let r = try maxProduct(findings: f, relevant: relevant, sumVariables: sumVars, maxVariables: maxVars)
        let states = variables.map { f.fixed[$0] >= 0 ? f.fixed[$0] : r.states[$0]! }
        let logE = try logProbabilityOfEvidence(evidence)
        return MaximumAPosteriori(variables: variables, states: states, logProbability: r.logValue,
                                  logPosterior: r.logValue - logE)
    }

    /// Sums out `sumVariables`, then max-eliminates `maxVariables`, over the CPTs of the
    /// `relevant` variables sliced at the findings; returns the maximisers and
    /// `log max Σ …` (including the findings' constant).
    private func maxProduct(findings f: Findings, relevant: [Bool], sumVariables: [Int],
                            maxVariables: [Int]) throws(InferenceError) -> (states: [Int: Int], logValue: Double) {
        var fixed: [Int: Int] = [:]
        for v in f.fixedVariables { fixed[v] = f.fixed[v] }
        var pool: [Factor] = []
        for v in 0..<network.count where relevant[v] && !f.intervened[v] {
            pool.append(network.cpts[v].reduced(to: fixed))
        }
        for v in f.softVariables where relevant[v] {
            pool.append(try factor([v], f.soft[v]!))
        }
        let order = EliminationOrdering.order(scopes: pool.map(\.scope.variables), phases: [sumVariables, maxVariables],
                                              cardinality: { self.network.variables[$0].cardinality },
                                              heuristic: heuristic)
        let maxSet = Set(maxVariables)
        var logScale = f.logConstant
        var traces: [(Int, ArgMaxTable)] = []
        for x in order {
            let bucket = pool.filter { $0.scope.contains(x) }
            if bucket.isEmpty { continue }
            pool.removeAll { $0.scope.contains(x) }
            var result: Factor
            if maxSet.contains(x) {
                var product = bucket[0]
                for g in bucket.dropFirst() { product = try budgeted { () throws(FactorError) in try product.multiplying(g) } }
                let (m, arg) = product.maxingOut([x])
                traces.append((x, arg))
                result = m
            } else {
                result = try budgeted { () throws(FactorError) in try Factor.contract(bucket, eliminating: [x]) }
            }
            let (normalized, z) = result.normalized()
            guard z > 0 else { throw .impossibleEvidence(f.words) }
            logScale += log(z)
            pool.append(normalized)
        }
        for g in pool {
            let z = g.sum
            guard z > 0 else { throw .impossibleEvidence(f.words) }
            logScale += log(z)
        }
        var states: [Int: Int] = [:]
        for (x, arg) in traces.reversed() {
            states[x] = arg.states(given: states)[x]!
        }
        return (states, logScale)
    }

    private func factor(_ vars: [Int], _ values: [Double]) throws(InferenceError) -> Factor {
        try budgeted { () throws(FactorError) in
            try Factor(scope: Scope(vars, cardinalities: vars.map { network.variables[$0].cardinality }), values: values)
        }
    }

    /// Runs a factor operation, turning a budget error into one naming the variables.
    func budgeted<T>(_ body: () throws(FactorError) -> T) throws(InferenceError) -> T {
        do { return try body() } catch {
            switch error {
            case .overBudget(let scope, let bytes, let budget):
                throw .memoryBudgetExceeded(clique: scope.variables.map(labelName),
                                            entries: bytes / MemoryLayout<Double>.stride, bytes: bytes, budget: budget)
            case .sizeOverflow(let scope):
                throw .memoryBudgetExceeded(clique: scope.variables.map(labelName), entries: Int.max,
                                            bytes: Int.max, budget: MemoryBudget.current.bytes)
            default:
                throw .model(.factor(error))
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
