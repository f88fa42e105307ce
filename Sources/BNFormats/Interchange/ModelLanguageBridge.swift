import BNCore

/// The `.bn` entry points of `ModelFile`, delegating to the model language.
enum ModelLanguageBridge {
    static func read(path: String) throws(FormatError) -> BayesianNetwork {
        try BNLanguage.read(contentsOf: path).network
    }

    static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        try BNLanguage.write(network, to: path)
    }
}
