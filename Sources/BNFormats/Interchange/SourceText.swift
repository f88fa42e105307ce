import BNCore
import Foundation

/// The bytes of an input file (decompressed when gzip) and how to turn a byte offset into
/// a `SourceLocation`. Readers lex bytes and compute line and column only when they report
/// a problem, so the happy path never counts lines.
public struct SourceText: Sendable {
    /// The file name used in diagnostics.
    public let file: String
    /// The (decompressed) content.
    public let bytes: [UInt8]

    /// Bytes already in memory (not decompressed).
    public init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
    }

    /// The UTF-8 bytes of a string.
    public init(file: String, text: String) {
        self.init(file: file, bytes: Array(text.utf8))
    }

    /// Reads a file; a gzip stream (magic `1f 8b`) is decompressed whatever the extension,
    /// to at most half of `MemoryBudget.current` (the rest is for the model read from it).
    public static func load(path: String) throws(FormatError) -> SourceText {
        let raw: [UInt8]
        do {
            raw = try readBytes(path: path)
        } catch {
            throw FormatError(SourceLocation(file: path, line: 0, column: 0), error.message)
        }
        guard Gzip.isCompressed(raw) else { return SourceText(file: path, bytes: raw) }
        do {
            return SourceText(file: path, bytes: try Gzip.decompress(raw, limit: max(MemoryBudget.current.bytes / 2, 1 << 16)))
        } catch {
            throw FormatError(SourceLocation(file: path, line: 1, column: 1), error.message)
        }
    }

    /// Reads a UTF-8 text file (`-` or `/dev/stdin` read standard input); invalid UTF-8 is an
    /// error at its line and column.
    public static func loadText(path: String) throws(FormatError) -> String {
        let source = try load(path: path == "-" ? "/dev/stdin" : path)
        if let bad = firstInvalidUTF8Offset(source.bytes, in: 0..<source.bytes.count) {
            throw FormatError(source.location(at: bad), "invalid UTF-8", hint: "save the file as UTF-8")
        }
        return String(decoding: source.bytes, as: UTF8.self)
    }

    /// The 1-based line and column (in Unicode scalars) of a byte offset.
    public func location(at offset: Int, field: String? = nil) -> SourceLocation {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<end where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<end where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return SourceLocation(file: file, line: line, column: column, field: field)
    }

    /// A diagnostic at a byte offset.
    func diagnostic(at offset: Int, _ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(location(at: offset), message, hint: hint)
    }

    /// A one-diagnostic error at a byte offset.
    func error(at offset: Int, _ message: String, hint: String? = nil) -> FormatError {
        FormatError([diagnostic(at: offset, message, hint: hint)])
    }

    /// The bytes `range` as a String, or nil when they are not valid UTF-8.
    func string(_ range: Range<Int>) -> String? {
        bytes.withUnsafeBufferPointer { String(validating: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// The offset of the first byte of invalid UTF-8 in `range`, if any.
    func firstInvalidUTF8(in range: Range<Int>) -> Int? {
        firstInvalidUTF8Offset(bytes, in: range)
    }
}

/// The offset of the first byte of invalid UTF-8 (RFC 3629: no overlongs, no surrogates,
/// nothing above U+10FFFF) in `range`, if any.
func firstInvalidUTF8Offset(_ bytes: [UInt8], in range: Range<Int>) -> Int? {
    var i = range.lowerBound
    let hi = range.upperBound
    while i < hi {
        let b = bytes[i]
        if b < 0x80 { i += 1; continue }
        let n: Int
        var cp: UInt32
        let minimum: UInt32
        if b >= 0xC2 && b <= 0xDF { n = 1; cp = UInt32(b & 0x1F); minimum = 0x80 }
        else if b & 0xF0 == 0xE0 { n = 2; cp = UInt32(b & 0x0F); minimum = 0x800 }
        else if b >= 0xF0 && b <= 0xF4 { n = 3; cp = UInt32(b & 0x07); minimum = 0x10000 }
        else { return i }
        if i + n >= hi { return i }
        for k in 1...n {
            let c = bytes[i + k]
            if c & 0xC0 != 0x80 { return i }
            cp = cp << 6 | UInt32(c & 0x3F)
        }
        if cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) { return i }
        i += n + 1
    }
    return nil
}

/// An I/O failure in user words.
struct IOFailure: Error {
    var message: String
}

/// Why a file operation failed, in user words (never Foundation's own text): `errno` after
/// reading (`writing == false`) or writing `path`.
func fileProblem(_ code: Int32, path: String, writing: Bool) -> String {
    let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
    switch code {
    case ENOENT: return writing ? "the folder '\(folder)' does not exist" : "no such file"
    case EISDIR: return "it is a folder, not a file"
    case ENOTDIR: return "a part of the path is not a folder"
    case EACCES, EPERM: return writing ? "permission denied (the folder '\(folder)' is not writable)" : "permission denied"
    case ENOSPC, EDQUOT: return "the disk is full"
    case EROFS: return "the file system is read-only"
    case ENAMETOOLONG: return "the name is too long"
    default: return String(cString: strerror(code))
    }
}

/// Reads a whole file into bytes (a pipe such as /dev/stdin too).
func readBytes(path: String) throws(IOFailure) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw IOFailure(message: "cannot read '\(path)': \(fileProblem(errno, path: path, writing: false))") }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
        throw IOFailure(message: "cannot read '\(path)': \(fileProblem(EISDIR, path: path, writing: false))")
    }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n < 0 { if errno == EINTR { continue }; throw IOFailure(message: "cannot read '\(path)': \(fileProblem(errno, path: path, writing: false))") }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}

/// A failed write of `path` with `errno` `code`, in user words.
func writeFailure(_ code: Int32, path: String) -> FormatError {
    FormatError(SourceLocation(file: path, line: 0, column: 0), "cannot write '\(path)': \(fileProblem(code, path: path, writing: true))")
}

/// Checks, without writing anything, that `writeAtomically` could create `path`: its folder
/// exists and is writable and `path` is not a folder. For a command that works a long time
/// before it saves, so a mistyped path fails at once, in the same words as the save.
public func checkWritable(_ path: String) throws(FormatError) {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    let failure = { (code: Int32) in writeFailure(code, path: path) }
    var info = stat()
    if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { throw failure(EISDIR) }
    guard stat(dir, &info) == 0 else { throw failure(errno) }
    guard (info.st_mode & S_IFMT) == S_IFDIR else { throw failure(ENOTDIR) }
    guard access(dir, W_OK | X_OK) == 0 else { throw failure(errno) }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory is written,
/// flushed and renamed over the destination, so a failed save never damages what was there
/// and leaves no temporary file behind.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws(FormatError) {
    let writer = try AtomicFileWriter(path: path)
    try writer.write(bytes)
    try writer.commit()
}
