import BNCore
import Foundation

/// Reads a CSV table bound to a model (or without one) chunk by chunk, so that memory is bounded by the chunk
/// (`chunkRows` rows of integer codes and a window of the file's bytes), not by the table.
///
/// The cells mean what they mean to `CSVReader.read(path:network:options:)`, with the same
/// header checks, state tables, numeric cuts, unseen values and located diagnostics: the
/// reader is the same scanner, fed one window of whole records at a time.
///
/// - The file (or standard input, path `-`) is read in blocks of `blockBytes`. The window
///   ends after the last line end outside quotes (a quote toggles the state; a doubled
///   quote toggles it twice), so a record, even one with a line break inside quotes, is
///   never split between two windows.
/// - A chunk holds the next `chunkRows` records (fewer at the end of the input). Row `i`
///   of a chunk is data row `rowsRead + i + 1` of the file: `Dataset.rowNumber` says so,
///   and diagnostics give the file row (the header is row 1).
/// - A value that is not a state is reported once, at its first row, however many chunks
///   later it comes back; `warnings` counts its occurrences over every chunk read so far.
/// - A column of a discretised variable is cut chunk by chunk: each new text is cut once
///   (or reported at its first row) and remembered, so memory grows with the distinct
///   texts of such a column, not with its rows.
/// - Errors end the read: `next()` throws the diagnostics of the chunk that has them.
public final class CSVChunkReader {
    /// The file name used in diagnostics (`<stdin>` for `-`).
    public let file: String
    /// Records per chunk.
    public let chunkRows: Int
    /// The table's columns with no rows: names, states and source, for the checks an
    /// operation makes before any row (and the "no data rows" error when none come).
    public private(set) var schema: Dataset
    /// Records returned so far.
    public private(set) var rowsRead = 0

    private var scanner: CSVScanner
    private let fd: Int32
    private let ownsDescriptor: Bool
    /// The input when reading from memory, and how much of it was handed out.
    private let memory: [UInt8]
    private var memoryRead = 0
    private var window: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private let blockBytes: Int
    /// The window holds bytes `0..<end`; records start at `start`; `start..<safe` holds
    /// only whole records; bytes before `scanned` were searched for record ends.
    private var start = 0, end = 0, safe = 0, scanned = 0
    private var inQuotes = false
    private var atEnd = false
    /// The file row of the next record.
    private var row = 2
    /// Per numeric column: the variable's state of each text already cut.
    private var cutMaps: [[Int32]]

    /// Opens `path` (`-`: standard input) and reads its header. Without a network (`learn`)
    /// every column is kept and its states are collected in order of first appearance, as
    /// `CSVReader.read(path:)` does: a chunk's states are those seen so far, each chunk's a
    /// prefix-extension of the last's, so the codes of earlier chunks keep their meaning.
    public convenience init(path: String, network: BayesianNetwork?, options: CSVOptions = CSVOptions(),
                            chunkRows: Int = 65_536, blockBytes: Int = 1 << 20) throws(FormatError) {
        let stdin = path == "-"
        let name = stdin ? "<stdin>" : path
        let fd = stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FormatError(SourceLocation(file: path, line: 0, column: 0), "cannot read '\(path)': \(fileProblem(errno, path: path, writing: false))")
        }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            if !stdin { close(fd) }
            throw FormatError(SourceLocation(file: path, line: 0, column: 0), "cannot read '\(path)': \(fileProblem(EISDIR, path: path, writing: false))")
        }
        try self.init(file: name, fd: fd, owns: !stdin, bytes: [], network: network, options: options,
                      chunkRows: chunkRows, blockBytes: blockBytes)
    }

    /// Reads an open descriptor (a pipe, a socket, a file) from where it stands to its end;
    /// `file` names it in diagnostics. The descriptor is not closed. Without a network, as
    /// `init(path:network:)`.
    public convenience init(descriptor: Int32, file: String, network: BayesianNetwork?, options: CSVOptions = CSVOptions(),
                            chunkRows: Int = 65_536, blockBytes: Int = 1 << 20) throws(FormatError) {
        try self.init(file: file, fd: descriptor, owns: false, bytes: [], network: network, options: options,
                      chunkRows: chunkRows, blockBytes: blockBytes)
    }

    /// Reads CSV bytes held in memory (tests, and a caller that has a block at hand).
    public convenience init(bytes: [UInt8], file: String = "<input>", network: BayesianNetwork, options: CSVOptions = CSVOptions(),
                            chunkRows: Int = 65_536, blockBytes: Int = 1 << 20) throws(FormatError) {
        try self.init(file: file, fd: -1, owns: false, bytes: bytes, network: network, options: options,
                      chunkRows: chunkRows, blockBytes: blockBytes)
    }

    private init(file: String, fd: Int32, owns: Bool, bytes: [UInt8], network: BayesianNetwork?, options: CSVOptions,
                 chunkRows: Int, blockBytes: Int) throws(FormatError) {
        precondition(chunkRows >= 1 && blockBytes >= 1)
        self.file = file
        self.fd = fd
        self.ownsDescriptor = owns
        self.memory = bytes
        self.chunkRows = chunkRows
        self.blockBytes = blockBytes
        capacity = 2 * blockBytes + 16
        window = .allocate(capacity: capacity)
        scanner = CSVScanner(file: file, network: network, options: options)
        cutMaps = []
        schema = Dataset(names: [], states: [], columns: [])
        do {
            schema = try readHeader()
        } catch {
            release()
            throw error
        }
        cutMaps = [[Int32]](repeating: [], count: scanner.names.count)
    }

    deinit { release() }

    private func release() {
        if capacity > 0 { window.deallocate(); capacity = 0 }
        if ownsDescriptor { close(fd) }
    }

    /// The notes of the read so far (ignored columns, a detected delimiter, unseen values
    /// with their counts), complete once `next()` has returned nil.
    public var warnings: [Diagnostic] { scanner.finishWarnings() }

    /// The warnings as `file:row:column: warning: message` lines.
    public var warningTexts: [String] { CSVReadResult(dataset: schema, warnings: warnings).warningTexts }

    /// The next chunk of at most `chunkRows` rows, or nil after the last.
    public func next() throws(FormatError) -> Dataset? {
        var failure: FormatError? = nil
        let columns = ColumnFill.columns(count: scanner.names.count, capacity: chunkRows) { pointers in
            var have = 0
            do throws(FormatError) {
                while have < chunkRows {
                    if safe == start {
                        if atEnd { break }
                        try refill()
                        continue
                    }
                    let part = UnsafeBufferPointer(start: window, count: safe)
                    var i = start
                    let shifted = pointers.map { $0 + have }
                    let limit = chunkRows - have
                    have += try shifted.withUnsafeBufferPointer { (p) throws(FormatError) -> Int in
                        try scanner.readBody(part, &i, row: row, columns: p, limit: limit)
                    }
                    start = i
                    row = scanner.nextRow
                    if !scanner.diagnostics.isEmpty { throw FormatError(scanner.finishDiagnostics()) }
                }
            } catch {
                failure = error
            }
            return have
        }
        if let failure { throw failure }
        let count = columns.first?.count ?? 0
        guard count > 0 else { return nil }
        let chunk = try scanner.dataset(columns, maps: &cutMaps, firstRecord: rowsRead,
                                        rowNumbers: rowsRead == 0 ? nil : Array((rowsRead + 1)...(rowsRead + count)))
        rowsRead += count
        return chunk
    }

    /// Reads the header (after a byte-order mark and blank lines) and binds its columns.
    private func readHeader() throws(FormatError) -> Dataset {
        while safe == start && !atEnd { try refill() }
        var i = 0
        if end >= 3 && window[0] == 0xEF && window[1] == 0xBB && window[2] == 0xBF { i = 3 }
        var row = 1
        // Blank lines before the header (more may need reading).
        while true {
            let b = UnsafeBufferPointer(start: window, count: safe)
            while i < safe && (b[i] == 10 || b[i] == 13) { _ = CSVScanner.skipLineEnd(b, &i); row += 1 }
            start = i
            if i < safe || atEnd { break }
            try refill()
            i = start
        }
        let b = UnsafeBufferPointer(start: window, count: safe)
        guard i < safe else {
            throw FormatError(SourceLocation(file: file, line: 1, column: 1), "the file is empty: expected a header row naming the columns")
        }
        scanner.detectDelimiter(b, from: i, row: row)
        try scanner.readHeader(b, &i, row: row)
        start = i
        self.row = row + 1
        var noMaps = [[Int32]](repeating: [], count: scanner.names.count)
        return try scanner.dataset(scanner.names.map { _ in [] }, maps: &noMaps, firstRecord: 0, rowNumbers: nil)
    }

    /// Reads the next block into the window (moving the unread bytes to its front first)
    /// and finds the end of its last whole record.
    private func refill() throws(FormatError) {
        if start > 0 {
            let kept = end - start
            if kept > 0 { memmove(window, window + start, kept) }
            safe -= start; scanned -= start; end = kept; start = 0
        }
        if capacity - end < blockBytes {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * capacity)
            grown.update(from: window, count: end)
            window.deallocate()
            window = grown
            capacity *= 2
        }
        let got = try readBlock(into: window + end, count: blockBytes)
        if got == 0 {
            atEnd = true
            safe = end
            return
        }
        end += got
        findRecordEnd()
    }

    /// Up to `count` bytes from the input; 0 at its end.
    private func readBlock(into p: UnsafeMutablePointer<UInt8>, count: Int) throws(FormatError) -> Int {
        if fd < 0 {
            let n = min(count, memory.count - memoryRead)
            memory.withUnsafeBufferPointer { m in p.update(from: m.baseAddress! + memoryRead, count: n) }
            memoryRead += n
            return n
        }
        while true {
            let n = read(fd, p, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw FormatError(SourceLocation(file: file, line: 0, column: 0), "cannot read '\(file)': \(fileProblem(errno, path: file, writing: false))")
        }
    }

    /// Moves `safe` past the last line end outside quotes in the bytes not yet searched: a
    /// LF, or a CR whose next byte is known and is not LF (so a CRLF is never split).
    private func findRecordEnd() {
        let from = scanned
        scanned = end
        if !inQuotes && memchr(window + from, 34, end - from) == nil {
            var k = end - 1
            while k >= from && window[k] != 10 { k -= 1 }
            if k >= from { safe = k + 1; return }
        }
        for k in from..<end {
            let c = window[k]
            if c == 34 { inQuotes.toggle(); continue }
            guard !inQuotes else { continue }
            if c == 10 || (c == 13 && k + 1 < end && window[k + 1] != 10) { safe = k + 1 }
        }
        // A CR at the very end waits for its next byte.
        if end > from && window[end - 1] == 13 && !inQuotes { scanned = end - 1 }
    }
}
