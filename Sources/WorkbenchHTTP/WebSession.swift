import BNCore
import Foundation
import Workbench

/// One browser tab's workbench: a `Session` (journalled like the REPL's) with its
/// `CommandRunner`, worked on by one serial queue so that its requests run one at a time and
/// off the server's own threads, and the state of its fit, which the page follows (events or polling) while the fit
/// runs on that queue.
final class WebSession: @unchecked Sendable {
    let id: String
    let session: Session
    let runner: CommandRunner
    let fit = FitJob()
    private let queue: DispatchQueue
    private let lock = NSLock()
    private var lastUsed = Date()
    private var pending = 0

    init(id: String, session: Session) {
        self.id = id
        self.session = session
        self.runner = CommandRunner(session: session)
        self.queue = DispatchQueue(label: "credence.session.\(id)")
    }

    /// Runs `body` on the session's queue under `budget`; its result, or its error.
    func perform<T: Sendable>(budget: MemoryBudget, _ body: @escaping @Sendable (WebSession) throws -> T) async throws -> T {
        lock.withLock { lastUsed = Date(); pending += 1 }
        defer { lock.withLock { pending -= 1; lastUsed = Date() } }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try MemoryBudget.$current.withValue(budget) { try body(self) } })
            }
        }
    }

    /// Starts `body` on the session's queue and returns at once (a fit).
    func start(budget: MemoryBudget, _ body: @escaping @Sendable (WebSession) -> Void) {
        lock.withLock { lastUsed = Date() }
        queue.async { MemoryBudget.$current.withValue(budget) { body(self) } }
    }

    /// When it was last used, and whether work of it is queued or running.
    var activity: (lastUsed: Date, busy: Bool) { lock.withLock { (lastUsed, pending > 0 || fit.isRunning) } }

    /// Closes the session's journal (kept when there are unsaved edits, as the REPL does).
    func close() { queue.async { self.session.closeJournal() } }
}

/// The progress and outcome of a session's fit: updated by the fit on the session's queue,
/// read from any thread, by polling (`current`) or as a stream of server-sent events
/// (`events()`).
final class FitJob: @unchecked Sendable {
    /// What `GET /api/fit` answers.
    struct Status: Codable, Sendable {
        /// `idle`, `running`, `done`, `failed` or `cancelled`.
        var state: String
        var method: String?
        /// EM iterations so far and the log-likelihood of each.
        var iteration: Int
        var logLikelihoods: [Double]
        var maxIterations: Int?
        var report: LearningTasks.FitReport?
        var error: String?
    }

    private let lock = NSLock()
    private var status = Status(state: "idle", iteration: 0, logLikelihoods: [])
    private var token: CancellationToken?
    private var listeners: [Int: AsyncStream<Data>.Continuation] = [:]
    private var nextListener = 0

    var isRunning: Bool { lock.withLock { status.state == "running" } }
    var current: Status { lock.withLock { status } }

    /// Claims the job for a new fit; false when one is running.
    func begin(method: String, maxIterations: Int, token: CancellationToken) -> Bool {
        lock.withLock {
            guard status.state != "running" else { return false }
            status = Status(state: "running", method: method, iteration: 0, logLikelihoods: [], maxIterations: maxIterations)
            self.token = token
            return true
        }
    }

    func progress(_ iteration: Int, _ logLikelihood: Double) {
        struct Step: Encodable { var iteration: Int; var logLikelihood: Double }
        let event = Self.event("progress", Step(iteration: iteration, logLikelihood: logLikelihood))
        lock.withLock {
            status.iteration = iteration; status.logLikelihoods.append(logLikelihood)
            for l in listeners.values { l.yield(event) }
        }
    }

    func end(_ outcome: Result<LearningTasks.FitReport, Error>, cancelled: Bool) {
        let (event, ending) = lock.withLock {
            switch outcome {
            case .success(let r): status.state = "done"; status.report = r
            case .failure(let e): status.state = cancelled ? "cancelled" : "failed"; status.error = String(describing: e)
            }
            token = nil
            defer { listeners = [:] }
            return (Self.event(status.state, status), Array(listeners.values))
        }
        // Outside the lock: finishing a stream runs its termination handler, which takes it.
        for l in ending { l.yield(event); l.finish() }
    }

    /// The fit as server-sent events: first `status` (what `current` answers, so a page that
    /// subscribes late has the iterations so far), then one `progress` event per EM iteration
    /// (`{iteration, logLikelihood}`) and, when the fit ends, one `done`, `failed` or
    /// `cancelled` event with the final status; then the stream ends. When no fit runs, the
    /// stream is the `status` event alone.
    func events() -> AsyncStream<Data> {
        let (stream, continuation) = AsyncStream.makeStream(of: Data.self, bufferingPolicy: .unbounded)
        lock.withLock {
            continuation.yield(Self.event("status", status))
            guard status.state == "running" else { continuation.finish(); return }
            let id = nextListener
            nextListener += 1
            listeners[id] = continuation
            continuation.onTermination = { [weak self] _ in
                guard let self else { return }
                self.lock.withLock { _ = self.listeners.removeValue(forKey: id) }
            }
        }
        return stream
    }

    /// One server-sent event: `event: NAME`, `data: JSON` (one line), a blank line.
    static func event(_ name: String, _ value: some Encodable) -> Data {
        let json = (try? JSONDocument.encode(value, pretty: false, nonFinite: .null)) ?? "{}"
        return Data("event: \(name)\ndata: \(json)\n\n".utf8)
    }

    /// Asks a running fit to stop (the model stays as it was); false when none runs.
    func cancel() -> Bool { lock.withLock { token?.cancel() ?? false } }
}
