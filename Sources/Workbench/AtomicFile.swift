import Foundation
import BNLearning

/// The metrics type of evaluation reports, re-exported for the command line.
public typealias BNLearningMetrics = ClassificationMetrics

/// Atomic writes: a temporary file in the same folder, then a rename, so a failed save
/// never damages the file that was there.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try Data(text.utf8).write(to: tmp)
            // rename(2) replaces an existing file atomically (FileManager.replaceItemAt fails
            // on Linux for an existing file and removes it).
            guard rename(tmp.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw WorkbenchError.io(path: path, reason: "cannot write the file (\(error.localizedDescription))")
        }
    }

    /// Writes rows as RFC 4180 CSV (fields with commas, quotes or newlines are quoted).
    public static func write(csv rows: [[String]], to path: String) throws {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        try write(rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n", to: path)
    }
}
