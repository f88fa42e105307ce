/// Errors raised by the flat-buffer kernels. Shapes are reported as cardinality lists;
/// the layers above translate them into variable names.
public enum KernelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The product of the cardinalities does not fit in a machine integer.
    case sizeOverflow([Int])
    /// A cardinality below 1.
    case invalidCardinality([Int])

    public var description: String {
        switch self {
        case .sizeOverflow(let c):
            return "a table with cardinalities \(c) has more entries than a 64-bit size can hold"
        case .invalidCardinality(let c):
            return "cardinalities must be at least 1, got \(c)"
        }
    }
}
