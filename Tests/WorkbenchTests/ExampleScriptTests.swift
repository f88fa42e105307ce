import Foundation
import Testing
@testable import Workbench

/// The shipped experiments: every `examples/NAME.cred` run from the repository root must
/// print exactly `examples/expected/NAME.out`, in process (CommandRunner) and through the
/// built `credence run`. Set CREDENCE_UPDATE_TRANSCRIPTS=1 to rewrite the .out files after
/// an intended change (then read the diff: the headers of the scripts quote the numbers).
@Suite("Example scripts (examples/*.cred)", .serialized)
struct ExampleScriptTests {
    static let root = repositoryRoot
    static let folder = root + "/examples"
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasSuffix(".cred") }.map { String($0.dropLast(5)) }.sorted()

    static func expected(_ name: String) throws -> String {
        try String(contentsOfFile: folder + "/expected/\(name).out", encoding: .utf8)
    }

    /// Runs a script as `credence run examples/NAME.cred` does, in process.
    static func runInProcess(_ name: String) throws -> String {
        try FileManager.default.createDirectory(atPath: folder + "/output", withIntermediateDirectories: true)
        let text = try String(contentsOfFile: folder + "/\(name).cred", encoding: .utf8)
        let session = Session(baseDirectory: root, journaling: false)
        var lines: [String] = []
        Script(name: "examples/\(name).cred", text: text).run(on: CommandRunner(session: session), output: { lines.append($0) },
                                                              error: { lines.append($0) })
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func thereAreExamplesForTheManagersQuestions() {
        // (a) diagnosis, (b) do vs observe, (c) tier and lever, (d) confounding, (e) top 5 %,
        // (g) d-separation.
        #expect(Set(Self.names).isSuperset(of: ["winback_diagnosis", "voucher_do_vs_observe", "telecom_tier_and_levers",
                                                "club_events_referrals", "telecom_top_risk",
                                                "telecom_complaints_dseparation"]), "\(Self.names)")
        for n in Self.names {
            #expect(FileManager.default.fileExists(atPath: Self.folder + "/expected/\(n).out"), "examples/expected/\(n).out")
        }
    }

    @Test(arguments: names)
    func inProcess(name: String) throws {
        let got = try Self.runInProcess(name)
        #expect(!got.contains(": error: "))
        try checkTranscript(got, against: Self.folder + "/expected/\(name).out")
    }

    @Test(.enabled(if: CommandLanguageTranscriptTests.binary != nil, "the credence binary is not built next to the tests"),
          arguments: names)
    func throughTheBinary(name: String) throws {
        try FileManager.default.createDirectory(atPath: Self.folder + "/output", withIntermediateDirectories: true)
        let (output, status) = try Self.run(["run", "examples/\(name).cred"])
        #expect(status == 0)
        #expect(output == (try Self.expected(name)))
    }

    /// Runs the built binary in the repository root (stdout and stderr on one pipe).
    static func run(_ arguments: [String]) throws -> (output: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLanguageTranscriptTests.binary!)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), p.terminationStatus)
    }
}
