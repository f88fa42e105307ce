import FactorKernels

/// The ordered variables of a factor with their cardinalities. Variables are identified
/// by their index in a network (or any stable integer id). The order is the table's
/// layout: row-major, the last variable varies fastest.
public struct Scope: Hashable, Sendable, CustomStringConvertible {
    /// The variable ids, outermost first.
    public let variables: [Int]
    /// The number of states of each variable.
    public let cardinalities: [Int]

    /// A scope; ids must be distinct and cardinalities at least 1.
    public init(_ variables: [Int], cardinalities: [Int]) {
        precondition(variables.count == cardinalities.count, "one cardinality per variable")
        precondition(Set(variables).count == variables.count, "duplicate variable in scope \(variables)")
        precondition(cardinalities.allSatisfy { $0 >= 1 }, "cardinalities must be at least 1")
        self.variables = variables
        self.cardinalities = cardinalities
    }

    /// The empty scope of a constant factor.
    public static let empty = Scope([], cardinalities: [])

    init(_ axes: Axes) { self.init(axes.labels, cardinalities: axes.cardinalities) }

    /// The kernel view of this scope.
    public var axes: Axes { Axes(labels: variables, cardinalities: cardinalities) }

    public var count: Int { variables.count }

    /// Whether `variable` is in the scope.
    public func contains(_ variable: Int) -> Bool { variables.contains(variable) }

    /// The cardinality of `variable`, if it is in the scope.
    public func cardinality(of variable: Int) -> Int? { axes.cardinality(of: variable) }

    /// The variables of `self` followed by those of `other` that are not in `self`.
    public func union(_ other: Scope) -> Scope {
        var vars = variables, cards = cardinalities
        for (v, c) in zip(other.variables, other.cardinalities) where !contains(v) {
            vars.append(v); cards.append(c)
        }
        return Scope(vars, cardinalities: cards)
    }

    /// The scope restricted to the variables for which `isIncluded` holds, order kept.
    public func filter(_ isIncluded: (Int) -> Bool) -> Scope {
        Scope(axes.selecting(variables.filter(isIncluded)))
    }

    /// Number of table entries, overflow-checked.
    public func entries() throws(FactorError) -> Int {
        do { return try CheckedSize.entries(cardinalities) } catch { throw .sizeOverflow(self) }
    }

    public var description: String {
        "[" + zip(variables, cardinalities).map { "#\($0.0):\($0.1)" }.joined(separator: ", ") + "]"
    }
}
