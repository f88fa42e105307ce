/// Editing the states of a variable while keeping every CPT consistent.
///
/// - adding a state `s` to `X`: `P(X = s | u) = 0` in every row of `X`'s own table (rows stay
///   normalised); each child gets uniform rows for the new parent state `X = s`;
/// - removing a state `s` from `X`: its column is dropped from `X`'s table and each row is
///   renormalised (a row left with no mass becomes uniform); each child loses the rows for
///   `X = s`;
/// - renaming a state changes no numbers.
///
/// Adding or removing a state of a discretised variable drops its cut points (the intervals
/// no longer match the states); renaming keeps them.
///
/// The network is rebuilt through the validated public edits (`addVariable`, `setParents`,
/// `setCPT`), so the result satisfies every invariant of `BayesianNetwork`.
extension BayesianNetwork {
    /// Appends the state `state` to variable `v` (see the type's notes for the tables).
    public mutating func addState(_ v: Int, _ state: String) throws(ModelError) {
        let old = variables[v]
        guard !old.states.contains(state) else { throw .duplicateState(variable: old.name, state: state) }
        guard !state.isEmpty else { throw .noStates(variable: old.name) }
        let k = old.cardinality
        try rebuiltWithStates(of: v, states: old.states + [state], source: { $0 < k ? $0 : nil }, ownRowsFill: 0)
    }

    /// Removes the state `state` from variable `v`; the last state cannot be removed.
    public mutating func removeState(_ v: Int, _ state: String) throws(ModelError) {
        let old = variables[v]
        let s = try stateIndex(v, state)
        guard old.cardinality > 1 else { throw .noStates(variable: old.name) }
        var states = old.states
        states.remove(at: s)
        try rebuiltWithStates(of: v, states: states, source: { $0 < s ? $0 : $0 + 1 }, ownRowsFill: 0)
    }

    /// Renames state `old` of variable `v` to `new`.
    public mutating func renameState(_ v: Int, from old: String, to new: String) throws(ModelError) {
        let s = try stateIndex(v, old)
        if old == new { return }
        guard !variables[v].states.contains(new) else { throw .duplicateState(variable: variables[v].name, state: new) }
        var states = variables[v].states
        states[s] = new
        try rebuiltWithStates(of: v, states: states, source: { $0 }, ownRowsFill: 0)
    }

    /// Rebuilds the network with `v`'s states replaced by `states`; `source(i)` is the old
    /// index of new state `i` (nil for a new state).
    private mutating func rebuiltWithStates(of v: Int, states: [String], source: (Int) -> Int?,
                                            ownRowsFill: Double) throws(ModelError) {
        var net = BayesianNetwork(name: name)
        net.label = label
        net.description = description
        for (i, x) in variables.enumerated() {
            var y = x
            if i == v {
                // New intervals are unknown: the cut points go, and with them the derivation
                // (a derived variable is cut by them).
                if y.states.count != states.count { y.cutPoints = nil; y.derivation = nil }
                y.states = states
            }
            try net.addVariable(y)
        }
        for w in 0..<count { try net.setParents(w, to: parents(of: w)) }
        let newCard = states.count
        for w in 0..<count {
            let f = cpts[w]
            let fam = parents(of: w) + [w]
            guard let axis = fam.firstIndex(of: v) else {
                try net.setCPT(w, f, renormalizing: false)
                continue
            }
            let cards = fam.map { net.variables[$0].cardinality }
            let oldCards = f.scope.cardinalities
            let outer = cards[..<axis].reduce(1, *)
            let inner = cards[(axis + 1)...].reduce(1, *)
            let oldCard = oldCards[axis]
            let childCard = cards.last!
            var values = [Double](repeating: 0, count: outer * newCard * inner)
            for o in 0..<outer {
                for a in 0..<newCard {
                    let src = source(a)
                    for i in 0..<inner {
                        let dst = (o * newCard + a) * inner + i
                        if let src {
                            values[dst] = f.values[(o * oldCard + src) * inner + i]
                        } else {
                            // A new state: no mass in v's own rows, uniform rows in a child.
                            values[dst] = w == v ? ownRowsFill : 1 / Double(childCard)
                        }
                    }
                }
            }
            var renormalize = false
            if w == v {
                // Renormalise the own rows (a removed state leaves mass missing).
                for r in 0..<(values.count / childCard) {
                    let row = (r * childCard)..<((r + 1) * childCard)
                    let s = values[row].reduce(0, +)
                    if s <= 0 {
                        for j in row { values[j] = 1 / Double(childCard) }
                    } else if s != 1 {
                        renormalize = true
                        for j in row { values[j] /= s }
                    }
                }
            }
            let scope = Scope(fam, cardinalities: cards)
            try net.setCPT(w, Factor(unchecked: scope, values), renormalizing: renormalize)
        }
        self = net
    }
}
