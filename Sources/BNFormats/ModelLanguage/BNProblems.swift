/// The problems found while reading one `.bn` text, kept as byte offsets and turned into
/// located `Diagnostic`s (file:line:column, columns in Unicode scalars) at the end.
///
/// Line starts are indexed only when the first location is needed, so a clean parse never
/// counts lines. At most `limit` problems are kept; a last note says that more were skipped.
struct BNProblems {
    let file: String
    let bytes: [UInt8]
    private(set) var items: [(offset: Int, message: String, hint: String?)] = []
    private(set) var dropped = 0
    private var lineStarts: [Int]? = nil
    /// Stop collecting beyond this many problems.
    static let limit = 50

    init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
    }

    var isEmpty: Bool { items.isEmpty }
    var isFull: Bool { items.count >= Self.limit }

    mutating func report(_ offset: Int, _ message: String, hint: String? = nil) {
        if isFull { dropped += 1; return }
        items.append((offset, message, hint))
    }

    /// The location of a byte offset.
    mutating func location(_ offset: Int) -> SourceLocation {
        if lineStarts == nil {
            var starts = [0]
            bytes.withUnsafeBufferPointer { p in
                for i in 0..<p.count where p[i] == 0x0A { starts.append(i + 1) }
            }
            lineStarts = starts
        }
        let starts = lineStarts!
        let o = min(max(offset, 0), bytes.count)
        // The last line start <= o.
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= o { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var i = starts[lo]
        while i < o {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourceLocation(file: file, line: lo + 1, column: column)
    }

    /// `line:column` of an offset, for hints ("first declared at 3:10").
    mutating func place(_ offset: Int) -> String {
        let l = location(offset)
        return "\(l.line):\(l.column)"
    }

    /// All problems in input order, located.
    mutating func diagnostics() -> [Diagnostic] {
        let sorted = items.enumerated().sorted { a, b in
            a.element.offset != b.element.offset ? a.element.offset < b.element.offset : a.offset < b.offset
        }.map(\.element)
        var out = sorted.map { Diagnostic(location($0.offset), $0.message, hint: $0.hint) }
        if dropped > 0, let last = sorted.last {
            out.append(Diagnostic(location(last.offset), "too many problems: \(dropped) more not shown"))
        }
        return out
    }

    /// Throws all problems at once, if any.
    mutating func check() throws(FormatError) {
        if !items.isEmpty { throw FormatError(diagnostics()) }
    }
}
