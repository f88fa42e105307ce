import Testing
import BNCore
@testable import BNInference

@Suite("Batched posteriors over dataset rows")
struct BatchedInferenceTests {
    /// A dataset sampled from `net` with each cell missing with probability `missing`.
    func sample(_ net: BayesianNetwork, rows: Int, missing: Double, seed: UInt64) -> Dataset {
        var rng = SplitMix64(seed: seed)
        var columns = [[Int32]](repeating: [], count: net.count)
        for _ in 0..<rows {
            let x = RandomNetworks.forwardSample(net, &rng)
            for v in 0..<net.count { columns[v].append(rng.nextUnit() < missing ? Dataset.missing : Int32(x[v])) }
        }
        return Dataset(names: net.names, states: net.variables.map(\.states), columns: columns)
    }

    @Test("every row matches a single query; log P(e) per row", arguments: [0.0, 0.3, 0.7])
    func matchesSingleQueries(missing: Double) throws {
        for seed in UInt64(1)...6 {
            let net = RandomNetworks.make(seed: seed, variables: 9, zeroFraction: 0)
            let data = sample(net, rows: 150, missing: missing, seed: seed)
            let ve = VariableElimination(net)
            let target = Int(seed) % net.count
            let batch = try ve.posteriors(of: target, for: data, withLogEvidence: true)
            let plain = try ve.posteriors(of: target, for: data)
            // Every pattern sliced separately, or every row through the indicator plan.
            let sliced = try ve.posteriors(of: target, for: data, withLogEvidence: true, minimumGroupRows: 1)
            let pooled = try ve.posteriors(of: target, for: data, withLogEvidence: true, minimumGroupRows: Int.max)
            #expect(batch.rowCount == 150)
            #expect(maxAbsDiff(batch.values, plain.values) < 1e-12)
            #expect(maxAbsDiff(batch.values, sliced.values) < 1e-12)
            #expect(maxAbsDiff(batch.values, pooled.values) < 1e-12)
            #expect(maxAbsDiff(sliced.logEvidence!, pooled.logEvidence!) < 1e-10)
            let reference = VariableElimination(net)
            for r in 0..<data.rowCount {
                var e = Evidence()
                for v in 0..<net.count where v != target && data.columns[v][r] >= 0 { e.hard[v] = Int(data.columns[v][r]) }
                let expected = try reference.posterior(of: target, given: e)
                #expect(maxAbsDiff(Array(batch[r]), expected) < 1e-12, "seed \(seed) row \(r)")
                let lp = try reference.logProbabilityOfEvidence(e)
                #expect(abs(batch.logEvidence![r] - lp) < 1e-10)
            }
        }
    }

    @Test("rows are grouped by pattern, one plan each, and chunked")
    func patterns() throws {
        let net = RandomNetworks.make(seed: 11, variables: 8, zeroFraction: 0)
        // Two patterns only: everything observed, or column 1 missing.
        var data = sample(net, rows: 300, missing: 0, seed: 4)
        for r in stride(from: 0, to: 300, by: 2) { data.columns[1][r] = Dataset.missing }
        let ve = VariableElimination(net)
        let small = try ve.posteriors(of: 0, for: data, workingSetEntries: 64)
        #expect(small.patternCount == 2)
        let big = try ve.posteriors(of: 0, for: data)
        #expect(maxAbsDiff(small.values, big.values) < 1e-12)
        // Threads only change who runs a chunk, never the answer.
        let one = try ve.posteriors(of: 0, for: data, withLogEvidence: true, workingSetEntries: 64, threads: 1)
        let two = try ve.posteriors(of: 0, for: data, withLogEvidence: true, workingSetEntries: 64, threads: 2)
        #expect(one == two)
    }

    @Test("with the target column kept, observed targets are point masses", arguments: [1, Int.max])
    func observedTarget(minimumGroupRows: Int) throws {
        let net = RandomNetworks.make(seed: 21, variables: 6, zeroFraction: 0)
        let data = sample(net, rows: 60, missing: 0.4, seed: 2)
        let ve = VariableElimination(net)
        let out = try ve.posteriors(of: 2, for: data, ignoringTargetColumn: false, withLogEvidence: true,
                                    minimumGroupRows: minimumGroupRows)
        for r in 0..<data.rowCount {
            var e = Evidence()
            for v in 0..<net.count where data.columns[v][r] >= 0 { e.hard[v] = Int(data.columns[v][r]) }
            #expect(maxAbsDiff(Array(out[r]), try ve.posterior(of: 2, given: e)) < 1e-12)
            #expect(abs(out.logEvidence![r] - (try ve.logProbabilityOfEvidence(e))) < 1e-10)
        }
    }

    @Test("an impossible row names the row and its findings")
    func impossibleRow() throws {
        var net = BayesianNetwork(name: "zero")
        let a = try net.addVariable(Variable(name: "Plan", states: ["basic", "gold"]))
        let b = try net.addVariable(Variable(name: "Churn", states: ["yes", "no"]))
        let c = try net.addVariable(Variable(name: "Call", states: ["yes", "no"]))
        try net.addEdge(from: a, to: b)
        try net.addEdge(from: b, to: c)
        try net.setCPT(c, Factor(scope: net.familyScope(of: c), values: [1, 0, 0.5, 0.5]))
        let data = Dataset(names: ["Plan", "Churn", "Call"], states: net.variables.map(\.states),
                           columns: [[0, 1, -1], [-1, 0, 0], [1, 1, 1]])
        let ve = VariableElimination(net)
        do {
            _ = try ve.posteriors(of: a, for: data, withLogEvidence: true)
            Issue.record("expected an error")
        } catch {
            #expect(error == .impossibleEvidenceInRow(row: 1, evidence: ["Churn=yes", "Call=no"]))
        }
    }
}

@Suite("Batched junction-tree calibration")
struct BatchedJunctionTreeTests {
    @Test("per-row log P(e), clique beliefs and weighted family marginals match the junction tree")
    func matchesTheJunctionTree() throws {
        for seed in UInt64(1)...4 {
            let net = RandomNetworks.make(seed: seed, variables: 8, zeroFraction: 0)
            var rng = SplitMix64(seed: seed + 100)
            let rows: [[Int32]] = (0..<40).map { _ in
                RandomNetworks.forwardSample(net, &rng).map { rng.nextUnit() < 0.4 ? -1 : Int32($0) }
            }
            let weights = (0..<rows.count).map { Double($0 % 3 + 1) }
            let batched = try BatchedJunctionTree(net)
            let calibration = try batched.calibrate(rows)
            let tree = try JunctionTree(net)
            var expected = (0..<net.count).map { v in [Double](repeating: 0, count: net.cpts[v].values.count) }
            for (i, row) in rows.enumerated() {
                var e = Evidence()
                for v in 0..<net.count where row[v] >= 0 { e.hard[v] = Int(row[v]) }
                try tree.setEvidence(e)
                #expect(abs(calibration.logEvidence[i] - (try tree.logProbabilityOfEvidence())) < 1e-10)
                for v in 0..<net.count {
                    let joint = try tree.joint(of: net.parents(of: v) + [v]).values
                    for (x, p) in joint.enumerated() { expected[v][x] += weights[i] * p }
                }
            }
            var counts = (0..<net.count).map { v in [Double](repeating: 0, count: net.cpts[v].values.count) }
            try calibration.addFamilyMarginals(weights: weights, into: &counts)
            for v in 0..<net.count { #expect(maxAbsDiff(counts[v], expected[v]) < 1e-10, "seed \(seed) family \(v)") }
            // A belief sums to one in every row.
            let belief = try calibration.belief(0).reordered(to: [batched.rowLabel] + batched.structure.cliques[0])
            let width = belief.values.count / rows.count
            for i in 0..<rows.count { #expect(abs(belief.values[(i * width)..<((i + 1) * width)].reduce(0, +) - 1) < 1e-12) }
        }
    }

    @Test func anImpossibleRowNamesItsFindings() throws {
        var net = BayesianNetwork(name: "n")
        let a = try net.addVariable(Variable(name: "A", states: ["a0", "a1"]))
        let b = try net.addVariable(Variable(name: "B", states: ["b0", "b1"]))
        try net.addEdge(from: a, to: b)
        try net.setCPT(a, Factor(scope: net.familyScope(of: a), values: [1, 0]))
        try net.setCPT(b, Factor(scope: net.familyScope(of: b), values: [0.5, 0.5, 0.5, 0.5]))
        #expect(throws: InferenceError.impossibleEvidence(["A=a1", "B=b0"])) {
            try BatchedJunctionTree(net).calibrate([[0, -1], [1, 0]])
        }
    }
}

