/// A table of discrete observations stored by column, integer-coded: `columns[j][i]` is
/// the state index of variable `j` in row `i`, or `Dataset.missing` (-1).
public struct Dataset: Equatable, Sendable {
    /// The code of a missing cell.
    public static let missing: Int32 = -1

    /// Column names, in column order.
    public var names: [String]
    /// The states of each column.
    public var states: [[String]]
    /// `columns[j][i]`: state index or `missing`.
    public var columns: [[Int32]]
    /// Optional row weights (counts); nil means every row has weight 1.
    public var weights: [Double]?

    public init(names: [String], states: [[String]], columns: [[Int32]], weights: [Double]? = nil) {
        precondition(names.count == states.count && names.count == columns.count)
        precondition(Set(columns.map(\.count)).count <= 1, "columns must have equal length")
        self.names = names
        self.states = states
        self.columns = columns
        self.weights = weights
    }

    public var rowCount: Int { columns.first?.count ?? 0 }
    public var columnCount: Int { columns.count }

    /// The column index of a name.
    public func column(named name: String) -> Int? { names.firstIndex(of: name) }

    /// The number of missing cells.
    public var missingCount: Int { columns.reduce(0) { $0 + $1.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } } }
}
