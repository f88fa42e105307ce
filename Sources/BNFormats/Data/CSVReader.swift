import BNCore
import Foundation

/// Reads CSV datasets (RFC 4180) into an integer-coded, columnar `Dataset`.
///
/// - The first record is the header; fields are separated by `options.delimiter`; fields
///   may be quoted with `"` (a quote inside is doubled, and commas and line breaks may
///   appear inside); records end with LF, CRLF or CR; a UTF-8 byte-order mark is skipped;
///   blank lines are skipped.
/// - With a network, columns are matched to variables by name and cells to states by name;
///   a column that names no variable is ignored with a warning; a cell that names no state
///   is an error giving the row, the column, the value and the allowed states. Without a
///   network, each column's states are collected in order of first appearance.
/// - A column of a discretised variable (one with `cutPoints`) may hold numbers, which are
///   cut into the variable's intervals, or the state names themselves.
/// - A derived variable (`Variable.derivation`) whose own column is absent is computed from
///   its source columns (`Dataset.derivedColumns(for:)`), read raw though they name no
///   variable, and dropped after; a source cell that is no number is an error at its row
///   and column.
/// - Cells in `options.missingValues` (default empty, `NA`, `?`) become `Dataset.missing`.
/// - Locations: `line` is the record number (the header is row 1), `column` the field
///   number, `field` the column name.
///
/// The reader scans bytes and maps each cell through a per-column hash table of the bytes
/// already seen, so no String is created per cell.
public enum CSVReader {
    /// Reads a CSV file, matching columns and states to `network`.
    public static func read(path: String, network: BayesianNetwork, options: CSVOptions = CSVOptions()) throws(FormatError) -> CSVReadResult {
        try read(path: path, network: Optional(network), options: options)
    }

    /// Reads a CSV file without a model: states in order of first appearance.
    public static func read(path: String, options: CSVOptions = CSVOptions()) throws(FormatError) -> CSVReadResult {
        try read(path: path, network: nil, options: options)
    }

    /// Reads a file in place (mapped, not copied; see `withFileBytes`).
    private static func read(path: String, network: BayesianNetwork?, options: CSVOptions) throws(FormatError) -> CSVReadResult {
        try withFileBytes(path: path) { (b: UnsafeBufferPointer<UInt8>) throws(FormatError) -> CSVReadResult in
            var reader = CSVScanner(file: path, network: network, options: options)
            return try reader.run(b)
        }
    }

    /// Parses CSV text (with or without a model).
    public static func parse(_ text: String, file: String = "<input>", network: BayesianNetwork? = nil,
                             options: CSVOptions = CSVOptions()) throws(FormatError) -> CSVReadResult {
        try parse(SourceText(file: file, text: text), network: network, options: options)
    }

    /// Parses CSV bytes (with or without a model).
    public static func parse(_ source: SourceText, network: BayesianNetwork?, options: CSVOptions = CSVOptions()) throws(FormatError) -> CSVReadResult {
        try source.bytes.withUnsafeBufferPointer { (b: UnsafeBufferPointer<UInt8>) throws(FormatError) -> CSVReadResult in
            var reader = CSVScanner(file: source.file, network: network, options: options)
            return try reader.run(b)
        }
    }
}

/// The file's bytes and the column pointers, shared by the two halves of a parallel read:
/// each half reads only its own byte range and writes only its own rows.
struct SharedBuffers: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>
    let columns: UnsafeBufferPointer<UnsafeMutablePointer<Int32>>
}

/// The state of one CSV read.
struct CSVScanner: Sendable {
    /// The file name used in diagnostics.
    let file: String
    let network: BayesianNetwork?
    var options: CSVOptions
    /// Header columns bound to no variable (1-based), for `Dataset.source`.
    var ignored: [DataSource.Column] = []
    var diagnostics: [Diagnostic] = []
    var warnings: [Diagnostic] = []
    var header: [String] = []
    /// For each file column: the dataset column it fills, or -1 (ignored).
    var target: [Int] = []
    var tables: [StateTable] = []
    /// States per dataset column (schema-free: grows as values appear).
    var states: [[String]] = []
    var names: [String] = []
    /// Allowed states per dataset column when a network is given.
    var bound: Bool { network != nil }
    /// Per dataset column: the variable's cut points when the column is numeric (its cells
    /// are collected as they come and cut into intervals after the read).
    var numericCuts: [Variable?] = []
    /// Per dataset column: a source of a derived variable that names no variable, read raw
    /// (states in order of first appearance) and dropped once the derived columns are computed.
    var sourceOnly: [Bool] = []
    /// Unknown values already reported: entry code -2 - index into `unknownCounts`.
    var unknownCounts: [Int] = []
    var unknownDiagnostic: [Int] = []
    /// A first-level cache per dataset column for cells of at most 15 bytes: the bytes and
    /// the length packed into two words (`lo`, then `hi` whose top byte is the length + 1,
    /// so never 0), 64 open-addressing slots per column, `fastKeys[2 * slot ...]`.
    var fastKeys: [UInt64] = []
    var fastCodes: [Int32] = []
    var fastCount: [Int] = []
    static let fastSlots = 64
    /// The file row after the last record `readBody` read.
    var nextRow = 2

    init(file: String, network: BayesianNetwork?, options: CSVOptions) {
        self.file = file
        self.network = network
        self.options = options
    }

    enum Field {
        /// Unquoted bytes `start..<end` (trimmed).
        case plain(Int, Int)
        /// Quoted: content in the scratch buffer.
        case quoted
    }

    /// A located error at a record and field.
    func location(row: Int, column: Int) -> SourceLocation {
        let field = column >= 1 && column <= header.count ? header[column - 1] : nil
        return SourceLocation(file: file, line: row, column: column, field: field)
    }

    mutating func report(_ loc: SourceLocation, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(loc, message, hint: hint))
    }

    var full: Bool { diagnostics.count >= options.maximumErrors }

    /// Reads one field at `i`; on return `i` is at the delimiter, line end or end of input.
    /// Returns nil (after reporting) for an unterminated quote or junk after a closing quote.
    @inline(__always)
    static func scanField(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, delimiter: UInt8, trim: Bool,
                          scratch: inout [UInt8], extraLines: inout Int) -> (Field?, String?) {
        let n = b.count
        if trim { while i < n && (b[i] == 32 || b[i] == 9) { i += 1 } }
        if i < n && b[i] == 34 {
            scratch.removeAll(keepingCapacity: true)
            i += 1
            var seg = i
            while true {
                if i >= n { return (nil, "unterminated quoted field: the closing '\"' is missing") }
                let c = b[i]
                if c == 34 {
                    if i + 1 < n && b[i + 1] == 34 {
                        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[seg..<(i + 1)]))
                        i += 2
                        seg = i
                        continue
                    }
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: b[seg..<i]))
                    i += 1
                    break
                }
                if c == 10 { extraLines += 1 }
                i += 1
            }
            while i < n && (b[i] == 32 || b[i] == 9) { i += 1 }
            if i < n && b[i] != delimiter && b[i] != 10 && b[i] != 13 {
                return (nil, "unexpected text after a closing quote")
            }
            return (.quoted, nil)
        }
        let start = i
        // Eight bytes at a time: the first delimiter, LF or CR in a word.
        found: do {
            while i + 8 <= n {
                let w = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                let m = stopBytes(w, delimiter: delimiter)
                if m != 0 { i += m.trailingZeroBitCount >> 3; break found }
                i += 8
            }
            while i < n {
                let c = b[i]
                if c == delimiter || c == 10 || c == 13 { break }
                i += 1
            }
        }
        var end = i
        if trim { while end > start && (b[end - 1] == 32 || b[end - 1] == 9) { end -= 1 } }
        return (.plain(start, end), nil)
    }

    /// Skips the line end at `i` (LF, CRLF or CR); returns whether one was there.
    @inline(__always)
    static func skipLineEnd(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Bool {
        guard i < b.count else { return false }
        if b[i] == 13 { i += 1; if i < b.count && b[i] == 10 { i += 1 }; return true }
        if b[i] == 10 { i += 1; return true }
        return false
    }

    mutating func run(_ b: UnsafeBufferPointer<UInt8>) throws(FormatError) -> CSVReadResult {
        var i = 0
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
        var row = 1
        // Skip leading blank lines.
        while i < b.count && (b[i] == 10 || b[i] == 13) { _ = Self.skipLineEnd(b, &i); row += 1 }
        guard i < b.count else {
            throw FormatError(SourceLocation(file: file, line: 1, column: 1), "the file is empty: expected a header row naming the columns")
        }
        detectDelimiter(b, from: i, row: row)
        try readHeader(b, &i, row: row)
        row += 1
        // Every record but the last ends in a line end, so their count bounds the records
        // and each column can be filled in place, with no growth and no row-major copy.
        let capacity = Self.lineEndCount(b, from: i) + 1
        var failure: FormatError? = nil
        let columns = ColumnFill.columns(count: names.count, capacity: capacity) { pointers in
            do throws(FormatError) {
                if let records = readBodyInParallel(b, from: i, columns: pointers) { return records }
                return try readBody(b, &i, row: row, columns: pointers)
            } catch {
                failure = error
                return 0
            }
        }
        if let failure { throw failure }
        if !diagnostics.isEmpty { throw FormatError(finishDiagnostics()) }
        var maps = [[Int32]](repeating: [], count: names.count)
        let dataset = try dataset(columns, maps: &maps, firstRecord: 0, rowNumbers: nil)
        return CSVReadResult(dataset: dataset, warnings: finishWarnings())
    }

    /// The records read into `columns` (data rows `firstRecord + 1 …`) as the table the
    /// model reads: derived variables computed from the raw cells of their sources
    /// (`Dataset.derivedColumns(for:)`, before anything is cut), the numeric columns cut
    /// (`cutColumn`, with each column's `maps` of texts already cut), the source-only
    /// columns dropped. The whole read and every chunk of a streamed one end here.
    mutating func dataset(_ columns: [[Int32]], maps: inout [[Int32]], firstRecord: Int, rowNumbers: [Int]?) throws(FormatError) -> Dataset {
        var derived: [(variable: Int, codes: [Int32])] = []
        if let net = network, net.variables.contains(where: { $0.derivation != nil }) {
            var raw = Dataset(names: names, states: states, columns: columns)
            raw.source = DataSource(file: file, ignoredColumns: ignored, rowNumbers: rowNumbers)
            do {
                derived = try raw.derivedColumns(for: net)
            } catch {
                var loc = SourceLocation(file: file, line: 1, column: 1)
                if case .notANumber(let i, let c, _) = error.problem, let j = header.firstIndex(of: c) {
                    loc = location(row: firstRecord + i + 2, column: j + 1)
                }
                throw FormatError(loc, error.message, hint: error.hint)
            }
        }
        var columns = columns
        var cutStates = states
        for t in numericCuts.indices {
            guard let v = numericCuts[t] else { continue }
            cutColumn(t, v, &columns[t], map: &maps[t], firstRecord: firstRecord)
            cutStates[t] = v.states
        }
        if !diagnostics.isEmpty { throw FormatError(diagnostics) }
        let kept = names.indices.filter { !sourceOnly[$0] }
        var dataset = Dataset(names: kept.map { names[$0] } + derived.map { network!.variables[$0.variable].name },
                              states: kept.map { cutStates[$0] } + derived.map { network!.variables[$0.variable].states },
                              columns: kept.map { columns[$0] } + derived.map(\.codes))
        dataset.source = DataSource(file: file, ignoredColumns: ignored, rowNumbers: rowNumbers)
        return dataset
    }

    /// The warnings, each unknown value's with the number of its occurrences.
    func finishWarnings() -> [Diagnostic] {
        var notes = warnings
        for (k, d) in unknownDiagnostic.enumerated() where d < 0 && unknownCounts[k] > 1 {
            notes[-1 - d].message += "; it appears \(unknownCounts[k]) times in this column"
        }
        return notes
    }

    /// Files smaller than this are read on one thread.
    static let parallelMinimumBytes = 1 << 20

    /// Reads the body as two halves on two threads, split after the line end nearest the
    /// middle; each half has its own copy of the state tables and writes its records into
    /// the columns, the second from an offset bounded by the line ends of the first (its
    /// cells are moved down if the first half had fewer records, e.g. blank lines).
    ///
    /// Only for a read bound to a model (codes are fixed by the model, not by the order in
    /// which values appear), with no numeric columns to cut and no quote character in the
    /// body (a quoted field may hold a line end, so a split could fall inside it). Returns
    /// nil, having written nothing that counts, when the file does not qualify or when a
    /// half found any problem: the serial pass then reports it with exact row numbers.
    mutating func readBodyInParallel(_ b: UnsafeBufferPointer<UInt8>, from start: Int,
                                     columns: UnsafeBufferPointer<UnsafeMutablePointer<Int32>>) -> Int? {
        let n = b.count
        guard bound, !numericCuts.contains(where: { $0 != nil }), !sourceOnly.contains(true), n - start >= Self.parallelMinimumBytes,
              ProcessInfo.processInfo.activeProcessorCount >= 2, let base = b.baseAddress,
              memchr(base + start, 34, n - start) == nil else { return nil }
        let middle = start + (n - start) / 2
        guard let lf = memchr(base + middle, 10, n - middle) else { return nil }
        let split = UnsafeRawPointer(lf) - UnsafeRawPointer(base) + 1
        guard split < n else { return nil }
        let firstBound = Self.lineEndCount(UnsafeBufferPointer(rebasing: b[..<split]), from: start)
        let halves = [(from: start, to: split, offset: 0), (from: split, to: n, offset: firstBound)]
        let shared = SharedBuffers(bytes: b, columns: columns)
        let template = self
        // Each half's record count, or nil when it found a problem.
        let counts = parallelMap(2) { k -> Int? in
            var scanner = template
            let half = halves[k]
            let part = UnsafeBufferPointer(rebasing: shared.bytes[..<half.to])
            var i = half.from
            let shifted = shared.columns.map { $0 + half.offset }
            let records = try? shifted.withUnsafeBufferPointer { (p) throws(FormatError) -> Int in
                try scanner.readBody(part, &i, row: 2, columns: p)
            }
            guard let records, scanner.diagnostics.isEmpty, scanner.unknownCounts.isEmpty else { return nil }
            return records
        }
        guard let first = counts[0], let second = counts[1] else { return nil }
        if first < firstBound {
            for column in columns {
                memmove(column + first, column + firstBound, second * MemoryLayout<Int32>.stride)
            }
        }
        return first + second
    }

    /// The number of line ends (LF, CR) in `b[from...]`: an upper bound on the records
    /// there (a CRLF counts twice, a line break inside quotes once too many). `memchr` scans
    /// at memory speed; the CR pass runs only when the file has a CR at all.
    static func lineEndCount(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = b.baseAddress, start < b.count else { return 0 }
        func count(_ byte: Int32) -> Int {
            var n = 0
            var p = UnsafeRawPointer(base + start)
            var left = b.count - start
            while left > 0, let hit = memchr(p, byte, left) {
                n += 1
                let next = UnsafeRawPointer(hit) + 1
                left -= next - p
                p = next
            }
            return n
        }
        return count(10) + count(13)
    }

    /// When the options keep the default `,`, and the header line has no `,` outside quotes
    /// but has `;` or a tab, reads the file with that delimiter (Excel writes `;` where the
    /// decimal mark is a comma) and notes it.
    mutating func detectDelimiter(_ b: UnsafeBufferPointer<UInt8>, from start: Int, row: Int) {
        guard options.detectDelimiter, options.delimiter == UInt8(ascii: ",") else { return }
        var counts: [UInt8: Int] = [:]
        var quoted = false
        var i = start
        while i < b.count && (quoted || (b[i] != 10 && b[i] != 13)) {
            if b[i] == 34 { quoted.toggle() } else if !quoted { counts[b[i], default: 0] += 1 }
            i += 1
        }
        guard counts[UInt8(ascii: ","), default: 0] == 0 else { return }
        let semicolons = counts[UInt8(ascii: ";"), default: 0], tabs = counts[9, default: 0]
        guard semicolons + tabs > 0 else { return }
        options.delimiter = semicolons >= tabs ? UInt8(ascii: ";") : 9
        warnings.append(Diagnostic(SourceLocation(file: file, line: row, column: 1),
                                   "the header has no ',' but has \(semicolons >= tabs ? "';'" : "tabs"): read as \(semicolons >= tabs ? "';'" : "tab")-separated"))
    }

    mutating func readHeader(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, row: Int) throws(FormatError) {
        var scratch: [UInt8] = []
        var extra = 0
        var seen: [String: Int] = [:]
        while true {
            let column = header.count + 1
            let (field, problem) = Self.scanField(b, &i, delimiter: options.delimiter, trim: options.trimWhitespace, scratch: &scratch, extraLines: &extra)
            if let p = problem { throw FormatError(location(row: row, column: column), p) }
            let text: String?
            switch field! {
            case .plain(let s, let e): text = String(validating: UnsafeBufferPointer(rebasing: b[s..<e]), as: UTF8.self)
            case .quoted: text = String(validating: scratch, as: UTF8.self)
            }
            guard let name = text else {
                throw FormatError(location(row: row, column: column), "invalid UTF-8 in the name of column \(column)", hint: "save the file as UTF-8")
            }
            if name.isEmpty && column > 1 {
                throw FormatError(location(row: row, column: column), "column \(column) of the header has no name",
                                  hint: "name it, or remove the column")
            }
            if let first = seen[name] {
                throw FormatError(location(row: row, column: column), "column \(Quote.name(name)) appears twice in the header (columns \(first) and \(column))")
            }
            seen[name] = column
            header.append(name)
            if i < b.count && b[i] == options.delimiter { i += 1; continue }
            _ = Self.skipLineEnd(b, &i)
            break
        }
        let sources = network.map { Dataset.derivationSources(of: $0, header: header) } ?? []
        for (j, name) in header.enumerated() {
            var table = StateTable()
            if name.isEmpty {
                // pandas' `to_csv()` writes the row index as a first column with no name.
                target.append(-1)
                ignored.append(DataSource.Column(name: name, column: j + 1))
                warnings.append(Diagnostic(location(row: row, column: j + 1),
                                           "column 1 has no name (a row index, as pandas writes); it is ignored"))
                continue
            }
            if let net = network, net.index(of: name) == nil, sources.contains(name) {
                numericCuts.append(nil)
                sourceOnly.append(true)
                states.append([])
            } else if let net = network {
                guard let v = net.index(of: name) else {
                    target.append(-1)
                    ignored.append(DataSource.Column(name: name, column: j + 1))
                    warnings.append(Diagnostic(location(row: row, column: j + 1),
                                               "column \(Quote.name(name)) is not a variable of the model; it is ignored",
                                               hint: CSVReader.nearMatch(name, in: net).map { "did you mean '\($0)'? (names are case-sensitive)" }))
                    continue
                }
                sourceOnly.append(false)
                if net.variables[v].cutPoints != nil {
                    numericCuts.append(net.variables[v])
                    states.append([])
                } else {
                    numericCuts.append(nil)
                    for (s, state) in net.variables[v].states.enumerated() { table.insert(state, code: Int32(s)) }
                    states.append(net.variables[v].states)
                }
            } else {
                numericCuts.append(nil)
                sourceOnly.append(false)
                states.append([])
            }
            for m in options.missingValues { table.insert(m, code: Dataset.missing) }
            target.append(names.count)
            names.append(name)
            tables.append(table)
        }
        fastKeys = [UInt64](repeating: 0, count: 2 * names.count * Self.fastSlots)
        fastCodes = [Int32](repeating: 0, count: names.count * Self.fastSlots)
        fastCount = [Int](repeating: 0, count: names.count)
    }

    /// A cell of at most 15 bytes as two words: bytes 0–7 little-endian in `lo`, bytes 8–14
    /// in `hi` with the length + 1 in its top byte (so `hi` is never 0).
    @inline(__always)
    static func packKey(_ b: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> (UInt64, UInt64) {
        var lo: UInt64 = 0
        var hi = UInt64(e - s + 1) &<< 56
        var shift: UInt64 = 0
        for k in s..<e {
            if shift < 64 { lo |= UInt64(b[k]) &<< shift } else { hi |= UInt64(b[k]) &<< (shift - 64) }
            shift &+= 8
        }
        return (lo, hi)
    }

    /// The slot of a packed cell in one column's cache (`base` = column × `fastSlots`):
    /// where it is, with its code, or the empty slot where it would go.
    @inline(__always)
    static func fastProbe(_ keys: [UInt64], _ codes: [Int32], base: Int, lo: UInt64, hi: UInt64) -> (slot: Int, code: Int32?) {
        var slot = Int(truncatingIfNeeded: (lo &* 0x9E37_79B9_7F4A_7C15 &+ hi &* 0xC2B2_AE3D_27D4_EB4F) >> 58)
        while true {
            let at = 2 * (base + slot)
            let storedHi = keys[at + 1]
            if storedHi == hi && keys[at] == lo { return (slot, codes[base + slot]) }
            if storedHi == 0 { return (slot, nil) }
            slot = (slot + 1) & (fastSlots - 1)
        }
    }

    /// The high bit of each byte of `w` that is the delimiter, LF or CR (Mycroft's zero-byte
    /// test on `w` XOR each pattern; exact for the lowest match, which is all that is used).
    @inline(__always)
    static func stopBytes(_ w: UInt64, delimiter: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let x = w ^ (UInt64(delimiter) &* ones), y = w ^ (10 &* ones), z = w ^ (13 &* ones)
        return ((x &- ones) & ~x | (y &- ones) & ~y | (z &- ones) & ~z) & 0x8080_8080_8080_8080
    }

    /// The hot loop: every record after the header. The code of each cell is written
    /// straight into its column, `columns[t][record]`; returns the number of records.
    /// At most `limit` records are read (a chunk of a streamed read); `nextRow` is then the
    /// file row of the record at `i`.
    mutating func readBody(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, row startRow: Int,
                           columns: UnsafeBufferPointer<UnsafeMutablePointer<Int32>>, limit: Int = .max) throws(FormatError) -> Int {
        var fatal = false
        // Locals, so the loop does not go through `self` (which `lookup` mutates) per cell.
        let target = self.target
        var fastKeys = self.fastKeys, fastCodes = self.fastCodes, fastCount = self.fastCount
        self.fastKeys = []
        self.fastCodes = []
        var record = 0
        let n = b.count
        let delimiter = options.delimiter
        let trim = options.trimWhitespace
        let width = header.count
        var row = startRow
        var scratch: [UInt8] = []
        scratch.reserveCapacity(256)
        defer {
            self.fastKeys = fastKeys
            self.fastCodes = fastCodes
            self.fastCount = fastCount
            nextRow = row
        }
        while i < n && !full && record < limit {
            // Blank line.
            if b[i] == 10 || b[i] == 13 { _ = Self.skipLineEnd(b, &i); row += 1; continue }
            var column = 0
            var extraLines = 0
            while true {
                // The common cell first: at most 15 bytes, already in this column's cache,
                // found from the same two words that locate its end.
                if i + 16 <= n && column < width && target[column] >= 0 {
                    let p = UnsafeRawPointer(b.baseAddress! + i)
                    let w0 = p.loadUnaligned(as: UInt64.self)
                    let w1 = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    let m0 = Self.stopBytes(w0, delimiter: delimiter)
                    let len = m0 != 0 ? m0.trailingZeroBitCount >> 3 : 8 + (Self.stopBytes(w1, delimiter: delimiter).trailingZeroBitCount >> 3)
                    if len <= 15 {
                        let lo = len >= 8 ? w0 : (len == 0 ? 0 : w0 & (UInt64.max &>> UInt64(64 - 8 * len)))
                        let hi = UInt64(len + 1) &<< 56 | (len > 8 ? w1 & (UInt64.max &>> UInt64(128 - 8 * len)) : 0)
                        let t = target[column]
                        if let code = Self.fastProbe(fastKeys, fastCodes, base: t * Self.fastSlots, lo: lo, hi: hi).code {
                            columns[t][record] = code
                            i += len
                            column += 1
                            if b[i] == delimiter { i += 1; continue }
                            _ = Self.skipLineEnd(b, &i)
                            break
                        }
                    }
                }
                let (field, problem) = Self.scanField(b, &i, delimiter: delimiter, trim: trim, scratch: &scratch, extraLines: &extraLines)
                if let p = problem {
                    report(location(row: row, column: column + 1), p)
                    fatal = true
                    break
                }
                if column >= width {
                    report(location(row: row, column: column + 1),
                           "row \(row) has more fields than the header's \(width)", hint: "quote fields that contain '\(Character(Unicode.Scalar(delimiter)))'")
                    // Skip the rest of the record and its line end (left in place, the line end
                    // read as a blank line and every later row was numbered one too far).
                    while i < n && b[i] != 10 && b[i] != 13 { i += 1 }
                    _ = Self.skipLineEnd(b, &i)
                    break
                }
                let t = target[column]
                if t >= 0 {
                    let code: Int32
                    switch field! {
                    case .plain(let s, let e):
                        if e - s <= 15 {
                            let (lo, hi) = Self.packKey(b, s, e)
                            let base = t * Self.fastSlots
                            let (slot, found) = Self.fastProbe(fastKeys, fastCodes, base: base, lo: lo, hi: hi)
                            if let f = found {
                                code = f
                            } else {
                                code = lookup(b, s, e, column: column, dataColumn: t, row: row)
                                if code >= Dataset.missing && fastCount[t] < Self.fastSlots / 2 && !full {
                                    let entry = tables[t].find(b, s, e, hash: StateTable.hash(b, s, e))
                                    if let en = entry, tables[t].codes[en] == code {
                                        fastKeys[2 * (base + slot)] = lo
                                        fastKeys[2 * (base + slot) + 1] = hi
                                        fastCodes[base + slot] = code
                                        fastCount[t] += 1
                                    }
                                }
                            }
                        } else {
                            code = lookup(b, s, e, column: column, dataColumn: t, row: row)
                        }
                    case .quoted:
                        code = scratch.withUnsafeBufferPointer { lookup($0, 0, $0.count, column: column, dataColumn: t, row: row) }
                    }
                    columns[t][record] = code
                }
                column += 1
                if i < n && b[i] == delimiter { i += 1; continue }
                _ = Self.skipLineEnd(b, &i)
                break
            }
            if fatal { break }
            if column < width {
                report(location(row: row, column: column + 1),
                       "row \(row) has \(column) field\(column == 1 ? "" : "s"); the header has \(width)",
                       hint: "the first missing column is \(Quote.name(header[column])); write an empty field for a missing value")
                for c in column..<width where target[c] >= 0 { columns[target[c]][record] = Dataset.missing }
            }
            record += 1
            row += 1 + extraLines
        }
        if fatal { throw FormatError(finishDiagnostics()) }
        return record
    }

    /// The code of a cell: a known entry, a new state (schema-free) or an unknown value
    /// (reported once per column and value, counted after).
    @inline(__always)
    private mutating func lookup(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, column: Int, dataColumn t: Int, row: Int) -> Int32 {
        let h = StateTable.hash(p, s, e)
        if let entry = tables[t].find(p, s, e, hash: h) {
            let c = tables[t].codes[entry]
            if c >= -1 { return c }
            unknownCounts[Int(-2 - c)] += 1
            return Dataset.missing
        }
        return newValue(p, s, e, hash: h, column: column, dataColumn: t, row: row)
    }

    private mutating func newValue(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, hash h: UInt64, column: Int, dataColumn t: Int, row: Int) -> Int32 {
        let text = String(validating: UnsafeBufferPointer(rebasing: p[s..<e]), as: UTF8.self)
        if !bound || numericCuts[t] != nil || sourceOnly[t], let value = text {
            let code = Int32(states[t].count)
            guard code < Int32.max - 1 else { return Dataset.missing }
            states[t].append(value)
            tables[t].insert(p, s, e, hash: h, code: code)
            return code
        }
        // An unknown value: report it once per column.
        let marker = Int32(-2 - unknownCounts.count)
        unknownCounts.append(1)
        tables[t].insert(p, s, e, hash: h, code: marker)
        let loc = location(row: row, column: column + 1)
        if let value = text, options.unseenValuesAsMissing {
            // Encoded as -1 - index into `warnings`, apart from the diagnostics' indices.
            unknownDiagnostic.append(-1 - warnings.count)
            let v = network!.index(of: header[column])!
            warnings.append(Diagnostic(loc, "\(Quote.name(value)) is not a state of \(Quote.name(header[column])) (row \(row), column \(column + 1)); read as missing and summed out",
                                       hint: "its states are \(NetworkAssembler.list(network!.variables[v].states))"))
            return Dataset.missing
        }
        unknownDiagnostic.append(diagnostics.count)
        if let value = text {
            let v = network!.index(of: header[column])!
            report(loc, "\(Quote.name(value)) is not a state of \(Quote.name(header[column])) (row \(row), column \(column + 1))",
                   hint: "its states are \(NetworkAssembler.list(network!.variables[v].states)); missing values are written as \(options.missingValues.map { "\(Quote.name($0))" }.joined(separator: ", "))")
        } else {
            let bad = firstInvalidUTF8Offset(Array(UnsafeBufferPointer(rebasing: p[s..<e])), in: 0..<(e - s)) ?? 0
            report(loc, "invalid UTF-8 in row \(row), column \(column + 1): \(preview(Array(UnsafeBufferPointer(rebasing: p[s..<e])), 0..<(e - s)))",
                   hint: "byte \(bad + 1) of the cell is not UTF-8; save the file as UTF-8")
        }
        return Dataset.missing
    }

    /// Cuts a numeric column into the intervals of `variable`: each distinct cell is a state
    /// name of the variable or a decimal number; anything else is reported once, at its
    /// first data row.
    ///
    /// `map` holds the states of the texts already cut (a streamed read cuts chunk by chunk);
    /// texts from `map.count` on are new, first seen in `column`, whose first cell is data
    /// row `firstRecord + 1`. The caller sets `states[t]` to the variable's states.
    mutating func cutColumn(_ t: Int, _ variable: Variable, _ column: inout [Int32], map: inout [Int32], firstRecord: Int = 0) {
        let raw = states[t]
        let known = map.count
        map += StateRecoding(Array(raw[known...]), to: variable).codes
        var bad: [Int: String] = [:]
        for k in known..<map.count where map[k] < 0 { bad[k] = raw[k] }
        if !bad.isEmpty, let c = header.firstIndex(of: names[t]) {
            for (i, code) in column.enumerated() where code >= 0 {
                guard let text = bad.removeValue(forKey: Int(code)) else { continue }
                let record = firstRecord + i
                report(location(row: record + 2, column: c + 1),
                       "\(Quote.name(text)) in column \(Quote.name(names[t])) is neither a number nor a state of \(Quote.name(variable.name)) (data row \(record + 1))",
                       hint: "write a decimal number (it is cut at \(variable.cutPoints!.map { "\($0)" }.joined(separator: ", "))) or one of the states \(NetworkAssembler.list(variable.states))")
                if bad.isEmpty { break }
            }
        }
        for i in column.indices where column[i] >= 0 { column[i] = map[Int(column[i])] }
    }

    /// `cutColumn` of a whole column at once.
    mutating func cutColumn(_ t: Int, _ variable: Variable, _ column: inout [Int32]) {
        var map: [Int32] = []
        cutColumn(t, variable, &column, map: &map)
    }

    /// Diagnostics with the number of further occurrences of each unknown value.
    func finishDiagnostics() -> [Diagnostic] {
        var out = diagnostics
        for (k, d) in unknownDiagnostic.enumerated() where d >= 0 && d < out.count && unknownCounts[k] > 1 {
            out[d].message += "; it appears \(unknownCounts[k]) times in this column"
        }
        return out
    }
}

extension CSVReader {
    /// The variable a column name was meant to name: the same letters ignoring case, spaces,
    /// `_`, `-` and `.` (`Monthly Charges` for `monthly_charges`), when exactly one variable
    /// matches.
    public static func nearMatch(_ name: String, in network: BayesianNetwork) -> String? {
        func key(_ s: String) -> String { s.lowercased().filter { !" _-.".contains($0) } }
        let k = key(name)
        let hits = network.variables.filter { key($0.name) == k }
        return hits.count == 1 ? hits[0].name : nil
    }
}
