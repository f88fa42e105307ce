import BNCore

/// UAI evidence files (`.evid`): hard observations as `variable index → state index`.
///
/// Reads both layouts of the competitions: UAI 2014 `N v1 s1 … vN sN` and UAI 2010
/// `1` (the number of samples) followed by `N v1 s1 …`. Writes the 2014 layout.
public enum UAIEvidence {
    /// Reads an `.evid` file; with a network, indices and states are checked against it.
    public static func read(path: String, network: BayesianNetwork? = nil) throws(FormatError) -> [Int: Int] {
        try parse(SourceText.load(path: path), network: network)
    }

    /// Parses evidence text.
    public static func parse(_ text: String, file: String = "<input>", network: BayesianNetwork? = nil) throws(FormatError) -> [Int: Int] {
        try parse(SourceText(file: file, text: text), network: network)
    }

    /// Parses evidence bytes.
    public static func parse(_ source: SourceText, network: BayesianNetwork? = nil) throws(FormatError) -> [Int: Int] {
        var lexer = TokenLexer(source, dialect: .uai)
        var tokens: [Token] = []
        while true {
            let t = lexer.next()
            if t.kind == .end { break }
            tokens.append(t)
            if tokens.count > 10_000_000 { throw source.error(at: t.start, "the evidence file is too long") }
        }
        guard !tokens.isEmpty else { throw source.error(at: 0, "the evidence file is empty: expected the number of observed variables") }
        var ints: [Int] = []
        for t in tokens {
            guard let x = lexer.number(t), x == x.rounded(), x >= 0, x < 1e9 else {
                throw source.error(at: t.start, "expected a non-negative integer, found \(lexer.describe(t))")
            }
            ints.append(Int(x))
        }
        var first = 0
        if ints.count == 1 + 2 * ints[0] {
            first = 1
        } else if ints[0] == 1, ints.count >= 2, ints.count == 2 + 2 * ints[1] {
            first = 2
        } else {
            throw source.error(at: tokens[0].start,
                               "the evidence declares \(ints[0]) observations but has \(ints.count - 1) further numbers",
                               hint: "expected N followed by N pairs 'variable state'")
        }
        var hard: [Int: Int] = [:]
        var i = first
        while i + 1 < ints.count {
            let v = ints[i], s = ints[i + 1]
            if let net = network {
                guard v < net.count else {
                    throw source.error(at: tokens[i].start, "variable index \(v) is out of range: the network has \(net.count) variables (0…\(net.count - 1))")
                }
                guard s < net.variables[v].cardinality else {
                    throw source.error(at: tokens[i + 1].start,
                                       "state \(s) of variable \(v) (\(Quote.name(net.variables[v].name))) is out of range: it has \(net.variables[v].cardinality) states")
                }
            }
            if hard[v] != nil { throw source.error(at: tokens[i].start, "variable \(v) is observed twice") }
            hard[v] = s
            i += 2
        }
        return hard
    }

    /// The 2014-layout text of hard evidence (sorted by variable).
    public static func string(_ hard: [Int: Int]) -> String {
        let pairs = hard.sorted { $0.key < $1.key }
        return ([String(pairs.count)] + pairs.map { "\($0.key) \($0.value)" }).joined(separator: " ") + "\n"
    }

    /// Writes an `.evid` file atomically.
    public static func write(_ hard: [Int: Int], to path: String) throws(FormatError) {
        try writeAtomically(Array(string(hard).utf8), to: path)
    }
}
