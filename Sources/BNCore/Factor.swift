import FactorKernels

/// A real-valued table over a scope: the building block of CPTs, potentials and messages.
///
/// `values` is contiguous and row-major over `scope` (the last variable varies fastest),
/// so `values[Σ xᵢ·strideᵢ] = φ(x₀, …, xₙ₋₁)`. A CPT `P(X | U)` has scope `U + [X]`, which
/// makes each conditional distribution a contiguous row. All operations are non-mutating
/// and return new factors; equality is exact.
///
/// `Factor` is the checked public wrapper of the engines' one table type, `Table` (axes
/// and values): it validates sizes against its scope and the memory budget.
public struct Factor: Equatable, Sendable {
    public let scope: Scope
    public private(set) var values: [Double]

    /// A factor with the given values (checked against the scope and the memory budget).
    public init(scope: Scope, values: [Double]) throws(FactorError) {
        let n = try MemoryBudget.current.check(scope)
        guard values.count == n else { throw .valueCount(scope, expected: n, got: values.count) }
        self.scope = scope
        self.values = values
    }

    /// A factor whose every entry is `value`.
    public init(scope: Scope, filledWith value: Double) throws(FactorError) {
        let n = try MemoryBudget.current.check(scope)
        self.scope = scope
        self.values = [Double](repeating: value, count: n)
    }

    /// The factor over a table's axes and values (checked like `init(scope:values:)`).
    public init(_ table: Table) throws(FactorError) {
        try self.init(scope: Scope(table.axes.labels, cardinalities: table.axes.cardinalities), values: table.values)
    }

    /// The factor as a table (its scope's axes and its values).
    public var table: Table { Table(axes: scope.axes, values: values) }

    /// Internal: values already sized and allocated by a kernel.
    init(unchecked scope: Scope, _ values: [Double]) {
        self.scope = scope
        self.values = values
    }

    /// The constant factor `φ() = value`.
    public static func constant(_ value: Double) -> Factor { Factor(unchecked: .empty, [value]) }

    /// The entry at a full assignment of the scope, given as state indices in scope order.
    public subscript(_ states: [Int]) -> Double {
        precondition(states.count == scope.count, "one state per scope variable")
        var index = 0
        for (s, c) in zip(states, scope.cardinalities) {
            precondition(s >= 0 && s < c, "state index out of range")
            index = index * c + s
        }
        return values[index]
    }

    /// The entry at an assignment given as `variable → state` (extra variables ignored).
    public func value(at assignment: [Int: Int]) -> Double {
        self[scope.variables.map { assignment[$0]! }]
    }

    /// Σ of all entries.
    public var sum: Double { values.reduce(0, +) }
}
