import Foundation
import Testing
import BNCore
@testable import BNFormats

/// The chunked reader gives the whole read's table, cut into chunks, whatever the chunk and
/// block sizes, with the same notes and errors at the same rows.
@Suite("CSV read in chunks")
struct CSVChunkReaderTests {
    static func asia() throws -> BayesianNetwork { try Shipped.load("asia") }

    /// Every chunk, read to the end.
    static func chunks(_ text: String, network: BayesianNetwork, options: CSVOptions = CSVOptions(),
                       chunkRows: Int, blockBytes: Int = 1 << 20) throws -> (chunks: [Dataset], reader: CSVChunkReader) {
        let reader = try CSVChunkReader(bytes: Array(text.utf8), file: "t.csv", network: network, options: options,
                                        chunkRows: chunkRows, blockBytes: blockBytes)
        var out: [Dataset] = []
        while let c = try reader.next() { out.append(c) }
        return (out, reader)
    }

    /// The chunks glued back into one table.
    static func joined(_ chunks: [Dataset]) -> Dataset {
        var d = chunks[0]
        for c in chunks.dropFirst() {
            #expect(c.names == d.names && c.states == d.states)
            for j in d.columns.indices { d.columns[j] += c.columns[j] }
        }
        return d
    }

    /// Quoted fields (one with a line break inside), CRLF and LF line ends, a blank line,
    /// an ignored column and missing cells.
    static let table = "id,asia,smoke,\"dysp\"\r\n1,no,yes,no\r\n2,\"yes\",NA,yes\n\n3,no,,\"no\"\n\"4\nfour\",yes,no,yes\n5,no,no,no\n6,yes,yes,\n7,no,yes,yes\n"

    @Test(arguments: [1, 2, 3, 6, 7, 8, 100])
    func chunksGlueBackIntoTheWholeRead(chunkRows: Int) throws {
        let net = try Self.asia()
        let whole = try CSVReader.parse(Self.table, file: "t.csv", network: net)
        for block in [1, 3, 7, 1 << 20] {
            let (chunks, reader) = try Self.chunks(Self.table, network: net, chunkRows: chunkRows, blockBytes: block)
            #expect(chunks.count == (7 + chunkRows - 1) / chunkRows)
            #expect(chunks.dropLast().allSatisfy { $0.rowCount == chunkRows })
            #expect(Self.joined(chunks) == whole.dataset)
            #expect(reader.rowsRead == 7)
            #expect(reader.warningTexts == whole.warningTexts)
            // Rows are numbered in the file: the first row of the second chunk is row chunkRows + 1.
            if chunks.count > 1 { #expect(chunks[1].rowNumber(0) == chunkRows + 1) }
            #expect(chunks[0].rowNumber(0) == 1)
            #expect(chunks[0].source?.file == "t.csv")
            #expect(chunks[0].source?.ignoredColumns == [DataSource.Column(name: "id", column: 1)])
        }
    }

    @Test func anErrorInALaterChunkNamesItsFileRow() throws {
        let net = try Self.asia()
        let text = "asia,smoke\n" + String(repeating: "no,yes\n", count: 20) + "no,maybe\n"
        for chunkRows in [1, 7, 20, 21, 100] {
            let reader = try CSVChunkReader(bytes: Array(text.utf8), file: "t.csv", network: net, chunkRows: chunkRows, blockBytes: 5)
            var read = 0
            let error = #expect(throws: FormatError.self) { while let c = try reader.next() { read += c.rowCount } }
            // The header is row 1: the 21st data row is file row 22.
            #expect(error?.diagnostics.first?.location == SourceLocation(file: "t.csv", line: 22, column: 2, field: "smoke"))
            #expect(error?.diagnostics.first?.message == "'maybe' is not a state of 'smoke' (row 22, column 2)")
            // Whole chunks before the one with the error came through.
            #expect(read == (20 / chunkRows) * chunkRows)
        }
    }

    @Test func anUnseenValueIsNotedOnceWithItsCountOverEveryChunk() throws {
        let net = try Self.asia()
        let text = "asia,smoke\nno,yes\nno,sometimes\nyes,no\nno,sometimes\nno,sometimes\n"
        var options = CSVOptions()
        options.unseenValuesAsMissing = true
        let whole = try CSVReader.parse(text, file: "t.csv", network: net, options: options)
        let (chunks, reader) = try Self.chunks(text, network: net, options: options, chunkRows: 2, blockBytes: 4)
        #expect(Self.joined(chunks) == whole.dataset)
        #expect(reader.warningTexts == whole.warningTexts)
        #expect(reader.warnings.count == 1)
        #expect(reader.warnings[0].location.line == 3)
        #expect(reader.warnings[0].message.hasSuffix("read as missing and summed out; it appears 3 times in this column"))
    }

    @Test func numericCellsAreCutChunkByChunkAndABadOneIsFoundAtItsRow() throws {
        let net = try BNLanguage.parse(NumericVariableTests.model, file: "churn.bn").network
        let text = "Tenure,Churn\n3,no\n12,yes\n\"(12,48]\",no\n48.6,no\n12,yes\n100,no\n"
        let whole = try CSVReader.parse(text, file: "t.csv", network: net)
        for chunkRows in [1, 2, 4, 6, 7] {
            let (chunks, _) = try Self.chunks(text, network: net, chunkRows: chunkRows, blockBytes: 3)
            #expect(Self.joined(chunks) == whole.dataset)
            #expect(chunks.allSatisfy { $0.states[0] == net.variables[0].states })
        }
        let bad = text + "1,no\nlots,yes\n"
        let error = #expect(throws: FormatError.self) { _ = try Self.chunks(bad, network: net, chunkRows: 3) }
        #expect(error?.diagnostics.first?.location.line == 9)
        #expect(error?.diagnostics.first?.message == "'lots' in column 'Tenure' is neither a number nor a state of 'Tenure' (data row 8)")
    }

    @Test func anEmptyInputFailsAndAHeaderAloneHasNoRows() throws {
        let net = try Self.asia()
        let error = #expect(throws: FormatError.self) { _ = try CSVChunkReader(bytes: Array("\n\n".utf8), network: net) }
        #expect(error?.diagnostics.first?.message == "the file is empty: expected a header row naming the columns")
        let reader = try CSVChunkReader(bytes: Array("\r\nasia,smoke\r\n".utf8), network: net, blockBytes: 2)
        #expect(try reader.next() == nil)
        #expect(reader.schema.names == ["asia", "smoke"])
        #expect(reader.schema.rowCount == 0)
    }

    @Test func standardInputAndFilesReadAlike() throws {
        let net = try Self.asia()
        let path = NSTemporaryDirectory() + "credence-chunks-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.table.write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try CSVChunkReader(path: path, network: net, chunkRows: 3, blockBytes: 16)
        var chunks: [Dataset] = []
        while let c = try reader.next() { chunks.append(c) }
        #expect(Self.joined(chunks) == (try CSVReader.parse(Self.table, network: net).dataset))
        let missing = #expect(throws: FormatError.self) { _ = try CSVChunkReader(path: path + ".absent", network: net) }
        #expect(missing?.diagnostics.first?.message == "cannot read '\(path).absent': no such file")
    }
}
