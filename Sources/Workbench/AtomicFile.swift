import Foundation
import BNLearning
import BNFormats

/// Atomic writes: a temporary file in the same folder, then a rename, so a failed save
/// never damages the file that was there.
public enum AtomicFile {
    /// BNFormats' `writeAtomically`, the one atomic writer (temporary file, fsync, rename).
    public static func write(_ text: String, to path: String) throws {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Fails, writing nothing, when `write(_:to:)` could not create `path` (its folder
    /// missing or read-only, or `path` a folder): checked before long work that ends in a save.
    public static func checkWritable(_ path: String) throws {
        try BNFormats.checkWritable(path)
    }

    /// Writes rows as RFC 4180 CSV (fields with commas, quotes or newlines are quoted).
    static func write(csv rows: [[String]], to path: String) throws {
        try write(rows.map(csvLine).joined(separator: "\n") + "\n", to: path)
    }

    /// One CSV record, without its line end: fields with commas, quotes or newlines quoted
    /// (inner quotes doubled).
    static func csvLine(_ fields: [String]) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return fields.map(field).joined(separator: ",")
    }
}
