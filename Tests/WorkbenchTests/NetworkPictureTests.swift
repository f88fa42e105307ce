import Foundation
import Testing
import BNCore
import _CZlib
@testable import BNFormats
@testable import Workbench

/// `credence render` / `show graph to FILE`: the SVG is well-formed and complete, the bars
/// measure the posteriors, the marks are there, and the PNG made from it has real pixels.
@Suite("Network pictures")
struct NetworkPictureTests {
    static let root = ExampleScriptTests.root
    static let alarm = root + "/../shared/networks/alarm.bif"
    static let winback = root + "/models/dealer_winback.bn"

    /// Every element of an SVG with its attributes, the `data-variable` of the node group it
    /// is in, and its text.
    final class Elements: XMLCollecting {
        struct Element { var name: String; var attributes: [String: String]; var node: String?; var text = "" }
        var elements: [Element] = []
        var open: [Int] = []
        var problem: Diagnostic? { nil }
        func startElement(_ name: String, attributes: [String: String], at: BNFormats.SourceLocation) {
            let node = attributes["data-variable"] ?? open.last.flatMap { elements[$0].node }
            elements.append(Element(name: name, attributes: attributes, node: node))
            open.append(elements.count - 1)
        }
        func endElement(_ name: String) { open.removeLast() }
        func characters(_ string: String) { if let i = open.last { elements[i].text += string } }

        func classed(_ cls: String) -> [Element] {
            elements.filter { ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(cls)) }
        }
    }

    /// The elements of `svg`, which must be well-formed XML (BNFormats' strict scanner).
    static func parse(_ svg: String) throws -> Elements {
        let e = Elements()
        try scanXML(SourceText(file: "picture.svg", text: svg), e, document: "an SVG picture", encodingHint: "write UTF-8")
        return e
    }

    static let findings = FindingSet(evidence: ["HR": "HIGH", "INTUBATION": "NORMAL"], soft: ["CVP": [0.2, 0.3, 0.5]],
                                     interventions: ["VENTLUNG": "LOW"])

    @Test func theAlarmPictureIsWellFormedWithEveryVariableAndBarsThatMeasureThePosterior() throws {
        let net = try ModelIO.load(path: Self.alarm)
        let picture = try NetworkPicture(network: net, request: RenderRequest(findings: Self.findings, targets: ["LVFAILURE"]))
        let doc = try Self.parse(picture.svg())
        #expect(doc.elements.first?.name == "svg")
        let nodes = doc.classed("node")
        #expect(Set(nodes.compactMap { $0.attributes["data-variable"] }) == Set(net.names))
        #expect(nodes.count == net.count)
        // Each bar is P(state | findings) × the bar length, against a separate query per variable.
        let service = QueryService(network: net)
        var checked = 0
        for v in net.variables {
            let posterior = try service.answer(QueryRequest(targets: [v.name], findings: Self.findings)).marginals[0].probabilities
            let bars = doc.classed("bar").filter { $0.node == v.name }
            #expect(bars.count == v.cardinality)
            for bar in bars {
                let stateName = try #require(bar.attributes["data-state"])
                let s = try #require(v.stateIndex(stateName))
                let width = try #require(Double(bar.attributes["width"] ?? ""))
                #expect(abs(width - posterior[s] * NetworkPicture.barLength) <= 1e-6, "\(v.name)=\(v.states[s])")
                checked += 1
            }
        }
        #expect(checked == net.variables.map(\.cardinality).reduce(0, +))
        // Under findings every state row has a prior tick, at P(state) with no findings.
        let priors = try service.allMarginals(under: FindingSet()).marginals
        let ticks = doc.classed("prior")
        #expect(ticks.count == checked)
        for t in ticks.prefix(20) {
            let name = try #require(t.node)
            let v = try net.require(name)
            #expect(priors[v].contains { abs($0 - Double(t.attributes["data-p"]!)!) < 1e-12 })
        }
    }

    @Test func evidenceSoftDoLatentDecisionAndTargetsAreMarked() throws {
        let alarm = try ModelIO.load(path: Self.alarm)
        let doc = try Self.parse(try NetworkPicture(network: alarm, request: RenderRequest(findings: Self.findings, targets: ["LVFAILURE"])).svg())
        // bnlearn's BIF files say `network unknown`: the picture is called after the file.
        #expect(alarm.name == "unknown" && NetworkPicture.title(of: alarm, modelPath: Self.alarm) == "alarm")
        #expect(NetworkPicture.title(of: alarm, modelPath: nil) == "unknown")
        #expect(Set(doc.classed("observed").compactMap { $0.attributes["data-variable"] }) == ["HR", "INTUBATION"])
        #expect(doc.classed("soft").compactMap { $0.attributes["data-variable"] } == ["CVP"])
        #expect(doc.classed("intervened").compactMap { $0.attributes["data-variable"] } == ["VENTLUNG"])
        #expect(doc.classed("target").compactMap { $0.attributes["data-variable"] } == ["LVFAILURE"])
        // The observed state is bold, the others not.
        let hrStates = doc.classed("state").filter { $0.node == "HR" }
        #expect(hrStates.filter { $0.attributes["font-weight"] == "bold" }.map(\.text) == ["HIGH"])
        // do(VENTLUNG) cuts exactly the arcs into VENTLUNG: dashed, grey.
        let cut = doc.classed("cut")
        #expect(Set(cut.compactMap { $0.attributes["data-from"] }) == Set(alarm.parents(of: try alarm.require("VENTLUNG")).map { alarm.variables[$0].name }))
        #expect(cut.allSatisfy { $0.attributes["data-to"] == "VENTLUNG" })
        let cutPaths = doc.elements.filter { $0.name == "path" && $0.attributes["stroke-dasharray"] != nil }
        #expect(cutPaths.count == cut.count)
        #expect(doc.classed("badge").count == 2)   // do and soft

        let winback = try ModelIO.load(path: Self.winback)
        let w = try Self.parse(try NetworkPicture(network: winback, request: RenderRequest(findings: FindingSet(evidence: ["Complaint": "yes"]))).svg())
        let boxes = w.classed("box")
        let latent = winback.variables.filter { $0.role == .latent }.map(\.name)
        let decisions = winback.variables.filter { $0.role == .decision }.map(\.name)
        #expect(!latent.isEmpty && !decisions.isEmpty)
        for b in boxes {
            let name = try #require(b.node)
            #expect((b.attributes["stroke-dasharray"] != nil) == latent.contains(name), "\(name): a dashed outline only for latent nodes")
            #expect((b.attributes["rx"] == "0.00") == decisions.contains(name), "\(name): square corners only for decisions")
        }
        // The Chinese labels are in the picture, and the font stack names Noto CJK.
        #expect(w.classed("label").contains { $0.text == "真实流失原因" })
        #expect(w.elements[0].attributes["font-family"]?.contains("Noto Sans CJK") == true)
    }

    @Test func largeNetworksGetNameOnlyBoxesExceptTheTargets() throws {
        let net = try ModelIO.load(path: Self.root + "/../shared/networks/pathfinder.bif")
        let picture = try NetworkPicture(network: net, request: RenderRequest(targets: ["Fault"]))
        #expect(picture.compact)
        let doc = try Self.parse(picture.svg())
        #expect(doc.classed("node").count == net.count)
        #expect(doc.classed("compact").count == net.count - 1)
        #expect(doc.classed("bar").allSatisfy { $0.node == "Fault" })
        // No two boxes overlap.
        let boxes = picture.nodes
        for i in boxes.indices { for j in boxes.indices where j > i {
            let a = boxes[i], b = boxes[j]
            #expect(a.x + a.width <= b.x + 0.5 || b.x + b.width <= a.x + 0.5 || a.y + a.height <= b.y + 0.5 || b.y + b.height <= a.y + 0.5,
                    "\(a.name) overlaps \(b.name)")
        } }
    }

    @Test func arcStrengthIsTheMutualInformationOfTheEnds() throws {
        let net = try ModelIO.load(path: Self.winback)
        let f = FindingSet(evidence: ["Complaint": "yes"])
        let picture = try NetworkPicture(network: net, request: RenderRequest(findings: f, arcStrength: .mi))
        let service = QueryService(network: net)
        for a in picture.arcs {
            let mi = try #require(a.mutualInformation)
            // I(A;B) = H(A) + H(B) − H(A,B) from the joint posterior.
            let r = try service.answer(QueryRequest(targets: [a.from, a.to], findings: f))
            func h(_ p: [Double]) -> Double { -p.filter { $0 > 0 }.map { $0 * log2($0) }.reduce(0, +) }
            let expected = h(r.marginals[0].probabilities) + h(r.marginals[1].probabilities) - h(r.joint!.map(\.probability))
            #expect(abs(mi - expected) < 1e-9, "\(a.from) -> \(a.to)")
            if a.to == "Complaint" || a.from == "Complaint" { #expect(mi < 1e-12) }
        }
    }

    @Test func aPNGIsWrittenAndItsPixelsAreAPicture() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("credence-render-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let net = try ModelIO.load(path: Self.winback)
        let r = try NetworkPicture.render(net, RenderRequest(findings: FindingSet(evidence: ["Complaint": "yes"]), targets: ["Returned"]),
                                          to: dir + "/winback.png")
        let png = try PNGImage(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/winback.png"))))
        #expect(r.bytes > 10_000)
        #expect(png.width == Int(r.picture.width.rounded(.up)) || png.width == Int(r.picture.width))
        #expect(abs(Double(png.height) - r.picture.height) <= 1)
        // Mostly white paper, but a real share of ink, in many colours: the bar blue, the
        // observed bar's dark blue, the prior ticks' red, the target's outline.
        let counts = png.colourCounts()
        let total = png.width * png.height
        let white = counts[0xFFFFFF] ?? 0
        #expect(Double(white) / Double(total) > 0.5)
        #expect(Double(total - white) / Double(total) > 0.05)
        #expect(counts.count > 50)
        func near(_ rgb: UInt32) -> Int { counts.filter { PNGImage.distance($0.key, rgb) < 12 }.map(\.value).reduce(0, +) }
        #expect(near(0x4C78A8) > 1000, "bars")
        #expect(near(0x1F4E79) > 100, "the observed state's bar")
        #expect(near(0xD62728) > 50, "prior ticks")
        #expect(near(0xE45756) > 200, "the target's outline")
        // PDF too, and a .dot with the marks.
        _ = try NetworkPicture.render(net, RenderRequest(findings: FindingSet(interventions: ["Incentive": "voucher_500"])), to: dir + "/w.pdf")
        let pdf = try Data(contentsOf: URL(fileURLWithPath: dir + "/w.pdf"))
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        _ = try NetworkPicture.render(net, RenderRequest(findings: FindingSet(interventions: ["Incentive": "voucher_500"])), to: dir + "/w.dot")
        let dot = try String(contentsOfFile: dir + "/w.dot", encoding: .utf8)
        #expect(dot.contains("\"StatedReason\" -> \"Incentive\" [style=dashed, color=grey]"))
        #expect(dot.contains("style=\"rounded,dashed\""))   // the latent TrueReason
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["w.dot", "w.pdf", "winback.png"])
    }

    @Test func badOutputsAndUnknownTargetsAreRefusedBeforeAnythingIsWritten() throws {
        let net = try ModelIO.load(path: Self.winback)
        #expect(throws: WorkbenchError.self) { try NetworkPicture.render(net, RenderRequest(), to: "/tmp/x.jpg") }
        do {
            _ = try NetworkPicture.render(net, RenderRequest(targets: ["Returnd"]), to: "/tmp/credence-never.svg")
            Issue.record("an unknown target was drawn")
        } catch {
            #expect("\(error)".contains("Returnd") && "\(error)".contains("Returned"))
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/credence-never.svg"))
    }

    @Test func theREPLDrawsTheSessionUnderItsFindings() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("credence-repl-render-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runner = CommandRunner(session: Session(baseDirectory: dir, journaling: false))
        _ = try runner.run(line: "load \(Self.winback)")
        _ = try runner.run(line: "observe Complaint=yes")
        _ = try runner.run(line: "do Incentive=voucher_500")
        let r = try #require(try runner.run(line: "show graph to winback.svg"))
        #expect(r.text.hasPrefix("wrote winback.svg: 13 variables, 14 arcs (1 cut by do()) given Complaint=yes, do(Incentive=voucher_500)"))
        let doc = try Self.parse(try String(contentsOfFile: dir + "/winback.svg", encoding: .utf8))
        #expect(doc.classed("observed").compactMap { $0.attributes["data-variable"] } == ["Complaint"])
        #expect(doc.classed("intervened").compactMap { $0.attributes["data-variable"] } == ["Incentive"])
        #expect(throws: CommandFailure.self) { try runner.run(line: "show graph to winback.gif") }

        // The options of `credence render`: targets, arc strength, compact boxes.
        let o = try #require(try runner.run(line: "show graph to winback2.svg targets Returned Complaint arcs mi compact"))
        #expect(o.text.hasPrefix("wrote winback2.svg: "))
        let marked = try Self.parse(try String(contentsOfFile: dir + "/winback2.svg", encoding: .utf8))
        #expect(Set(marked.classed("target").compactMap { $0.attributes["data-variable"] }) == ["Returned", "Complaint"])
        #expect(marked.classed("compact").count == 11)
        #expect(!marked.classed("arc").filter { $0.attributes["data-mi"] != nil }.isEmpty)
        #expect(throws: CommandFailure.self) { try runner.run(line: "show graph to winback3.svg targets Returnd") }
        #expect(!FileManager.default.fileExists(atPath: dir + "/winback3.svg"))
        #expect(throws: CommandFailure.self) { try CommandLanguage.parse("show graph to x.svg arcs wide") }
    }

    @Test func influenceDiagramsShowUtilitiesAndTheExpectedUtilityOfEachOption() throws {
        let (net, spec) = try ModelIO.loadWithDecisions(path: Self.root + "/models/dealer_winback_decision.bn")
        let findings = try FindingSet(evidence: ["StatedReason": "price"])
        let picture = try NetworkPicture(network: net, request: RenderRequest(findings: findings, decisions: spec))
        let report = try DecisionService.decide(net, spec, findings: findings)
        #expect(picture.meu == report.meu)
        let doc = try Self.parse(picture.svg())
        #expect(Set(doc.classed("utility").compactMap { $0.attributes["data-utility"] }) == Set(spec.utilities.map(\.name)))
        #expect(spec.utilities.count == 4)
        for option in report.expectedUtilities {
            let node = try #require(picture.nodes.first { $0.name == option.decision })
            #expect(node.expectedUtilities == option.expectedUtilities)
            #expect(node.width > 0 && picture.utilities.allSatisfy { $0.width > 0 && $0.y > 0 })
        }
        // Every utility node is reached by an arc from each of its parents.
        for u in spec.utilities {
            #expect(Set(picture.arcs.filter { $0.to == u.name }.map(\.from)) == Set(u.parents))
        }
        // The text shows each option's value, the best in bold.
        let values = doc.classed("expected-utility")
        #expect(values.count == report.expectedUtilities.map(\.options.count).reduce(0, +))
        #expect(values.filter { $0.attributes["font-weight"] == "bold" }.count == report.expectedUtilities.count)
        // Without the decision part the same network is a plain picture.
        let plain = try NetworkPicture(network: net, request: RenderRequest(findings: findings))
        #expect(plain.utilities.isEmpty && plain.meu == nil && plain.nodes.allSatisfy { $0.expectedUtilities == nil })
    }

    @Test func thePlotsAreWellFormed() throws {
        let trace = TracePlot(title: "EM <&>", subtitle: "s", trace: [-120, -100, -95.5, -95.1, -95.05])
        let t = try Self.parse(trace.svg())
        #expect(t.classed("point").count == 5)
        let asia = try ModelIO.load(path: Self.root + "/../shared/networks/asia.bif")
        let x = try Explainer(network: asia).explain(target: "lung", state: "yes", findings: FindingSet(evidence: ["xray": "yes", "smoke": "yes"]), top: 5)
        let doc = try Self.parse(TornadoPlot(x).svg())
        let bars = doc.classed("bar")
        #expect(bars.count == x.impacts.count + x.sensitivities.count)
        #expect(bars.filter { $0.attributes["data-label"] == "xray=yes" }.count == 1)
    }
}

/// A PNG decoder for tests: 8-bit RGB or RGBA, non-interlaced (what rsvg-convert writes),
/// through the zlib the project links.
struct PNGImage {
    var width = 0, height = 0
    /// 0xRRGGBB per pixel, row by row (alpha composed on white).
    var pixels: [UInt32] = []

    init(bytes: [UInt8]) throws {
        struct Bad: Error { var why: String }
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Bad(why: "no PNG signature") }
        var i = 8, idat: [UInt8] = [], channels = 0
        func be32(_ k: Int) -> Int { Int(bytes[k]) << 24 | Int(bytes[k + 1]) << 16 | Int(bytes[k + 2]) << 8 | Int(bytes[k + 3]) }
        while i + 8 <= bytes.count {
            let length = be32(i), type = String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self)
            let body = Array(bytes[(i + 8)..<(i + 8 + length)])
            if type == "IHDR" {
                width = Int(body[0]) << 24 | Int(body[1]) << 16 | Int(body[2]) << 8 | Int(body[3])
                height = Int(body[4]) << 24 | Int(body[5]) << 16 | Int(body[6]) << 8 | Int(body[7])
                guard body[8] == 8, body[12] == 0, body[9] == 2 || body[9] == 6 else { throw Bad(why: "not 8-bit RGB(A)") }
                channels = body[9] == 6 ? 4 : 3
            }
            if type == "IDAT" { idat += body }
            if type == "IEND" { break }
            i += 12 + length
        }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw Bad(why: "zlib") }
        let status = idat.withUnsafeMutableBufferPointer { input in
            raw.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress; stream.avail_in = UInt32(input.count)
                stream.next_out = output.baseAddress; stream.avail_out = UInt32(output.count)
                return inflate(&stream, Z_FINISH)
            }
        }
        inflateEnd(&stream)
        guard status == Z_STREAM_END else { throw Bad(why: "inflate: \(status)") }
        // Undo the scanline filters (PNG spec 9: none, sub, up, average, Paeth).
        var prev = [UInt8](repeating: 0, count: stride), line = prev
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let v = raw[y * (stride + 1) + 1 + x]
                let a = x >= channels ? Int(line[x - channels]) : 0, b = Int(prev[x]), c = x >= channels ? Int(prev[x - channels]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: predictor = 0
                }
                line[x] = UInt8((Int(v) + predictor) & 0xFF)
            }
            for x in 0..<width {
                var rgb = [0, 1, 2].map { Double(line[x * channels + $0]) }
                if channels == 4 {
                    let alpha = Double(line[x * channels + 3]) / 255
                    rgb = rgb.map { $0 * alpha + 255 * (1 - alpha) }   // rsvg writes premultiplied-free RGBA
                }
                let q = rgb.map { UInt32(max(0, min(255, $0.rounded()))) }
                pixels.append(q[0] << 16 | q[1] << 8 | q[2])
            }
            prev = line
        }
    }

    func colourCounts() -> [UInt32: Int] {
        var out: [UInt32: Int] = [:]
        for p in pixels { out[p, default: 0] += 1 }
        return out
    }

    /// The largest channel difference of two 0xRRGGBB colours.
    static func distance(_ a: UInt32, _ b: UInt32) -> Int {
        [16, 8, 0].map { abs(Int((a >> $0) & 0xFF) - Int((b >> $0) & 0xFF)) }.max()!
    }
}
