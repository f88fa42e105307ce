import BNCore

/// The statements of a `.bn` file as written, before names are resolved: what the parser
/// produces and the resolver checks. Every piece keeps the byte offset it came from, so
/// later problems can be located.
struct BNSyntax {
    /// A name (identifier or quoted) and where it is.
    struct Name {
        var text: String
        var offset: Int
    }

    /// A distribution over the child's states: `uniform`, numbers, or `{ state: p, … }`.
    struct Distribution {
        enum Form {
            case uniform
            case numbers([Double])
            case named([(name: Name, value: Double)])
        }
        var form: Form
        var offset: Int
        /// Offsets of each number (kept for whole tables `P(X | …) = p p p …` only).
        var valueOffsets: [Int] = []
        /// False when a problem inside was already reported (skip further checks).
        var valid = true
    }

    /// One row of a table: `(a1, b1): …` or `default: …` (key nil).
    struct Row {
        var key: [Name]?
        var offset: Int
        var distribution: Distribution
    }

    enum TableBody {
        /// `P(X | …) = uniform`, `= p p …` (whole table, last parent fastest) or `= { s: p }`.
        case distribution(Distribution)
        /// `P(X | …) { rows }`; `incomplete` when a row could not be read (a missing row is
        /// then not reported, it may be the unreadable one).
        case rows([Row], incomplete: Bool)
    }

    struct NetworkStatement {
        var offset: Int
        var name: Name
        var label: String?
        var description: String?
    }

    struct VariableStatement {
        var offset: Int
        var name: Name
        var label: String?
        var description: String?
        var states: [Name]
        var role: Variable.Role
        /// `cuts [c1, c2, …]` and the offset of the `cuts` word.
        var cutPoints: (values: [Double], offset: Int)? = nil
        /// `from 1 * a + 0.5 * b - 2` and the offset of the `from` word.
        var derivation: (value: Derivation, offset: Int)? = nil
    }

    struct StructureEntry {
        var child: Name
        var parents: [Name]
    }

    struct TableStatement {
        var offset: Int
        var child: Name
        var parents: [Name]
        var body: TableBody
    }

    struct Finding {
        var variable: Name
        /// `X = s`
        var state: Name?
        /// `X ~ [w, …]` or `X ~ { s: w, … }`
        var likelihood: Distribution?
    }

    /// `utility U "label"? | A, B = u u …` or `utility U | A, B { (a, b): u  default: u }`.
    struct UtilityStatement {
        struct Row {
            var key: [Name]?
            var offset: Int
            var value: Double
        }
        enum Body {
            case values([(value: Double, offset: Int)])
            case rows([Row], incomplete: Bool)
        }
        var offset: Int
        var name: Name
        var label: String?
        var parents: [Name]
        var body: Body
    }

    var networks: [NetworkStatement] = []
    var utilities: [UtilityStatement] = []
    /// `order { D1, D2 }`: the decisions' temporal order, with the keyword's offset.
    var orders: [(offset: Int, decisions: [Name])] = []
    /// Offsets of `limid` statements (decisions remember only their parents).
    var limid: [Int] = []
    var variables: [VariableStatement] = []
    var structure: [StructureEntry] = []
    var tables: [TableStatement] = []
    var evidence: [Finding] = []
    var interventions: [Finding] = []
    var query: [Name] = []
    /// Variables whose declaration could not be read: references to them are not reported.
    var brokenVariables: Set<String> = []
    /// Variables whose table could not be read: a missing table is not reported.
    var brokenTables: Set<String> = []
}
