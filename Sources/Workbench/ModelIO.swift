import BNCore
import BNFormats

/// Reads models for the workbench, choosing the format by extension.
/// (Delegates to BNFormats' readers; `.bn`, `.net` and `.uai` join as their readers land.)
public enum ModelIO {
    public static func load(path: String) throws -> BayesianNetwork {
        let lower = path.lowercased()
        if lower.hasSuffix(".bif") || lower.hasSuffix(".bif.gz") { return try BIFReader.read(path: path) }
        if lower.hasSuffix(".xmlbif") || lower.hasSuffix(".xml") { return try XMLBIFReader.read(path: path) }
        throw WorkbenchError.usage("\(path): unknown model format; use .bif, .bif.gz, .xmlbif or .xml")
    }
}
