/// A discrete random variable: a name, its named states, and optional human text.
public struct Variable: Hashable, Sendable {
    /// What a variable stands for in a decision model.
    public enum Role: String, Hashable, Sendable, CaseIterable {
        /// An ordinary chance variable.
        case chance
        /// Never observed in data (a hidden cause); EM estimates its CPT.
        case latent
        /// Set by the decision maker (an intervention target): `do(X = x)`.
        case decision
    }

    /// The identifier used in files and commands.
    public var name: String
    /// The states, in table order.
    public var states: [String]
    /// An optional display label (any UTF-8, e.g. 满意度).
    public var label: String?
    /// An optional longer description.
    public var description: String?
    public var role: Role
    /// For a variable that discretises a numeric quantity: the increasing, finite cut points
    /// `c₁ < … < c_{k−1}` (one fewer than the states). A value `x` falls in state `i` when
    /// `c_i < x ≤ c_{i+1}` (with `c₀ = −∞`, `c_k = +∞`): intervals closed on the right, as
    /// in R's `cut()` and bnlearn's `discretize()`. Nil for an ordinary categorical variable.
    /// Stored with the model so that new data is cut the same way when it is scored.
    public var cutPoints: [Double]?
    /// For a variable computed from data columns: how (`Derivation`, a linear index of
    /// numeric columns, cut by `cutPoints`). A table without the variable's own column gets
    /// it computed from the source columns wherever it is read against the model. Nil for
    /// a variable read from its own column.
    public var derivation: Derivation?

    public init(name: String, states: [String], label: String? = nil, description: String? = nil, role: Role = .chance,
                cutPoints: [Double]? = nil, derivation: Derivation? = nil) {
        self.name = name
        self.states = states
        self.label = label
        self.description = description
        self.role = role
        self.cutPoints = cutPoints
        self.derivation = derivation
    }

    /// Number of states.
    public var cardinality: Int { states.count }

    /// The index of a state by name.
    public func stateIndex(_ state: String) -> Int? { states.firstIndex(of: state) }
}

extension Variable {
    /// The state of a numeric value under `cutPoints` (binary search for the first cut point
    /// `≥ x`); nil for a categorical variable or a NaN.
    public func state(forValue x: Double) -> Int? {
        guard let cuts = cutPoints, !x.isNaN else { return nil }
        return Variable.interval(of: x, cutPoints: cuts)
    }

    /// The interval index of `x` under increasing cut points: the number of cut points below `x`.
    public static func interval(of x: Double, cutPoints cuts: [Double]) -> Int {
        var lo = 0, hi = cuts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cuts[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// State names that show the intervals: `(-inf,29.5]`, `(29.5,55.25]`, `(55.25,inf)`.
    /// Each cut point is written with the shortest digits that read back to the same Double,
    /// so distinct cut points always give distinct names.
    public static func intervalNames(cutPoints cuts: [Double]) -> [String] {
        let text = Dataset.valueText
        var names: [String] = []
        for i in 0...cuts.count {
            let lo = i == 0 ? "-inf" : text(cuts[i - 1])
            let hi = i == cuts.count ? "inf)" : "\(text(cuts[i]))]"
            names.append("(\(lo),\(hi)")
        }
        return names
    }

    /// Why `cutPoints` do not fit this variable, or nil when they do (or there are none).
    public var cutPointsProblem: String? {
        guard let cuts = cutPoints else { return nil }
        if cuts.count != states.count - 1 {
            return "\(Quote.name(name)) has \(states.count) states, so it needs \(states.count - 1) cut points, not \(cuts.count)"
        }
        if let bad = cuts.first(where: { !$0.isFinite }) { return "cut point \(bad) of \(Quote.name(name)) is not a finite number" }
        for i in cuts.indices.dropFirst() where !(cuts[i - 1] < cuts[i]) {
            return "the cut points of \(Quote.name(name)) must increase: \(cuts[i - 1]) is followed by \(cuts[i])"
        }
        return nil
    }
}
