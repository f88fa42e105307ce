import BNCore

/// Discretises the numeric columns of a table read without a model (every cell kept as
/// text), so that structure and parameter learning see discrete states whose names show the
/// intervals, and the cut points can be stored with the learned model.
///
/// A column is *numeric* when every observed value reads as a finite decimal number. A
/// numeric column is cut when a method is given for it by name, or, failing that, when it
/// has more than `categoricalLimit` distinct values and `automatic` is set (a 0/1 flag or a
/// 1–5 rating stays categorical). Missing cells stay missing.
///
/// Methods are those of `Discretizer`: equal width, equal frequency, and the supervised
/// entropy/MDL splitting of Fayyad & Irani (1993), which needs `target`, a categorical
/// column. This is what bnlearn's `discretize()` and pyAgrum's `skbn.BNDiscretizer` do
/// before learning, with the bins kept instead of thrown away.
public struct DatasetDiscretization: Sendable, Equatable {
    /// A method per column name; `nil` keeps that column as it is.
    public var methods: [String: Discretizer.Method?]
    /// The method for other numeric columns with many values; nil leaves them alone.
    public var automatic: Discretizer.Method?
    /// Numeric columns with at most this many distinct values stay categorical unless named.
    public var categoricalLimit: Int
    /// The class column for `.mdl`.
    public var target: String?

    public init(methods: [String: Discretizer.Method?] = [:], automatic: Discretizer.Method? = .equalFrequency(bins: 4),
                categoricalLimit: Int = 10, target: String? = nil) {
        self.methods = methods
        self.automatic = automatic
        self.categoricalLimit = categoricalLimit
        self.target = target
    }

    /// One column that was cut.
    public struct Column: Codable, Sendable, Equatable {
        public var name: String
        public var method: String
        public var cutPoints: [Double]
        public var states: [String]
        /// The smallest and largest observed values.
        public var minimum: Double
        public var maximum: Double
        /// Rows per state (missing cells not counted), so a bin that holds nothing shows.
        public var counts: [Int]

        /// `tenure (equal-frequency:4, 0 to 72, 7043 values): (-inf,8] 1735 · (8,28] 1762 · …`
        public var summary: String {
            let number = Dataset.valueText
            let bins = zip(states, counts).map { "\($0) \($1)" }.joined(separator: " · ")
            return "\(name) (\(method), \(number(minimum)) to \(number(maximum)), \(counts.reduce(0, +)) values): \(bins)"
        }
    }

    /// Cuts the chosen columns of `data`; returns the new table and the columns that were cut.
    /// A row counts as many times as its weight says (a table of distinct rows weighted by
    /// their counts is cut as its rows would be). Throws when a named column is missing or
    /// not numeric, or MDL has no usable target.
    public func apply(to data: Dataset) throws(LearningError) -> (data: Dataset, columns: [Column]) {
        var weights = columnWeights(names: data.names)
        weights.add(data)
        let cuts = try plan(weights)
        var out = data
        for c in cuts {
            out.columns[c.column] = data.columns[c.column].map { $0 < 0 ? $0 : c.recoding[Int($0)] }
            out.states[c.column] = c.report.states
        }
        return (out, cuts.map(\.report))
    }

    /// The weights per state a plan needs for columns `names` (with the target's classes
    /// when a method is MDL and the target is one of them).
    public func columnWeights(names: [String]) -> ColumnWeights {
        let usesMDL = ([automatic] + Array(methods.values)).contains { if case .mdl? = $0 { return true } else { return false } }
        return ColumnWeights(names: names, target: usesMDL ? target.flatMap { names.firstIndex(of: $0) } : nil)
    }

    /// What cutting a table's columns needs from its rows, gathered chunk by chunk: each
    /// column's total row weight per state and, against the target column, per (state,
    /// target state) for MDL. Chunks of a table read without a model carry the states seen
    /// so far, each chunk's a prefix-extension of the last's (codes of earlier chunks keep
    /// their meaning), so the weights grow with them.
    public struct ColumnWeights: Sendable {
        /// The table's column names, in order.
        public let names: [String]
        /// The states of the last chunk added.
        public private(set) var states: [[String]]
        /// `weights[j][k]`: the weight of the rows whose column `j` holds state `k`.
        public private(set) var weights: [[Double]]
        /// The target column, and `byTarget[j][k][c]` the weight of the rows with state `k`
        /// in column `j` and target state `c` (empty without a target).
        public let targetColumn: Int?
        public private(set) var byTarget: [[[Double]]]
        /// The rows added, and their missing cells.
        public private(set) var rowCount = 0
        public private(set) var missingCells = 0

        init(names: [String], target: Int?) {
            self.names = names
            states = names.map { _ in [] }
            weights = names.map { _ in [] }
            targetColumn = target
            byTarget = target == nil ? [] : names.map { _ in [] }
        }

        /// Adds the rows of `chunk` (these columns, in this order).
        public mutating func add(_ chunk: Dataset) {
            precondition(chunk.names == names, "ColumnWeights: a chunk with other columns")
            states = chunk.states
            let w = chunk.weights
            for j in names.indices {
                let column = chunk.columns[j]
                if weights[j].count < states[j].count { weights[j] += [Double](repeating: 0, count: states[j].count - weights[j].count) }
                weights[j].withUnsafeMutableBufferPointer { out in
                    for (i, c) in column.enumerated() {
                        if c >= 0 { out[Int(c)] += w?[i] ?? 1 } else { missingCells += 1 }
                    }
                }
                guard let t = targetColumn else { continue }
                let classes = states[t].count, target = chunk.columns[t]
                if byTarget[j].count < states[j].count { byTarget[j] += [[Double]](repeating: [], count: states[j].count - byTarget[j].count) }
                for (i, c) in column.enumerated() where c >= 0 && target[i] >= 0 {
                    if byTarget[j][Int(c)].count < classes {
                        byTarget[j][Int(c)] += [Double](repeating: 0, count: classes - byTarget[j][Int(c)].count)
                    }
                    byTarget[j][Int(c)][Int(target[i])] += w?[i] ?? 1
                }
            }
            rowCount += chunk.rowCount
        }
    }

    /// One column to cut: its old state codes' new codes, and the report.
    public struct ColumnCut: Sendable {
        /// The column's index in the table.
        public var column: Int
        /// `recoding[k]`: the new state of old state `k`.
        public var recoding: [Int32]
        /// What `learn` reports of the cut: the method, its cut points and the new states.
        public var report: Column
    }

    /// The cuts of the columns of a table summarised by `weights` (`apply` recodes the rows
    /// with them; a streaming read recodes each chunk).
    public func plan(_ weights: ColumnWeights) throws(LearningError) -> [ColumnCut] {
        let names = weights.names, states = weights.states
        for name in methods.keys where !names.contains(name) {
            throw .invalidOption("--discretize names \(Quote.name(name)), which is not a column; the columns are \(names.joined(separator: ", "))")
        }
        var cut: [ColumnCut] = []
        for (j, name) in names.enumerated() {
            let values = Self.numericValues(states[j])
            let method: Discretizer.Method
            if let named = methods[name] {
                guard let m = named else { continue }
                guard values != nil else {
                    let example = states[j].first { Dataset.decimalValue($0) == nil } ?? ""
                    throw .invalidOption("column \(Quote.name(name)) is not numeric (it holds \(Quote.name(example))), so it cannot be discretised")
                }
                method = m
            } else {
                guard automatic != nil, let v = values else { continue }
                if Self.isFewValued(v, limit: categoricalLimit) {
                    // Few values: one state per value, named by it, cut halfway between
                    // neighbours so a value never seen here (72 months) is cut like any other.
                    let (recoding, newStates, cuts) = Self.valueStates(states[j], numbers: v)
                    cut.append(ColumnCut(column: j, recoding: recoding, report: Column(
                        name: name, method: "values", cutPoints: cuts, states: newStates, minimum: v.min() ?? 0, maximum: v.max() ?? 0,
                        counts: Self.counts(weights.weights[j], recoding, newStates.count))))
                    continue
                }
                method = automatic!
            }
            guard let numbers = values else { continue }
            var perValue: [(value: Double, weights: [Double])] = []
            if case .mdl = method {
                guard let t = target else {
                    throw .invalidOption("MDL discretisation of \(Quote.name(name)) needs a class column: give --discretize-target VARIABLE")
                }
                guard let tc = names.firstIndex(of: t) else {
                    throw .invalidOption("the discretisation target \(Quote.name(t)) is not a column; the columns are \(names.joined(separator: ", "))")
                }
                guard tc != j else { throw .invalidOption("\(Quote.name(name)) cannot be discretised against itself") }
                for (k, x) in numbers.enumerated() where k < weights.byTarget[j].count && weights.byTarget[j][k].contains(where: { $0 > 0 }) {
                    perValue.append((x, weights.byTarget[j][k]))
                }
            } else {
                for (k, x) in numbers.enumerated() where weights.weights[j][k] > 0 { perValue.append((x, [weights.weights[j][k]])) }
            }
            let d = try Discretizer.fit(Discretizer.WeightedValues(perValue), method: method)
            let recoding = numbers.map { d.bin($0) }
            let observed = numbers.filter(\.isFinite)
            cut.append(ColumnCut(column: j, recoding: recoding, report: Column(
                name: name, method: Self.describe(method), cutPoints: d.cutPoints, states: d.stateNames,
                minimum: observed.min() ?? 0, maximum: observed.max() ?? 0, counts: Self.counts(weights.weights[j], recoding, d.binCount))))
        }
        return cut
    }

    /// The numeric columns of `data` that `apply` keeps as one state per value: not named in
    /// `methods`, numeric, with at most `categoricalLimit` distinct values (none when
    /// `automatic` is nil, which leaves every unnamed column alone).
    public func fewValuedColumns(of data: Dataset) -> [String] {
        guard automatic != nil else { return [] }
        return data.names.indices.filter { j in
            methods[data.names[j]] == nil && Self.numericValues(data.states[j]).map { Self.isFewValued($0, limit: categoricalLimit) } == true
        }.map { data.names[$0] }
    }

    /// Whether a numeric column with these distinct values stays categorical.
    static func isFewValued(_ values: [Double], limit: Int) -> Bool { Set(values).count <= limit }

    /// Rows per new state (their total weight): old state `k` of weight `weights[k]` is
    /// new state `recoding[k]`.
    static func counts(_ weights: [Double], _ recoding: [Int32], _ states: Int) -> [Int] {
        var c = [Double](repeating: 0, count: states)
        for (k, s) in recoding.enumerated() where s >= 0 && k < weights.count { c[Int(s)] += weights[k] }
        return c.map { Int($0.rounded()) }
    }

    /// A numeric column with few distinct values as one state per value, in numeric order,
    /// named by its text ("1" and "1.0" are one state, named by the shorter), with cut points
    /// halfway between neighbouring values: a new value falls in the state of the nearest
    /// known value (ties to the lower), and one beyond either end in the end state. Returns
    /// each old state's new state.
    static func valueStates(_ texts: [String], numbers: [Double]) -> (recoding: [Int32], states: [String], cuts: [Double]) {
        let distinct = Array(Set(numbers)).sorted()
        var names = [String?](repeating: nil, count: distinct.count)
        var recode = [Int32](repeating: -1, count: texts.count)
        for (k, x) in numbers.enumerated() {
            let s = distinct.firstIndex(of: x)!
            recode[k] = Int32(s)
            if names[s].map({ texts[k].count < $0.count }) ?? true { names[s] = texts[k] }
        }
        let cuts = zip(distinct, distinct.dropFirst()).map { ($0 + $1) / 2 }
        return (recode, names.map { $0! }, cuts)
    }

    /// The numbers of a column's distinct values, or nil when one is not a finite number.
    static func numericValues(_ states: [String]) -> [Double]? {
        guard !states.isEmpty else { return nil }
        var out: [Double] = []
        out.reserveCapacity(states.count)
        for s in states {
            guard let x = Dataset.decimalValue(s) else { return nil }
            out.append(x)
        }
        return out
    }

    /// `equal-width:5`, `equal-frequency:4`, `mdl`.
    public static func describe(_ m: Discretizer.Method) -> String {
        switch m {
        case .equalWidth(let k): return "equal-width:\(k)"
        case .equalFrequency(let k): return "equal-frequency:\(k)"
        case .mdl: return "mdl"
        }
    }

    /// Reads a method: `equal-width:K` (or `width:K`), `equal-frequency:K` (or
    /// `frequency:K`, `quantile:K`), `mdl`, or `none`/`categorical` (nil: keep the column).
    public static func parseMethod(_ text: String) throws(LearningError) -> Discretizer.Method? {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        let kind = parts.first ?? ""
        func bins() throws(LearningError) -> Int {
            guard parts.count == 2, let k = Int(parts[1]), k >= 2 else {
                throw .invalidOption("\(Quote.name(text)): give the number of bins (at least 2), e.g. \(kind):4")
            }
            return k
        }
        switch kind {
        case "equal-width", "width": return .equalWidth(bins: try bins())
        case "equal-frequency", "frequency", "quantile": return .equalFrequency(bins: try bins())
        case "mdl": return .mdl
        case "none", "categorical": return nil
        default:
            throw .invalidOption("unknown discretisation \(Quote.name(text)): use equal-width:K, equal-frequency:K, mdl or none")
        }
    }
}

extension BayesianNetwork {
    /// A network with one parentless variable per column of `data` (states as in the data),
    /// carrying the cut points of the columns that were cut: the start of every structure
    /// search, so the learned model cuts new data the same way.
    public static func unconnected(over data: Dataset, name: String, cutPoints: [String: [Double]] = [:]) throws(ModelError) -> BayesianNetwork {
        var net = BayesianNetwork(name: name)
        for (j, n) in data.names.enumerated() {
            try net.addVariable(Variable(name: n, states: data.states[j], cutPoints: cutPoints[n]))
        }
        return net
    }
}
