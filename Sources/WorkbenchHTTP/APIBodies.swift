import Foundation
import Workbench

// The JSON bodies the API reads and the answers it writes besides the operation layer's own
// results (docs/openapi.yaml has their schemas).

/// `POST /api/query`: `credence query`'s arguments as JSON.
struct QueryBody: Decodable, Sendable {
    var targets: [String]?
    var evidence: [String: String]?
    var soft: [String: [Double]]?
    var `do`: [String: String]?
    /// The most probable explanation of the findings (`--mpe`), or the MAP state of the targets (`--map`).
    var mpe: Bool?
    var map: Bool?

    var findings: FindingSet { FindingSet(evidence: evidence ?? [:], soft: soft ?? [:], interventions: self.do ?? [:]) }
}

/// `POST /api/evidence`: changes to the session's findings, applied in this order: `clear`,
/// `retract`, `observe`, `do`, `soft` (the REPL's `clear`, `retract`, `observe`, `do`, `soft`).
struct EvidenceChange: Decodable, Sendable {
    var clear: Bool?
    var retract: [String]?
    var observe: [String: String]?
    var `do`: [String: String]?
    var soft: [String: [Double]]?

    func apply(to s: Session) throws {
        if clear == true { s.clearEvidence() }
        // Retracting a variable without findings is not an error here: the page retracts
        // what it shows, which may already be gone.
        if let names = retract {
            for n in names { _ = try s.network.require(n) }
            let present = names.filter { s.findings.evidence[$0] != nil || s.findings.soft[$0] != nil || s.findings.interventions[$0] != nil }
            if !present.isEmpty { try s.retract(present) }
        }
        if let o = observe { try s.observe(o.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) }
        if let d = self.do { try s.intervene(d.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) }
        for (n, w) in (soft ?? [:]).sorted(by: { $0.key < $1.key }) { try s.setSoft(n, w) }
    }
}

struct ExplainBody: Decodable, Sendable { var target: String; var state: String?; var top: Int? }
struct NameBody: Decodable, Sendable { var name: String }
struct CompareBody: Decodable, Sendable { var target: String; var scenarios: [String] }
/// A file relative to the served folder (`path`), or the model a new session opens (`model`).
struct PathBody: Decodable, Sendable { var path: String?; var model: String? }
struct FitBody: Decodable, Sendable { var method: String?; var maxIterations: Int?; var tolerance: Double? }
struct ScoreBody: Decodable, Sendable { var target: String; var path: String }
struct EvaluateBody: Decodable, Sendable { var target: String; var folds: Int? }

/// `POST /api/learn`: the REPL's `learn [hc|tabu] [score S] [max-parents K] [restarts R] [seed S]`.
struct LearnBody: Decodable, Sendable {
    var algorithm: String?
    var score: String?
    var equivalentSampleSize: Double?
    var maxParents: Int?
    var restarts: Int?
    var seed: UInt64?

    func settings() throws -> LearningTasks.LearnSettings {
        var s = LearningTasks.LearnSettings()
        if let a = algorithm { s.algorithm = try LearningTasks.SearchAlgorithm(parsing: a) }
        if let name = score { s.score = try LearningTasks.structureScore(name, ess: equivalentSampleSize ?? 1) }
        if let k = maxParents { s.maxParents = k }
        if let r = restarts { s.restarts = r }
        if let seed { s.seed = seed }
        return s
    }
}

/// Every marginal (the form of `credence query --json`) and the session's state.
struct BeliefsAnswer: Encodable, Sendable { var beliefs: QueryResult; var state: SessionState }
/// What an edit, undo or redo did, in the REPL's words, and the session's state.
struct EditAnswer: Encodable, Sendable { var text: String; var state: SessionState }
struct DataAnswer: Encodable, Sendable {
    var path: String; var rows: Int; var columns: Int; var missingCells: Int; var notes: [String]; var state: SessionState
}
struct ScoreAnswer: Encodable, Sendable { var rows: Int; var path: String; var impossibleRows: Int }
/// The picture of `credence render --json` and its SVG drawing.
struct PictureDocument: Encodable, Sendable { var picture: NetworkPicture; var svg: String }
