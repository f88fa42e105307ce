import Foundation
import Testing
@testable import Workbench

/// Transcript tests: each `Transcripts/NAME.cred` is run with `--keep-going` semantics and
/// its output (`> line` echoes, results, `NAME.cred:LINE:COLUMN: error: ...` lines) must
/// equal `NAME.out`, through the `CommandRunner` in process and through the built
/// `credence run` binary. Set CREDENCE_UPDATE_TRANSCRIPTS=1 to rewrite the .out files.
@Suite("Transcripts of the command language", .serialized)
struct CommandLanguageTranscriptTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts").path
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasSuffix(".cred") }.map { String($0.dropLast(5)) }.sorted()

    static func expected(_ name: String) throws -> String {
        try String(contentsOfFile: folder + "/\(name).out", encoding: .utf8)
    }

    /// The built `credence` next to the test bundle (.build*/debug/credence), if there is one.
    static var binary: String? {
        let candidates = [CommandLine.arguments.first, Bundle.main.executablePath, Bundle.main.bundlePath].compactMap { $0 }
        for c in candidates {
            var dir = URL(fileURLWithPath: c).deletingLastPathComponent()
            for _ in 0..<3 {
                let b = dir.appendingPathComponent("credence").path
                if FileManager.default.isExecutableFile(atPath: b) { return b }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }

    /// Runs the credence binary in the transcripts folder; stdout and stderr share one pipe
    /// so that their lines interleave as a user sees them.
    static func runBinary(_ arguments: [String], stdin: String? = nil) throws -> (output: String, status: Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary!)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), p.terminationStatus)
    }

    @Test func thereAreTranscripts() {
        #expect(Self.names.count >= 5, "\(Self.folder)")
    }

    @Test(arguments: names)
    func inProcess(name: String) throws {
        let text = try String(contentsOfFile: Self.folder + "/\(name).cred", encoding: .utf8)
        let session = Session(baseDirectory: Self.folder, journaling: false)
        var lines: [String] = []
        Script(name: "\(name).cred", text: text).run(on: CommandRunner(session: session), keepGoing: true,
                                                      output: { lines.append($0) }, error: { lines.append($0) })
        try checkTranscript(lines.joined(separator: "\n") + "\n", against: Self.folder + "/\(name).out")
    }

    @Test(.enabled(if: binary != nil, "the credence binary is not built next to the tests"), arguments: names)
    func throughTheBinary(name: String) throws {
        let (output, status) = try Self.runBinary(["run", "--keep-going", "\(name).cred"])
        let want = try Self.expected(name)
        #expect(output == want)
        #expect(status == (want.contains(": error: ") ? 1 : 0))
    }

    @Test(.enabled(if: binary != nil, "the credence binary is not built next to the tests"))
    func aScriptStopsAtTheFirstErrorWithoutKeepGoing() throws {
        let (output, status) = try Self.runBinary(["run", "errors.cred"])
        #expect(status == 1)
        let lines = output.split(separator: "\n")
        #expect(lines.last == "errors.cred:3:1: error: expected a command (load, save, new, show, add, remove, rename, reverse, set, undo, redo, observe, soft, do, retract, clear, query, pe, mpe, scenario, data, fit, learn, sample, score, evaluate, rank, explain, bench, journal, help, quit, exit), but found 'lod'")
        #expect(lines.count == 4)
    }

    @Test(.enabled(if: binary != nil, "the credence binary is not built next to the tests"))
    func theReplRunsPipedInputAsAScript() throws {
        let (output, status) = try Self.runBinary(["repl", "../../../../shared/networks/asia.bif"],
                                                  stdin: "observe smoke=yes\nquery lung\n")
        #expect(status == 0)
        #expect(output == """
            evidence: smoke=yes
            given smoke=yes
            lung  yes  ██▉                             0.1000
                  no   ██████████████████████████▉     0.9000
            P(evidence) = 0.5000

            """)
        let (bad, badStatus) = try Self.runBinary(["repl", "../../../../shared/networks/asia.bif"], stdin: "query lung\nquery nope\nquery lung\n")
        #expect(badStatus == 1)
        #expect(bad.hasSuffix("<stdin>:2:7: error: unknown variable 'nope'\n"))
    }
}
