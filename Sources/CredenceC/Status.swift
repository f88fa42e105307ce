import BNCore
import Foundation
import Workbench

/// The status codes of the C ABI (`credence.h`): 0 for success, else an `ErrorMessage.Kind`
/// or one of these.
enum Status {
    static let ok: Int32 = 0
    /// The caller's buffer or arguments do not fit the call (a wrong size, a null handle).
    static let argument: Int32 = 7
    /// Anything else (a bug: the message says what).
    static let `internal`: Int32 = 8
}

/// A problem with the caller's arguments (status `argument`).
struct ArgumentError: Error, CustomStringConvertible { var description: String }

/// Runs one exported call: returns 0, or writes the error's message into `err` (at most
/// `cap - 1` bytes, cut at a character boundary, NUL-terminated) and returns its kind. Swift
/// errors never cross the boundary.
func call(_ err: UnsafeMutablePointer<CChar>?, _ cap: Int, _ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return Status.ok
    } catch let e as ArgumentError {
        write(e.description, to: err, cap)
        return Status.argument
    } catch {
        let (kind, text) = ErrorMessage.describe(error)
        write(text, to: err, cap)
        return kind.rawValue
    }
}

/// Copies `text` into a caller's buffer of `cap` bytes.
func write(_ text: String, to buffer: UnsafeMutablePointer<CChar>?, _ cap: Int) {
    guard let buffer, cap > 0 else { return }
    var bytes = Array(text.utf8)
    if bytes.count > cap - 1 {
        var n = cap - 1
        while n > 0 && (bytes[n] & 0xC0) == 0x80 { n -= 1 }   // not inside a UTF-8 sequence
        bytes = Array(bytes[..<n])
    }
    bytes.withUnsafeBufferPointer { b in
        buffer.withMemoryRebound(to: UInt8.self, capacity: cap) { dst in
            if let base = b.baseAddress { dst.update(from: base, count: b.count) }
            dst[b.count] = 0
        }
    }
}

/// A required C string argument.
func string(_ p: UnsafePointer<CChar>?, _ what: String) throws -> String {
    guard let p else { throw ArgumentError(description: "\(what) is missing (a null pointer)") }
    return String(cString: p)
}

/// The caller's buffer of `count` values, copied; a null pointer is an error (`missing`
/// says what is missing) unless `count` is 0.
func array<T>(_ p: UnsafePointer<T>?, count: Int, missing: String) throws -> [T] {
    guard count > 0 else { return [] }
    guard let p else { throw ArgumentError(description: missing) }
    return Array(UnsafeBufferPointer(start: p, count: count))
}

/// A required handle argument.
func handle<T: AnyObject>(_ p: OpaqueRawPointer?, _ type: T.Type, _ what: String) throws -> T {
    guard let p else { throw ArgumentError(description: "\(what) is missing (a null handle)") }
    return object(p, as: type)
}

/// The findings of the C ABI's text form (`credence.h`): records separated by 0x1E, each
/// `KIND 0x1F VARIABLE 0x1F VALUE…` with KIND `e` (hard evidence, one state), `s` (soft
/// evidence, one weight per state) or `d` (an intervention, one state). Names and states are
/// checked by `FindingSet.evidence(in:)`, with the command line's messages.
func findings(_ p: UnsafePointer<CChar>?) throws -> FindingSet {
    guard let p else { return FindingSet() }
    var set = FindingSet()
    let text = String(cString: p)
    if text.isEmpty { return set }
    for record in text.split(separator: "\u{1E}", omittingEmptySubsequences: true) {
        let fields = record.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 3 else { throw ArgumentError(description: "a finding needs a kind, a variable and a value: \(fields)") }
        let name = fields[1]
        switch fields[0] {
        case "e":
            guard set.evidence[name] == nil else { throw WorkbenchError.usage("evidence: '\(name)' is given twice") }
            set.evidence[name] = fields[2]
        case "d":
            guard set.interventions[name] == nil else { throw WorkbenchError.usage("do: '\(name)' is given twice") }
            set.interventions[name] = fields[2]
        case "s":
            let weights = fields.dropFirst(2).map { Double($0) }
            guard weights.allSatisfy({ $0 != nil }) else {
                throw WorkbenchError.usage("soft \(name): expected one number per state, got \(fields.dropFirst(2).joined(separator: ","))")
            }
            set.soft[name] = weights.map { $0! }
        default:
            throw ArgumentError(description: "unknown finding kind '\(fields[0])' (e, s or d)")
        }
    }
    return set
}

/// Hard findings as `count` pairs (variable, state) of indices laid end to end
/// (`credence_query_indexed`). A variable given twice is refused here (a dictionary would
/// keep one silently); ranges are checked by the engine with the variable's name.
func hardFindings(_ p: UnsafePointer<Int32>?, count: Int, in network: BayesianNetwork) throws -> Evidence {
    guard count > 0 else { return Evidence() }
    guard let p else { throw ArgumentError(description: "the findings are missing (a null pointer for \(count) pairs)") }
    var hard: [Int: Int] = [:]
    hard.reserveCapacity(count)
    for i in 0..<count {
        let v = Int(p[2 * i]), s = Int(p[2 * i + 1])
        guard hard.updateValue(s, forKey: v) == nil else {
            let name = v >= 0 && v < network.count ? "'\(network.variables[v].name)'" : "#\(v)"
            throw ArgumentError(description: "evidence: variable \(name) is given twice (one state per variable)")
        }
    }
    return Evidence(hard: hard)
}

/// Names separated by 0x1F (targets, variables).
func names(_ p: UnsafePointer<CChar>?) -> [String] {
    guard let p else { return [] }
    let text = String(cString: p)
    return text.isEmpty ? [] : text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
}

/// Hands a text result to the caller.
func give(_ text: String, _ out: UnsafeMutablePointer<OpaqueRawPointer?>?) throws {
    guard let out else { throw ArgumentError(description: "the result pointer is missing (a null pointer)") }
    out.pointee = retain(ResultHandle(text))
}

/// Hands a network to the caller.
func give(_ network: BayesianNetwork, _ out: UnsafeMutablePointer<OpaqueRawPointer?>?) throws {
    guard let out else { throw ArgumentError(description: "the network pointer is missing (a null pointer)") }
    out.pointee = retain(NetworkHandle(network))
}

/// Copies `values` into the caller's buffer of `length` doubles, which must be exactly as long.
func copy(_ values: [Double], to out: UnsafeMutablePointer<Double>?, length: Int, what: String) throws {
    guard let out else { throw ArgumentError(description: "the output buffer for \(what) is missing") }
    guard length == values.count else {
        throw ArgumentError(description: "the output buffer for \(what) holds \(length) numbers; it needs \(values.count)")
    }
    values.withUnsafeBufferPointer { b in if let base = b.baseAddress { out.update(from: base, count: b.count) } }
}
