import Foundation
import Testing
@testable import Workbench

/// docs/repl.md and README against the program: every command of the help is in the
/// reference, and the `explain` example shown in both is what the runner prints.
@Suite("The REPL's docs match the program")
struct ReplDocsTests {
    static let root = repositoryRoot

    @Test func everyHelpEntryIsInTheReference() throws {
        let doc = try String(contentsOfFile: Self.root + "/docs/repl.md", encoding: .utf8)
        for e in CommandHelp.entries {
            #expect(doc.contains("`" + e.name), "docs/repl.md lacks \(e.name)")
        }
    }

    @Test func theExplainExamplesAreCurrent() throws {
        let runner = CommandRunner(session: Session(network: try ModelIO.load(path: sharedRoot + "/networks/asia.bif"), journaling: false))
        _ = try runner.run(line: "observe smoke=yes xray=yes")
        let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        let doc = try String(contentsOfFile: Self.root + "/docs/repl.md", encoding: .utf8)
        let two = try #require(try runner.run(line: "explain lung=yes top 2")).text
        #expect(readme.contains("asia.bif> explain lung=yes top 2\n" + two + "\n```"))
        let three = try #require(try runner.run(line: "explain lung=yes top 3")).text
        #expect(doc.contains("> explain lung=yes top 3\n" + three + "\n```"))
    }
}
