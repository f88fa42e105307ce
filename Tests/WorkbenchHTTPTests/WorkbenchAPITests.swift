import BNCore
import BNFormats
import Foundation
import Testing
import Workbench
@testable import WorkbenchHTTP

/// The shared benchmark networks, found from this file's path.
let sharedNetworks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("../shared/networks").standardized.path

/// A served folder in a fresh temporary directory with copies of asia and alarm, and an API on it.
struct Fixture {
    let folder: String
    let api: WorkbenchAPI
    static let token = "test-token-0123456789abcdef"

    init(budget: MemoryBudget? = nil, maxBody: Int = 1 << 20, maxSessions: Int = 32) throws {
        folder = NSTemporaryDirectory() + "credence-http-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["asia.bif", "alarm.bif"] {
            try FileManager.default.copyItem(atPath: sharedNetworks + "/" + name, toPath: folder + "/" + name)
        }
        var settings = ServeSettings(folder: try ServedFolder(folder), model: "asia.bif", port: 8750, token: Self.token,
                                     maxBodyBytes: maxBody, maxSessions: maxSessions)
        if let budget { settings.memoryBudget = budget }
        api = WorkbenchAPI(settings: settings)
    }

    func cleanUp() {
        api.closeAll()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A request with the token and the session (when given).
    func call(_ method: String, _ path: String, json: String? = nil, session: String? = nil, query: [String: String] = [:],
              headers: [String: String] = [:], token: String? = Fixture.token) async -> (status: Int, json: [String: Any], body: String) {
        var h = headers
        if let token { h["Authorization"] = "Bearer \(token)" }
        if let session { h["X-Credence-Session"] = session }
        let r = await api.handle(APIRequest(method: method, path: path, query: query, headers: h, body: Data((json ?? "").utf8)))
        let text = String(decoding: r.body, as: UTF8.self)
        let object = (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any] ?? [:]
        return (r.status, object, text)
    }

    func openSession(_ model: String = "asia.bif") async throws -> String {
        let r = await call("POST", "/api/sessions", json: #"{"model": "\#(model)"}"#)
        try #require(r.status == 200, "open session: \(r.body)")
        return try #require(r.json["session"] as? String)
    }
}

@Suite("credence serve: the JSON API")
struct WorkbenchAPITests {
    @Test func queryAnswersWhatTheCommandLinePrints() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        let s = try await f.openSession()
        let r = await f.call("POST", "/api/query", json: #"{"targets": ["lung"], "evidence": {"smoke": "yes"}}"#, session: s)
        #expect(r.status == 200)
        // The same document as `credence query asia.bif lung --evidence smoke=yes --json` (compact).
        let network = try ModelIO.load(path: f.folder + "/asia.bif")
        let cli = try QueryService(network: network).answer(QueryRequest(targets: ["lung"], findings: FindingSet(evidence: ["smoke": "yes"])))
        #expect(r.body == (try JSONDocument.encode(cli, pretty: false)))
        let p = ((r.json["marginals"] as? [[String: Any]])?.first?["probabilities"] as? [Double])?.first
        #expect(abs((p ?? 0) - 0.1) < 1e-12)
        // do(): an intervention on dysp leaves smoke at its prior.
        let d = await f.call("POST", "/api/query", json: #"{"targets": ["smoke"], "do": {"dysp": "yes"}}"#, session: s)
        let ps = ((d.json["marginals"] as? [[String: Any]])?.first?["probabilities"] as? [Double])?.first
        #expect(abs((ps ?? 0) - 0.5) < 1e-12)
        // MPE, as --mpe.
        let m = await f.call("POST", "/api/query", json: #"{"mpe": true, "evidence": {"dysp": "yes"}}"#, session: s)
        #expect(m.json["kind"] as? String == "MPE")
        #expect((m.json["assignment"] as? [String: String])?["dysp"] == "yes")
    }

    @Test func evidenceScenariosAndExplainInOneSession() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        let s = try await f.openSession()
        let observed = await f.call("POST", "/api/evidence", json: #"{"observe": {"smoke": "yes"}}"#, session: s)
        #expect(observed.status == 200)
        let beliefs = try #require((observed.json["beliefs"] as? [String: Any])?["marginals"] as? [[String: Any]])
        #expect(beliefs.count == 8)
        let lung = try #require(beliefs.first { $0["variable"] as? String == "lung" })
        #expect(abs(((lung["probabilities"] as? [Double])?[0] ?? 0) - 0.1) < 1e-12)
        #expect(await f.call("POST", "/api/scenarios", json: #"{"name": "smoker"}"#, session: s).status == 200)
        _ = await f.call("POST", "/api/evidence", json: #"{"observe": {"smoke": "no"}}"#, session: s)
        #expect(await f.call("POST", "/api/scenarios", json: #"{"name": "non-smoker"}"#, session: s).status == 200)
        let c = await f.call("POST", "/api/scenarios/compare", json: #"{"target": "lung", "scenarios": ["smoker", "non-smoker"]}"#, session: s)
        let columns = try #require(c.json["columns"] as? [[String: Any]])
        #expect(columns.map { $0["scenario"] as? String } == ["smoker", "non-smoker"])
        #expect(abs(((columns[1]["probabilities"] as? [Double])?[0] ?? 0) - 0.01) < 1e-12)
        let x = await f.call("POST", "/api/explain", json: #"{"target": "lung"}"#, session: s)
        #expect(x.status == 200)
        #expect(x.json["target"] as? String == "lung")
        #expect((x.json["impacts"] as? [Any])?.count == 1)
        // A second tab has a session of its own: no findings, no scenarios.
        let other = try await f.openSession()
        let st = await f.call("GET", "/api/state", session: other)
        #expect(st.json["findingsText"] as? String == "(none)")
        #expect((st.json["scenarios"] as? [Any])?.isEmpty == true)
        // Bad names are 422 with the operation layer's words.
        let bad = await f.call("POST", "/api/evidence", json: #"{"observe": {"smoke": "maybe"}}"#, session: s)
        #expect(bad.status == 422)
        #expect(bad.body.contains("maybe"))
    }

    @Test func editsUndoRedoSaveAndDownload() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        let s = try await f.openSession()
        let cpt = await f.call("GET", "/api/cpt", session: s, query: ["variable": "lung"])
        #expect((cpt.json["rows"] as? [[String: Any]])?.count == 2)
        let invalid = await f.call("POST", "/api/edit", json: #"{"edit": "set-cpt", "variable": "lung", "parentStates": ["yes"], "probabilities": [0.5, 0.9]}"#, session: s)
        #expect(invalid.status == 422)
        #expect(invalid.body.contains("sums to 1.4"))
        let edit = await f.call("POST", "/api/edit", json: #"{"edit": "set-cpt", "variable": "lung", "parentStates": ["yes"], "probabilities": [0.3, 0.7]}"#, session: s)
        #expect(edit.status == 200)
        #expect(edit.json["text"] as? String == "set P(lung | yes)")
        let q = await f.call("POST", "/api/query", json: #"{"targets": ["lung"]}"#, session: s)
        #expect(abs((((q.json["marginals"] as? [[String: Any]])?[0]["probabilities"] as? [Double])?[0] ?? 0) - 0.155) < 1e-12)
        let arc = await f.call("POST", "/api/edit", json: #"{"edit": "add-arc", "from": "dysp", "to": "smoke"}"#, session: s)
        #expect(arc.status == 422)   // a cycle
        #expect(await f.call("POST", "/api/undo", session: s).json["text"] as? String == "undone")
        let back = await f.call("POST", "/api/query", json: #"{"targets": ["lung"]}"#, session: s)
        #expect(abs((((back.json["marginals"] as? [[String: Any]])?[0]["probabilities"] as? [Double])?[0] ?? 0) - 0.055) < 1e-12)
        #expect(await f.call("POST", "/api/redo", session: s).json["text"] as? String == "redone")
        // The edit is journalled next to the model, as the REPL's are.
        let journals = try FileManager.default.contentsOfDirectory(atPath: f.folder).filter { $0.hasSuffix(".credence-journal") }
        #expect(journals.count == 1)
        let saved = await f.call("POST", "/api/save", json: #"{"path": "asia-edited.bn"}"#, session: s)
        #expect(saved.status == 200)
        #expect(try ModelIO.load(path: f.folder + "/asia-edited.bn").count == 8)
        let bif = await f.call("GET", "/api/download", session: s, query: ["format": "bif"])
        #expect(bif.status == 200)
        #expect(bif.body.contains("probability ( lung | smoke )"))
    }

    @Test func uploadFitWithProgressLearnScoreEvaluate() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        let s = try await f.openSession()
        let net = try ModelIO.load(path: f.folder + "/asia.bif")
        let data = try LearningTasks.sample(net, rows: 1500, seed: 3, missing: 0.2, dropLatent: false)
        let csv = CSVWriter.string(data)
        let up = await f.api.handle(APIRequest(method: "POST", path: "/api/data/upload", query: ["name": "asia.csv"],
                                               headers: ["Authorization": "Bearer \(Fixture.token)", "X-Credence-Session": s], body: Data(csv.utf8)))
        let upJSON = try #require(try JSONSerialization.jsonObject(with: up.body) as? [String: Any])
        #expect(up.status == 200)
        #expect(upJSON["rows"] as? Int == 1500)
        #expect(FileManager.default.fileExists(atPath: f.folder + "/uploads/asia.csv"))
        let wrong = await f.call("POST", "/api/fit", json: #"{"method": "newton"}"#, session: s)
        #expect(wrong.status == 400 && wrong.body.contains("method must be mle, bayes or em, got 'newton'"))
        let started = await f.call("POST", "/api/fit", json: #"{"method": "em"}"#, session: s)
        #expect(started.status == 202)
        var status: [String: Any] = [:]
        for _ in 0..<600 {
            status = await f.call("GET", "/api/fit", session: s).json
            if status["state"] as? String != "running" { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        #expect(status["state"] as? String == "done")
        let iterations = ((status["report"] as? [String: Any])?["em"] as? [String: Any])?["iterations"] as? Int ?? 0
        #expect(iterations > 1)
        #expect((status["logLikelihoods"] as? [Any])?.count == iterations)
        #expect(await f.call("GET", "/api/state", session: s).json["canUndo"] as? Bool == true)
        let ev = await f.call("POST", "/api/evaluate", json: #"{"target": "lung"}"#, session: s)
        #expect(ev.status == 200)
        #expect(ev.json["rows"] as? Int == 1500)
        let sc = await f.call("POST", "/api/score", json: #"{"target": "lung", "path": "scored.csv"}"#, session: s)
        #expect(sc.json["rows"] as? Int == 1500)
        #expect(FileManager.default.fileExists(atPath: f.folder + "/scored.csv"))
        let learned = await f.call("POST", "/api/learn", json: #"{"score": "bic"}"#, session: s)
        #expect(learned.status == 200)
        #expect((learned.json["edges"] as? [Any])?.isEmpty == false)
    }

    /// `GET /api/fit/events`: a `status` event, one `progress` event per EM iteration, and the
    /// final `done` event; together they carry every iteration once, in order, and the
    /// final log-likelihoods are the report's. After the fit, the stream is `status` alone.
    @Test func fitProgressArrivesAsServerSentEvents() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        let s = try await f.openSession()
        let net = try ModelIO.load(path: f.folder + "/asia.bif")
        let data = try LearningTasks.sample(net, rows: 3000, seed: 5, missing: 0.3, dropLatent: false)
        try CSVWriter.string(data).write(toFile: f.folder + "/asia-gaps.csv", atomically: true, encoding: .utf8)
        #expect(await f.call("POST", "/api/data/load", json: #"{"path": "asia-gaps.csv"}"#, session: s).status == 200)
        #expect(await f.call("POST", "/api/fit", json: #"{"method": "em", "tolerance": 0, "maxIterations": 25}"#, session: s).status == 202)
        let headers = ["Authorization": "Bearer \(Fixture.token)", "X-Credence-Session": s]
        let r = await f.api.handle(APIRequest(method: "GET", path: "/api/fit/events", headers: headers))
        #expect(r.status == 200 && r.contentType == "text/event-stream")
        let stream = try #require(r.stream)
        var events: [(name: String, data: [String: Any])] = []
        for await chunk in stream { events += try Self.parseEvents(chunk) }
        try #require(events.count >= 2)
        #expect(events.first?.name == "status")
        #expect(events.last?.name == "done")
        let done = events.last!.data
        let final = try #require(done["logLikelihoods"] as? [Double])
        let report = try #require(done["report"] as? [String: Any])
        #expect(((report["em"] as? [String: Any])?["iterations"] as? Int) == final.count)
        // The snapshot's iterations and then each progress event: every iteration, in order, once.
        var seen = (events.first!.data["logLikelihoods"] as? [Double]) ?? []
        for e in events.dropFirst().dropLast() {
            #expect(e.name == "progress")
            #expect(e.data["iteration"] as? Int == seen.count)   // EM numbers its iterations from 0
            seen.append(e.data["logLikelihood"] as? Double ?? .nan)
        }
        #expect(seen == final)
        #expect(final.count > 2 && final.last! >= final.first!)
        // Once the fit has ended, a new stream is the status alone, and ends.
        let after = await f.api.handle(APIRequest(method: "GET", path: "/api/fit/events", headers: headers))
        var tail: [(name: String, data: [String: Any])] = []
        for await chunk in try #require(after.stream) { tail += try Self.parseEvents(chunk) }
        #expect(tail.map(\.name) == ["status"])
        #expect(tail.first?.data["state"] as? String == "done")
    }

    /// `event: NAME` / `data: JSON` blocks separated by blank lines.
    static func parseEvents(_ chunk: Data) throws -> [(name: String, data: [String: Any])] {
        try String(decoding: chunk, as: UTF8.self).components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
            let lines = block.split(separator: "\n")
            let name = try #require(lines.first { $0.hasPrefix("event: ") }).dropFirst(7)
            let data = try #require(lines.first { $0.hasPrefix("data: ") }).dropFirst(6)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
            return (String(name), json)
        }
    }

    /// docs/openapi.yaml and the routes agree: every documented method and path is routed.
    @Test func everyDocumentedRouteIsServed() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        let s = try await f.openSession()
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let yaml = try String(contentsOf: repo.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var path: String?
        var checked = 0
        for line in yaml.split(separator: "\n").map(String.init) {
            if line.hasPrefix("  /api/"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()); continue }
            let method = line.trimmingCharacters(in: .whitespaces).split(separator: ":").first.map(String.init) ?? ""
            guard let p = path, line.hasPrefix("    "), !line.hasPrefix("     "), ["get", "post", "delete"].contains(method) else { continue }
            let session = p == "/api/sessions" && method == "delete" ? try await f.openSession() : s
            let r = await f.call(method.uppercased(), p, json: "{}", session: session)
            #expect(!r.body.contains("no route"), "\(method) \(p) is documented but not routed")
            checked += 1
        }
        #expect(checked >= 29)
    }
}
