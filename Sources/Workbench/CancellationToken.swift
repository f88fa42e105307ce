import Foundation

/// A one-shot race between finishing a command and cancelling it (Ctrl-C in the REPL):
/// whichever comes first wins. A long command calls `finish()` just before it changes the
/// session and gives up when that returns false; the interrupt calls `cancel()`, which
/// returns false when the command has already committed.
public final class CancellationToken: @unchecked Sendable {
    private let lock = NSLock()
    private var state = 0  // 0 running, 1 finished, 2 cancelled

    public init() {}

    /// True once `cancel()` has won.
    public var isCancelled: Bool { lock.withLock { state == 2 } }

    /// Claims the right to commit; false when the command was cancelled.
    func finish() -> Bool {
        lock.withLock {
            if state == 2 { return false }
            state = 1
            return true
        }
    }

    /// Cancels; false when the command has already committed its result.
    public func cancel() -> Bool {
        lock.withLock {
            if state == 1 { return false }
            state = 2
            return true
        }
    }
}
