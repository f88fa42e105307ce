import Testing
import BNFormats

@Suite("Located diagnostics")
struct DiagnosticTests {
    @Test func diagnosticsPrintFileLineColumnAndHint() {
        let d = Diagnostic(SourceLocation(file: "winback.bn", line: 12, column: 7),
                           "unknown state 'gold' of CarClass", hint: "its states are economy, mid, premium")
        #expect(d.description == "winback.bn:12:7: error: unknown state 'gold' of CarClass\n  hint: its states are economy, mid, premium")
        let e = FormatError([d, Diagnostic(SourceLocation(file: "winback.bn", line: 20, column: 1), "missing row")])
        #expect(e.description.split(separator: "\n").count == 3)
        #expect(e.description.hasSuffix("winback.bn:20:1: error: missing row"))
    }
}
