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
/// Every product-and-sum is one call of the contraction service (`ProgramCache.contract`,
/// compiled on first sight under `CompileRule.messages`) with `r` kept: the batch axis of
/// the GEMMs (DESIGN.md, "Batched evidence"); each message is normalised per row with the
/// log carried. Unlike `JunctionTree`, nothing is sliced at the findings, so a row costs
/// the whole clique state space: this pays on networks with small cliques
/// (`ExpectationEngines` in BNLearning chooses).
public struct BatchedJunctionTree: Sendable {
    public let network: BayesianNetwork
    public let structure: JunctionTreeStructure
    /// Compiled contractions by shape (a shape includes the batch size).
    private let programs = ProgramCache<Contraction.Shape, ContractionProgram>(.messages, limit: 1 << 16)

    /// The label of the row axis in batched tables (one past the last variable).
    public var rowLabel: Int { network.count }

    /// Prepares the calibration of `network` over `structure` (by default the tree
    /// `JunctionTreeStructure(network)` builds).
    public init(_ network: BayesianNetwork, structure given: JunctionTreeStructure? = nil) throws(InferenceError) {
        self.network = network
        if let given { structure = given } else { structure = try JunctionTreeStructure(network) }
    }

    /// How many rows to calibrate at once so the largest batched clique table holds about
    /// `workingSetEntries` entries (at least 16 rows).
    public func rowsPerCalibration(workingSetEntries: Int) -> Int {
        max(16, workingSetEntries / max(1, structure.cliqueEntries.max() ?? 1))
    }

    /// A batched table normalised along the row axis, and for each row the log of the
    /// scale divided out (`-∞` for a row that sums to zero).
    typealias Message = (table: Table, logScale: [Double])

    /// Calibrates the tree for `rows`: `rows[i][v]` is the observed state of `v` in row `i`,
    /// or -1 when missing.
    /// - Throws: `impossibleEvidence` naming the findings of the first row with probability zero.
    public func calibrate(_ rows: [[Int32]]) throws(InferenceError) -> Calibration {
        let R = rows.count
        let r = rowLabel
        // ψ_c: the CPTs assigned to c times the indicators of the variables homed there.
        let psi = try structure.cliques.indices.map { c throws(InferenceError) -> Message in
            var operands = structure.assignedFamilies[c].map { network.cpts[$0].table }
            for v in structure.homedVariables[c] where rows.contains(where: { $0[v] >= 0 }) {
                let k = network.variables[v].cardinality
                operands.append(Table(axes: Axes(labels: [r, v], cardinalities: [R, k]),
                                      values: indicatorTable(states: k, rows: R) { Int(rows[$0][v]) }))
            }
            if operands.allSatisfy({ $0.axes.position(of: r) == nil }) {
                // No evidence here: the ones give the table its row axis, so every message has one.
                operands.append(Table(axes: Axes(labels: [r], cardinalities: [R]), values: [Double](repeating: 1, count: R)))
            }
            return try message(operands.map { ($0, [Double](repeating: 0, count: R)) }, keep: structure.cliques[c])
        }
        // Collect.
        var up = [Message?](repeating: nil, count: structure.cliques.count)
        for c in structure.preorder.reversed() where structure.parent[c] >= 0 {
            up[c] = try message([psi[c]] + structure.children[c].map { up[$0]! }, keep: structure.separators[c])
        }
        // The root (one tree: clique 0 is the root): `ln P(e_r)` is the log scale of its total.
        let root = structure.preorder[0]
        let logP = try message([psi[root]] + structure.children[root].map { up[$0]! }, keep: []).logScale
        if let i = logP.firstIndex(where: { !($0 > -.infinity) }) {
            throw .impossibleEvidence(network.variables.indices.compactMap { v in
                let s = rows[i][v]
                return s >= 0 ? "\(network.variables[v].name)=\(network.variables[v].states[Int(s)])" : nil
            })
        }
        // Distribute.
        var down = [Message?](repeating: nil, count: structure.cliques.count)
        for c in structure.preorder where structure.parent[c] >= 0 {
            let p = structure.parent[c]
            let operands = [psi[p]] + (down[p].map { [$0] } ?? []) + structure.children[p].filter { $0 != c }.map { up[$0]! }
            down[c] = try message(operands, keep: structure.separators[c])
        }
        return Calibration(tree: self, rowCount: R, psi: psi, up: up, down: down, logEvidence: logP)
    }

    /// `Σ_{not keep} ∏ operands` over the row axis and `keep` (those present), by the
    /// contraction service, then normalised per row; each row's log scale adds the operands'.
    /// The row axis is kept like any other label, not as the service's batch label: its
    /// per-row rescaling of every intermediate table made the E-step a quarter slower on child.
    func message(_ operands: [Message], keep: [Int]) throws(InferenceError) -> Message {
        var m = try programs.contract(operands.map(\.table), heads: operands.map { _ in nil }, keep: [rowLabel] + keep,
                                      budget: Contraction.Budget(naming: network))
        let sums = TableKernels.normalize(&m.table.values, m.table.axes, along: rowLabel)
        var logScale = sums.map { log($0) + m.logScale[0] }
        for o in operands { for i in logScale.indices { logScale[i] += o.logScale[i] } }
        return (m.table, logScale)
    }

    /// A calibrated batch: `P(e_r)` per row and the clique beliefs.
    public struct Calibration: Sendable {
        let tree: BatchedJunctionTree
        let rowCount: Int
        let psi: [Message]
        let up: [Message?]
        let down: [Message?]
        /// `ln P(e_r)` for each row.
        public let logEvidence: [Double]

        /// `P(C | e_r)` over the row axis and clique `c`'s variables (normalised per row).
        public func belief(_ c: Int) throws(InferenceError) -> Factor {
            let table = try beliefTable(c)
            do { return try Factor(table) } catch { throw .model(.factor(error)) }
        }

        /// `belief(c)` as the engines' table (no checked `Factor` on the E-step's path).
        func beliefTable(_ c: Int) throws(InferenceError) -> Table {
            let operands = [psi[c]] + (down[c].map { [$0] } ?? []) + tree.structure.children[c].map { up[$0]! }
            return try tree.message(operands, keep: tree.structure.cliques[c]).table
        }

        /// Adds `Σ_r weights[r] · P(x_v, x_pa(v) | e_r)` to `counts[v]` for every variable `v`
        /// (laid out like its CPT: parents row-major, child last).
        public func addFamilyMarginals(weights: [Double], into counts: inout [[Double]]) throws(InferenceError) {
            let structure = tree.structure
            let w = Table(axes: Axes(labels: [tree.rowLabel], cardinalities: [rowCount]), values: weights)
            for c in structure.cliques.indices where !structure.assignedFamilies[c].isEmpty {
                let belief = try beliefTable(c)
                for v in structure.assignedFamilies[c] {
                    let expected = try tree.programs.contract([belief, w], heads: [nil, nil], keep: tree.network.parents(of: v) + [v],
                                                              budget: Contraction.Budget(naming: tree.network))
                    let scale = exp(expected.logScale[0])
                    for (i, x) in expected.table.values.enumerated() { counts[v][i] += x * scale }
                }
            }
        }
    }
}
