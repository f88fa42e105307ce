import Foundation

/// One status line on stderr for a long job (`learn: round 2, iteration 14, …`), redrawn in
/// place: a carriage return, the text cut to the terminal's width, and an erase to the end
/// of the line; `finish()` erases it. Drawn only when stderr is a terminal and the command
/// was not asked for `--json` or `--quiet`, at most every 0.1 s, so that pipes, logs and JSON
/// consumers see nothing.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let width: Int
    private let lock = NSLock()
    private var lastDraw: UInt64 = 0
    private var drawn = false

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) != 0
        var size = winsize()
        width = enabled && ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 1 ? Int(size.ws_col) - 1 : 79
    }

    /// Redraws the line with `text` (built only when it is drawn).
    func update(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        guard !drawn || now - lastDraw >= 100_000_000 else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(Data("\r\(String(text().prefix(width)))\u{1B}[K".utf8))
    }

    /// Erases the line (call when the job ends, also on an error).
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}
