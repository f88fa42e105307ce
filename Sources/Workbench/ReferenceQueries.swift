import Foundation

/// A file of seeded queries with exact answers (format: ../shared/reference/README.md):
/// the network's name, its states, and for each query a target, hard evidence by names,
/// the posterior of the target, P(evidence) and (optionally) every marginal.
public struct ReferenceQueries: Codable, Sendable {
    public struct Query: Codable, Sendable {
        public var target: String
        public var evidence: [String: String]
        public var posterior: [Double]
        public var p_evidence: Double
        public var all_marginals: [String: [Double]]?
    }

    public var network: String
    public var states: [String: [String]]
    public var queries: [Query]

    /// Reads a reference file; errors name the file.
    public static func load(path: String) throws -> ReferenceQueries {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw WorkbenchError.io(path: path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        do { return try JSONDecoder().decode(ReferenceQueries.self, from: data) } catch {
            throw WorkbenchError.io(path: path, reason: "not a reference-query file: \(error)")
        }
    }
}
