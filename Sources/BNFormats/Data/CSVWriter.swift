import BNCore

/// Writes a `Dataset` as CSV (RFC 4180): a header of column names, one record per row,
/// cells as state names, missing cells as `missing` (empty by default). Fields that
/// contain the delimiter, a quote, a line break or surrounding spaces are quoted with
/// doubled inner quotes. Records end with LF. Saving is atomic (temporary file + rename).
public enum CSVWriter {
    /// The CSV bytes of a dataset.
    public static func bytes(_ data: Dataset, delimiter: UInt8 = UInt8(ascii: ","), missing: String = "") -> [UInt8] {
        let encodedStates: [[[UInt8]]] = data.states.map { $0.map { field($0, delimiter) } }
        // A one-column file would turn an empty missing cell into a blank line, which readers
        // skip: write it as a quoted empty field instead.
        let encodedMissing = data.columnCount == 1 && missing.isEmpty ? [UInt8]([34, 34]) : field(missing, delimiter)
        var out: [UInt8] = []
        let perCell = encodedStates.flatMap { $0 }.map(\.count).max() ?? 1
        out.reserveCapacity(data.rowCount * data.columnCount * (perCell + 1) + 1024)
        for (j, name) in data.names.enumerated() {
            if j > 0 { out.append(delimiter) }
            out.append(contentsOf: field(name, delimiter))
        }
        out.append(10)
        for i in 0..<data.rowCount {
            for j in 0..<data.columnCount {
                if j > 0 { out.append(delimiter) }
                let code = Int(data.columns[j][i])
                out.append(contentsOf: code >= 0 && code < encodedStates[j].count ? encodedStates[j][code] : encodedMissing)
            }
            out.append(10)
        }
        return out
    }

    /// The CSV text of a dataset.
    public static func string(_ data: Dataset, delimiter: UInt8 = UInt8(ascii: ","), missing: String = "") -> String {
        String(decoding: bytes(data, delimiter: delimiter, missing: missing), as: UTF8.self)
    }

    /// Writes a CSV file atomically.
    public static func write(_ data: Dataset, to path: String, delimiter: UInt8 = UInt8(ascii: ","), missing: String = "") throws(FormatError) {
        try writeAtomically(bytes(data, delimiter: delimiter, missing: missing), to: path)
    }

    /// One field, quoted when needed.
    static func field(_ text: String, _ delimiter: UInt8) -> [UInt8] {
        let u = Array(text.utf8)
        // A leading U+FEFF would be taken for a byte-order mark at the start of the file.
        let needsQuotes = u.contains { $0 == delimiter || $0 == 34 || $0 == 10 || $0 == 13 }
            || u.first == 32 || u.last == 32 || u.first == 9 || u.last == 9
            || u.starts(with: [0xEF, 0xBB, 0xBF])
        guard needsQuotes else { return u }
        var out: [UInt8] = [34]
        for c in u {
            out.append(c)
            if c == 34 { out.append(34) }
        }
        out.append(34)
        return out
    }
}
