import Foundation

/// The crash journal of a model: every successful edit command since the last save, one
/// command-language line each, appended and flushed to `.NAME.credence-journal` next to the
/// model. A killed session leaves it behind; the next session that opens the model offers
/// to replay it (`journal replay`), and saving deletes it.
public final class Journal {
    /// Where the journal lives.
    public let path: String

    public init(path: String) { self.path = path }

    /// `.NAME.credence-journal` in the model's folder.
    public static func path(for modelPath: String) -> String {
        let url = URL(fileURLWithPath: modelPath)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).credence-journal").path
    }

    /// The journal's commands (comment lines left out); empty when there is no journal.
    public func lines() -> [String] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Appends one command and flushes it to the disk.
    public func append(_ line: String) {
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            let header = "# credence journal: unsaved edits of \(URL(fileURLWithPath: path).lastPathComponent.dropFirst().replacingOccurrences(of: ".credence-journal", with: "")); replayed by the next session, deleted on save\n"
            guard fm.createFile(atPath: path, contents: Data(header.utf8)) else { return }
        }
        guard let h = FileHandle(forWritingAtPath: path) else { return }
        defer { try? h.close() }
        _ = try? h.seekToEnd()
        try? h.write(contentsOf: Data((line + "\n").utf8))
        try? h.synchronize()
    }

    /// Deletes the journal file.
    public func discard() { try? FileManager.default.removeItem(atPath: path) }
}
