import BNCore

/// The `.bn` entry points of `ModelFile`, delegating to the model language.
enum ModelLanguageBridge {
    static func read(path: String) throws(FormatError) -> BayesianNetwork {
        throw FormatError(SourceLocation(file: path, line: 0, column: 0), "the .bn model language is not available yet")
    }

    static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        throw FormatError(SourceLocation(file: path, line: 0, column: 0), "the .bn model language is not available yet")
    }
}
