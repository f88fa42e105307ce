import Foundation
import Testing

/// The mistake corpus (Mistakes/mistakes.txt): what a newcomer gets wrong, each run through
/// the built `credence` binary in a fresh copy of the Mistakes folder. Every case asserts the
/// exit status and the key words and location of the message; every case also asserts that
/// no Foundation text and no temporary file appear, and that the files a failed command
/// would have written are not there.
@Suite("Mistake corpus")
struct MistakeCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Mistakes").path
    static let repository = repositoryRoot

    /// One case of the corpus.
    struct Case: CustomStringConvertible, Sendable {
        var title: String
        var arguments: [String] = []
        var stdin: String?
        var environment: [String: String] = [:]
        var exit: Int32?
        var has: [String] = []
        var lacks: [String] = []
        var unwritten: [String] = []
        var description: String { title }
    }

    static let cases: [Case] = {
        guard let text = try? String(contentsOfFile: folder + "/mistakes.txt", encoding: .utf8) else { return [] }
        var out: [Case] = []
        for block in text.components(separatedBy: "\n## ").dropFirst() {
            let lines = block.split(separator: "\n").map(String.init)
            var c = Case(title: lines[0])
            for line in lines.dropFirst() {
                let value = { (prefix: String) in String(line.dropFirst(prefix.count)).replacingOccurrences(of: "{repo}", with: repository) }
                if line.hasPrefix("$ ") { c.arguments = value("$ ").split(separator: " ").map(String.init) }
                else if line.hasPrefix("stdin: ") { c.stdin = value("stdin: ").replacingOccurrences(of: "\\n", with: "\n") }
                else if line.hasPrefix("env: ") {
                    let kv = value("env: ").split(separator: "=", maxSplits: 1).map(String.init)
                    c.environment[kv[0]] = kv.count > 1 ? kv[1] : ""
                }
                else if line.hasPrefix("exit: ") { c.exit = Int32(value("exit: ")) }
                else if line.hasPrefix("has: ") { c.has.append(value("has: ")) }
                else if line.hasPrefix("lacks: ") { c.lacks.append(value("lacks: ")) }
                else if line.hasPrefix("unwritten: ") { c.unwritten.append(value("unwritten: ")) }
            }
            out.append(c)
        }
        return out
    }()

    @Test func theCorpusHoldsAtLeastFortyMistakes() {
        #expect(Self.cases.count >= 40)
        #expect(Self.cases.allSatisfy { $0.exit != nil && !$0.has.isEmpty && !$0.arguments.isEmpty })
    }

    @Test(arguments: cases)
    func mistake(_ c: Case) throws {
        let binary = try #require(CommandLanguageTranscriptTests.binary, "the credence binary is built with the tests")
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("credence-mistake-\(UUID().uuidString)")
        try fm.copyItem(atPath: Self.folder, toPath: dir.path)
        defer { try? fm.removeItem(at: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = c.arguments
        p.currentDirectoryURL = dir
        p.environment = ProcessInfo.processInfo.environment.merging(c.environment) { $1 }
        let out = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = input
        try p.run()
        if let s = c.stdin { input.fileHandleForWriting.write(Data(s.utf8)) }
        try input.fileHandleForWriting.close()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit, "ended by a signal: \(output)")
        #expect(p.terminationStatus == c.exit, "\(output)")
        for text in c.has { #expect(output.contains(text), "expected '\(text)' in:\n\(output)") }
        for text in c.lacks { #expect(!output.contains(text), "did not expect '\(text)' in:\n\(output)") }
        for foundation in ["NSCocoaErrorDomain", "Error Domain=", "The operation could not be completed", "Fatal error", "EncodingError"] {
            #expect(!output.contains(foundation), "Foundation's text reached the user:\n\(output)")
        }
        for file in c.unwritten { #expect(!fm.fileExists(atPath: dir.appendingPathComponent(file).path), "\(file) was written") }
        let left = try fm.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(left.isEmpty, "temporary files left: \(left)")
    }
}
