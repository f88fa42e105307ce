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
    /// The file the table was read from, for messages that point back into it (not part of
    /// the table's value: `==` ignores it).
    public var source: DataSource?

    public init(names: [String], states: [[String]], columns: [[Int32]], weights: [Double]? = nil) {
        precondition(names.count == states.count && names.count == columns.count)
        precondition(Set(columns.map(\.count)).count <= 1, "columns must have equal length")
        self.names = names
        self.states = states
        self.columns = columns
        self.weights = weights
    }

    public var rowCount: Int { columns.first?.count ?? 0 }

    /// Tables are equal when their names, states, cells and weights are.
    public static func == (a: Dataset, b: Dataset) -> Bool {
        a.names == b.names && a.states == b.states && a.columns == b.columns && a.weights == b.weights
    }

    /// The 1-based number of row `i` in the file it was read from (the header not counted),
    /// as messages name it; `i + 1` for a table built in memory or read whole.
    public func rowNumber(_ i: Int) -> Int { source?.rowNumbers?[i] ?? i + 1 }
    public var columnCount: Int { columns.count }

    /// The column index of a name.
    public func column(named name: String) -> Int? { names.firstIndex(of: name) }

    /// The number of missing cells.
    public var missingCount: Int { columns.reduce(0) { $0 + Self.missingCells(in: $1) } }

    /// The number of missing (negative) codes in a column: the sign bits added up, a loop
    /// without branches that the compiler vectorises (a 100,000 × 37 table in well under
    /// a millisecond; `contains { $0 < 0 }` stopped at nothing on complete data and ran
    /// a byte-at-a-time compare-and-branch).
    public static func missingCells(in column: [Int32]) -> Int {
        column.withUnsafeBufferPointer { c in
            var n: UInt32 = 0
            var total = 0
            var i = 0
            while i < c.count {
                // Chunks short enough that the UInt32 sum cannot overflow.
                let end = min(i + (1 << 30), c.count)
                n = 0
                for k in i..<end { n &+= UInt32(bitPattern: c[k]) >> 31 }
                total += Int(n)
                i = end
            }
            return total
        }
    }
}

/// Where a `Dataset` came from: its file, the header columns that named no variable, and,
/// for a subset of the rows, each row's number in the file.
public struct DataSource: Equatable, Sendable {
    /// A header column that binds to no variable of the model.
    public struct Column: Equatable, Sendable {
        public var name: String
        /// 1-based.
        public var column: Int
        public init(name: String, column: Int) { self.name = name; self.column = column }
    }
    /// The file name as the user gave it.
    public var file: String
    /// Header columns that were ignored, in file order.
    public var ignoredColumns: [Column]
    /// `rowNumbers[i]`: the 1-based data row (header not counted) of row `i`; nil when row
    /// `i` is data row `i + 1`.
    public var rowNumbers: [Int]?

    public init(file: String, ignoredColumns: [Column] = [], rowNumbers: [Int]? = nil) {
        self.file = file
        self.ignoredColumns = ignoredColumns
        self.rowNumbers = rowNumbers
    }
}
