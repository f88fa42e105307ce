import BNCore
import FactorKernels
import Foundation

/// The junction tree calibrated for many rows at once: one Shafer–Shenoy pass (Shafer &
/// Shenoy 1990) in which every table carries a row axis `r` (label `rowLabel`), for EM's
/// batched E-step.
///
/// Evidence enters as indicator tables `I_v[r, x] = 1[x = e_v(r)]` (all ones where row `r`
/// misses `v`), each multiplied into `v`'s home clique, so rows with different missingness
/// patterns share one computation. With `ψ_c[r, C] = ∏_{CPTs at c} P · ∏_{v homed at c} I_v`:
///
/// - collect: `μ_{c→p}[r, S] = Σ_{C∖S} ψ_c ∏_{k child of c} μ_{k→c}`, normalised per row
///   (the log of each row's scale carried), so `ln P(e_r) = ln Z_root[r] + Σ scales`;
/// - distribute: `μ_{p→c}[r, S] = Σ_{P∖S} ψ_p μ_{parent→p} ∏_{k ≠ c} μ_{k→p}`;
/// - beliefs: `β_c[r, C] ∝ ψ_c · all incoming messages = P(C | e_r)`; a family `F` homed at
///   `c` gets `Σ_r w_r β_c[r, x_F]` in one contraction with the weight vector.
///
/// Every product-and-sum is one `Factor.contract`, where `r` is a shared kept axis: the
/// batch axis of the GEMMs (DESIGN.md, "Batched evidence"). Unlike `JunctionTree`, nothing
/// is sliced at the findings, so a row costs the whole clique state space: this pays on
/// networks with small cliques (`ExpectationEngines` in BNLearning chooses).
public struct BatchedJunctionTree: Sendable {
    public let network: BayesianNetwork
    public let structure: JunctionTreeStructure
    /// `Π` of the CPTs assigned to each clique, over the clique's variables.
    let cliquePotentials: [Factor]

    /// The label of the row axis in batched tables (one past the last variable).
    public var rowLabel: Int { network.count }

    /// Prepares the clique potentials of `network` over `structure` (by default the tree
    /// `JunctionTreeStructure(network)` builds).
    public init(_ network: BayesianNetwork, structure given: JunctionTreeStructure? = nil) throws(InferenceError) {
        self.network = network
        let structure: JunctionTreeStructure
        if let given { structure = given } else { structure = try JunctionTreeStructure(network) }
        self.structure = structure
        var potentials: [Factor] = []
        do {
            for c in structure.cliques.indices {
                var phi = try Factor.contract(structure.assignedFamilies[c].map { network.cpts[$0] }, eliminating: [])
                // Cover the whole clique so every message has its full separator.
                let missing = structure.cliques[c].filter { !phi.scope.contains($0) }
                if !missing.isEmpty {
                    phi = try phi.multiplying(Factor(scope: Scope(missing, cardinalities: missing.map { network.variables[$0].cardinality }),
                                                     filledWith: 1))
                }
                potentials.append(phi)
            }
        } catch { throw .model(.factor(error)) }
        cliquePotentials = potentials
    }

    /// How many rows to calibrate at once so the largest batched clique table holds about
    /// `workingSetEntries` entries (at least 16 rows).
    public func rowsPerCalibration(workingSetEntries: Int) -> Int {
        max(16, workingSetEntries / max(1, structure.cliqueEntries.max() ?? 1))
    }

    /// Calibrates the tree for `rows`: `rows[i][v]` is the observed state of `v` in row `i`,
    /// or -1 when missing.
    /// - Throws: `impossibleEvidence` naming the findings of the first row with probability zero.
    public func calibrate(_ rows: [[Int32]]) throws(InferenceError) -> Calibration {
        let outcome: Result<Calibration, ImpossibleRow>
        do { outcome = try calibrateFactors(rows) } catch { throw .model(.factor(error)) }
        switch outcome {
        case .success(let calibration): return calibration
        case .failure(let impossible):
            throw .impossibleEvidence(network.variables.indices.compactMap { v in
                let s = rows[impossible.row][v]
                return s >= 0 ? "\(network.variables[v].name)=\(network.variables[v].states[Int(s)])" : nil
            })
        }
    }

    /// A calibrated batch: `P(e_r)` per row and the clique beliefs.
    public struct Calibration: Sendable {
        let tree: BatchedJunctionTree
        let rowCount: Int
        let psi: [Factor]
        let up: [Factor?]
        let down: [Factor?]
        /// `ln P(e_r)` for each row.
        public let logEvidence: [Double]

        /// `P(C | e_r)` over the row axis and clique `c`'s variables (normalised per row).
        public func belief(_ c: Int) throws(InferenceError) -> Factor {
            var operands = [psi[c]]
            if let d = down[c] { operands.append(d) }
            for k in tree.structure.children[c] { operands.append(up[k]!) }
            do { return try tree.normalizedPerRow(try Factor.contract(operands, eliminating: [])).0 } catch { throw .model(.factor(error)) }
        }

        /// Adds `Σ_r weights[r] · P(x_v, x_pa(v) | e_r)` to `counts[v]` for every variable `v`
        /// (laid out like its CPT: parents row-major, child last).
        public func addFamilyMarginals(weights: [Double], into counts: inout [[Double]]) throws(InferenceError) {
            let r = tree.rowLabel
            let structure = tree.structure
            let w: Factor
            do { w = try Factor(scope: Scope([r], cardinalities: [rowCount]), values: weights) } catch { throw .model(.factor(error)) }
            for c in structure.cliques.indices where !structure.assignedFamilies[c].isEmpty {
                let belief = try belief(c)
                for v in structure.assignedFamilies[c] {
                    let family = tree.network.parents(of: v) + [v]
                    let drop = belief.scope.variables.filter { $0 != r && !family.contains($0) } + [r]
                    let expected: Factor
                    do { expected = try Factor.contract([belief, w], eliminating: drop).reordered(to: family) } catch { throw .model(.factor(error)) }
                    for (i, x) in expected.values.enumerated() { counts[v][i] += x }
                }
            }
        }
    }

    /// `f` scaled to sum to one along every row, and the row sums.
    func normalizedPerRow(_ f: Factor) throws(FactorError) -> (Factor, [Double]) {
        var values = f.values
        let sums = TableKernels.normalize(&values, f.scope.axes, along: rowLabel)
        return (try Factor(scope: f.scope, values: values), sums)
    }

    private func calibrateFactors(_ rows: [[Int32]]) throws(FactorError) -> Result<Calibration, ImpossibleRow> {
        let R = rows.count
        let r = rowLabel
        // ψ_c: clique potential times the indicators of the variables homed there.
        var psi: [Factor] = []
        psi.reserveCapacity(structure.cliques.count)
        for c in structure.cliques.indices {
            var operands = [cliquePotentials[c]]
            for v in structure.homedVariables[c] {
                let k = network.variables[v].cardinality
                var observedSomewhere = false
                var table = [Double](repeating: 1, count: R * k)
                for (i, row) in rows.enumerated() {
                    let s = Int(row[v])
                    if s >= 0 {
                        observedSomewhere = true
                        for x in 0..<k where x != s { table[i * k + x] = 0 }
                    }
                }
                if observedSomewhere { operands.append(try Factor(scope: Scope([r, v], cardinalities: [R, k]), values: table)) }
            }
            if operands.count == 1 {
                // No evidence here: give the table its row axis so every message has one.
                operands.append(try Factor(scope: Scope([r], cardinalities: [R]), filledWith: 1))
            }
            psi.append(try Factor.contract(operands, eliminating: []))
        }
        // Collect.
        var up = [Factor?](repeating: nil, count: structure.cliques.count)
        var upLog = [[Double]](repeating: [], count: structure.cliques.count)
        for c in structure.preorder.reversed() where structure.parent[c] >= 0 {
            let keep = Set(structure.separators[c] + [r])
            let operands = [psi[c]] + structure.children[c].map { up[$0]! }
            let eliminate = (structure.cliques[c]).filter { !keep.contains($0) }
            let (m, sums) = try normalizedPerRow(try Factor.contract(operands, eliminating: eliminate))
            var logs = sums.map { log($0) }
            for k in structure.children[c] { for i in 0..<R { logs[i] += upLog[k][i] } }
            up[c] = m
            upLog[c] = logs
        }
        // The root (one tree: clique 0 is the root).
        let root = structure.preorder[0]
        let rootAll = try Factor.contract([psi[root]] + structure.children[root].map { up[$0]! },
                                          eliminating: structure.cliques[root])
        let z = rootAll.reordered(to: [r]).values
        var logP = [Double](repeating: 0, count: R)
        for i in 0..<R {
            guard z[i] > 0 else { return .failure(ImpossibleRow(row: i)) }
            logP[i] = log(z[i])
            for k in structure.children[root] { logP[i] += upLog[k][i] }
        }
        // Distribute.
        var down = [Factor?](repeating: nil, count: structure.cliques.count)
        for c in structure.preorder where structure.parent[c] >= 0 {
            let p = structure.parent[c]
            var operands = [psi[p]]
            if let d = down[p] { operands.append(d) }
            for k in structure.children[p] where k != c { operands.append(up[k]!) }
            let keep = Set(structure.separators[c] + [r])
            let (m, _) = try normalizedPerRow(try Factor.contract(operands, eliminating: structure.cliques[p].filter { !keep.contains($0) }))
            down[c] = m
        }
        return .success(Calibration(tree: self, rowCount: R, psi: psi, up: up, down: down, logEvidence: logP))
    }
}

/// The first row of a batch with probability zero.
private struct ImpossibleRow: Error { let row: Int }
