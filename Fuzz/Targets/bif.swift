import BNCore
import BNFormats

/// BIF reader: any bytes either parse or end in a located FormatError. A network that
/// parses is written back and must parse again to the same structure.
func fuzzOne(_ data: [UInt8]) {
    let source = SourceText(file: "fuzz.bif", bytes: data)
    let net: BayesianNetwork
    do {
        net = try BIFReader.parse(source)
    } catch {
        precondition(!error.diagnostics.isEmpty && error.diagnostics.allSatisfy { $0.location.line >= 0 })
        return
    }
    let text = BIFWriter.bytes(net)
    do {
        let back = try BIFReader.parse(SourceText(file: "fuzz-back.bif", bytes: text))
        precondition(back.names == net.names && back.cardinalities == net.cardinalities, "BIF round trip changed the variables")
        precondition((0..<net.count).allSatisfy { back.parents(of: $0) == net.parents(of: $0) }, "BIF round trip changed the graph")
    } catch {
        preconditionFailure("a network read from BIF does not read back after writing: \(error)")
    }
}
