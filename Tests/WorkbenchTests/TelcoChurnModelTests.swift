import Foundation
import Testing
import BNCore
@testable import Workbench

/// The model learned from the real telco table: its numeric columns carry cut points that
/// read the raw table, and the shipped file is exactly what scripts/learn-telco-churn.sh
/// produces from datasets/wa_churn.csv.
@Suite("Telco churn model learned from wa_churn")
struct TelcoChurnModelTests {
    static let root = repositoryRoot
    static var model: String { root + "/models/telco_churn.bn" }
    static var data: String { root + "/datasets/wa_churn.csv" }

    @Test func theShippedModelReadsTheRawTable() throws {
        let net = try ModelIO.load(path: Self.model)
        let tenure = net.variables[try #require(net.index(of: "tenure"))]
        #expect(tenure.cutPoints == [1, 5, 11, 19, 28, 39, 50, 60, 68])
        #expect(net.variables[try #require(net.index(of: "total_charges"))].cutPoints?.count == 9)
        let (table, _) = try ModelIO.loadData(path: Self.data, for: net)
        #expect(table.rowCount == 7_043)
        #expect(table.missingCount == 11)           // the 11 customers never billed
        // Discriminative naive Bayes (dnb won the inner selection): churn is the only parent
        // of every feature it uses, and has no parent itself.
        let churn = try #require(net.index(of: "churn"))
        let contract = try #require(net.index(of: "contract"))
        #expect(net.dag.parents[churn].isEmpty && net.dag.children[churn].contains(contract))
        #expect(net.dag.children[churn].allSatisfy { net.dag.parents[$0] == [churn] })
        // P(churn) is close to the observed 1,869 / 7,043.
        let m = try QueryService(network: net).answer(QueryRequest(targets: ["churn"])).marginals[0]
        let yes = try #require(m.states.firstIndex(of: "Yes"))
        #expect(abs(m.probabilities[yes] - 1_869.0 / 7_043) < 0.01)
    }

    @Test(.enabled(if: CommandLanguageTranscriptTests.binary != nil, "the credence binary is not built next to the tests"))
    func theScriptRegeneratesTheShippedModelByteForByte() throws {
        let out = NSTemporaryDirectory() + "credence-telco-\(UUID().uuidString).bn"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = [Self.root + "/scripts/learn-telco-churn.sh", CommandLanguageTranscriptTests.binary!, Self.data, out]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let regenerated = try String(contentsOfFile: out, encoding: .utf8)
        let shipped = try String(contentsOfFile: Self.model, encoding: .utf8)
        #expect(regenerated == shipped)
    }
}
