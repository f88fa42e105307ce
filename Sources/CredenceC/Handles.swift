import BNCore
import FactorKernels
import Foundation
import Synchronization
import Workbench

/// Process-wide set-up, once, before the first network or table: one OpenBLAS thread unless
/// CREDENCE_BLAS_THREADS says otherwise, as the command line does (batched scoring and EM
/// split rows over the cores themselves). The allocator is left as the host process has it.
let processSetup: Void = {
    BLAS.setThreads(ProcessInfo.processInfo.environment["CREDENCE_BLAS_THREADS"].flatMap(Int.init) ?? 1)
}()

/// The threads each batch call (`credence_score`, `credence_family_counts`,
/// `credence_expected_counts`) splits its rows over, set by `credence_set_threads`; 0 (the
/// default) means every core of the machine.
let batchThreadsSetting = Atomic<Int>(0)

/// The threads a batch call uses now: the setting, or every core when it is 0.
var batchThreads: Int {
    let n = batchThreadsSetting.load(ordering: .relaxed)
    return n > 0 ? n : ProcessInfo.processInfo.activeProcessorCount
}

/// A network behind `credence_network *`: an immutable value, with the query service and
/// explainer built on first use and a lock, because ctypes releases Python's GIL during a
/// call and two threads may ask the same network at once.
final class NetworkHandle {
    let network: BayesianNetwork
    let lock = NSLock()
    private var service: QueryService?
    private var explainer: Explainer?
    init(_ network: BayesianNetwork) {
        processSetup
        self.network = network
    }

    /// Runs `body` with the network's query service, under the lock.
    func withService<T>(_ body: (QueryService) throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        if service == nil { service = QueryService(network: network) }
        return try body(service!)
    }

    func withExplainer<T>(_ body: (Explainer) throws -> T) throws -> T {
        lock.lock(); defer { lock.unlock() }
        if explainer == nil { explainer = try Explainer(network: network) }
        return try body(explainer!)
    }
}

/// A REPL session behind `credence_session *` (model, findings, undo/redo), never journaled.
final class SessionHandle {
    let runner: CommandRunner
    let lock = NSLock()
    init(_ network: BayesianNetwork) {
        runner = CommandRunner(session: Session(network: network, journaling: false))
    }
}

/// A text result behind `credence_result *` (JSON, a model's text, an SVG): NUL-terminated
/// UTF-8 that stays valid until `credence_result_free`.
final class ResultHandle {
    let bytes: UnsafeMutablePointer<CChar>
    let count: Int
    init(_ text: String) {
        let utf8 = Array(text.utf8)
        count = utf8.count
        bytes = .allocate(capacity: count + 1)
        let target = bytes
        utf8.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            target.withMemoryRebound(to: UInt8.self, capacity: b.count) { dst in dst.update(from: base, count: b.count) }
        }
        bytes[count] = 0
    }
    deinit { bytes.deallocate() }
}

/// A table under construction behind `credence_table *`.
final class TableHandle {
    var table: DataTable
    init(rows: Int) {
        processSetup
        table = DataTable(rowCount: rows)
    }
}

// MARK: handles <-> pointers

func retain<T: AnyObject>(_ object: T) -> OpaqueRawPointer { Unmanaged.passRetained(object).toOpaque() }
func object<T: AnyObject>(_ pointer: OpaqueRawPointer, as _: T.Type = T.self) -> T {
    Unmanaged<T>.fromOpaque(pointer).takeUnretainedValue()
}
func release<T: AnyObject>(_ pointer: OpaqueRawPointer?, as _: T.Type) {
    guard let pointer else { return }
    Unmanaged<T>.fromOpaque(pointer).release()
}
public typealias OpaqueRawPointer = UnsafeMutableRawPointer
