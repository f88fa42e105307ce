import Foundation
import Workbench

/// The live sessions, one per browser tab, by id. When `limit` sessions are open, the least
/// recently used idle one is closed to make room; when every one is busy, a new one is
/// refused (429).
final class SessionRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var sessions: [String: WebSession] = [:]
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func add(_ s: WebSession) throws {
        var evicted: WebSession?
        try lock.withLock {
            if sessions.count >= limit {
                guard let oldest = sessions.values.filter({ !$0.activity.busy }).min(by: { $0.activity.lastUsed < $1.activity.lastUsed }) else {
                    throw WorkbenchHTTPError.tooMany("\(limit) sessions are open and busy; close a tab or wait")
                }
                sessions[oldest.id] = nil
                evicted = oldest
            }
            sessions[s.id] = s
        }
        evicted?.close()
    }

    func get(_ id: String) -> WebSession? { lock.withLock { sessions[id] } }

    func remove(_ id: String) -> WebSession? { lock.withLock { sessions.removeValue(forKey: id) } }

    var count: Int { lock.withLock { sessions.count } }

    /// Closes every session (the server stops): journals of unsaved edits stay for the REPL.
    func closeAll() {
        let all = lock.withLock { let a = Array(sessions.values); sessions = [:]; return a }
        for s in all { s.close() }
    }
}
