import BNCore

/// A place in an input: file, 1-based line and column (columns count Unicode scalars).
/// For CSV input, `line` is the 1-based row of the file (the header is row 1) and
/// `column` the 1-based field number, and `field` names the column.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var field: String?

    public init(file: String, line: Int, column: Int, field: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
    }

    /// `file:line:column`, or just `file` for a problem with the whole file (line 0).
    public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }
}

/// One problem found in an input, with where it is and, when we can tell, what would be right.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// What would be right (e.g. the allowed states), if known.
    public var hint: String?

    public init(_ location: SourceLocation, _ message: String, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }

    public var description: String {
        "\(location): error: \(message)" + (hint.map { "\n  hint: \($0)" } ?? "")
    }
}

/// The error of every reader and writer in BNFormats: all the problems found, in input order.
/// Readers collect problems and stop with all of them at once where they can.
public struct FormatError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        precondition(!diagnostics.isEmpty)
        self.diagnostics = diagnostics
    }

    public init(_ location: SourceLocation, _ message: String, hint: String? = nil) {
        self.init([Diagnostic(location, message, hint: hint)])
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
