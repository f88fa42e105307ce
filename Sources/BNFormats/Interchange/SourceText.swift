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

/// Reads a whole file into bytes.
func readBytes(path: String) throws(IOFailure) -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            throw IOFailure(message: isDir.boolValue ? "'\(path)' is a directory, not a file" : "cannot open '\(path)' (permission denied?)")
        }
        throw IOFailure(message: "no such file '\(path)'")
    }
    defer { try? handle.close() }
    do {
        let data = try handle.readToEnd() ?? Data()
        return [UInt8](data)
    } catch {
        throw IOFailure(message: "cannot read '\(path)': \(error.localizedDescription)")
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory is written,
/// flushed and renamed over the destination, so a failed save never damages what was there.
func writeAtomically(_ bytes: [UInt8], to path: String) throws(FormatError) {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    let tmp = dir + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else {
        throw FormatError(SourceLocation(file: path, line: 0, column: 0),
                          "cannot write '\(path)': \(String(cString: strerror(errno)))")
    }
    var ok = true
    bytes.withUnsafeBufferPointer { buf in
        var off = 0
        while off < buf.count {
            let n = write(fd, buf.baseAddress! + off, buf.count - off)
            if n <= 0 { if errno == EINTR { continue }; ok = false; return }
            off += n
        }
    }
    let err = errno
    if ok && fsync(fd) != 0 { ok = false }
    close(fd)
    guard ok, rename(tmp, path) == 0 else {
        let reason = String(cString: strerror(ok ? errno : err))
        unlink(tmp)
        throw FormatError(SourceLocation(file: path, line: 0, column: 0), "cannot write '\(path)': \(reason)")
    }
}
