/// How a derived variable is computed from data columns: the linear index
/// `z = c₀ + w₁·x₁ + … + w_m·x_m` of numeric columns `x₁ … x_m` (named as in the data, not
/// necessarily variables of the network), then cut by the variable's cut points like any
/// numeric column.
///
/// A node whose value is a function of several columns is what a network of single
/// columns cannot represent with few parameters: a class rate that jumps across a
/// threshold of a *sum* (MLC telecom churn jumps from 7 % to 75 % where the four charges add
/// up to about 72.8) needs, with the columns as separate nodes, a table over every
/// combination of their bins. As one index, the step is one cut. `learn --target`
/// constructs such an index (`DerivedIndex` in BNLearning); the model file records it
/// (`variable total { … } cuts [72.8] from 1 * day_charge + 1 * eve_charge`), and every
/// reader of a table against the model computes it from the raw cells
/// (`Dataset.derivedColumns(for:)`).
public struct Derivation: Hashable, Sendable, Codable {
    /// One `wⱼ·xⱼ`.
    public struct Term: Hashable, Sendable, Codable {
        public var coefficient: Double
        /// The data column `xⱼ`.
        public var column: String
        public init(_ coefficient: Double, _ column: String) {
            self.coefficient = coefficient
            self.column = column
        }
    }

    public var terms: [Term]
    /// `c₀`.
    public var constant: Double

    public init(terms: [Term], constant: Double = 0) {
        self.terms = terms
        self.constant = constant
    }

    /// The source columns, in term order.
    public var columns: [String] { terms.map(\.column) }

    /// `z` for the source values `x[j]` (in term order); NaN when a value is NaN.
    @inline(__always)
    public func value(_ x: (Int) -> Double) -> Double {
        var z = constant
        for j in terms.indices { z += terms[j].coefficient * x(j) }
        return z
    }

    /// Why the derivation cannot be computed, or nil: no term, a coefficient or constant
    /// that is not a finite number, a column named twice.
    public var problem: String? {
        if terms.isEmpty { return "a derivation needs at least one column" }
        if let bad = terms.first(where: { !$0.coefficient.isFinite }) {
            return "the coefficient of \(Quote.name(bad.column)) is not a finite number"
        }
        if !constant.isFinite { return "the constant \(constant) is not a finite number" }
        var seen = Set<String>()
        for t in terms where !seen.insert(t.column).inserted {
            return "column \(Quote.name(t.column)) appears twice; add its coefficients into one term"
        }
        return nil
    }

    /// `1 * a + 0.5 * b - 2`: the form the model language writes (names as given; the
    /// printer quotes those that need it), for messages.
    public var text: String { text(name: { $0 }) }

    /// The text with each column name written by `name`.
    public func text(name: (String) -> String) -> String {
        var out = ""
        for (j, t) in terms.enumerated() {
            let w = t.coefficient
            if j == 0 {
                out += "\(Dataset.valueText(w)) * \(name(t.column))"
            } else {
                out += (w < 0 || (w == 0 && w.sign == .minus) ? " - " : " + ") + "\(Dataset.valueText(abs(w))) * \(name(t.column))"
            }
        }
        if constant != 0 { out += (constant < 0 ? " - " : " + ") + Dataset.valueText(abs(constant)) }
        return out
    }
}
