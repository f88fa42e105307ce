import BNCore

/// Ancestral (forward) sampling of a Bayesian network (Henrion 1988): visit the variables in
/// topological order and draw each from its CPT row selected by the parents already drawn.
/// Interventions `do(X = x)` fix `X` and ignore its CPT (graph surgery).
///
/// Missingness can be added to the sample for testing learning from incomplete data:
/// each cell of the chosen columns is hidden independently with probability `missing`
/// (missing completely at random); latent variables can be dropped entirely.
public struct ForwardSampler: Sendable {
    public let network: BayesianNetwork
    private let order: [Int]
    /// For each variable, the cumulative distribution of each CPT row.
    private let cumulative: [[Double]]

    public init(_ network: BayesianNetwork) {
        self.network = network
        order = network.dag.topologicalOrder()
        cumulative = network.cpts.map { f in
            let k = f.scope.cardinalities.last ?? 1
            var c = f.values
            var i = 0
            while i < c.count {
                var s = 0.0
                for j in 0..<k { s += c[i + j]; c[i + j] = s }
                // Guard against rows summing to 1 − ε: the last state takes the remainder.
                c[i + k - 1] = .infinity
                i += k
            }
            return c
        }
    }

    /// Options of a sample.
    public struct Options: Sendable {
        /// Probability that a cell is hidden (MCAR), per column.
        public var missing: Double
        /// Columns (variable indices) to which `missing` applies; nil means all.
        public var missingColumns: Set<Int>?
        /// Leave latent variables out of the dataset.
        public var dropLatent: Bool
        public var interventions: [Int: Int]

        public init(missing: Double = 0, missingColumns: Set<Int>? = nil, dropLatent: Bool = false, interventions: [Int: Int] = [:]) {
            self.missing = missing
            self.missingColumns = missingColumns
            self.dropLatent = dropLatent
            self.interventions = interventions
        }
    }

    /// `rows` independent draws, integer-coded, columns in network order.
    public func sample(rows: Int, seed: UInt64, options: Options = Options()) -> Dataset {
        var rng = SplitMix64(seed: seed)
        let n = network.count
        var columns = [[Int32]](repeating: [Int32](repeating: 0, count: rows), count: n)
        let parents = (0..<n).map { network.parents(of: $0) }
        let cards = network.cardinalities
        var state = [Int](repeating: 0, count: n)
        for i in 0..<rows {
            for v in order {
                if let fixed = options.interventions[v] {
                    state[v] = fixed
                } else {
                    var row = 0
                    for p in parents[v] { row = row * cards[p] + state[p] }
                    let k = cards[v]
                    let u = rng.nextUnit()
                    var s = 0
                    cumulative[v].withUnsafeBufferPointer { c in
                        let base = row * k
                        while u >= c[base + s] { s += 1 }
                    }
                    state[v] = s
                }
                columns[v][i] = Int32(state[v])
            }
        }
        if options.missing > 0 {
            for v in 0..<n where options.missingColumns?.contains(v) ?? true {
                for i in 0..<rows where rng.nextUnit() < options.missing { columns[v][i] = Dataset.missing }
            }
        }
        var keep = Array(0..<n)
        if options.dropLatent { keep = keep.filter { network.variables[$0].role != .latent } }
        return Dataset(names: keep.map { network.variables[$0].name },
                       states: keep.map { network.variables[$0].states },
                       columns: keep.map { columns[$0] })
    }
}
