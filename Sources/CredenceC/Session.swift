import BNCore
import Foundation
import Workbench

// The REPL's session (model, findings, scenarios, undo/redo) behind `credence_session *`:
// commands of the REPL language, with the REPL's texts. Never journaled.

@_cdecl("credence_session_new")
public func credence_session_new(_ net: OpaqueRawPointer?, _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                 _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let n = try net.map { object($0, as: NetworkHandle.self).network } ?? BayesianNetwork(name: "untitled")
        guard let out else { throw ArgumentError(description: "the session pointer is missing (a null pointer)") }
        out.pointee = retain(SessionHandle(n))
    }
}

/// Runs one line of the REPL language; its text (the REPL's output, possibly empty) to `out`.
/// An error's message is the REPL's, without the column.
@_cdecl("credence_session_run")
public func credence_session_run(_ session: OpaqueRawPointer?, _ line: UnsafePointer<CChar>?,
                                 _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                 _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let s = try handle(session, SessionHandle.self, "the session")
        let text = try string(line, "the command")
        s.lock.lock(); defer { s.lock.unlock() }
        let result: CommandResult?
        do { result = try s.runner.run(line: text) } catch let e as CommandFailure { throw WorkbenchError.usage(e.message) }
        if result?.quit == true { throw WorkbenchError.usage("quit ends the REPL; a session from Python ends when it is freed") }
        try give(result?.text ?? "", out)
    }
}

/// The session's current network, as a new network handle.
@_cdecl("credence_session_network")
public func credence_session_network(_ session: OpaqueRawPointer?, _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                     _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let s = try handle(session, SessionHandle.self, "the session")
        s.lock.lock(); defer { s.lock.unlock() }
        try give(s.runner.session.network, out)
    }
}

/// The session's current findings in the text form of `credence.h`.
@_cdecl("credence_session_findings")
public func credence_session_findings(_ session: OpaqueRawPointer?, _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                      _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let s = try handle(session, SessionHandle.self, "the session")
        s.lock.lock(); defer { s.lock.unlock() }
        let f = s.runner.session.findings
        var records: [String] = []
        for (k, v) in f.evidence.sorted(by: { $0.key < $1.key }) { records.append("e\u{1F}\(k)\u{1F}\(v)") }
        for (k, w) in f.soft.sorted(by: { $0.key < $1.key }) { records.append((["s", k] + w.map { "\($0)" }).joined(separator: "\u{1F}")) }
        for (k, v) in f.interventions.sorted(by: { $0.key < $1.key }) { records.append("d\u{1F}\(k)\u{1F}\(v)") }
        try give(records.joined(separator: "\u{1E}"), out)
    }
}

/// Undo (`redo` 0) or redo (`redo` 1) the last model change: 1 when done, 0 when there was
/// nothing to undo or redo, -1 for a null session.
@_cdecl("credence_session_undo")
public func credence_session_undo(_ session: OpaqueRawPointer?, _ redo: Int32) -> Int32 {
    guard let session else { return -1 }
    let s = object(session, as: SessionHandle.self)
    s.lock.lock(); defer { s.lock.unlock() }
    return (redo != 0 ? s.runner.session.redo() : s.runner.session.undo()) ? 1 : 0
}

@_cdecl("credence_session_free")
public func credence_session_free(_ session: OpaqueRawPointer?) { release(session, as: SessionHandle.self) }
