import Foundation

/// Ctrl-C in the REPL: a SIGINT handler that only sets a flag; the REPL polls it while a
/// long command runs on a worker thread and returns to the prompt with the model as it was.
enum Interrupt {
    nonisolated(unsafe) static var flag: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in Interrupt.flag = 1 }
    }

    static func reset() { flag = 0 }
    static var isSet: Bool { flag != 0 }
}
