import BNCore
import BNFormats
import Foundation
import Workbench

// Networks: reading, writing, describing and editing. Every network is an immutable value;
// an edit returns a new handle.

@_cdecl("credence_version")
public func credence_version() -> UnsafePointer<CChar> { versionText.pointer }
/// "0.1.0", NUL-terminated, allocated once for the life of the process.
private let versionText = StaticText("0.1.0")
final class StaticText: Sendable {
    nonisolated(unsafe) let pointer: UnsafePointer<CChar>
    init(_ text: String) {
        let s = Array(text.utf8CString)
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: s.count)
        p.initialize(from: s, count: s.count)
        pointer = UnsafePointer(p)
    }
}

@_cdecl("credence_network_load")
public func credence_network_load(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                  _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        try give(try ModelIO.load(path: try string(path, "the model path")), out)
    }
}

@_cdecl("credence_network_parse")
public func credence_network_parse(_ text: UnsafePointer<CChar>?, _ format: UnsafePointer<CChar>?,
                                   _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                   _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let f = try ModelFile.format(named: try string(format, "the format"))
        try give(try ModelFile.parse(try string(text, "the model text"), format: f), out)
    }
}

@_cdecl("credence_network_save")
public func credence_network_save(_ net: OpaqueRawPointer?, _ path: UnsafePointer<CChar>?,
                                  _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        try ModelIO.save(try handle(net, NetworkHandle.self, "the network").network, to: try string(path, "the path"))
    }
}

@_cdecl("credence_network_text")
public func credence_network_text(_ net: OpaqueRawPointer?, _ format: UnsafePointer<CChar>?,
                                  _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                  _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let n = try handle(net, NetworkHandle.self, "the network").network
        try give(try ModelFile.string(n, format: try ModelFile.format(named: try string(format, "the format"))), out)
    }
}

/// The network's shape as JSON: what a front end needs to name things.
struct NetworkDescription: Encodable {
    struct Node: Encodable {
        var name: String
        var states: [String]
        var parents: [String]
        var role: String
        var label: String?
        var description: String?
        var cutPoints: [Double]?
        /// A derived variable's formula: `{terms: [{column, coefficient}], constant}`.
        var derivation: Derivation?
    }
    var name: String
    var label: String?
    var variables: [Node]
}

@_cdecl("credence_network_describe")
public func credence_network_describe(_ net: OpaqueRawPointer?, _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                      _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let n = try handle(net, NetworkHandle.self, "the network").network
        let nodes = n.variables.indices.map { v in
            let x = n.variables[v]
            return NetworkDescription.Node(name: x.name, states: x.states, parents: n.parents(of: v).map { n.variables[$0].name },
                                           role: x.role.rawValue, label: x.label, description: x.description, cutPoints: x.cutPoints,
                                           derivation: x.derivation)
        }
        try give(try JSONDocument.encode(NetworkDescription(name: n.name, label: n.label, variables: nodes), pretty: false), out)
    }
}

@_cdecl("credence_network_edit")
public func credence_network_edit(_ net: OpaqueRawPointer?, _ command: UnsafePointer<CChar>?,
                                  _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                  _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        var n = try handle(net, NetworkHandle.self, "the network").network
        let line = try string(command, "the edit")
        let parsed: Command?
        do { parsed = try CommandLanguage.parse(line) } catch let e as CommandFailure { throw WorkbenchError.usage(e.message) }
        guard case .edit(let edit)? = parsed else {
            throw WorkbenchError.usage("'\(line)' is not an edit; edits are add/remove/rename variable, add/remove/rename state, add/remove/reverse edge and set cpt")
        }
        try edit.apply(to: &n)
        try give(n, out)
    }
}

@_cdecl("credence_network_equal")
public func credence_network_equal(_ a: OpaqueRawPointer?, _ b: OpaqueRawPointer?) -> Int32 {
    guard let a, let b else { return 0 }
    return object(a, as: NetworkHandle.self).network == object(b, as: NetworkHandle.self).network ? 1 : 0
}

@_cdecl("credence_network_free")
public func credence_network_free(_ net: OpaqueRawPointer?) { release(net, as: NetworkHandle.self) }

@_cdecl("credence_result_text")
public func credence_result_text(_ r: OpaqueRawPointer?, _ length: UnsafeMutablePointer<Int>?) -> UnsafePointer<CChar>? {
    guard let r else { return nil }
    let h = object(r, as: ResultHandle.self)
    length?.pointee = h.count
    return UnsafePointer(h.bytes)
}

@_cdecl("credence_result_free")
public func credence_result_free(_ r: OpaqueRawPointer?) { release(r, as: ResultHandle.self) }
