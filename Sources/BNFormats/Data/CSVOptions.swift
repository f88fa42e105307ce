import BNCore

/// How `CSVReader` splits and interprets a file.
public struct CSVOptions: Sendable, Equatable {
    /// The field separator (one ASCII byte; `,` by default, `;` or tab are common).
    public var delimiter: UInt8
    /// Cell texts read as missing (after trimming). Default: empty, `NA`, `?`. A state of
    /// the model with the same name takes precedence.
    public var missingValues: [String]
    /// Whether spaces and tabs around unquoted fields are removed.
    public var trimWhitespace: Bool
    /// Stop after this many problems (all are reported together).
    public var maximumErrors: Int
    /// With the default `,`: read a file whose header has no `,` but has `;` or tabs with
    /// that delimiter instead (with a note).
    public var detectDelimiter: Bool = true
    /// Reading against a model: a categorical value that is not a state of its variable (a
    /// plan launched after the model was learned) becomes a missing cell, to be summed out,
    /// with one warning per column and value, instead of an error. For scoring new rows.
    public var unseenValuesAsMissing: Bool = false

    /// Options; the defaults read comma-separated RFC 4180 files.
    public init(delimiter: UInt8 = UInt8(ascii: ","), missingValues: [String] = ["", "NA", "?"],
                trimWhitespace: Bool = true, maximumErrors: Int = 20) {
        self.delimiter = delimiter
        self.missingValues = missingValues
        self.trimWhitespace = trimWhitespace
        self.maximumErrors = maximumErrors
    }
}

/// A dataset read from CSV and the notes about it that are not errors (ignored columns).
public struct CSVReadResult: Sendable {
    /// The integer-coded dataset (missing = `Dataset.missing`).
    public var dataset: Dataset
    /// Notes such as "column 'id' is not a variable of the model; ignored", located at the
    /// header cell.
    public var warnings: [Diagnostic]

    /// The warnings as `file:row:column: warning: message` lines (a `Diagnostic`'s own
    /// description says `error:`).
    public var warningTexts: [String] {
        warnings.map { "\($0.location): warning: \($0.message)" + ($0.hint.map { "\n  hint: \($0)" } ?? "") }
    }

    /// A dataset and its notes.
    public init(dataset: Dataset, warnings: [Diagnostic]) {
        self.dataset = dataset
        self.warnings = warnings
    }
}
