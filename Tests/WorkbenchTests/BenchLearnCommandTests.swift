import Foundation
import Testing
import BNCore
@testable import Workbench

@Suite("bench and learn in the command language")
struct BenchLearnCommandTests {
    @Test func parsing() throws {
        #expect(try CommandLanguage.parse("bench") == .bench(models: [], repeats: 3, queries: nil))
        #expect(try CommandLanguage.parse("bench a.bif b.bif repeat 5 queries 7") == .bench(models: ["a.bif", "b.bif"], repeats: 5, queries: 7))
        #expect(throws: CommandFailure.self) { try CommandLanguage.parse("bench repeat 0") }
        var s = LearningTasks.LearnSettings()
        #expect(try CommandLanguage.parse("learn") == .learn(s))
        s.algorithm = .tabu; s.score = .bdeu(equivalentSampleSize: 1); s.maxParents = 2; s.restarts = 3; s.seed = 9
        #expect(try CommandLanguage.parse("learn tabu score bdeu max-parents 2 restarts 3 seed 9") == .learn(s))
        #expect(try CommandLanguage.parse(s.commandText) == .learn(s))
        do { _ = try CommandLanguage.parse("learn score foo"); Issue.record("accepted a bad score") } catch {
            #expect(error == CommandFailure(column: 13, message: "expected bic, aic, bdeu or k2 after 'score', but found 'foo'"))
        }
    }

    @Test func benchChecksTheAnswersOfReferenceFiles() throws {
        let runner = CommandRunner(session: Session(baseDirectory: sharedRoot + "/networks", journaling: false))
        // The command's own table: one row per network (name, queries, their file, ..., the
        // largest difference from the reference answers last).
        func rows(_ text: String) -> [[Substring]] {
            text.split(separator: "\n").dropFirst(3).map { $0.split(separator: " ") }
        }
        let r = try #require(try runner.run(line: "bench asia.bif repeat 1"))
        let asia = rows(r.text)
        #expect(asia.count == 1)
        #expect(asia.first?[0] == "asia" && asia.first?[2] == "asia.json")
        #expect((asia.first.flatMap { Int($0[1]) } ?? 0) > 0)
        #expect((asia.first?.last.flatMap { Double($0) } ?? 1) < 1e-9)
        do { _ = try runner.run(line: "bench"); Issue.record("benched an empty model") } catch {
            #expect(error.message.hasPrefix("the model has no variables to bench"))
        }
        _ = try runner.run(line: "load child.bif")
        let g = try #require(try runner.run(line: "bench queries 4 repeat 1"))
        let generated = rows(g.text)
        #expect(generated.count == 1)
        #expect(generated.first?[1] == "4" && generated.first?[2] == "generated")
        #expect((generated.first?.last.flatMap { Double($0) } ?? 1) < 1e-9)
    }

    @Test func learnReplacesTheModelUndoably() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("credence-learn-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let session = Session(baseDirectory: dir, journaling: false)
        let runner = CommandRunner(session: session)
        _ = try runner.run(line: "load \(CommandLanguage.quote(sharedRoot + "/networks/asia.bif"))")
        do { _ = try runner.run(line: "learn"); Issue.record("learned without data") } catch {
            #expect(error.message == "no data loaded: data load FILE.csv")
        }
        let original = session.network
        _ = try runner.run(line: "sample 2000 seed 3 to asia.csv")
        _ = try runner.run(line: "data load asia.csv")
        let r = try #require(try runner.run(line: "learn max-parents 2"))
        let learned = session.network.dag.edgeCount
        #expect(r.text.contains("learned \(learned) edges over"))
        #expect(learned >= 5)
        #expect((0..<session.network.count).allSatisfy { session.network.parents(of: $0).count <= 2 })
        #expect(session.network.names == original.names)
        #expect(session.network.name == original.name)
        #expect(session.isDirty)
        _ = try runner.run(line: "undo")
        #expect(session.network == original)
        _ = try runner.run(line: "redo")
        #expect(session.network.dag.edgeCount == learned)
        // From an empty model, every column of the table.
        _ = try runner.run(line: "new fromdata")
        _ = try runner.run(line: "data load asia.csv")
        _ = try runner.run(line: "learn tabu")
        #expect(Set(session.network.names) == Set(original.names))
    }
}
