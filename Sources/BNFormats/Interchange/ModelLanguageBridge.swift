import BNCore

/// The `.bn` entry points of `ModelFile`, delegating to the model language (`BNLanguage`).
/// Evidence, do and query blocks of a `.bn` document are not part of a network; read the
/// document with `BNLanguage.read(contentsOf:)` to get them.
enum ModelLanguageBridge {
    static func read(path: String) throws(FormatError) -> BayesianNetwork {
        try BNLanguage.read(contentsOf: path).network
    }

    static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        try BNLanguage.write(network, to: path)
    }
}
