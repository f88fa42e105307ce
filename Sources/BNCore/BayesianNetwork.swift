/// A discrete Bayesian network: variables, a DAG, and one CPT per variable.
///
/// The joint distribution is `P(x) = ∏_v P(x_v | x_pa(v))`. The CPT of `v` is a `Factor`
/// over `parents(v) + [v]`, so each conditional distribution is a contiguous row.
/// Every edit is validated: an edge that would close a cycle is refused with the cycle
/// named, and a structural edit keeps the CPT consistent (see each method).
public struct BayesianNetwork: Equatable, Sendable {
    /// The network's identifier.
    public var name: String
    /// Optional display label and description.
    public var label: String?
    public var description: String?
    public private(set) var variables: [Variable]
    public internal(set) var dag: DAG
    /// `cpts[v]` is `P(v | parents(v))` with scope `parents(v) + [v]`.
    public internal(set) var cpts: [Factor]
    private var indexByName: [String: Int]

    /// Tolerance on `|Σ row − 1|` accepted by `setCPT` (rows are renormalised exactly).
    public static let normalizationTolerance = 1e-6

    public init(name: String = "network") {
        self.name = name
        variables = []
        dag = DAG()
        cpts = []
        indexByName = [:]
    }

    public var count: Int { variables.count }

    /// The index of a variable by name.
    public func index(of name: String) -> Int? { indexByName[name] }

    /// The index of a variable by name, or an error naming it.
    public func require(_ name: String) throws(ModelError) -> Int {
        guard let i = indexByName[name] else {
            throw .unknownVariable(name, suggestion: NameSuggestion.closest(to: name, in: variables.map(\.name)))
        }
        return i
    }

    public func parents(of v: Int) -> [Int] { dag.parents[v] }
    public func children(of v: Int) -> [Int] { dag.children[v] }
    public var names: [String] { variables.map(\.name) }
    public var cardinalities: [Int] { variables.map(\.cardinality) }
    /// Each variable's family, its parents then itself: the axis order of its CPT and of the
    /// family counts that estimate it.
    public var families: [[Int]] { (0..<count).map { dag.parents[$0] + [$0] } }

    /// The scope `parents(v) + [v]` of `v`'s CPT.
    public func familyScope(of v: Int) -> Scope {
        let fam = dag.parents[v] + [v]
        return Scope(fam, cardinalities: fam.map { variables[$0].cardinality })
    }

    /// Marks variable `v` as computed from data columns (`Variable.derivation`), or as read
    /// from its own column (nil); its states, tables and arcs stay as they are.
    public mutating func setDerivation(_ derivation: Derivation?, of v: Int) throws(ModelError) {
        if let problem = derivation?.problem { throw .invalidDerivation(variable: variables[v].name, reason: problem) }
        variables[v].derivation = derivation
    }

    /// Adds a variable with no parents and a uniform CPT; returns its index.
    @discardableResult
    public mutating func addVariable(_ variable: Variable) throws(ModelError) -> Int {
        guard indexByName[variable.name] == nil else { throw .duplicateVariable(variable.name) }
        guard !variable.states.isEmpty else { throw .noStates(variable: variable.name) }
        var seen = Set<String>()
        for s in variable.states where !seen.insert(s).inserted {
            throw .duplicateState(variable: variable.name, state: s)
        }
        if let problem = variable.cutPointsProblem { throw .invalidCutPoints(variable: variable.name, reason: problem) }
        if let problem = variable.derivation?.problem { throw .invalidDerivation(variable: variable.name, reason: problem) }
        let v = dag.addNode()
        variables.append(variable)
        indexByName[variable.name] = v
        let k = variable.cardinality
        cpts.append(try wrap { () throws(FactorError) in
            try Factor(scope: Scope([v], cardinalities: [k]), values: Array(repeating: 1 / Double(k), count: k))
        })
        return v
    }

    /// Removes a variable, its edges and its CPT; variables above `v` shift down by one index.
    ///
    /// Each child `c` loses `v` as in `removeEdge(from:to:weights:)`:
    /// `P'(c | C) = Σ_v w_c(v | C) · P(c | v, C)` with `C = pa(c) \ {v}` and `childWeights[c]`
    /// a factor over `C ∪ {v}` proportional to `P(v | C)` in each row (the caller computes it
    /// by inference on the network before the removal). Then each child keeps its
    /// distribution given its other parents, `P'(c | C) = P(c | C)`.
    public mutating func removeVariable(_ v: Int, childWeights: [Int: Factor]) throws(ModelError) {
        for c in dag.children[v] {
            guard let w = childWeights[c] else { preconditionFailure("no weights for child #\(c) of #\(v)") }
            try removeParent(v, from: c, weights: w)
        }
        dag.removeNode(v)
        variables.remove(at: v)
        cpts.remove(at: v)
        // Renumber the scopes of every CPT above v.
        cpts = cpts.map { f in
            let vars = f.scope.variables.map { $0 > v ? $0 - 1 : $0 }
            return Factor(unchecked: Scope(vars, cardinalities: f.scope.cardinalities), f.values)
        }
        rebuildIndex()
    }

    /// Renames every state of `v` at once: state `i` is called `names[i]` (as many names as
    /// states, all distinct). No number changes, and cut points are kept.
    public mutating func renameStates(_ v: Int, to names: [String]) throws(ModelError) {
        precondition(names.count == variables[v].cardinality, "one name per state")
        var seen = Set<String>()
        for s in names where !seen.insert(s).inserted {
            throw .duplicateState(variable: variables[v].name, state: s)
        }
        variables[v].states = names
    }

    /// Renames a variable.
    public mutating func renameVariable(_ v: Int, to newName: String) throws(ModelError) {
        if newName == variables[v].name { return }
        guard indexByName[newName] == nil else { throw .duplicateVariable(newName) }
        variables[v].name = newName
        rebuildIndex()
    }

    /// Updates label, description and role (not states or name).
    public mutating func setInfo(_ v: Int, label: String?, description: String?, role: Variable.Role) {
        variables[v].label = label
        variables[v].description = description
        variables[v].role = role
    }

    /// Adds the edge `parent → child`. The child's CPT gains the parent as its last parent
    /// (before the child); every new row copies the old row, so the distribution is unchanged
    /// until it is edited or fitted.
    public mutating func addEdge(from parent: Int, to child: Int) throws(ModelError) {
        guard parent != child else { throw .selfLoop(variables[parent].name) }
        guard !dag.hasEdge(from: parent, to: child) else {
            throw .duplicateEdge(from: variables[parent].name, to: variables[child].name)
        }
        if let cycle = dag.addEdge(from: parent, to: child) {
            throw .cycle(cycle.map { variables[$0].name })
        }
        let old = cpts[child]
        let newScope = familyScope(of: child)
        let ones = try wrap { () throws(FactorError) in
            try Factor(scope: Scope([parent], cardinalities: [variables[parent].cardinality]), filledWith: 1)
        }
        let grown = try wrap { () throws(FactorError) in try old.multiplying(ones) }
        cpts[child] = grown.reordered(to: newScope.variables)
    }

    /// Sets the parents of `v` in the given order and gives `v` a uniform CPT over them.
    public mutating func setParents(_ v: Int, to newParents: [Int]) throws(ModelError) {
        if let p = newParents.first(where: { $0 == v }) { throw .selfLoop(variables[p].name) }
        if let cycle = dag.setParents(v, newParents) { throw .cycle(cycle.map { variables[$0].name }) }
        let scope = familyScope(of: v)
        let k = Double(variables[v].cardinality)
        cpts[v] = try wrap { () throws(FactorError) in try Factor(scope: scope, filledWith: 1 / k) }
    }

    /// Replaces the CPT of `v`. The factor may be over `parents + [v]` in any order; it is
    /// laid out in family order. Every row must be non-negative and sum to 1 within
    /// `normalizationTolerance`; rows are then divided by their sums, unless `renormalizing`
    /// is false: then rows are kept bit for bit (a reader that has already normalised its
    /// rows uses this so that printing and re-reading a table gives back the same Doubles).
    public mutating func setCPT(_ v: Int, _ table: Factor, renormalizing: Bool = true) throws(ModelError) {
        let scope = familyScope(of: v)
        guard Set(table.scope.variables) == Set(scope.variables),
              table.scope.count == scope.count,
              zip(table.scope.variables, table.scope.cardinalities).allSatisfy({ variables[$0.0].cardinality == $0.1 })
        else {
            throw .cptScope(variable: variables[v].name,
                            expected: scope.variables.map { variables[$0].name },
                            got: table.scope.variables.map { $0 < count ? variables[$0].name : "#\($0)" })
        }
        var values = table.reordered(to: scope.variables).values
        let k = variables[v].cardinality
        let rows = values.count / k
        for r in 0..<rows {
            var s = 0.0
            for j in 0..<k {
                let x = values[r * k + j]
                if x < 0 || x.isNaN {
                    throw .negativeProbability(variable: variables[v].name, parentStates: parentStates(of: v, row: r), value: x)
                }
                s += x
            }
            if abs(s - 1) > Self.normalizationTolerance {
                throw .rowNotNormalized(variable: variables[v].name, parentStates: parentStates(of: v, row: r), sum: s)
            }
            if renormalizing { for j in 0..<k { values[r * k + j] /= s } }
        }
        cpts[v] = Factor(unchecked: scope, values)
    }

    /// The parent states (`Parent=state`) of row `row` of `v`'s CPT.
    public func parentStates(of v: Int, row: Int) -> [String] {
        var r = row
        var out: [String] = []
        for p in dag.parents[v].reversed() {
            let c = variables[p].cardinality
            out.append("\(variables[p].name)=\(variables[p].states[r % c])")
            r /= c
        }
        return out.reversed()
    }

    /// Number of free parameters `Σ_v (|v| − 1) · |pa(v)|`.
    public var freeParameterCount: Int {
        (0..<count).reduce(0) { acc, v in
            acc + (variables[v].cardinality - 1) * dag.parents[v].reduce(1) { $0 * variables[$1].cardinality }
        }
    }

    /// The variable's state index by name, or an error listing the allowed states.
    public func stateIndex(_ v: Int, _ state: String) throws(ModelError) -> Int {
        guard let s = variables[v].stateIndex(state) else {
            throw .unknownState(variable: variables[v].name, state: state, allowed: variables[v].states)
        }
        return s
    }

    private mutating func rebuildIndex() {
        indexByName = Dictionary(uniqueKeysWithValues: variables.enumerated().map { ($1.name, $0) })
    }

    func wrap<T>(_ body: () throws(FactorError) -> T) throws(ModelError) -> T {
        do { return try body() } catch { throw .factor(error) }
    }
}
