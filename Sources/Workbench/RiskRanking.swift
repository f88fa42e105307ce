import BNCore
import BNInference
import Foundation

/// The rows of a customer table most likely to be in one state of a target ("the top 5 %
/// at risk of churn"), each with the findings that push it there: the command `rank
/// TARGET=STATE [top P%] [factors K] [ignoring VAR ...]`.
///
/// Scoring: each row's posterior P(TARGET = STATE | the row's observed cells), the target's
/// own column and the `ignoring` columns (findings that arrive too late to warn, say) left out (batched variable elimination, as `score`). Rows are sorted by that
/// probability, highest first (equal to 1e-12: by row number), and the first ceil(P % of the rows)
/// are listed.
///
/// Main factors: for each observed cell X = x of a listed row, its effect is
/// P(STATE | e) - P(STATE | e without X = x), the drop in the probability if that one
/// finding were unknown (the "impact of a finding" of Madigan, Mosurski & Almond 1997;
/// a leave-one-out attribution, not a causal effect). The K largest positive effects are
/// the row's main factors.
public struct RiskRanking: Codable, Sendable, Equatable {
    /// One finding's share in a row's probability.
    struct Factor: Codable, Sendable, Equatable {
        var variable: String
        var state: String
        /// P(STATE | all findings) - P(STATE | all findings but this one).
        var effect: Double
    }

    /// A listed row.
    struct Entry: Codable, Sendable, Equatable {
        /// 1-based row number in the table (the `row` of a `--truth` file and of `score`).
        var row: Int
        var probability: Double
        var factors: [Factor]
    }

    var target: String
    var state: String
    var percent: Double
    /// Rows in the table.
    var rows: Int
    /// The mean of P(STATE) over all rows (the base rate the listed rows are compared with).
    var meanProbability: Double
    var entries: [Entry]
    /// Columns left out of the scoring.
    var ignoring: [String] = []
    /// When the table has the target's column: how many listed rows, and how many of all
    /// rows with the state known, are in `state` (a check of the ranking, like precision at P %).
    var listedInState: Int?
    var rowsInState: Int?
    var rowsWithTarget: Int?

    /// Ranks the rows of `data` by P(`target` = `state`) under `network`.
    static func rank(_ network: BayesianNetwork, data: Dataset, target: String, state: String,
                            percent: Double, factors: Int, ignoring: [String] = []) throws -> RiskRanking {
        for name in ignoring where data.column(named: name) == nil {
            throw WorkbenchError.usage("the data has no column '\(name)' to ignore (columns: \(data.names.joined(separator: ", ")))")
        }
        let full = data
        let keep = data.names.indices.filter { !ignoring.contains(data.names[$0]) }
        let data = Dataset(names: keep.map { full.names[$0] }, states: keep.map { full.states[$0] },
                           columns: keep.map { full.columns[$0] }, weights: full.weights)
        guard percent > 0 && percent <= 100 else { throw WorkbenchError.usage("top must be a percentage above 0 and at most 100, got \(percent)") }
        let t = try network.require(target)
        guard let s = network.variables[t].stateIndex(state) else {
            throw WorkbenchError.usage("'\(state)' is not a state of \(target) (states: \(network.variables[t].states.joined(separator: ", ")))")
        }
        let batch = try VariableElimination(network).posteriors(of: t, for: data)
        let p = (0..<batch.rowCount).map { Array(batch[$0])[s] }
        // Rows with the same findings can differ in the last bits (batched groups sum in
        // different orders): compare at 1e-12 so that they tie and keep row order.
        let order = Explainer.ranked(Array(p.indices)) { p[$0] }
        let count = min(p.count, Int((Double(p.count) * percent / 100).rounded(.up)))
        // Each table column's variable and the recoding of its states to the model's.
        let columns: [(variable: Int, column: Int, codes: [Int])] = data.names.enumerated().compactMap { j, name in
            guard let v = network.index(of: name), v != t else { return nil }
            return (v, j, data.states[j].map { network.variables[v].stateIndex($0) ?? -1 })
        }
        // A row's main factors are the leave-one-out impacts `explain` computes.
        let explainer = try Explainer(network: network)
        var entries: [Entry] = []
        for i in order.prefix(count) {
            var hard: [Int: Int] = [:]
            for c in columns {
                let code = data.columns[c.column][i]
                if code >= 0 { hard[c.variable] = c.codes[Int(code)] }
            }
            let evidence = Evidence(hard: hard)
            let all = try explainer.tree.posterior(of: t, given: evidence)[s]
            var effects = try explainer.impacts(target: t, state: s, evidence: evidence, probability: all)
                .filter { $0.change > 0 }
                .map { Factor(variable: $0.variable, state: $0.state!, effect: $0.change) }
            effects.sort { $0.effect != $1.effect ? $0.effect > $1.effect : $0.variable < $1.variable }
            entries.append(Entry(row: i + 1, probability: p[i], factors: Array(effects.prefix(factors))))
        }
        let mean = p.isEmpty ? 0 : p.reduce(0, +) / Double(p.count)
        var r = RiskRanking(target: target, state: state, percent: percent, rows: p.count, meanProbability: mean, entries: entries,
                            ignoring: ignoring)
        if let j = data.column(named: target), let code = data.states[j].firstIndex(of: state).map(Int32.init) {
            let column = data.columns[j]
            r.listedInState = entries.filter { column[$0.row - 1] == code }.count
            r.rowsInState = column.filter { $0 == code }.count
            r.rowsWithTarget = column.filter { $0 != Dataset.missing }.count
        }
        return r
    }

    /// The ranking as text: a heading, then one line per listed row.
    func rendered() -> String {
        func f(_ x: Double) -> String { String(format: "%.4f", x) }
        func pct(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
        let ignored = ignoring.isEmpty ? "" : ", ignoring " + ignoring.joined(separator: ", ")
        var lines = ["top \(pct(percent))% of \(rows) rows by P(\(target)=\(state)): \(entries.count) rows (mean over all rows \(f(meanProbability)))" + ignored]
        if let listed = listedInState, let all = rowsInState, let known = rowsWithTarget, known > 0 {
            lines.append("in the table: \(listed) of the \(entries.count) listed rows have \(target)=\(state), against \(all) of \(known) rows (\(String(format: "%.1f", 100 * Double(all) / Double(known)))%) overall")
        }
        let width = max(3, String(rows).count)
        func pad(_ s: String, _ w: Int) -> String { padToWidth(s, w, alignRight: true) }
        let head = "P(\(state))"
        lines.append("  " + pad("row", width) + "  " + pad(head, max(6, displayWidth(head))) + "  main factors (how much lower P would be without the finding)")
        for e in entries {
            let factors = e.factors.map { "\($0.variable)=\($0.state) +\(f($0.effect))" }.joined(separator: ", ")
            lines.append("  " + pad(String(e.row), width) + "  " + pad(f(e.probability), max(6, displayWidth(head))) + "  " + (factors.isEmpty ? "-" : factors))
        }
        return lines.joined(separator: "\n")
    }
}

extension Session {
    /// The loaded data's rows most likely to have `target` = `state` (see `RiskRanking`).
    func rank(target: String, state: String, percent: Double, factors: Int, ignoring: [String] = []) throws -> RiskRanking {
        try RiskRanking.rank(network, data: try dataset(), target: target, state: state, percent: percent, factors: factors,
                             ignoring: ignoring)
    }
}
