import Foundation
import Glibc
import Testing
import BNCore
import BNFormats
import BNInference
import BNLearning
@testable import Workbench

/// Bytes collected in memory, as a test's output.
final class MemorySink: ByteSink {
    var bytes: [UInt8] = []
    var committed = false
    func write(_ b: [UInt8]) throws(FormatError) { bytes += b }
    func commit() throws(FormatError) { committed = true }
}

@Suite("Streaming score, evaluate and fit")
struct StreamingTasksTests {
    func asia() throws -> BayesianNetwork { try ModelIO.load(path: sharedRoot + "/networks/asia.bif") }

    /// 120 sampled rows with 25 % of cells missing, and data row 97 impossible (tub=yes, either=no).
    func table(_ net: BayesianNetwork) throws -> String {
        let data = try LearningTasks.sample(net, rows: 120, seed: 11, missing: 0.25, dropLatent: false)
        var lines = CSVWriter.string(data).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[97] = "no,yes,no,no,no,no,,"
        return lines.joined(separator: "\n")
    }

    func reader(_ text: String, _ net: BayesianNetwork, chunkRows: Int, options: CSVOptions = CSVOptions()) throws -> CSVChunkReader {
        try CSVChunkReader(bytes: Array(text.utf8), file: "t.csv", network: net, options: options, chunkRows: chunkRows, blockBytes: 64)
    }

    @Test func scoreGivesTheSameBytesWhateverTheChunkSize() throws {
        let net = try asia()
        let text = try table(net)
        var outputs: [[UInt8]] = []
        for chunkRows in [1, 7, 119, 120, 121, 65_536] {
            let sink = MemorySink()
            let r = try LearningTasks.score(net, reader: try reader(text, net, chunkRows: chunkRows), target: "lung", to: sink)
            #expect(sink.committed)
            #expect(r.rows == 120)
            // The impossible row is named by its row in the file, whichever chunk holds it.
            #expect(r.impossible.map(\.row) == [97])
            #expect(r.impossible.first?.file == "t.csv")
            outputs.append(sink.bytes)
        }
        #expect(outputs.allSatisfy { $0 == outputs[0] })
        // Against the table read whole and scored in memory: same header, rows and
        // most probable states; probabilities equal to the last bits of the plan.
        let whole = try CSVReader.parse(text, file: "t.csv", network: net).dataset
        let (header, rows, _) = try LearningTasks.score(net, data: whole, target: "lung")
        let lines = String(decoding: outputs[0], as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines[0] == header)
        #expect(lines.count == rows.count + 1)
        for (streamed, inMemory) in zip(lines.dropFirst(), rows) {
            #expect(streamed[0] == inMemory[0] && streamed[3] == inMemory[3])
            for k in 1...2 {
                if inMemory[k].isEmpty { #expect(streamed[k].isEmpty) } else { #expect(abs(Double(streamed[k])! - Double(inMemory[k])!) < 1e-12) }
            }
        }
        #expect(rows[96][1].isEmpty)
    }

    @Test func aFileOutputIsTheSinkOutputAndAnErrorInALaterChunkLeavesTheOldFile() throws {
        let net = try asia()
        let text = try table(net)
        let dir = NSTemporaryDirectory() + "credence-stream-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/scores.csv"
        let memory = MemorySink()
        _ = try LearningTasks.score(net, reader: try reader(text, net, chunkRows: 7), target: "lung", to: memory)
        _ = try LearningTasks.score(net, reader: try reader(text, net, chunkRows: 7), target: "lung", to: try AtomicFileWriter(path: path))
        #expect(FileManager.default.contents(atPath: path) == Data(memory.bytes))
        // Row 101's smoke is 'maybe': the chunks before it were written to the temporary
        // file, which is removed; the scores already there stay as they were.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[101] = "no,no,maybe,no,no,no,,"
        let error = #expect(throws: FormatError.self) {
            _ = try LearningTasks.score(net, reader: try reader(lines.joined(separator: "\n"), net, chunkRows: 7), target: "lung",
                                        to: try AtomicFileWriter(path: path))
        }
        #expect(error?.diagnostics.first?.location == SourceLocation(file: "t.csv", line: 102, column: 3, field: "smoke"))
        #expect(FileManager.default.contents(atPath: path) == Data(memory.bytes))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["scores.csv"])
        // With strict, the impossible row (chunk 14 of 7 rows) stops the score, named by its row.
        let strict = #expect(throws: WorkbenchError.self) {
            _ = try LearningTasks.score(net, reader: try reader(text, net, chunkRows: 7), target: "lung", strict: true, to: MemorySink())
        }
        #expect(strict?.description.contains("row 97 of t.csv") == true)
    }

    @Test func unseenValuesAcrossChunksAreMissingAndNotedOnce() throws {
        let net = try asia()
        var lines = try table(net).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[3] = "no,no,often,no,no,no,no,no"
        lines[60] = "no,no,often,no,no,no,no,no"
        var options = CSVOptions()
        options.unseenValuesAsMissing = true
        let sink = MemorySink()
        let r = try LearningTasks.score(net, reader: try reader(lines.joined(separator: "\n"), net, chunkRows: 7, options: options),
                                        target: "lung", to: sink)
        #expect(r.notes.count == 1)
        #expect(r.notes[0].hasPrefix("t.csv:4:3: warning: 'often' is not a state of 'smoke' (row 4, column 3); read as missing and summed out; it appears 2 times in this column"))
        let out = String(decoding: sink.bytes, as: UTF8.self).split(separator: "\n")
        // The cell is summed out: row 59 scores like the same row with smoke missing.
        lines[60] = "no,no,,no,no,no,no,no"
        let same = MemorySink()
        _ = try LearningTasks.score(net, reader: try reader(lines.joined(separator: "\n"), net, chunkRows: 7, options: options), target: "lung", to: same)
        #expect(String(decoding: same.bytes, as: UTF8.self).split(separator: "\n")[59] == out[59])
    }

    @Test func aPipeReadsLikeAFile() throws {
        let net = try asia()
        let text = try table(net)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let bytes = Array(text.utf8)
        let writeEnd = fds[1]
        let writer = Thread {
            // Small writes, so reads come back short.
            var at = 0
            while at < bytes.count {
                let n = min(97, bytes.count - at)
                _ = bytes[at..<(at + n)].withUnsafeBufferPointer { write(writeEnd, $0.baseAddress!, n) }
                at += n
            }
            close(writeEnd)
        }
        writer.start()
        let piped = MemorySink()
        let r = try LearningTasks.score(net, reader: try CSVChunkReader(descriptor: fds[0], file: "<stdin>", network: net, chunkRows: 7, blockBytes: 50),
                                        target: "lung", to: piped)
        close(fds[0])
        let file = MemorySink()
        _ = try LearningTasks.score(net, reader: try reader(text, net, chunkRows: 7), target: "lung", to: file)
        #expect(r.rows == 120)
        #expect(piped.bytes == file.bytes)
        #expect(r.impossible.first?.file == "<stdin>")
    }

    @Test func noDataRowsIsAnErrorForEveryStreamedTask() throws {
        let net = try asia()
        let header = "asia,tub,smoke,lung,bronc,either,xray,dysp\n"
        let sink = MemorySink()
        #expect(throws: WorkbenchError.usage("t.csv has no data rows (only a header), so there is nothing to score")) {
            _ = try LearningTasks.score(net, reader: try reader(header, net, chunkRows: 7), target: "lung", to: sink)
        }
        #expect(!sink.committed)
        #expect(throws: WorkbenchError.usage("t.csv has no data rows (only a header), so there is nothing to evaluate")) {
            _ = try LearningTasks.evaluate(net, reader: try reader(header, net, chunkRows: 7), target: "lung")
        }
        let r = try reader(header, net, chunkRows: 7)
        let patterns = try LearningTasks.rowPatterns(r)
        #expect(throws: WorkbenchError.usage("t.csv has no data rows (only a header), so there is nothing to fit (em)")) {
            _ = try LearningTasks.fit(net, patterns: .init(patterns, schema: r.schema), method: .em, prior: nil, maxIterations: 5,
                                      tolerance: 1e-6, restarts: 0, seed: 1)
        }
    }

    @Test func streamedEvaluateEqualsTheInMemoryOne() throws {
        let net = try asia()
        var lines = try table(net).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[97] = "no,no,no,no,no,no,,"    // the impossible row would stop evaluate
        let text = lines.joined(separator: "\n")
        let whole = try CSVReader.parse(text, file: "t.csv", network: net).dataset
        let inMemory = try LearningTasks.evaluate(net, data: whole, target: "dysp", folds: nil, seed: 1)
        for chunkRows in [1, 7, 120, 1000] {
            let streamed = try LearningTasks.evaluate(net, reader: try reader(text, net, chunkRows: chunkRows), target: "dysp")
            #expect(streamed.model == inMemory.model)
            #expect(streamed.logLikelihood == inMemory.logLikelihood)
            #expect(streamed.rows == 120)
            #expect(try JSONDocument.encode(streamed) == JSONDocument.encode(inMemory))
        }
        #expect(inMemory.model.rows > 60 && inMemory.model.auc > 0.5)
    }

    /// Fits from the streamed patterns equal fits on the table in memory (tables to 1e-12,
    /// EM's trace too, and the same counts of rows and missing cells).
    @Test(arguments: [LearningTasks.FitMethod.mle, .bayes, .em])
    func streamedFitEqualsTheInMemoryFit(method: LearningTasks.FitMethod) throws {
        let net = try asia()
        let data = try LearningTasks.sample(net, rows: 3000, seed: 5, missing: method == .mle ? 0 : 0.2, dropLatent: false)
        let text = CSVWriter.string(data)
        let whole = try CSVReader.parse(text, file: "t.csv", network: net).dataset
        let (expected, expectedReport) = try LearningTasks.fit(net.withUniformCPTs(), data: whole, method: method, prior: nil,
                                                               maxIterations: 30, tolerance: 1e-9, restarts: 0, seed: 1)
        for chunkRows in [1, 7, 2999, 3001] {
            let r = try reader(text, net, chunkRows: chunkRows)
            let patterns = try LearningTasks.rowPatterns(r)
            #expect(patterns.rowCount == 3000)
            #expect(patterns.patternCount < 3000)
            let laidOut = try LearningTasks.patternTable(try reader(text, net, chunkRows: chunkRows))
            #expect(laidOut.rows == 3000 && laidOut.missingCells == whole.missingCount)
            #expect(laidOut.table.rowCount == patterns.patternCount && laidOut.table.weights == patterns.counts)
            let (fitted, report) = try LearningTasks.fit(net.withUniformCPTs(), patterns: .init(patterns, schema: r.schema), method: method, prior: nil,
                                                         maxIterations: 30, tolerance: 1e-9, restarts: 0, seed: 1)
            for v in 0..<net.count {
                #expect(zip(fitted.cpts[v].values, expected.cpts[v].values).allSatisfy { abs($0 - $1) <= 1e-12 })
            }
            #expect(report.rows == expectedReport.rows && report.missingCells == expectedReport.missingCells)
            #expect(abs(report.logLikelihood - expectedReport.logLikelihood) <= 1e-12 * abs(expectedReport.logLikelihood))
            #expect(report.em?.logLikelihoodTrace.count == expectedReport.em?.logLikelihoodTrace.count)
            for (a, b) in zip(report.em?.logLikelihoodTrace ?? [], expectedReport.em?.logLikelihoodTrace ?? []) {
                #expect(abs(a - b) <= 1e-12 * abs(b))
            }
            #expect(report.em?.distinctRows == expectedReport.em?.distinctRows)
        }
    }

    /// Patterns of parts merge into those of the whole (a driver merging executors' partials).
    @Test func patternsOfPartsMergeIntoThoseOfTheWhole() throws {
        let net = try asia()
        let data = try LearningTasks.sample(net, rows: 500, seed: 2, missing: 0.3, dropLatent: false)
        var whole = RowPatterns(names: data.names, states: data.states)
        whole.add(data)
        // Each part numbers its rows from 1, as a partition does.
        func part(_ rows: Range<Int>) -> Dataset {
            Dataset(names: data.names, states: data.states, columns: data.columns.map { Array($0[rows]) })
        }
        var first = RowPatterns(names: data.names, states: data.states)
        first.add(part(0..<180))
        var second = RowPatterns(names: data.names, states: data.states)
        second.add(part(180..<500))
        first.merge(second)
        #expect(first.cells == whole.cells && first.counts == whole.counts)
        #expect(first.firstRows == whole.firstRows)
        #expect(first.rowCount == 500 && first.missingCells == data.missingCount)
        #expect(whole.counts.reduce(0, +) == 500)
        // Each pattern's count is the number of rows equal to it.
        let p = 3
        let cells = Array(whole.cells[(p * whole.width)..<((p + 1) * whole.width)])
        let copies = (0..<500).filter { i in data.columns.indices.allSatisfy { data.columns[$0][i] == cells[$0] } }.count
        #expect(whole.counts[p] == Double(copies))
    }
}

@Suite("Streaming learn")
struct StreamingLearnTests {
    static let root = repositoryRoot

    /// `learn` on the file read whole and streamed in chunks of `chunkRows`: the same model
    /// text byte for byte, and the same report.
    func expectSameLearn(_ path: String, _ settings: LearningTasks.LearnSettings, chunkRows: Int,
                         sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let (data, _) = try ModelIO.loadData(path: path)
        let (whole, a) = try LearningTasks.learn(data, settings: settings)
        let (streamed, b) = try LearningTasks.learn(csv: path, settings: settings, chunkRows: chunkRows)
        #expect(try ModelIO.text(whole, format: .bn) == ModelIO.text(streamed, format: .bn), sourceLocation: sourceLocation)
        #expect(a.edges == b.edges && a.scoreValue == b.scoreValue && a.iterations == b.iterations, sourceLocation: sourceLocation)
        #expect(a.discretized == b.discretized && a.completionRounds == b.completionRounds, sourceLocation: sourceLocation)
    }

    func settings(_ algorithm: LearningTasks.SearchAlgorithm = .hc, score: StructureScore = .bic, maxParents: Int = 4,
                  discretization: DatasetDiscretization? = DatasetDiscretization()) -> LearningTasks.LearnSettings {
        LearningTasks.LearnSettings(algorithm: algorithm, score: score, maxParents: maxParents, required: [], forbidden: [],
                                    restarts: 0, seed: 1, discretization: discretization)
    }

    @Test func completeNumericTableLearnsTheSameFromPatterns() throws {
        let path = Self.root + "/datasets/mlc_churn.csv"
        try expectSameLearn(path, settings(), chunkRows: 1_000)
        let plan = DatasetDiscretization(methods: ["total_day_minutes": .mdl], automatic: .equalWidth(bins: 5), target: "churn")
        try expectSameLearn(path, settings(.tabu, score: .bdeu(equivalentSampleSize: 5), maxParents: 2, discretization: plan), chunkRows: 777)
    }

    @Test func sampledTableWithConstraintsAndStartLearnsTheSame() throws {
        let net = try ModelIO.load(path: sharedRoot + "/networks/asia.bif")
        let data = try LearningTasks.sample(net, rows: 3_000, seed: 2, missing: 0, dropLatent: false)
        let path = NSTemporaryDirectory() + "credence-learn-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelIO.saveData(data, to: path)
        var s = settings(score: .k2)
        s.required = [("smoke", "lung")]
        s.forbidden = [("*", "asia")]
        s.start = net
        s.restarts = 2
        try expectSameLearn(path, s, chunkRows: 256)
        try expectSameLearn(path, settings(score: .aic, discretization: nil), chunkRows: 1)
    }

    @Test func tablesWithGapsLearnTheSameByStructuralEM() throws {
        try expectSameLearn(Self.root + "/datasets/telecom_retention.csv", settings(), chunkRows: 500)
        try expectSameLearn(Self.root + "/datasets/credit_data.csv",
                            settings(discretization: DatasetDiscretization(automatic: .mdl, target: "Status")), chunkRows: 1_000)
    }

    /// Quoted and odd header names, CRLF line ends, blank lines, "1" and "1.0" in one column,
    /// "-0" and "0", missing texts, a value first seen in a late chunk.
    @Test func oddTableLearnsTheSame() throws {
        var lines = ["\"plan, tier\",\"a\"\"b\",n,flag"]
        for i in 0..<300 {
            let n = i == 5 ? "1.0" : i == 9 ? "-0" : i % 17 == 0 ? "NA" : String((i * 7) % 13)
            let plan = i == 250 ? "late" : i % 3 == 0 ? "basic" : "pro"
            lines.append("\(plan),\(i % 4 == 0 ? "x" : "y"),\(n),\(i % 5 == 1 ? "?" : i % 2 == 0 ? "1" : "0")")
            if i == 100 { lines.append("") }
        }
        let path = NSTemporaryDirectory() + "credence-odd-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (lines.joined(separator: "\r\n") + "\r\n").write(toFile: path, atomically: true, encoding: .utf8)
        for plan in [DatasetDiscretization(), DatasetDiscretization(categoricalLimit: 3),
                     DatasetDiscretization(methods: ["n": .equalFrequency(bins: 3)], automatic: nil)] {
            try expectSameLearn(path, settings(discretization: plan), chunkRows: 16)
        }
    }

    @Test func badInputIsALocatedErrorAndNoRowsIsRefused() throws {
        let path = NSTemporaryDirectory() + "credence-bad-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "a,b\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try LearningTasks.learn(csv: path, settings: settings()) } throws: { "\($0)".contains("no data rows") }
        try "a,b\n1,2\n1,2,3\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try LearningTasks.learn(csv: path, settings: settings(), chunkRows: 1) } throws: { "\($0)".contains(":3") }
        try "a,b\n1,2\n".write(toFile: path, atomically: true, encoding: .utf8)
        let named = settings(discretization: DatasetDiscretization(methods: ["nope": .mdl]))
        #expect(throws: LearningError.self) { try LearningTasks.learn(csv: path, settings: named) }
    }

    /// `bytes` written to a new pipe by another thread; the read end, for the caller to close.
    func pipe(_ bytes: [UInt8]) -> Int32 {
        var fds: [Int32] = [0, 0]
        precondition(Glibc.pipe(&fds) == 0)
        let end = fds[1]
        Thread {
            var done = 0
            while done < bytes.count {
                let n = bytes[done...].withUnsafeBytes { write(end, $0.baseAddress!, $0.count) }
                if n <= 0 { break }
                done += n
            }
            close(end)
        }.start()
        return fds[0]
    }

    /// `learn -`: standard input (here a pipe) is copied to a temporary file that both
    /// passes read, so it learns the model, byte for byte, of the same table in a file;
    /// errors name `<stdin>` and its line.
    @Test func standardInputLearnsTheSameAsTheFile() throws {
        for (name, s) in [("telecom_retention.csv", settings()), ("mlc_churn.csv", settings(.tabu, score: .bdeu(equivalentSampleSize: 5)))] {
            let path = Self.root + "/datasets/" + name
            let input = pipe(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            defer { close(input) }
            let (piped, a) = try LearningTasks.learn(csv: "-", settings: s, chunkRows: 700, standardInput: input)
            let (file, b) = try LearningTasks.learn(csv: path, settings: s, chunkRows: 700)
            #expect(try ModelIO.text(piped, format: .bn) == ModelIO.text(file, format: .bn))
            #expect(a.edges == b.edges && a.scoreValue == b.scoreValue && a.completionRounds == b.completionRounds)
            #expect(a.edges.count > 3)
        }
        let bad = pipe(Array("a,b\n1,2\n1,2,3\n".utf8))
        defer { close(bad) }
        #expect { try LearningTasks.learn(csv: "-", settings: settings(), chunkRows: 1, standardInput: bad) } throws: {
            "\($0)".contains("<stdin>:3")
        }
    }

    /// `learn --target`'s rows read in chunks are the table read whole (names, states in
    /// order of first appearance, codes, source), whatever the chunk size.
    @Test func rowsReadInChunksAreTheTableReadWhole() throws {
        var lines = ["\"plan, tier\",n,flag"]
        for i in 0..<300 { lines.append("\(i == 250 ? "late" : i % 3 == 0 ? "basic" : "pro"),\(i % 17 == 0 ? "NA" : String((i * 7) % 13)),\(i % 5 == 1 ? "" : "x")") }
        let odd = NSTemporaryDirectory() + "credence-rows-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: odd) }
        try (lines.joined(separator: "\r\n") + "\r\n").write(toFile: odd, atomically: true, encoding: .utf8)
        for (path, chunk) in [(Self.root + "/datasets/telecom_retention.csv", 500), (Self.root + "/datasets/mlc_churn.csv", 65_536), (odd, 16)] {
            let whole = try ModelIO.loadData(path: path).0
            let chunked = try LearningTasks.rows(csv: path, chunkRows: chunk)
            #expect(chunked == whole)
            #expect(chunked.rowCount > 250)
        }
        #expect(try LearningTasks.rows(csv: odd).states[0] == ["basic", "pro", "late"])
    }

    /// `learn --target -`: standard input (a pipe) is spooled once and read by both passes,
    /// so it gives the pairs, counts and folds of the same table in a file; a bad row names
    /// `<stdin>` and its line.
    @Test func targetedLearnFromStandardInputReadsTheFilesPairs() throws {
        let path = Self.root + "/datasets/telecom_retention.csv"
        let learner = TargetedLearner(target: "Retained", structures: [.naiveBayes], priors: [5], innerFolds: 3)
        let input = pipe(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        defer { close(input) }
        let piped = try LearningTasks.foldedTable(csv: "-", learner: learner, chunkRows: 700, standardInput: input)
        let file = try LearningTasks.foldedTable(csv: path, learner: learner, chunkRows: 700)
        #expect(piped.data.names == file.data.names && piped.data.states == file.data.states)
        #expect(piped.data.columns == file.data.columns && piped.data.weights == file.data.weights)
        #expect(piped.folds == file.folds && piped.rows == file.rows && piped.missingCells == file.missingCells)
        #expect(file.rows > 1_000 && Set(file.folds) == [0, 1, 2])
        let bad = pipe(Array("a,Retained\n1,yes\n2,no\n1,no,3\n".utf8))
        defer { close(bad) }
        #expect { try LearningTasks.foldedTable(csv: "-", learner: learner, chunkRows: 1, standardInput: bad) } throws: {
            "\($0)".contains("<stdin>:4")
        }
    }

    /// `learn --target`'s table read in two passes (`foldedTable`): a sampled table of few
    /// columns (many copies of each row) becomes its distinct (row, fold) pairs, whose
    /// counts add up to the rows and whose folds are the rows' own; the learner's choice
    /// and counted model are those of the rows. A table whose rows are nearly all distinct
    /// (mlc_churn) is its rows, unweighted, with their folds: the same model and report.
    @Test func targetedLearnReadsDistinctPairsWithTheRowsFolds() throws {
        let path = NSTemporaryDirectory() + "credence-pairs-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sampled = ForwardSampler(try ModelIO.load(path: sharedRoot + "/networks/asia.bif")).sample(rows: 3_000, seed: 6)
        try CSVWriter.write(sampled, to: path)
        var learner = TargetedLearner(target: "dysp", structures: [.naiveBayes, .tan], priors: [1, 10], innerFolds: 3)
        learner.parameterLearnings = [.generative]
        let rows = try LearningTasks.rows(csv: path)
        let byRow = learner.folded(rows)
        for chunkRows in [250, 65_536] {
            let pairs = try LearningTasks.foldedTable(csv: path, learner: learner, chunkRows: chunkRows)
            #expect(pairs.rows == 3_000 && pairs.data.rowCount < 3_000 / 4 && pairs.weightsCountCopies)
            #expect(pairs.data.weights?.reduce(0, +) == 3_000)
            var perPair: [[Int32]: Double] = [:]
            for r in 0..<rows.rowCount { perPair[rows.columns.map { $0[r] } + [byRow.folds[r]], default: 0] += 1 }
            for p in 0..<pairs.data.rowCount {
                #expect(perPair[pairs.data.columns.map { $0[p] } + [pairs.folds[p]]] == pairs.data.weights?[p])
            }
            let (a, ra) = try learner.learn(byRow), (b, rb) = try learner.learn(pairs)
            #expect(a == b && ra.chosen.structure == rb.chosen.structure && ra.rows == rb.rows)
            #expect(zip(ra.candidates, rb.candidates).allSatisfy { $0.auc == $1.auc && abs($0.logLoss - $1.logLoss) < 1e-13 })
        }
        let mlc = Self.root + "/datasets/mlc_churn.csv"
        let numeric = TargetedLearner(target: "churn", structures: [.naiveBayes], priors: [5], innerFolds: 3)
        let whole = numeric.folded(try LearningTasks.rows(csv: mlc))
        let read = try LearningTasks.foldedTable(csv: mlc, learner: numeric, chunkRows: 700)
        #expect(read.data == whole.data && read.folds == whole.folds && read.data.weights == nil)
        let (x, rx) = try numeric.learn(whole), (y, ry) = try numeric.learn(read)
        #expect(try ModelIO.text(x, format: .bn) == ModelIO.text(y, format: .bn))
        #expect(rx.candidates == ry.candidates && rx.rows == ry.rows && rx.rows > 3_000)
        // No rows, no target: the errors of the table read whole.
        try "dysp,smoke\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try LearningTasks.foldedTable(csv: path, learner: learner) } throws: { "\($0)".contains("no data rows") }
        var bagged = learner
        bagged.bagging = 3     // reads and keeps the rows, and refuses none the same way
        #expect { try LearningTasks.foldedTable(csv: path, learner: bagged) } throws: { "\($0)".contains("no data rows") }
        try "a,smoke\nx,y\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try learner.learn(try LearningTasks.foldedTable(csv: path, learner: learner)) } throws: {
            "\($0)".contains("the target 'dysp' is not a column")
        }
    }

    /// A file rewritten between the two passes with the same row count and the same number
    /// of states per column (rows reordered, a cell emptied) would recode every row with
    /// other meanings, or send a table with gaps down the complete-data path: both are a
    /// clear error naming the file, never a model.
    @Test func aFileRewrittenBetweenThePassesIsRefused() throws {
        let path = NSTemporaryDirectory() + "credence-rewritten-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (before, after) in [("a,b\nx,1\ny,2\nx,1\n", "a,b\ny,2\nx,1\nx,1\n"),
                                ("a,b\nx,1\ny,2\nx,1\n", "a,b\nx,1\ny,2\nx,\n")] {
            try before.write(toFile: path, atomically: true, encoding: .utf8)
            // As it stands the file learns; rewritten once the first pass has read it, it must not.
            _ = try LearningTasks.learn(csv: path, settings: settings())
            #expect {
                try LearningTasks.learn(csv: path, settings: settings(), chunkRows: 100, reading: { pass, _ in
                    if pass == 1 { try? after.write(toFile: path, atomically: true, encoding: .utf8) }
                })
            } throws: { "\($0)".contains("changed while it was read") }
            // learn --target's two passes too.
            try before.write(toFile: path, atomically: true, encoding: .utf8)
            let learner = TargetedLearner(target: "a", structures: [.naiveBayes], priors: [1], innerFolds: 2)
            _ = try LearningTasks.foldedTable(csv: path, learner: learner)
            #expect {
                try LearningTasks.foldedTable(csv: path, learner: learner, chunkRows: 100, reading: { pass, _ in
                    if pass == 1 { try? after.write(toFile: path, atomically: true, encoding: .utf8) }
                })
            } throws: { "\($0)".contains("changed while it was read") }
        }
    }
}
