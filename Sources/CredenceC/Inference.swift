import BNCore
import Foundation
import Workbench

// Questions to one network: posteriors, P(evidence), MPE/MAP, explanations, pictures and
// samples. Findings come in the text form of `findings(_:)` (credence.h).

/// P(targets | findings): one target's posterior, or the joint of several (row-major, the
/// last target fastest), written to `out` (`out_len` numbers, exactly); `ln P(evidence)` to
/// `log_p` when given. One target without `log_p` is answered by variable elimination with
/// cached plans, anything else by the network's junction tree (built once, reused).
@_cdecl("credence_query")
public func credence_query(_ net: OpaqueRawPointer?, _ targets: UnsafePointer<CChar>?, _ given: UnsafePointer<CChar>?,
                           _ out: UnsafeMutablePointer<Double>?, _ outLength: Int, _ logP: UnsafeMutablePointer<Double>?,
                           _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let request = QueryRequest(targets: names(targets), findings: try findings(given))
        if request.targets.count == 1 && logP == nil {   // one posterior, no P(evidence): elimination
            let p = try h.withService { try $0.posterior(of: request.targets[0], given: request.findings) }
            try copy(p, to: out, length: outLength, what: "the posterior")
            return
        }
        let r = try h.withService { try $0.answer(request) }
        try copy(r.joint?.map(\.probability) ?? r.marginals[0].probabilities, to: out, length: outLength, what: "the posterior")
        logP?.pointee = r.logProbabilityOfEvidence
    }
}

/// `credence_query` for one target under hard findings given by indices: the posterior of
/// variable `target` (network order) with `findings[2i]` observed in state `findings[2i+1]`
/// for i < `findingCount`, into `out` (the target's cardinality, exactly). The same answer
/// and the same engine as `credence_query` with one target and no `log_p`, without reading
/// names from text: the per-call path of a binding that keeps the name→index maps.
@_cdecl("credence_query_indexed")
public func credence_query_indexed(_ net: OpaqueRawPointer?, _ target: Int32, _ findings: UnsafePointer<Int32>?,
                                   _ findingCount: Int, _ out: UnsafeMutablePointer<Double>?, _ outLength: Int,
                                   _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let evidence = try hardFindings(findings, count: findingCount, in: h.network)
        let p = try h.withService { try $0.posterior(of: Int(target), given: evidence) }
        try copy(p, to: out, length: outLength, what: "the posterior")
    }
}

/// The query's `QueryResult` as the JSON of `credence query --json`.
@_cdecl("credence_query_json")
public func credence_query_json(_ net: OpaqueRawPointer?, _ targets: UnsafePointer<CChar>?, _ given: UnsafePointer<CChar>?,
                                _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let request = QueryRequest(targets: names(targets), findings: try findings(given))
        try give(try JSONDocument.encode(try h.withService { try $0.answer(request) }), out)
    }
}

/// Every variable's posterior, concatenated in network order (`out_len` = the sum of the
/// cardinalities), and `ln P(evidence)`.
@_cdecl("credence_query_all")
public func credence_query_all(_ net: OpaqueRawPointer?, _ given: UnsafePointer<CChar>?,
                               _ out: UnsafeMutablePointer<Double>?, _ outLength: Int, _ logP: UnsafeMutablePointer<Double>?,
                               _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let set = try findings(given)
        let r = try h.withService { try $0.allMarginals(under: set) }
        try copy(r.marginals.flatMap { $0 }, to: out, length: outLength, what: "the marginals")
        logP?.pointee = r.logProbabilityOfEvidence
    }
}

/// `P(evidence)` and its log, interventions applied.
@_cdecl("credence_probability")
public func credence_probability(_ net: OpaqueRawPointer?, _ given: UnsafePointer<CChar>?,
                                 _ p: UnsafeMutablePointer<Double>?, _ logP: UnsafeMutablePointer<Double>?,
                                 _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let set = try findings(given)
        let r = try h.withService { try $0.probabilityOfEvidence(set) }
        p?.pointee = r.p
        logP?.pointee = r.log
    }
}

/// The most probable explanation (`targets` null or empty), or with targets their MAP
/// assignment: the JSON of `credence query --mpe/--map --json`.
@_cdecl("credence_mpe")
public func credence_mpe(_ net: OpaqueRawPointer?, _ targets: UnsafePointer<CChar>?, _ given: UnsafePointer<CChar>?,
                         _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                         _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let t = names(targets)
        let request = QueryRequest(targets: t, findings: try findings(given))
        try give(try JSONDocument.encode(try h.withService { try $0.explain(request, mapOverTargets: !t.isEmpty) }), out)
    }
}

/// `credence explain --json`: why P(target = state | findings) is what it is (`state` null:
/// the most probable one); `top` CPT parameters by sensitivity.
@_cdecl("credence_explain")
public func credence_explain(_ net: OpaqueRawPointer?, _ target: UnsafePointer<CChar>?, _ state: UnsafePointer<CChar>?,
                             _ given: UnsafePointer<CChar>?, _ top: Int32,
                             _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                             _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let f = try findings(given)
        let name = try string(target, "the target")
        let s = state.map { String(cString: $0) }
        let x = try h.withExplainer { try $0.explain(target: name, state: s, findings: f, top: Int(top)) }
        try give(try JSONDocument.encode(x, nonFinite: .signedStrings), out)
    }
}

/// The SVG of `credence render` under the findings, `targets` outlined.
@_cdecl("credence_render_svg")
public func credence_render_svg(_ net: OpaqueRawPointer?, _ given: UnsafePointer<CChar>?, _ targets: UnsafePointer<CChar>?,
                                _ out: UnsafeMutablePointer<OpaqueRawPointer?>?,
                                _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let request = RenderRequest(findings: try findings(given), targets: names(targets))
        let picture = try h.withService { try NetworkPicture(network: h.network, request: request, service: $0) }
        try give(picture.svg(), out)
    }
}

/// `rows` forward samples (`credence sample`), each cell hidden with probability `missing`:
/// state codes (-1 missing) written column by column, one column per variable in network
/// order (`out_len` = variables × rows).
@_cdecl("credence_sample")
public func credence_sample(_ net: OpaqueRawPointer?, _ rows: Int64, _ seed: UInt64, _ missing: Double,
                            _ out: UnsafeMutablePointer<Int32>?, _ outLength: Int,
                            _ err: UnsafeMutablePointer<CChar>?, _ cap: Int) -> Int32 {
    call(err, cap) {
        let h = try handle(net, NetworkHandle.self, "the network")
        let data = try LearningTasks.sample(h.network, rows: Int(rows), seed: seed, missing: missing, dropLatent: false)
        guard let out else { throw ArgumentError(description: "the output buffer for the sample is missing") }
        guard outLength == h.network.count * Int(rows) else {
            throw ArgumentError(description: "the output buffer for the sample holds \(outLength) codes; it needs \(h.network.count * Int(rows))")
        }
        for (v, variable) in h.network.variables.enumerated() {
            let column = data.columns[data.column(named: variable.name)!]
            column.withUnsafeBufferPointer { b in if let base = b.baseAddress { (out + v * Int(rows)).update(from: base, count: b.count) } }
        }
    }
}
