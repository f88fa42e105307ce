import BNCore
import BNFormats

/// CSV reader, schema-free and bound to a small model: any bytes either parse or end in a
/// located FormatError; a dataset that parses is written back and must read again with
/// the same shape.
func fuzzOne(_ data: [UInt8]) {
    let source = SourceText(file: "fuzz.csv", bytes: data)
    if let result = try? CSVReader.parse(source, network: nil) {
        let d = result.dataset
        let text = CSVWriter.bytes(d)
        do {
            let back = try CSVReader.parse(SourceText(file: "fuzz-back.csv", bytes: text), network: nil).dataset
            precondition(back.names == d.names, "CSV round trip changed the header")
            precondition(back.rowCount == d.rowCount, "CSV round trip changed the number of rows")
        } catch {
            preconditionFailure("a dataset read from CSV does not read back after writing: \(error)")
        }
    }
    _ = try? CSVReader.parse(source, network: model)
    _ = try? CSVReader.parse(source, network: model, options: CSVOptions(delimiter: UInt8(ascii: ";"), missingValues: ["-"], trimWhitespace: false))
}

let model: BayesianNetwork = {
    var net = BayesianNetwork(name: "m")
    _ = try! net.addVariable(Variable(name: "a", states: ["yes", "no"]))
    _ = try! net.addVariable(Variable(name: "b", states: ["x", "y z", "\"q\""]))
    _ = try! net.addVariable(Variable(name: "c", states: ["1", "2"]))
    return net
}()
