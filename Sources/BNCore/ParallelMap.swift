import Dispatch
import Foundation

/// Runs `body(i)` for `i` in `0..<count` on up to `count` threads and returns the results
/// in order. Used to split rows across this machine's cores (CSV reading, counts, E-steps,
/// scores).
public func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    if count <= 1 { return (0..<count).map(body) }
    let box = ResultBox<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { i in
        box.set(i, body(i))
    }
    return box.values.map { $0! }
}

private final class ResultBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [T?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) {
        lock.lock(); values[i] = v; lock.unlock()
    }
}
