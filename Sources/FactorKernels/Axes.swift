/// The axes of a flat table: one integer label and one cardinality per axis, outermost
/// first (row-major: the last axis varies fastest). Labels are opaque to the kernels;
/// BNCore uses variable indices.
public struct Axes: Hashable, Sendable {
    public var labels: [Int]
    public var cardinalities: [Int]

    public init(labels: [Int], cardinalities: [Int]) {
        precondition(labels.count == cardinalities.count, "one cardinality per label")
        self.labels = labels
        self.cardinalities = cardinalities
    }

    public static let empty = Axes(labels: [], cardinalities: [])

    /// No axes yet, with room for `capacity` of them without reallocating.
    public static func reserving(_ capacity: Int) -> Axes {
        var axes = Axes.empty
        axes.labels.reserveCapacity(capacity)
        axes.cardinalities.reserveCapacity(capacity)
        return axes
    }

    public var count: Int { labels.count }

    /// Number of entries; the caller has already checked it with `CheckedSize`.
    public var entries: Int { cardinalities.reduce(1, &*) }

    /// Row-major strides.
    public var strides: [Int] { CheckedSize.strides(cardinalities) }

    /// The position of `label`, if present.
    @inline(__always)
    public func position(of label: Int) -> Int? { labels.firstIndex(of: label) }

    /// The cardinality of `label`, if present.
    public func cardinality(of label: Int) -> Int? { position(of: label).map { cardinalities[$0] } }

    /// The stride of every label of `target` in this table (0 where the label is absent).
    /// (One array, no intermediate one of this table's own strides: it runs for every
    /// operand of every bucket of a one-shot elimination.)
    public func strides(along target: [Int]) -> [Int] {
        target.map { label in
            guard let p = position(of: label) else { return 0 }
            var s = 1
            for j in (p + 1)..<cardinalities.count { s &*= cardinalities[j] }
            return s
        }
    }

    /// These axes, then those of `other` that they lack: the joint scope of two tables.
    public func union(_ other: Axes) -> Axes {
        var out = self
        for (l, c) in zip(other.labels, other.cardinalities) where !labels.contains(l) {
            out.labels.append(l); out.cardinalities.append(c)
        }
        return out
    }

    /// The axes restricted to the given labels, in the given order.
    public func selecting(_ wanted: [Int]) -> Axes {
        Axes(labels: wanted, cardinalities: wanted.map { cardinality(of: $0)! })
    }
}
