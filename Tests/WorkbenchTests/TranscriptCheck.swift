import Foundation
import Testing

/// The comparison behind the transcript and example tests: `got` must equal the file at
/// `expectedPath`; on a difference the first differing line is recorded. With
/// CREDENCE_UPDATE_TRANSCRIPTS=1 the file is rewritten from `got` first.
func checkTranscript(_ got: String, against expectedPath: String) throws {
    if ProcessInfo.processInfo.environment["CREDENCE_UPDATE_TRANSCRIPTS"] == "1" {
        try got.write(toFile: expectedPath, atomically: true, encoding: .utf8)
    }
    let want = try String(contentsOfFile: expectedPath, encoding: .utf8)
    #expect(got == want, "\(expectedPath)")
    if got != want {
        let a = got.split(separator: "\n", omittingEmptySubsequences: false)
        let b = want.split(separator: "\n", omittingEmptySubsequences: false)
        if let k = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("first difference at line \(k + 1):\n got: \(a[k])\nwant: \(b[k])")
        }
    }
}
