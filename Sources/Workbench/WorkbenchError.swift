/// Errors of the workbench layer, in user words.
public enum WorkbenchError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(path: String, reason: String)
    case usage(String)

    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        case .usage(let text): return text
        }
    }
}
