import Foundation

/// Lends a file's bytes to `body` without copying them: a regular, non-empty file is
/// mapped read-only (`mmap` with `MAP_POPULATE`, so the pages of the page cache are wired
/// in one system call instead of one fault per 4 KiB page), anything else (a pipe, an
/// empty file, a file that cannot be mapped) is read into memory as `readBytes` does.
///
/// Why: reading a 21 MB CSV through `Data` and then into `[UInt8]` touched 42 MB of fresh
/// pages; on this virtual machine each first touch costs microseconds, and those faults
/// were more than half of `credence fit`'s run time (BENCHMARKS.md, "Learning").
///
/// The mapping lives only for the call. A file truncated by another process while it is
/// being read would fault (as with every memory-mapped reader); the readers here never
/// keep the pointer after `body` returns.
func withFileBytes<R>(path: String, _ body: (UnsafeBufferPointer<UInt8>) throws(FormatError) -> R) throws(FormatError) -> R {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd >= 0 {
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0 {
            let length = Int(info.st_size)
            let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)
            if let base = mapped, base != MAP_FAILED {
                defer { munmap(base, length) }
                _ = madvise(base, length, MADV_SEQUENTIAL)
                return try body(UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: length))
            }
        }
    }
    let bytes: [UInt8]
    do {
        bytes = try readBytes(path: path)
    } catch {
        throw FormatError(SourceLocation(file: path, line: 0, column: 0), error.message)
    }
    return try bytes.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FormatError) -> R in try body(b) }
}
