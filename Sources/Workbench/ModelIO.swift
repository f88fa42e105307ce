import BNCore
import BNFormats

/// Reads and writes models and datasets for the workbench; formats follow the extension
/// (BNFormats' `ModelFile`: .bn, .bif, .bif.gz, .xmlbif/.xml/.bifxml, .net, .uai, .xdsl, .dot write-only).
public enum ModelIO {
    public static func load(path: String) throws -> BayesianNetwork { try ModelFile.read(path) }

    /// Reads a model with its decision part (utilities, decision order: `.bn` and XMLBIF /
    /// BIFXML; other formats give an empty `DecisionSpec`).
    public static func loadWithDecisions(path: String) throws -> (BayesianNetwork, DecisionSpec) {
        let doc = try ModelFile.readDocument(path)
        return (doc.network, DecisionSpec(doc))
    }

    /// Writes a model with its decision part atomically (`.bn`, XMLBIF, `.net` and `.xdsl`
    /// hold utilities; another format would lose them, so it is refused). Returns what
    /// another program would read differently in the file (`ModelFile.losses`).
    @discardableResult
    public static func save(_ network: BayesianNetwork, decisions: DecisionSpec, to path: String) throws -> [String] {
        if decisions.isEmpty { try save(network, to: path); return [] }
        let doc = try decisions.document(network)
        try ModelFile.write(doc, to: path)
        return ModelFile.losses(writing: doc, to: path)
    }

    /// Writes atomically (temporary file, then rename).
    public static func save(_ network: BayesianNetwork, to path: String) throws { try ModelFile.write(network, to: path) }

    /// Reads a CSV dataset matched to the network's variables by name (states by name);
    /// returns the notes (ignored columns) as text. With `unseenAsMissing`, a value that is
    /// not a state of its variable becomes a missing cell with a note instead of an error.
    public static func loadData(path: String, for network: BayesianNetwork, unseenAsMissing: Bool = false) throws -> (Dataset, [String]) {
        var options = CSVOptions()
        options.unseenValuesAsMissing = unseenAsMissing
        let r = try CSVReader.read(path: path, network: network, options: options)
        return (r.dataset, r.warningTexts)
    }

    /// Reads a CSV dataset without a model: states in order of first appearance.
    public static func loadData(path: String) throws -> (Dataset, [String]) {
        let r = try CSVReader.read(path: path)
        return (r.dataset, r.warningTexts)
    }

    /// Reads a UTF-8 text file (a script, a spec); `-` reads standard input.
    public static func readText(path: String) throws -> String { try SourceText.loadText(path: path) }

    /// The model as the text of a file in `format` (`.bn` or BIF, what the web workbench
    /// downloads); the formats that are written as text only.
    public static func text(_ network: BayesianNetwork, format: ModelFormat) throws -> String {
        switch format {
        case .bn: return BNLanguage.print(network)
        case .bif: return BIFWriter.string(network)
        case .net: return try HuginNetWriter.string(network)
        case .uai: return UAIWriter.string(network)
        default: throw WorkbenchError.usage("a model is downloaded as bn, bif, net or uai, not \(format.rawValue)")
        }
    }

    public static func saveData(_ data: Dataset, to path: String) throws { try CSVWriter.write(data, to: path) }
}
