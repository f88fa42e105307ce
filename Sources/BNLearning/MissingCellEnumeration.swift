import BNCore
import BNInference

/// The E-step for a row with a few missing cells: exact enumeration of the missing values,
/// split into independent groups, with the junction tree as the fallback for rows whose
/// missing part is large.
///
/// For a row with observed cells `e` and missing variables `M`, the joint factorises as
/// `P(M, e) = Π_v P(x_v | x_pa(v))`. A family with no missing variable is a constant: it
/// adds `ln P(x_v | x_pa(v))` to `ln P(e)` and one count to its cell. The families that
/// touch `M` (the CPTs of `M` and of the children of `M`) link the missing variables into
/// groups `C₁ … C_g` (connected components); given `e` the groups are independent, so
///
///   `P(e) = Π_{observed families} P(x_v | x_pa(v)) · Π_j Z_j`,  `Z_j = Σ_{x_Cj} Π_{f ∈ F_j} f(x_Cj, e)`,
///
/// and each family `f ∈ F_j` receives `w · Π_{F_j}(x_Cj, e) / Z_j` for every assignment
/// `x_Cj` of its group. This is the exact computation behind the E-step of Dempster, Laird
/// & Rubin (1977), specialised to scattered gaps: with 20 % of cells missing a row of
/// insurance (27 variables) leaves ~5 variables to enumerate in small groups, a few hundred
/// products, where a junction-tree calibration touches all 58,392 clique entries.
///
/// A row is enumerated when `Σ_j |x_Cj| · |F_j|` is at most `enumerationLimit`; otherwise
/// it goes to `fallback` (the junction tree), so latent variables with many neighbours and
/// rows with most cells missing stay exact and bounded.
public struct MissingCellEnumeration: ExpectationEngine {
    let cpts: [[Double]]
    let variables: [Variable]
    let families: [[Int]]
    let cards: [Int]
    /// The families each variable belongs to: its own and its children's.
    let memberOf: [[Int]]
    /// Strides of each family's CPT/count layout (parents row-major, child last), per member.
    let strides: [[Int]]
    let enumerationLimit: Int
    let makeFallback: () throws -> any ExpectationEngine
    var fallback: (any ExpectationEngine)?

    /// - Parameters:
    ///   - enumerationLimit: the largest `Σ |assignments| · |families|` enumerated per row.
    ///   - fallback: builds the engine for the other rows (called at most once).
    public init(_ network: BayesianNetwork, enumerationLimit: Int, fallback: @escaping () throws -> any ExpectationEngine) {
        cpts = network.cpts.map(\.values)
        variables = network.variables
        cards = network.cardinalities
        families = network.families
        var member = [[Int]](repeating: [], count: network.count)
        for (f, fam) in families.enumerated() { for u in fam { member[u].append(f) } }
        memberOf = member
        strides = families.map { fam in
            var s = [Int](repeating: 1, count: fam.count)
            var acc = 1
            for i in stride(from: fam.count - 1, through: 0, by: -1) { s[i] = acc; acc *= network.cardinalities[fam[i]] }
            return s
        }
        self.enumerationLimit = enumerationLimit
        makeFallback = fallback
    }

    public mutating func accumulate(evidence: [Int32], weight: Double, into counts: inout [[Double]]) throws -> Double {
        try accumulate(rows: [(evidence, weight)], into: &counts)
    }

    public mutating func accumulate(rows: ArraySlice<(evidence: [Int32], weight: Double)>, into counts: inout [[Double]]) throws -> Double {
        var ll = 0.0
        var rest: [(evidence: [Int32], weight: Double)] = []
        var scratch = Scratch(variables: cards.count, families: families.count)
        for row in rows {
            if let l = try enumerate(row.evidence, weight: row.weight, into: &counts, scratch: &scratch) {
                ll += row.weight * l
            } else {
                rest.append(row)
            }
        }
        if !rest.isEmpty {
            if fallback == nil { fallback = try makeFallback() }
            ll += try fallback!.accumulate(rows: rest[...], into: &counts)
        }
        return ll
    }

    /// Reused buffers for one row.
    struct Scratch {
        /// Union-find parents of the missing variables (indexed by variable).
        var group: [Int]
        /// The group number of each union-find root while a row's groups are listed.
        var slot: [Int]
        var familySeen: [Bool]
        var probabilities: [Double] = []
        var cells: [Int] = []
        init(variables: Int, families: Int) {
            group = [Int](repeating: -1, count: variables)
            slot = [Int](repeating: -1, count: variables)
            familySeen = [Bool](repeating: false, count: families)
        }
    }

    /// The missing variables of a row and the families that touch them, in independent groups.
    struct Group {
        var vars: [Int]
        var families: [Int]
    }

    /// The groups of a row's missing variables: union-find over the families that touch them
    /// (a family links all of its missing variables). Groups come in the order of their first
    /// variable.
    func groups(of e: [Int32], scratch: inout Scratch) -> [Group] {
        var missing: [Int] = []
        for v in e.indices where e[v] < 0 { missing.append(v); scratch.group[v] = v }
        func find(_ x: Int, _ parent: inout [Int]) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        var touching: [Int] = []
        for m in missing {
            for f in memberOf[m] where !scratch.familySeen[f] {
                scratch.familySeen[f] = true
                touching.append(f)
                var first = -1
                for u in families[f] where e[u] < 0 {
                    if first >= 0 {
                        let ra = find(first, &scratch.group), rb = find(u, &scratch.group)
                        if ra != rb { scratch.group[ra] = rb }
                    } else {
                        first = u
                    }
                }
            }
        }
        for f in touching { scratch.familySeen[f] = false }
        var groups: [Group] = []
        for m in missing {
            let root = find(m, &scratch.group)
            if scratch.slot[root] >= 0 {
                groups[scratch.slot[root]].vars.append(m)
            } else {
                scratch.slot[root] = groups.count
                groups.append(Group(vars: [m], families: []))
            }
        }
        for f in touching {
            let u = families[f].first { e[$0] < 0 }!
            groups[scratch.slot[find(u, &scratch.group)]].families.append(f)
        }
        for m in missing { scratch.slot[m] = -1 }
        for m in missing { scratch.group[m] = -1 }
        return groups
    }

    /// `|x_C| · |F|`, the products that enumerating a group costs, or nil when over `limit`.
    func cost(of group: Group, limit: Int) -> Int? {
        var size = 1
        for v in group.vars {
            size *= cards[v]
            if size > limit { return nil }
        }
        let cost = size * group.families.count
        return cost > limit ? nil : cost
    }

    /// Enumerates one row; nil (with nothing added) when its groups are too large.
    private func enumerate(_ e: [Int32], weight w: Double, into counts: inout [[Double]], scratch: inout Scratch) throws -> Double? {
        let groups = groups(of: e, scratch: &scratch)
        // Cost check before any work.
        var cost = 0
        for g in groups {
            guard let c = self.cost(of: g, limit: enumerationLimit) else { return nil }
            cost += c
            if cost > enumerationLimit { return nil }
        }
        // Families with every variable observed: constants.
        var logP = 0.0
        for (f, fam) in families.enumerated() where !fam.contains(where: { e[$0] < 0 }) {
            var cell = 0
            for (u, s) in zip(fam, strides[f]) { cell += Int(e[u]) * s }
            let p = cpts[f][cell]
            if p <= 0 { throw impossible(e) }
            logP += log(p)
            counts[f][cell] += w
        }
        for g in groups {
            let z = enumerateGroup(g, e, scratch: &scratch)
            if !(z > 0) { throw impossible(e) }
            logP += log(z)
            let scale = w / z, nf = g.families.count, size = g.vars.reduce(1) { $0 * cards[$1] }
            for k in 0..<nf {
                counts[g.families[k]].withUnsafeMutableBufferPointer { out in
                    for a in 0..<size {
                        let p = scratch.probabilities[a]
                        if p > 0 { out[scratch.cells[a * nf + k]] += scale * p }
                    }
                }
            }
        }
        return logP
    }

    /// `Z = Σ_{x_C} Π_{f ∈ F} f(x_C, e)` of one group. Leaves in `scratch.probabilities[a]`
    /// the unnormalised `Π_f f` of every assignment `a` of the group's variables (row-major,
    /// the last variable fastest) and in `scratch.cells[a · |F| + k]` the cell of family `k`.
    func enumerateGroup(_ group: Group, _ e: [Int32], scratch: inout Scratch) -> Double {
        let vars = group.vars, fams = group.families
        let m = vars.count, nf = fams.count
        var size = 1
        for v in vars { size *= cards[v] }
        // Per family: the offset of its observed part and, per group variable, its stride
        // (`step[i * nf + k]`).
        var base = [Int](repeating: 0, count: nf)
        var step = [Int](repeating: 0, count: m * nf)
        for (k, f) in fams.enumerated() {
            for (u, s) in zip(families[f], strides[f]) {
                if e[u] >= 0 { base[k] += Int(e[u]) * s } else { step[vars.firstIndex(of: u)! * nf + k] = s }
            }
        }
        let groupCards = vars.map { cards[$0] }
        if scratch.probabilities.count < size { scratch.probabilities = [Double](repeating: 0, count: size) }
        // Every cell index of every assignment, assignment-major: `cells[a * nf + k]`.
        if scratch.cells.count < size * nf { scratch.cells = [Int](repeating: 0, count: size * nf) }
        var z = 0.0
        scratch.cells.withUnsafeMutableBufferPointer { cells in
        scratch.probabilities.withUnsafeMutableBufferPointer { probabilities in
            var digits = [Int](repeating: 0, count: m)
            var index = base
            for a in 0..<size {
                var p = 1.0
                for k in 0..<nf {
                    p *= cpts[fams[k]][index[k]]
                    cells[a * nf + k] = index[k]
                }
                probabilities[a] = p
                z += p
                // Odometer over the group's variables, the last fastest; family cells follow.
                var i = m - 1
                while i >= 0 {
                    digits[i] += 1
                    for k in 0..<nf { index[k] += step[i * nf + k] }
                    if digits[i] < groupCards[i] { break }
                    for k in 0..<nf { index[k] -= step[i * nf + k] * digits[i] }
                    digits[i] = 0
                    i -= 1
                }
            }
        }
        }
        return z
    }

    func impossible(_ e: [Int32]) -> InferenceError {
        .impossibleEvidence(e.indices.compactMap { v in e[v] >= 0 ? "\(variables[v].name)=\(variables[v].states[Int(e[v])])" : nil })
    }
}

import Foundation
