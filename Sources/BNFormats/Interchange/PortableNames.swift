import Foundation
import BNCore

/// Variable and state names that other tools read (pyAgrum, pgmpy, Hugin, GeNIe): the
/// names the BIF, XMLBIF and Hugin NET writers put in their files.
///
/// A name made of ASCII letters, digits and `_` is kept as it is (every bnlearn network
/// file uses such names, leading digits included). Any other name is rewritten,
/// deterministically:
/// - the states of a discretised variable whose names are its intervals
///   (`Variable.intervalNames`) become `le_5`, `gt_5_le_10`, `gt_10` (in the numbers,
///   `-` is written `m` and `.` `p`: `(-2.5,0]` is `gt_m2p5_le_0`);
/// - otherwise `<` `>` `=` `+` become `lt` `gt` `eq` `plus`, other ASCII characters `_`,
///   and other characters `u` and their hexadecimal code (`满` is `u6EE1`);
/// - a rewritten name that meets a name already taken in the same list gets `_2`, `_3`, …
///   (names that needed no rewriting keep theirs).
///
/// The writers record what was rewritten (`credence_name`, `credence_outcomes`), the cut
/// points (`credence_cuts`) and a derived variable's formula (`credence_derivation`, as the
/// model language writes it after `from`), and Credence's readers restore them, so a model
/// exported and read back by Credence has its own names, intervals and derivations again.
public struct PortableNames: Sendable, Equatable {
    /// The portable name of each variable, in network order.
    public let variables: [String]
    /// The portable names of each variable's states, in table order.
    public let states: [[String]]

    /// The portable names of `network`'s variables and states.
    public init(_ network: BayesianNetwork) {
        variables = Self.distinct(network.variables.map(\.name), rewrite: Self.identifier)
        states = network.variables.map(Self.states)
    }

    /// Whether `name` is already portable: ASCII letters, digits and `_`, not empty.
    public static func isPortable(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
        }
    }

    /// The portable state names of one variable (interval names for a discretised one).
    public static func states(of variable: Variable) -> [String] {
        if let cuts = variable.cutPoints, cuts.count == variable.cardinality - 1,
           variable.states == Variable.intervalNames(cutPoints: cuts),
           !variable.states.allSatisfy(isPortable) {
            return distinct(intervalIdentifiers(cuts), rewrite: identifier)
        }
        return distinct(variable.states, rewrite: identifier)
    }

    /// `le_c1`, `gt_c1_le_c2`, …, `gt_ck`: the intervals of increasing cut points.
    public static func intervalIdentifiers(_ cuts: [Double]) -> [String] {
        func number(_ x: Double) -> String {
            let text = Dataset.valueText(x)
            var out = ""
            for ch in text {
                switch ch {
                case "-": out += "m"
                case ".": out += "p"
                case "+": break
                default: out.append(ch)
                }
            }
            return out
        }
        if cuts.isEmpty { return ["all"] }
        var names = ["le_\(number(cuts[0]))"]
        for i in cuts.indices.dropFirst() { names.append("gt_\(number(cuts[i - 1]))_le_\(number(cuts[i]))") }
        names.append("gt_\(number(cuts[cuts.count - 1]))")
        return names
    }

    /// One name rewritten to ASCII letters, digits and `_` (unchanged when already portable).
    public static func identifier(_ name: String) -> String {
        if isPortable(name) { return name }
        var out = ""
        for u in name.unicodeScalars {
            switch u {
            case "a"..."z", "A"..."Z", "0"..."9", "_": out.unicodeScalars.append(u)
            case "<": out += "lt"
            case ">": out += "gt"
            case "=": out += "eq"
            case "+": out += "plus"
            default:
                if u.isASCII { if !out.hasSuffix("_") { out += "_" } }
                else { out += "u" + String(u.value, radix: 16, uppercase: true) }
            }
        }
        return out.isEmpty ? "_" : out
    }

    /// `rewrite` applied to each name, made distinct: names already portable are taken
    /// first, then each rewritten name gets the first free `name`, `name_2`, `name_3`, ….
    static func distinct(_ names: [String], rewrite: (String) -> String) -> [String] {
        var taken = Set(names.filter(isPortable))
        return names.map { name in
            if isPortable(name) { return name }
            let base = rewrite(name)
            var candidate = base, n = 1
            while taken.contains(candidate) { n += 1; candidate = "\(base)_\(n)" }
            taken.insert(candidate)
            return candidate
        }
    }

    // MARK: - What the writers record so that Credence reads its own names back

    /// The property keys of BIF, XMLBIF and NET files written by Credence.
    enum Key {
        static let name = "credence_name"
        static let states = "credence_outcomes"
        static let cuts = "credence_cuts"
        static let derivation = "credence_derivation"
    }

    /// `"a" "b"`: a list of names as quoted, space-separated strings, `=` written `\x3D`
    /// (pgmpy's XMLBIF reader splits a property at every `=`).
    static func quotedList(_ names: [String]) -> String {
        names.map { BIFWriter.quoted($0).replacingOccurrences(of: "=", with: "\\x3D") }.joined(separator: " ")
    }

    /// The names of a `quotedList` text, or nil when it is not one.
    static func parseQuotedList(_ text: String) -> [String]? {
        var names: [String] = []
        var scalars = text.unicodeScalars.makeIterator()
        var current: String? = nil
        while let u = scalars.next() {
            if var c = current {
                switch u {
                case "\"": names.append(TokenLexer.unescape(c.replacingOccurrences(of: "\\x3D", with: "="))); current = nil
                case "\\": c.unicodeScalars.append(u); if let e = scalars.next() { c.unicodeScalars.append(e) }; current = c
                default: c.unicodeScalars.append(u); current = c
                }
            } else if u == "\"" {
                current = ""
            } else if !(u == " " || u == "\t" || u == "\n" || u == "\r") {
                return nil
            }
        }
        return current == nil ? names : nil
    }

    /// `5 10.5`: cut points as shortest round-trip decimals.
    static func cutsText(_ cuts: [Double]) -> String {
        cuts.map { "\($0)" }.joined(separator: " ")
    }

    /// The cut points of a `cutsText`, or nil when a number does not parse.
    static func parseCuts(_ text: String) -> [Double]? {
        var cuts: [Double] = []
        for part in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            guard let x = Double(part) else { return nil }
            cuts.append(x)
        }
        return cuts
    }

    /// The `key = value` records of variable `v` for a file written with these names: its
    /// original name and states where they were rewritten, and its cut points. Values are
    /// quoted strings (`credence_outcomes` a list of them).
    func records(for v: Int, of network: BayesianNetwork) -> [(key: String, value: String)] {
        let variable = network.variables[v]
        var out: [(key: String, value: String)] = []
        if variables[v] != variable.name { out.append((Key.name, Self.quotedList([variable.name]))) }
        if states[v] != variable.states { out.append((Key.states, Self.quotedList(variable.states))) }
        if let cuts = variable.cutPoints { out.append((Key.cuts, BIFWriter.quoted(Self.cutsText(cuts)))) }
        if let d = variable.derivation { out.append((Key.derivation, BIFWriter.quoted(d.text(name: BNPrinter.columnName)))) }
        return out
    }
}

/// What a reader found of the `credence_*` records of one variable, to restore after the
/// tables (which use the portable names) are read.
struct OriginalNames: Sendable {
    var name: String?
    var states: [String]?
    var cutPoints: [Double]?
    var derivation: Derivation?

    /// Whether `key` is one of the records `PortableNames` writes.
    static func isRecord(_ key: String) -> Bool {
        key == PortableNames.Key.name || key == PortableNames.Key.states || key == PortableNames.Key.cuts
            || key == PortableNames.Key.derivation
    }

    /// Applies one record (`isRecord(key)`); returns a problem for a value that does not
    /// parse. `value` is the unquoted value, `rawValue` the text as written (for the list
    /// of states).
    mutating func apply(key: String, value: String, rawValue: String) -> String? {
        switch key {
        case PortableNames.Key.name:
            guard let list = PortableNames.parseQuotedList(rawValue), list.count == 1 else {
                name = value
                return nil
            }
            name = list[0]
        case PortableNames.Key.states:
            guard let list = PortableNames.parseQuotedList(rawValue) else {
                return "\(key) must be a list of quoted names such as \"(-inf,5]\" \"(5,inf)\", found \(Quote.name(rawValue))"
            }
            states = list
        case PortableNames.Key.derivation:
            let (d, problem) = BNParser.derivation(value, of: name ?? "the variable")
            if let problem { return "\(key) must be a derivation such as 1 * day_charge + 0.5 * eve_charge - 2: \(problem)" }
            derivation = d
        default:
            guard let cuts = PortableNames.parseCuts(value) else {
                return "\(key) must be decimal numbers separated by spaces, found \(Quote.name(value))"
            }
            cutPoints = cuts
        }
        return nil
    }
}
