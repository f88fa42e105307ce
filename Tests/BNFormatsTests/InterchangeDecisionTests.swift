import Foundation
import Testing
import BNCore
@testable import BNFormats

/// Influence diagrams through BIFXML (pyAgrum) and Hugin NET: utilities, decisions without
/// tables, the decision order and the LIMID mark survive a write and a read.
@Suite("Interchange: influence diagrams")
struct InterchangeDecisionTests {
    static let files = ["oil_wildcatter.bn", "umbrella.bn", "pig_breeder.bn"]

    @Test("BIFXML and NET keep utilities and decisions' parents", arguments: files)
    func roundTrip(file: String) throws {
        let doc = try BNLanguage.read(contentsOf: BNFixtures.path("decisions/\(file)"))
        let dir = try Shipped.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for ext in ["xml", "bifxml", "net", "xdsl"] {
            let path = dir.appendingPathComponent("model.\(ext)").path
            try ModelFile.write(doc, to: path)
            let back = try ModelFile.readDocument(path)
            #expect(back.utilities == doc.utilities, "\(file) .\(ext)")
            for v in 0..<doc.network.count {
                #expect(back.network.parents(of: v) == doc.network.parents(of: v), "\(file) .\(ext)")
                #expect(back.network.variables[v].role == doc.network.variables[v].role)
            }
            // Rows summing to 1 only up to rounding are renormalised by the interchange readers.
            #expect((maxCPTDifference(back.network, doc.network) ?? 1) < 1e-12, "\(file) .\(ext)")
            if ext != "xdsl" {
                #expect(back.decisionOrder == doc.decisionOrder && back.limited == doc.limited, "\(file) .\(ext)")
            }
        }
        // A plain format would drop the utilities: refused, and nothing is written.
        let bif = dir.appendingPathComponent("model.bif").path
        #expect(throws: FormatError.self) { try ModelFile.write(doc, to: bif) }
        #expect(!FileManager.default.fileExists(atPath: bif))
    }

    @Test("pyAgrum's own BIFXML (fast properties, utility OUTCOME 0) reads")
    func pyAgrumText() throws {
        let text = """
        <?xml version="1.0" ?>
        <BIF VERSION="0.3"><NETWORK>
        <VARIABLE TYPE="nature"><NAME>Weather</NAME><PROPERTY>fast = Weather{norain|rain}</PROPERTY><OUTCOME>norain</OUTCOME><OUTCOME>rain</OUTCOME></VARIABLE>
        <VARIABLE TYPE="decision"><NAME>Umbrella</NAME><OUTCOME>take</OUTCOME><OUTCOME>leave</OUTCOME></VARIABLE>
        <VARIABLE TYPE="utility"><NAME>Utility</NAME><PROPERTY>fast = Utility[1]</PROPERTY><OUTCOME>0</OUTCOME></VARIABLE>
        <DEFINITION><FOR>Weather</FOR><TABLE>0.7 0.3 </TABLE></DEFINITION>
        <DEFINITION><FOR>Umbrella</FOR><GIVEN>Weather</GIVEN></DEFINITION>
        <DEFINITION><FOR>Utility</FOR><GIVEN>Weather</GIVEN><GIVEN>Umbrella</GIVEN><TABLE>20 100 70 0 </TABLE></DEFINITION>
        </NETWORK></BIF>
        """
        let doc = try XMLBIFReader.parseDocument(SourceText(file: "umbrella.xml", text: text))
        #expect(doc.utilities == [UtilityNode(name: "Utility", parents: [0, 1], values: [20, 100, 70, 0])])
        #expect(doc.network.parents(of: 1) == [0])
    }

    @Test("GeNIe XDSL: cpt, deterministic, decision, utility and mau nodes; display names as labels")
    func genie() throws {
        let text = """
        <?xml version="1.0" encoding="UTF-8"?>
        <smile version="1.0" id="venture" numsamples="1000">
          <nodes>
            <cpt id="Success">
              <state id="yes" />
              <state id="no" />
              <probabilities>0.2 0.8</probabilities>
            </cpt>
            <cpt id="Forecast">
              <state id="good" />
              <state id="poor" />
              <parents>Success</parents>
              <probabilities>0.7 0.3 0.2 0.8</probabilities>
            </cpt>
            <decision id="Invest">
              <state id="invest" />
              <state id="keep" />
              <parents>Forecast</parents>
            </decision>
            <deterministic id="Flag">
              <state id="on" />
              <state id="off" />
              <parents>Invest</parents>
              <resultingstates>on off</resultingstates>
            </deterministic>
            <utility id="Gain">
              <parents>Invest Success</parents>
              <utilities>10000 -5000 500 500</utilities>
            </utility>
            <utility id="Fee">
              <parents>Flag</parents>
              <utilities>-100 0</utilities>
            </utility>
            <mau id="Total">
              <parents>Gain Fee</parents>
              <weights>1 2</weights>
            </mau>
          </nodes>
          <extensions>
            <genie version="1.0" app="GeNIe" name="venture">
              <node id="Success"><name>Success of the venture</name><position>1 2 3 4</position></node>
            </genie>
          </extensions>
        </smile>
        """
        let doc = try XDSLReader.parseDocument(SourceText(file: "venture.xdsl", text: text))
        let net = doc.network
        #expect(net.names == ["Success", "Forecast", "Invest", "Flag"])
        #expect(net.variables[0].label == "Success of the venture")
        #expect(net.variables[2].role == .decision && net.parents(of: 2) == [1])
        #expect(net.cpts[3].values == [1, 0, 0, 1])
        #expect(doc.utilities.map(\.name) == ["Gain", "Fee"])
        #expect(doc.utilities[0].parents == [2, 0] && doc.utilities[0].values == [10000, -5000, 500, 500])
        #expect(doc.utilities[1].values == [-200, 0])     // weighted by the mau node
        let short = text.replacingOccurrences(of: "<probabilities>0.7 0.3 0.2 0.8</probabilities>", with: "<probabilities>0.7 0.3 0.2</probabilities>")
        do { _ = try XDSLReader.parseDocument(SourceText(file: "s.xdsl", text: short)); Issue.record("parsed") } catch {
            #expect(error.description.contains("s.xdsl:13:"), "\(error)")
            #expect(error.description.contains("the probabilities of 'Forecast' are 3 numbers; it needs 4 (2 states × 2 parent configurations)"), "\(error)")
        }
    }

    @Test("Hugin NET: the decision order and the LIMID mark in net attributes; a no-forgetting diagram that Hugin would read as forgetting is reported")
    func huginOrderAndMemory() throws {
        var doc = try BNLanguage.read(contentsOf: BNFixtures.path("decisions/pig_breeder.bn"))
        #expect(doc.limited)
        #expect(HuginNetWriter.losses(doc).isEmpty)     // a LIMID means the same to Hugin
        doc.decisionOrder = ["D1", "D2", "D3"]
        var text = String(decoding: try HuginNetWriter.bytes(doc), as: UTF8.self)
        #expect(text.contains("credence_decision_order = (\"D1\" \"D2\" \"D3\");"))
        #expect(text.contains("credence_limid = \"true\";"))
        var back = try HuginNetReader.parseDocument(SourceText(file: "pig.net", text: text))
        #expect(back.decisionOrder == ["D1", "D2", "D3"] && back.limited)
        // Under no-forgetting each decision forgets what Hugin would not give it.
        doc.limited = false
        let losses = HuginNetWriter.losses(doc)
        #expect(losses.count == 1)
        #expect(losses[0].contains("'D2' (not a parent: T1, D1)") && losses[0].contains("'D3' (not a parent: T1, D1, T2, D2)"), "\(losses)")
        text = String(decoding: try HuginNetWriter.bytes(doc), as: UTF8.self)
        #expect(!text.contains("credence_limid"))
        back = try HuginNetReader.parseDocument(SourceText(file: "pig.net", text: text))
        #expect(!back.limited && back.decisionOrder == ["D1", "D2", "D3"])
        #expect(ModelFile.losses(writing: doc, to: "pig.net") == losses && ModelFile.losses(writing: doc, to: "pig.bn").isEmpty)
        // A wrong name in the order: located at the list.
        let bad = text.replacingOccurrences(of: "(\"D1\" \"D2\" \"D3\")", with: "(\"D1\" \"H2\" \"D3\")")
        do { _ = try HuginNetReader.parseDocument(SourceText(file: "pig.net", text: bad)); Issue.record("parsed") } catch {
            #expect(error.description.contains("pig.net:4:"), "\(error)")
            #expect(error.description.contains("credence_decision_order lists 'H2', which is not a decision node"), "\(error)")
            #expect(error.description.contains("the decisions are D1, D2, D3"), "\(error)")
        }
    }

    @Test("GeNIe XDSL noisymax: the CPT expanded with the leak, checked against a hand computation")
    func noisyMax() throws {
        let doc = try ModelFile.readDocument(Shipped.fixturesDir.appendingPathComponent("xdsl/noisymax.xdsl").path)
        let net = doc.network
        #expect(net.names == ["Leak", "Wear", "Service", "Damage", "Alarm"])
        let damage = 3
        #expect(net.parents(of: damage) == [0, 1, 2])
        #expect(net.variables[damage].label == "Engine damage")
        let cpt = net.cpts[damage].values
        #expect(cpt.count == 2 * 3 * 2 * 3)
        // Row (Leak=present, Wear=light, Service=no) = row 0·6 + 1·2 + 0 = 2. From the weak end:
        // P(Y ∈ {none}) = 0.2 · 0.3 · 0.6 · 0.85 = 0.0306,
        // P(Y ∈ {mild, none}) = 0.5 · 0.9 · 0.8 · 0.95 = 0.342.
        let row2 = Array(cpt[6..<9])
        for (x, y) in zip(row2, [1 - 0.342, 0.342 - 0.0306, 0.0306]) { #expect(abs(x - y) < 1e-12, "\(row2)") }
        // Every parent at its distinguished state: the leak alone (row 1·6 + 2·2 + 1 = 11).
        for (x, y) in zip(cpt[33..<36], [0.05, 0.1, 0.85]) { #expect(abs(x - y) < 1e-12) }
        // (absent, heavy, yes), row 7: 0.1 · 0.85 = 0.085 and 0.4 · 0.95 = 0.38.
        for (x, y) in zip(cpt[21..<24], [0.62, 0.38 - 0.085, 0.085]) { #expect(abs(x - y) < 1e-12) }
        // The deterministic child is read as before.
        #expect(net.cpts[4].values == [1, 0, 1, 0, 0, 1])

        // Strengths reorder a parent's states: "1 0" makes state 1 the strongest and state 0
        // the distinguished one.
        let reversed = try ModelFile.read(Shipped.fixturesDir.appendingPathComponent("xdsl/strengths-reversed.xdsl").path)
        #expect(reversed.cpts[2].values == [0, 1, 0.9, 0.1])
        let sick = reversed.cpts[1].values
        for (x, y) in zip(sick, [1 - 0.27, 0.27, 0.1, 0.9]) { #expect(abs(x - y) < 1e-12, "\(sick)") }
    }

    @Test("GeNIe XDSL mau nodes, nested: folded into the utility nodes with the products of the weights")
    func multiAttributeUtility() throws {
        let doc = try ModelFile.readDocument(Shipped.fixturesDir.appendingPathComponent("xdsl/mau.xdsl").path)
        // Total = 2 Money + 3 Goodwill, Money = 0.5 Revenue + 1 Cost.
        #expect(doc.utilities.map(\.name) == ["Revenue", "Cost", "Goodwill"])
        #expect(doc.utilities.map(\.values) == [[1000, 0], [-1000, 0], [30, 0]])
    }

    @Test("malformed utilities: located errors")
    func malformed() {
        let xml = """
        <BIF VERSION="0.3"><NETWORK>
        <VARIABLE TYPE="nature"><NAME>A</NAME><OUTCOME>t</OUTCOME><OUTCOME>f</OUTCOME></VARIABLE>
        <VARIABLE TYPE="utility"><NAME>U</NAME><OUTCOME>0</OUTCOME></VARIABLE>
        <DEFINITION><FOR>A</FOR><TABLE>0.5 0.5</TABLE></DEFINITION>
        <DEFINITION><FOR>U</FOR><GIVEN>A</GIVEN>
          <TABLE>1 2 3</TABLE></DEFINITION>
        </NETWORK></BIF>
        """
        #expect(throws: FormatError.self) { try XMLBIFReader.parseDocument(SourceText(file: "u.xml", text: xml)) }
        do { _ = try XMLBIFReader.parseDocument(SourceText(file: "u.xml", text: xml)) } catch {
            #expect(error.description.contains("u.xml:6:"), "\(error)")
            #expect(error.description.contains("the table of the utility 'U' has 3 values; it needs 2"), "\(error)")
        }
        let net = """
        node A { states = ("t" "f"); }
        utility U { }
        potential (A) { data = (0.5 0.5); }
        potential (U | A) { data = (1 2 3); }
        """
        do { _ = try HuginNetReader.parseDocument(SourceText(file: "u.net", text: net)); Issue.record("parsed") } catch {
            #expect(error.description.contains("u.net:4:"), "\(error)")
            #expect(error.description.contains("the utility 'U' needs 2 values (one per parent configuration), found 3"), "\(error)")
        }
        let missing = "node A { states = (\"t\" \"f\"); }\nutility U { }\npotential (A) { data = (0.5 0.5); }\n"
        do { _ = try HuginNetReader.parseDocument(SourceText(file: "m.net", text: missing)); Issue.record("parsed") } catch {
            #expect(error.description.contains("m.net:2:9: error: utility 'U' has no potential with its values"), "\(error)")
        }
    }
}
