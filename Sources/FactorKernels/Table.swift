/// A flat table: its axes and its values, row-major over them (the last axis varies
/// fastest). The one shape of a table inside the engines (operands and results of a
/// contraction, clique potentials, messages); BNCore's `Factor` is the checked public
/// wrapper around the same pair.
public struct Table: Sendable, Equatable {
    public var axes: Axes
    public var values: [Double]

    @inline(__always)
    public init(axes: Axes, values: [Double]) {
        self.axes = axes
        self.values = values
    }

    /// The table `1` over no axes.
    public static let one = Table(axes: .empty, values: [1])
}
