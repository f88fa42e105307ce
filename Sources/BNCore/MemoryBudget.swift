import Foundation

/// The largest table, in bytes, that Credence will allocate. Checked before every
/// allocation of a factor, so an impossible query stops with a named error instead of
/// exhausting memory.
///
/// The budget in force is a task-local value: `MemoryBudget.$current.withValue(b) { … }`
/// scopes a different budget to a piece of work. The default comes from the environment
/// variable `CREDENCE_MEMORY_BUDGET` (bytes, or with a `K`, `M`, `G` suffix), else 4 GiB.
public struct MemoryBudget: Sendable, Equatable {
    /// Maximum bytes of one table.
    public var bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    /// The budget in force for the current task.
    @TaskLocal public static var current = MemoryBudget.fromEnvironment()

    /// Reads `CREDENCE_MEMORY_BUDGET`, defaulting to 4 GiB.
    public static func fromEnvironment() -> MemoryBudget {
        if let text = ProcessInfo.processInfo.environment["CREDENCE_MEMORY_BUDGET"],
           let b = parse(text) {
            return MemoryBudget(bytes: b)
        }
        return MemoryBudget(bytes: 4 << 30)
    }

    /// Parses `123`, `64K`, `512M`, `4G` (powers of 1024).
    public static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard let last = t.last else { return nil }
        let shift: Int
        var digits = t
        switch last {
        case "K": shift = 10; digits.removeLast()
        case "M": shift = 20; digits.removeLast()
        case "G": shift = 30; digits.removeLast()
        default: shift = 0
        }
        guard let n = Int(digits), n >= 0, n <= (Int.max >> shift) else { return nil }
        return n << shift
    }

    /// Checks that a table over `scope` fits, returning its number of entries.
    public func check(_ scope: Scope) throws(FactorError) -> Int {
        let n = try scope.entries()
        let (b, overflow) = n.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
        if overflow { throw .sizeOverflow(scope) }
        if b > bytes { throw .overBudget(scope, bytes: b, budget: bytes) }
        return n
    }

    /// `1.5 GiB`-style text.
    public static func format(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = Double(bytes), u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(bytes) bytes" : "\(String(format: "%.1f", v)) \(units[u])"
    }
}
