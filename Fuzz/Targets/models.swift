import BNCore
import BNFormats

/// XMLBIF, XDSL, Hugin NET and UAI readers (and UAI evidence) on the same bytes: each
/// either parses or ends in a located FormatError.
func fuzzOne(_ data: [UInt8]) {
    let source = SourceText(file: "fuzz", bytes: data)
    _ = try? HuginNetReader.parse(source)
    _ = try? UAIReader.parse(source)
    _ = try? UAIEvidence.parse(source)
    _ = try? XMLBIFReader.parse(source)
    _ = try? XDSLReader.parseDocument(source)
}
