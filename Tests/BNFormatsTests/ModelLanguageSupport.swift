import Foundation
import Testing
import BNCore
@testable import BNFormats

/// Helpers shared by the model-language tests.
enum BNFixtures {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/bn")
    static func path(_ relative: String) -> String { dir.appendingPathComponent(relative).path }
    static let modelsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models")
}

/// The diagnostics of parsing `text` (empty when it parses).
func bnDiagnostics(_ text: String, file: String = "t.bn") -> [Diagnostic] {
    do {
        _ = try BNLanguage.parse(text, file: file)
        return []
    } catch {
        return error.diagnostics
    }
}

/// The diagnostics of parsing bytes.
func bnDiagnostics(bytes: [UInt8], file: String = "t.bn") -> [Diagnostic] {
    do {
        _ = try BNLanguage.parse(bytes: bytes, file: file)
        return []
    } catch {
        return error.diagnostics
    }
}

/// One expected diagnostic: line, column and words its message (and hint) must contain.
struct ExpectedDiagnostic: Sendable, CustomStringConvertible {
    var line: Int
    var column: Int
    var words: [String]
    init(_ line: Int, _ column: Int, _ words: String...) {
        self.line = line
        self.column = column
        self.words = words
    }
    var description: String { "\(line):\(column) \(words)" }
}

/// Checks diagnostics one to one against expectations, in order.
func expectDiagnostics(_ got: [Diagnostic], _ expected: [ExpectedDiagnostic], file: String? = nil,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(got.count == expected.count, "got \(got.map(\.description))", sourceLocation: sourceLocation)
    for (d, e) in zip(got, expected) {
        #expect(d.location.line == e.line && d.location.column == e.column,
                "\(d) expected at \(e.line):\(e.column)", sourceLocation: sourceLocation)
        let text = d.message + " " + (d.hint ?? "")
        for w in e.words {
            #expect(text.contains(w), "'\(w)' not in: \(d)", sourceLocation: sourceLocation)
        }
        if let file { #expect(d.location.file == file, sourceLocation: sourceLocation) }
    }
}

/// `net` printed in the model language: the text, which reads back to the same network and
/// prints again to the same text.
func printedRoundTrip(_ net: BayesianNetwork, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> String {
    let text = BNLanguage.print(net)
    let back = try BNLanguage.parse(text, file: "printed.bn").network
    expectSameNetwork(net, back, sourceLocation: sourceLocation)
    #expect(BNLanguage.print(back) == text, sourceLocation: sourceLocation)
    return text
}

/// Same variables (names, states, labels, descriptions, roles), parents in order and CPT
/// values bit for bit.
func expectSameNetwork(_ a: BayesianNetwork, _ b: BayesianNetwork, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(a.name == b.name, sourceLocation: sourceLocation)
    #expect(a.label == b.label, sourceLocation: sourceLocation)
    #expect(a.description == b.description, sourceLocation: sourceLocation)
    #expect(a.variables == b.variables, sourceLocation: sourceLocation)
    guard a.count == b.count else { return }
    var differing = 0
    for v in 0..<a.count {
        #expect(a.parents(of: v) == b.parents(of: v), "parents of \(a.variables[v].name)", sourceLocation: sourceLocation)
        let x = a.cpts[v].values, y = b.cpts[v].values
        if x.count != y.count || zip(x, y).contains(where: { $0.bitPattern != $1.bitPattern }) { differing += 1 }
        #expect(a.cpts[v].scope == b.cpts[v].scope, sourceLocation: sourceLocation)
    }
    #expect(differing == 0, "\(differing) CPTs differ", sourceLocation: sourceLocation)
}

/// A random network: `n` variables with 1–4 states (names with spaces, quotes, Chinese and
/// keywords mixed in), up to `maxParents` earlier parents each, random rows normalised
/// through `setCPT`, random labels, descriptions and roles.
func randomNetwork(seed: UInt64, n: Int, maxParents: Int = 3) throws -> BayesianNetwork {
    var rng = SplitMix64(seed: seed)
    func pick(_ k: Int) -> Int { Int(rng.next() % UInt64(k)) }
    let pool = ["a", "b", "yes", "no", "default", "uniform", "P", "满意", "高 低", "x\"y", "0", "1e5", "-3", "low-mid", "a.b", "é", "tab\there", "latent"]
    var net = BayesianNetwork(name: "random\(seed)")
    if pick(2) == 0 { net.label = "随机网络 \(seed)" }
    if pick(2) == 0 { net.description = "line one\nline \"two\"" }
    for i in 0..<n {
        let k = 1 + pick(4)
        var states: [String] = []
        while states.count < k {
            let s = pick(3) == 0 ? pool[pick(pool.count)] : "s\(states.count)"
            if !states.contains(s) { states.append(s) }
        }
        let name = pick(5) == 0 ? "变量\(i)" : (pick(7) == 0 ? "v \(i)" : "V\(i)")
        let role: Variable.Role = [.chance, .chance, .latent, .decision][pick(4)]
        try net.addVariable(Variable(name: name, states: states, label: pick(3) == 0 ? "标签\(i)" : nil,
                                     description: pick(4) == 0 ? "desc \(i) \\ end" : nil, role: role))
    }
    for v in 0..<n {
        let m = min(v, pick(maxParents + 1))
        var parents: [Int] = []
        while parents.count < m {
            let p = pick(v)
            if !parents.contains(p) { parents.append(p) }
        }
        try net.setParents(v, to: parents)
        let scope = net.familyScope(of: v)
        let k = net.variables[v].cardinality
        var values = [Double](repeating: 0, count: try scope.entries())
        for r in 0..<(values.count / k) {
            let style = pick(6)
            for j in 0..<k {
                switch style {
                case 0: values[r * k + j] = 1 / Double(k)                         // uniform row
                case 1: values[r * k + j] = j == 0 ? 1 : 0                        // deterministic
                case 2: values[r * k + j] = Double(1 + pick(1000)) * 1e-9         // tiny
                default: values[r * k + j] = rng.nextUnit() + 1e-3
                }
            }
            let s = values[(r * k)..<((r + 1) * k)].reduce(0, +)
            for j in 0..<k { values[r * k + j] /= s }
        }
        try net.setCPT(v, Factor(scope: scope, values: values))
    }
    return net
}
