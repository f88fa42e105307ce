import BNCore

/// Reads the UAI inference-competition model format (BAYES networks):
/// ```
/// BAYES
/// 3            // variables
/// 2 2 3        // cardinalities
/// 3            // functions, one per variable
/// 1 0          // scope sizes and variables; the last variable is the child
/// 2 0 1
/// 2 1 2
/// 2  0.4 0.6   // table sizes and entries, last scope variable fastest
/// …
/// ```
/// UAI has no names: variable `i` is called `X<i>` and its states `0`, `1`, …. Structure and
/// numbers survive a round trip; names do not. MARKOV networks are refused (they are not
/// Bayesian networks). Numbers are read exactly; rows are checked and renormalised as in
/// `BIFReader`.
public enum UAIReader {
    /// Reads a `.uai` file.
    public static func read(path: String) throws(FormatError) -> BayesianNetwork {
        try parse(SourceText.load(path: path))
    }

    /// Parses UAI text.
    public static func parse(_ text: String, file: String = "<input>") throws(FormatError) -> BayesianNetwork {
        try parse(SourceText(file: file, text: text))
    }

    /// Parses UAI bytes.
    public static func parse(_ source: SourceText) throws(FormatError) -> BayesianNetwork {
        var lexer = TokenLexer(source, dialect: .uai)
        let head = lexer.next()
        if head.kind == .end { throw source.error(at: 0, "the file is empty: expected 'BAYES'") }
        if lexer.isWord(head, "MARKOV") {
            throw source.error(at: head.start, "a MARKOV network is not a Bayesian network", hint: "Credence reads UAI files of type BAYES")
        }
        guard lexer.isWord(head, "BAYES") else {
            throw source.error(at: head.start, "expected 'BAYES' at the start of a UAI file, found \(lexer.describe(head))")
        }
        func integer(_ what: String, _ range: ClosedRange<Int>) throws(FormatError) -> (Int, Int) {
            let t = lexer.next()
            guard let x = lexer.number(t), x == x.rounded(), x >= Double(range.lowerBound), x <= Double(range.upperBound) else {
                let found = t.kind == .end ? "the end of the file (truncated?)" : lexer.describe(t)
                throw source.error(at: t.start, "expected \(what) (an integer from \(range.lowerBound) to \(range.upperBound)), found \(found)")
            }
            return (Int(x), t.start)
        }
        let (n, _) = try integer("the number of variables", 1...1_000_000)
        var cards: [Int] = []
        for i in 0..<n { cards.append(try integer("the number of states of variable \(i)", 1...1_000_000).0) }
        let (functions, fAt) = try integer("the number of functions", 0...1_000_000)
        guard functions == n else {
            throw source.error(at: fAt, "a BAYES network needs one function per variable: \(n) variables, \(functions) functions")
        }
        var scopes: [[Int]] = []
        var scopeAt: [Int] = []
        for f in 0..<functions {
            let (size, at) = try integer("the scope size of function \(f)", 1...n)
            var scope: [Int] = []
            for _ in 0..<size { scope.append(try integer("a variable of function \(f)", 0...(n - 1)).0) }
            scopes.append(scope)
            scopeAt.append(at)
        }
        var totalStates = 0
        for c in cards { totalStates += c }
        guard totalStates <= source.bytes.count else {
            throw source.error(at: 0, "the variables declare \(totalStates) states in all, more than a file of \(source.bytes.count) bytes can hold tables for")
        }
        var asm = NetworkAssembler(name: "network", sourceSize: source.bytes.count)
        for i in 0..<n {
            asm.addVariable(Variable(name: "X\(i)", states: (0..<cards[i]).map(String.init)), at: source.location(at: 0))
        }
        var tables: [(values: [Double], offsets: [Int], at: Int)] = []
        for f in 0..<functions {
            let expected = scopes[f].reduce(1) { $0.multipliedReportingOverflow(by: cards[$1]).overflow ? Int.max : $0 * cards[$1] }
            let (count, at) = try integer("the number of entries of function \(f)", 0...Int(Int32.max))
            guard count == expected else {
                throw source.error(at: at, "function \(f) over X\(scopes[f].map(String.init).joined(separator: ", X")) has \(count) entries; it needs \(expected)")
            }
            var values: [Double] = []
            var offsets: [Int] = []
            values.reserveCapacity(min(count, source.bytes.count / 2 + 1))
            for _ in 0..<count {
                let t = lexer.next()
                guard let x = lexer.number(t) else {
                    let found = t.kind == .end ? "the end of the file (truncated?)" : lexer.describe(t)
                    throw source.error(at: t.start, "expected a probability of function \(f), found \(found)")
                }
                values.append(x)
                offsets.append(t.start)
            }
            tables.append((values, offsets, at))
        }
        let extra = lexer.next()
        if extra.kind != .end {
            throw source.error(at: extra.start, "unexpected \(lexer.describe(extra)) after the last function", hint: "the file declares \(functions) functions")
        }
        for f in 0..<functions where !asm.isFull {
            let child = scopes[f].last!
            let parents = Array(scopes[f].dropLast())
            let loc = source.location(at: scopeAt[f])
            guard asm.setParents(child, parents, at: loc) else { continue }
            let k = cards[child]
            let offsets = tables[f].offsets
            asm.setTable(child, tables[f].values, at: source.location(at: tables[f].at)) { r in source.location(at: offsets[r * k]) }
        }
        return try asm.finish(file: source.file)
    }
}
