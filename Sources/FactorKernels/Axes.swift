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
    public func strides(along target: [Int]) -> [Int] {
        let own = strides
        return target.map { label in position(of: label).map { own[$0] } ?? 0 }
    }

    /// The axes restricted to the given labels, in the given order.
    public func selecting(_ wanted: [Int]) -> Axes {
        Axes(labels: wanted, cardinalities: wanted.map { cardinality(of: $0)! })
    }
}
