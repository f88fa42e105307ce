import Foundation

/// The most memory, in bytes, that one piece of work (a query, a calibration, reading a
/// compressed model) may hold in tables at once. Checked before allocating, so an
/// impossible query stops with a named error instead of exhausting memory.
///
/// The budget in force is a task-local value: `MemoryBudget.$current.withValue(b) { … }`
/// scopes a different budget to a piece of work. The default comes from the environment
/// variable `CREDENCE_MEMORY_BUDGET` (see `parse(_:)` for the forms), else 4 GiB; a value
/// that does not parse leaves the default in force and is reported by
/// `environmentProblem`, which the command line turns into an error.
public struct MemoryBudget: Sendable, Equatable {
    /// Maximum bytes held at once.
    public var bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    /// The environment variable read for the default budget.
    public static let variable = "CREDENCE_MEMORY_BUDGET"
    /// The budget when the variable is not set: 4 GiB.
    public static let defaultBytes = 4 << 30
    /// The accepted forms, for messages.
    public static let acceptedForms = "a positive number of bytes, optionally with a decimal fraction and a K, M, G or T suffix (powers of 1024; KB/KiB, MB/MiB, … also accepted): 1073741824, 512M, 1.5G, 4GiB"

    /// The budget in force for the current task.
    @TaskLocal public static var current = environmentDefault

    /// `CREDENCE_MEMORY_BUDGET` when it parses, else 4 GiB.
    public static let environmentDefault: MemoryBudget =
        (try? fromEnvironment()) ?? MemoryBudget(bytes: defaultBytes)

    /// Why `CREDENCE_MEMORY_BUDGET` cannot be used, or nil when it is unset or parses.
    public static var environmentProblem: BudgetError? {
        do { _ = try fromEnvironment(); return nil } catch { return error }
    }

    /// Reads `CREDENCE_MEMORY_BUDGET` from `environment`: 4 GiB when unset.
    /// - Throws: `BudgetError` naming the variable, its value and the accepted forms when
    ///   the value does not parse.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(BudgetError) -> MemoryBudget {
        guard let text = environment[variable] else { return MemoryBudget(bytes: defaultBytes) }
        guard let b = parse(text) else { throw BudgetError(value: text) }
        return MemoryBudget(bytes: b)
    }

    /// Parses a size: `1234`, `64K`, `512M`, `1.5G`, `2T` (powers of 1024; the suffix may
    /// also be written `KB`/`KiB`, `MB`/`MiB`, …, in any case, and a fraction is rounded
    /// down to whole bytes). Nil for anything else, for zero, and for sizes that do not fit
    /// in a machine integer.
    public static func parse(_ text: String) -> Int? {
        var t = Substring(text.trimmingCharacters(in: .whitespaces).uppercased())
        for suffix in ["IB", "B"] where t.hasSuffix(suffix) && t.count > suffix.count {
            t = t.dropLast(suffix.count)
            break
        }
        let shift: Int
        switch t.last {
        case "K": shift = 10
        case "M": shift = 20
        case "G": shift = 30
        case "T": shift = 40
        default: shift = 0
        }
        if shift > 0 { t = t.dropLast() } else if text.uppercased().hasSuffix("IB") { return nil }
        let parts = t.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigitCharacter),
              parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigitCharacter)),
              let n = Int(whole), n <= (Int.max >> shift) else { return nil }
        if parts.count == 2 && shift == 0 { return nil }   // no fractions of a byte
        var bytes = n << shift
        if parts.count == 2 {
            // The fraction in units of 2^shift bytes, rounded down: exact for up to 15 digits.
            guard let f = Double("0." + parts[1]) else { return nil }
            let extra = (f * Double(1 << shift)).rounded(.down)
            let (sum, o) = bytes.addingReportingOverflow(Int(extra))
            if o { return nil }
            bytes = sum
        }
        return bytes > 0 ? bytes : nil
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

/// A `CREDENCE_MEMORY_BUDGET` value that is not a size.
public struct BudgetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text found in the variable.
    public var value: String

    public var description: String {
        "\(MemoryBudget.variable)=\(Quote.name(value)) is not a memory size; use \(MemoryBudget.acceptedForms)"
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
