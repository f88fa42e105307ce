import BNCore
import BNInference

/// Rows of a table that have probability zero under a model, located and explained in user
/// words: the file and 1-based row, the row's findings, and the family whose table gives the
/// row's observed cells probability zero.
public struct ImpossibleRow: Codable, Sendable, Equatable {
    /// 1-based data row in the file (the header not counted).
    var row: Int
    /// The file the row came from, when known.
    var file: String?
    /// The row's findings, `Variable=state`.
    var findings: [String]
    /// `P(x | u) = 0` for the first family whose cells are all observed in the row and whose
    /// table entry for them is zero, as `P(tenure=(-inf,5] | total_charges=(3795,inf)) = 0`;
    /// nil when no single family rules the row out (its missing cells cannot be completed in
    /// any way that every family allows).
    var family: String?

    /// `row 12 of churn.csv: tenure=0, … has probability zero (P(tenure=… | …) = 0)`.
    public var description: String {
        let place = file.map { "row \(row) of \($0)" } ?? "row \(row)"
        let shown = findings.prefix(8).joined(separator: ", ") + (findings.count > 8 ? ", …" : "")
        let why = family.map { "\($0) = 0" } ?? "no completion of its missing cells is possible under every family"
        return "\(place): the findings \(shown) have probability zero under the model (\(why))"
    }
}

extension ImpossibleRow {
    /// Row `i` of `data` explained against `network`.
    static func explain(_ i: Int, in data: Dataset, network: BayesianNetwork) -> ImpossibleRow {
        var observed = [Int?](repeating: nil, count: network.count)
        for v in 0..<network.count {
            guard let j = data.column(named: network.variables[v].name), data.columns[j][i] >= 0,
                  let s = network.variables[v].stateIndex(data.states[j][Int(data.columns[j][i])]) else { continue }
            observed[v] = s
        }
        func word(_ v: Int) -> String { "\(network.variables[v].name)=\(network.variables[v].states[observed[v]!])" }
        let findings = (0..<network.count).filter { observed[$0] != nil }.map(word)
        var family: String? = nil
        for v in 0..<network.count where observed[v] != nil {
            let parents = network.parents(of: v)
            guard parents.allSatisfy({ observed[$0] != nil }) else { continue }
            // CPT scope: parents then the variable, row-major.
            var offset = 0
            for u in parents + [v] { offset = offset * network.variables[u].cardinality + observed[u]! }
            if network.cpts[v].values[offset] == 0 {
                family = "P(\(word(v))" + (parents.isEmpty ? ")" : " | " + parents.map(word).joined(separator: ", ") + ")")
                break
            }
        }
        return ImpossibleRow(row: data.rowNumber(i), file: data.source?.file, findings: findings, family: family)
    }

    /// `log P(observed cells)` of every row of `data` under `network` (every bound column
    /// counts), and the rows whose cells have probability zero (`-inf`), by batched variable
    /// elimination with barren nodes pruned only, so a contradiction far from any target is
    /// still found.
    static func logEvidence(in data: Dataset, network: BayesianNetwork) throws -> (perRow: [Double], impossible: [Int]) {
        guard network.count > 0, data.rowCount > 0 else { return ([], []) }
        let batch = try VariableElimination(network).posteriors(of: 0, for: data, ignoringTargetColumn: false, withLogEvidence: true,
                                                                skippingImpossibleRows: true)
        return (batch.logEvidence ?? [], batch.impossibleRows)
    }
}

extension Dataset {
    /// Runs `body`, turning an impossible row reported by inference (0-based, or with no row
    /// at all, as EM's engines report a distinct pattern) into an error naming the file, the
    /// 1-based row and the family that rules it out; `hint` is added when given.
    func locatingImpossibleRows<T>(_ network: BayesianNetwork, hint: String? = nil, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as InferenceError {
            let row: Int
            switch e {
            case .impossibleEvidenceInRow(let r, _) where r < rowCount: row = r
            case .impossibleEvidence:
                guard let r = try ImpossibleRow.logEvidence(in: self, network: network).impossible.first else { throw e }
                row = r
            default: throw e
            }
            throw WorkbenchError.usage(ImpossibleRow.explain(row, in: self, network: network).description + (hint.map { "\n  hint: \($0)" } ?? ""))
        }
    }
}
