import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The crash journal of one session on one model: every successful edit command since the
/// session's last save, one command-language line each, appended and flushed to
/// `.NAME.SESSION.credence-journal` next to the model, where `SESSION` is `PID-RANDOM` (for
/// `asia.bif` opened by process 4242: `.asia.bif.4242-9f3a61c0.credence-journal`).
///
/// A session creates its journal when it opens the model and holds an exclusive `flock` on
/// it while it runs; the kernel drops the lock when the process ends, killed or not. So a
/// journal that is locked belongs to a session that is still editing the model, and one
/// that is not was left by a session that ended without saving: the next session offers
/// to replay it. Each session writes, clears (on save) and deletes only its own journal;
/// another session's journal is deleted only when the user asks (`journal discard`) or
/// after its edits have been replayed into the replaying session's own journal.
public final class Journal {
    /// Where the journal lives.
    public let path: String
    /// The session that writes or wrote it, `PID-RANDOM`; nil for `.NAME.credence-journal`,
    /// the one shared journal of earlier versions.
    let sessionID: String?
    /// The descriptor holding the lock, while this session owns the journal (-1 otherwise).
    private var lockDescriptor: Int32 = -1

    init(path: String, sessionID: String?) {
        self.path = path
        self.sessionID = sessionID
    }

    deinit { release() }

    /// The process id of the session that writes or wrote the journal.
    var pid: Int32? { sessionID.flatMap { $0.split(separator: "-").first.flatMap { Int32($0) } } }

    /// `session (pid 4242)`, or `session` when the journal does not say.
    public var owner: String { "session" + (pid.map { " (pid \($0))" } ?? "") }

    /// `.NAME.SESSION.credence-journal` in the model's folder.
    static func path(for modelPath: String, session: String) -> String {
        let url = URL(fileURLWithPath: modelPath)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(session).credence-journal").path
    }

    /// Starts a journal for a new session on the model at `modelPath`: writes its header to a
    /// temporary name, locks it, then renames it into place, so that no other session ever
    /// sees it unlocked. Nil when the folder is not writable (the session then has no journal).
    static func start(for modelPath: String) -> Journal? {
        let session = "\(getpid())-" + String(format: "%08x", UInt32.random(in: .min ... .max))
        let journal = Journal(path: path(for: modelPath, session: session), sessionID: session)
        let temporary = journal.path + ".new"
        let header = "# credence journal of \(URL(fileURLWithPath: modelPath).lastPathComponent), session \(session): "
            + "its edits since its last save, one command a line; the next session offers to replay them\n"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        let bytes = Array(header.utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count, flock(fd, LOCK_EX | LOCK_NB) == 0, rename(temporary, journal.path) == 0 else {
            close(fd)
            unlink(temporary)
            return nil
        }
        journal.lockDescriptor = fd
        return journal
    }

    /// The journals other sessions keep for the model at `modelPath`, oldest first: `live`
    /// ones are locked by a running session; `orphaned` ones (with at least one edit) were
    /// left by a session that ended without saving. An orphaned journal without edits is
    /// deleted on the way (there is nothing in it to restore).
    static func others(of modelPath: String) -> (live: [Journal], orphaned: [Journal]) {
        let url = URL(fileURLWithPath: modelPath)
        let folder = url.deletingLastPathComponent().path
        let legacy = ".\(url.lastPathComponent).credence-journal"
        let prefix = ".\(url.lastPathComponent).", suffix = ".credence-journal"
        let fm = FileManager.default
        var found: [(journal: Journal, modified: Date)] = []
        for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] {
            let session: String?
            if name == legacy {
                session = nil
            } else if name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count {
                let id = String(name.dropFirst(prefix.count).dropLast(suffix.count))
                guard id.wholeMatch(of: /[0-9]+-[0-9a-f]{8}/) != nil else { continue }
                session = id
            } else {
                continue
            }
            let path = (folder as NSString).appendingPathComponent(name)
            let modified = ((try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date) ?? .distantPast
            found.append((Journal(path: path, sessionID: session), modified))
        }
        var live: [Journal] = [], orphaned: [Journal] = []
        for (j, _) in found.sorted(by: { ($0.modified, $0.journal.path) < ($1.modified, $1.journal.path) }) {
            let fd = open(j.path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard tryLock(fd) else { live.append(j); continue }
            if j.lines().isEmpty { unlink(j.path) } else { orphaned.append(j) }
        }
        return (live, orphaned)
    }

    /// Takes the lock on `fd` if it is free. A few retries 10 ms apart: a process of ours
    /// being spawned holds a copy of every descriptor until it execs, which can keep a
    /// just-released lock for a moment.
    private static func tryLock(_ fd: Int32) -> Bool {
        for attempt in 0..<5 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            if attempt < 4 { usleep(10_000) }
        }
        return false
    }

    /// The journal's commands (comment lines left out); empty when there is no journal.
    public func lines() -> [String] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Appends one command and flushes it to the disk.
    func append(_ line: String) {
        guard let h = FileHandle(forWritingAtPath: path) else { return }
        defer { try? h.close() }
        _ = try? h.seekToEnd()
        try? h.write(contentsOf: Data((line + "\n").utf8))
        try? h.synchronize()
    }

    /// Forgets the edits (after a save): the header and the lock stay.
    func clear() {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let header = text.split(separator: "\n", omittingEmptySubsequences: false).prefix { $0.hasPrefix("#") }
        try? (header.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// Deletes the file (and lets go of its lock).
    public func discard() {
        unlink(path)
        release()
    }

    /// Lets go of the journal's lock and keeps the file (its edits are unsaved: the next
    /// session offers to replay them).
    func release() {
        if lockDescriptor >= 0 { close(lockDescriptor) }
        lockDescriptor = -1
    }
}

extension Session {
    /// Scans the model's folder for other sessions' journals and starts this session's own.
    func openJournal(for modelPath: String) {
        let model = resolve(modelPath)
        (otherSessions, pendingJournals) = Journal.others(of: model)
        journal = journaling ? Journal.start(for: model) : nil
    }

    /// Lets go of this session's journal: deleted when the model has no unsaved changes,
    /// kept for the next session otherwise.
    public func closeJournal() {
        guard let j = journal else { return }
        if isDirty && !j.lines().isEmpty { j.release() } else { j.discard() }
        journal = nil
    }

    /// Deletes the oldest journal left by a session that ended without saving (the user
    /// said `journal discard`); returns it, or nil when there is none.
    @discardableResult
    public func discardPendingJournal() -> Journal? {
        guard !pendingJournals.isEmpty else { return nil }
        let j = pendingJournals.removeFirst()
        j.discard()
        return j
    }

    /// One line per other session editing this model now, naming its journal.
    public var otherSessionNotes: [String] {
        otherSessions.map { "another \($0.owner) is editing this model; its journal is \($0.path)" }
    }

    /// What the user should know about other sessions' journals of this model, one line each:
    /// sessions editing it now, and unsaved edits left by sessions that ended.
    var journalNotes: [String] {
        otherSessionNotes + pendingJournals.map {
            "\(plural($0.lines().count, "unsaved edit")) from a \($0.owner) that ended without saving, kept in \($0.path); "
                + "'journal replay' restores them, 'journal discard' deletes them"
        }
    }
}
