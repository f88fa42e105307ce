import BNCore
import BNFormats

/// The `.bn` model language: any bytes either parse or end in located diagnostics; a
/// document that parses is printed and must parse back to the same document.
func fuzzOne(_ data: [UInt8]) {
    guard let doc = try? BNLanguage.parse(bytes: data, file: "fuzz.bn") else { return }
    let text = BNLanguage.print(doc)
    do {
        let back = try BNLanguage.parse(text, file: "fuzz-back.bn")
        precondition(back == doc, "a parsed .bn document printed and read back differs")
    } catch {
        preconditionFailure("a printed .bn document does not parse: \(error)")
    }
}
