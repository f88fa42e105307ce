import Foundation

/// Where a command streams its output, block by block: a file written atomically or
/// standard output.
public protocol ByteSink: AnyObject {
    /// Appends bytes.
    func write(_ bytes: [UInt8]) throws(FormatError)
    /// Ends the output: the file appears under its name (nothing appears when this is
    /// never called).
    func commit() throws(FormatError)
}

/// A file written in blocks and renamed into place at the end, so a failed or interrupted
/// write never damages what was there and leaves no temporary file behind: the bytes go
/// to a temporary file in the same folder, which `commit()` flushes (`fsync`) and renames
/// over `path`; a writer released before `commit()` removes it.
public final class AtomicFileWriter: ByteSink {
    public let path: String
    private let temporary: String
    private var fd: Int32
    private var committed = false

    /// Creates the temporary file; fails, writing nothing, when `path` is a folder or its
    /// folder cannot take a file.
    public init(path: String) throws(FormatError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { throw writeFailure(EISDIR, path: path) }
        temporary = dir + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw writeFailure(errno, path: path) }
    }

    deinit {
        if fd >= 0 { close(fd) }
        if !committed { unlink(temporary) }
    }

    public func write(_ bytes: [UInt8]) throws(FormatError) {
        if let code = writeAll(fd, bytes) { throw writeFailure(code, path: path) }
    }

    public func commit() throws(FormatError) {
        if fsync(fd) != 0 { throw writeFailure(errno, path: path) }
        close(fd)
        fd = -1
        guard rename(temporary, path) == 0 else { throw writeFailure(errno, path: path) }
        committed = true
    }
}

/// Standard output as a sink (`commit()` has nothing to do).
public final class StandardOutputSink: ByteSink {
    public init() {}

    public func write(_ bytes: [UInt8]) throws(FormatError) {
        if let code = writeAll(1, bytes) {
            throw FormatError(SourceLocation(file: "<stdout>", line: 0, column: 0), "cannot write to standard output: \(fileProblem(code, path: "<stdout>", writing: true))")
        }
    }

    public func commit() throws(FormatError) {}
}

/// Writes every byte to `fd` (retrying on EINTR); the `errno` of a failure, or nil.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
    bytes.withUnsafeBufferPointer { buf -> Int32? in
        var off = 0
        while off < buf.count {
            let n = Foundation.write(fd, buf.baseAddress! + off, buf.count - off)
            if n <= 0 { if errno == EINTR { continue }; return errno }
            off += n
        }
        return nil
    }
}
