import Foundation
import Testing
import BNCore
@testable import BNFormats

@Suite("Round trips through every format")
struct InterchangeRoundTripTests {
    static let formats: [ModelFormat] = [.bif, .bifGzip, .xmlbif, .net, .uai, .bn]

    /// Same names, states, roles, labels, parents and CPT values (to 1e-15).
    func expectSameNetwork(_ a: BayesianNetwork, _ b: BayesianNetwork, names: Bool, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(a.count == b.count, sourceLocation: sourceLocation)
        #expect(a.cardinalities == b.cardinalities, sourceLocation: sourceLocation)
        if names {
            #expect(a.name == b.name, sourceLocation: sourceLocation)
            #expect(a.label == b.label, sourceLocation: sourceLocation)
            #expect(a.variables == b.variables, sourceLocation: sourceLocation)
        }
        let diff = maxCPTDifference(a, b)
        #expect(diff != nil, "structure differs", sourceLocation: sourceLocation)
        if let d = diff { #expect(d <= 1e-15, sourceLocation: sourceLocation) }
    }

    @Test("every shipped network survives every format", arguments: Shipped.networks.map(\.name))
    func shippedRoundTrip(_ name: String) throws {
        let net = try Shipped.load(name)
        let dir = try Shipped.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for format in Self.formats {
            let path = dir.appendingPathComponent("\(name).\(format.rawValue)").path
            try ModelFile.write(net, to: path)
            let back = try ModelFile.read(path)
            expectSameNetwork(net, back, names: format != .uai)
            if format == .uai {
                #expect(back.variables[0].name == "X0")
            }
        }
        // A chain bif -> xmlbif -> net -> uai -> bif keeps structure and numbers.
        var current = net
        for format in [ModelFormat.xmlbif, .net, .bn, .uai, .bif] {
            let path = dir.appendingPathComponent("chain.\(format.rawValue)").path
            try ModelFile.write(current, to: path)
            current = try ModelFile.read(path)
        }
        expectSameNetwork(net, current, names: false)
    }

    /// A small network using everything the formats can carry: labels, descriptions, roles,
    /// quoted names, non-ASCII text.
    static func richNetwork() throws -> BayesianNetwork {
        var net = BayesianNetwork(name: "winback")
        net.label = "售后流失客户招揽 / dealer win-back"
        net.description = "a \"quoted\" description"
        let w = try net.addVariable(Variable(name: "Warranty", states: ["in_warranty", "expired"], label: "保修"))
        let r = try net.addVariable(Variable(name: "Reason", states: ["service", "price", "other place"],
                                             description: "why they left", role: .latent))
        let i = try net.addVariable(Variable(name: "Incentive", states: ["none", "voucher_500"], role: .decision))
        let ret = try net.addVariable(Variable(name: "Returned", states: ["yes", "no"]))
        try net.setParents(r, to: [w])
        try net.setParents(ret, to: [r, i])
        try net.setCPT(w, Factor(scope: net.familyScope(of: w), values: [0.2, 0.8]))
        try net.setCPT(r, Factor(scope: net.familyScope(of: r), values: [0.5, 0.3, 0.2, 0.1, 0.6, 0.3]))
        try net.setCPT(i, Factor(scope: net.familyScope(of: i), values: [0.5, 0.5]))
        try net.setCPT(ret, Factor(scope: net.familyScope(of: ret),
                                   values: [0.1, 0.9, 0.4, 0.6, 0.05, 0.95, 0.3, 0.7, 0.2, 0.8, 1.0 / 3, 2.0 / 3]))
        return net
    }

    @Test("labels, roles and descriptions survive BIF, XMLBIF, NET and .bn", arguments: [ModelFormat.bif, .bifGzip, .xmlbif, .net, .bn])
    func richRoundTrip(_ format: ModelFormat) throws {
        let net = try Self.richNetwork()
        let dir = try Shipped.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("rich.\(format.rawValue)").path
        try ModelFile.write(net, to: path)
        let back = try ModelFile.read(path)
        expectSameNetwork(net, back, names: true)
        #expect(back.variables[1].description == "why they left")
        #expect(back.description == net.description)
    }

    @Test func uaiEvidenceRoundTrip() throws {
        let net = try Shipped.load("asia")
        let dir = try Shipped.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("asia.uai.evid").path
        try UAIEvidence.write([7: 0, 2: 1], to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "2 2 1 7 0\n")
        #expect(try UAIEvidence.read(path: path, network: net) == [7: 0, 2: 1])
        // The 2010 layout: a sample count first.
        #expect(try UAIEvidence.parse("1\n2 2 1 7 0\n") == [2: 1, 7: 0])
        #expect(try UAIEvidence.parse("0") == [:])
        let e = #expect(throws: FormatError.self) { try UAIEvidence.parse("1 9 0", file: "x.evid", network: net) }
        #expect(e?.description.contains("x.evid:1:3") == true)
        #expect(e?.description.contains("out of range") == true)
    }

    @Test func dotShowsNodesAndEdges() throws {
        let net = try Shipped.load("asia")
        let dot = DOTWriter.string(net)
        #expect(dot.hasPrefix("digraph \"unknown\" {"))
        #expect(dot.contains("\"either\" -> \"dysp\";"))
        #expect(dot.components(separatedBy: " -> ").count - 1 == 8)
        let rich = DOTWriter.string(try Self.richNetwork())
        #expect(rich.contains("style=dashed"))
        #expect(rich.contains("shape=box"))
        #expect(throws: FormatError.self) { try ModelFile.read("/tmp/x.dot") }
    }

    @Test func atomicWriteLeavesTheOldFileOnFailure() throws {
        let dir = try Shipped.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The destination is a directory that is not empty: the rename fails after the
        // temporary file is written, and nothing is left behind.
        let blocked = dir.appendingPathComponent("m.net")
        try FileManager.default.createDirectory(at: blocked, withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: blocked.appendingPathComponent("inside"))
        let e = #expect(throws: FormatError.self) { try ModelFile.write(try Shipped.load("asia"), to: blocked.path) }
        #expect(e?.description.contains("cannot write '\(blocked.path)'") == true)
        #expect(try String(contentsOfFile: blocked.appendingPathComponent("inside").path, encoding: .utf8) == "keep")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["m.net"])
        #expect(throws: FormatError.self) { try ModelFile.write(try Shipped.load("asia"), to: "/nonexistent-dir/x.bif") }
    }

    @Test func formatsByExtension() {
        #expect(ModelFormat(path: "a/b/alarm.BIF") == .bif)
        #expect(ModelFormat(path: "mildew.bif.gz") == .bifGzip)
        #expect(ModelFormat(path: "x.xml") == .xmlbif)
        #expect(ModelFormat(path: "x.xmlbif") == .xmlbif)
        #expect(ModelFormat(path: "x.net") == .net)
        #expect(ModelFormat(path: "x.uai") == .uai)
        #expect(ModelFormat(path: "x.bn") == .bn)
        #expect(ModelFormat(path: "x.gv") == .dot)
        #expect(ModelFormat(path: "x.txt") == nil)
        let e = #expect(throws: FormatError.self) { try ModelFile.read("model.txt") }
        #expect(e?.description.contains(".bif.gz") == true)
    }
}
