import BNCore
import BNFormats
import Foundation
import Workbench

/// The web workbench's HTTP API, independent of the server library: `handle(_:)` takes a
/// request and returns the response. Every route is a thin adapter over the operation layer
/// (`Session`, `QueryService`, `CommandRunner`, `NetworkPicture`, `LearningTasks`), and every
/// result is the one JSON form of `JSONDocument`, the same as `credence … --json`.
/// docs/http.md lists the routes; docs/openapi.yaml describes them.
///
/// Security: the page and its files are served to anyone who can reach the port (they hold
/// no data); every `/api/` call needs the token and passes `AccessControl`. Files are named
/// relative to the served folder and checked by `ServedFolder`. Bodies over the limits are
/// refused with 413 before they are read (the server adapter checks `Content-Length`).
/// Session work runs on each session's own queue under the memory budget, so a query over
/// the budget is a 422 and the server keeps serving.
public final class WorkbenchAPI: @unchecked Sendable {
    public let settings: ServeSettings
    let sessions: SessionRegistry
    private let lock = NSLock()
    private var access: AccessControl

    public init(settings: ServeSettings) {
        self.settings = settings
        self.sessions = SessionRegistry(limit: settings.maxSessions)
        self.access = AccessControl(token: settings.token, bindHost: settings.host, port: settings.port)
    }

    /// The port the server listens on, once known (with port 0, the one the system chose).
    public func listening(on port: Int) {
        lock.withLock { access = AccessControl(token: settings.token, bindHost: settings.host, port: port) }
    }

    /// The largest body accepted for `method path` (an upload, or a JSON document).
    public func bodyLimit(path: String) -> Int {
        path == "/api/data/upload" ? settings.maxUploadBytes : settings.maxBodyBytes
    }

    /// Answers one request; never throws (errors become `{"error": …}` with their status).
    public func handle(_ request: APIRequest) async -> APIResponse {
        do {
            if !request.path.hasPrefix("/api/") { return try StaticPage.response(for: request) }
            try lock.withLock { access }.check(request)
            let limit = bodyLimit(path: request.path)
            if request.body.count > limit {
                throw WorkbenchHTTPError.tooLarge("the request body is \(request.body.count) bytes; the limit is \(limit)")
            }
            return try await route(request)
        } catch let e as WorkbenchHTTPError {
            return APIResponse.error(e)
        } catch {
            return APIResponse.error(Self.classify(error))
        }
    }

    /// The status of an error of the operation layer: unknown names, bad findings, cycles,
    /// tables that do not sum to 1, a query over the memory budget: 422, with the layer's message.
    static func classify(_ error: Error) -> WorkbenchHTTPError {
        if let e = error as? WorkbenchHTTPError { return e }
        if let e = error as? CommandFailure { return .unprocessable(e.message) }
        return .unprocessable(String(describing: error))
    }

    public func closeAll() { sessions.closeAll() }

    // MARK: routing

    private func route(_ r: APIRequest) async throws -> APIResponse {
        switch (r.method, r.path) {
        case ("GET", "/api/models"): return try models()
        case ("POST", "/api/sessions"): return try await openSession(r)
        default: break
        }
        let s = try session(of: r)
        let budget = settings.memoryBudget
        func run(_ body: @escaping @Sendable (WebSession) throws -> APIResponse) async throws -> APIResponse {
            try await s.perform(budget: budget, body)
        }
        switch (r.method, r.path) {
        case ("DELETE", "/api/sessions"):
            _ = sessions.remove(s.id); s.close()
            return try .json(["closed": s.id])
        case ("GET", "/api/state"): return try await run { try .json($0.session.state) }
        case ("GET", "/api/summary"): return try await run { try .json(NetworkSummary($0.session.network)) }
        case ("GET", "/api/picture"):
            let compact = r.query["compact"].map { $0 == "true" || $0 == "1" }
            return try await run { w in
                let picture = try NetworkPicture(network: w.session.network, request: RenderRequest(findings: w.session.findings, compact: compact),
                                                 service: w.session.queryService)
                return try .json(PictureDocument(picture: picture, svg: picture.svg()))
            }
        case ("GET", "/api/beliefs"): return try await run { try .json(Self.beliefs(of: $0.session)) }
        case ("POST", "/api/evidence"):
            let change = try r.decode(EvidenceChange.self)
            return try await run { w in try change.apply(to: w.session); return try .json(Self.beliefs(of: w.session)) }
        case ("POST", "/api/query"):
            let q = try r.decode(QueryBody.self)
            return try await run { w in
                let request = QueryRequest(targets: q.targets ?? [], findings: q.findings)
                if q.mpe == true || q.map == true { return try .json(try w.session.queryService.explain(request, mapOverTargets: q.map == true)) }
                return try .json(try w.session.queryService.answer(request))
            }
        case ("GET", "/api/mpe"): return try await run { try .json(try $0.session.mostProbableExplanation()) }
        case ("POST", "/api/explain"):
            let e = try r.decode(ExplainBody.self)
            return try await run { try .json(try $0.session.explain(target: e.target, state: e.state, top: e.top ?? 10), nonFinite: .signedStrings) }
        case ("GET", "/api/scenarios"): return try await run { try .json($0.session.state.scenarios) }
        case ("POST", "/api/scenarios"):
            let n = try r.decode(NameBody.self)
            return try await run { w in _ = try w.runner.execute(.scenario(.save(n.name))); return try .json(w.session.state) }
        case ("POST", "/api/scenarios/load"):
            let n = try r.decode(NameBody.self)
            return try await run { w in _ = try w.runner.execute(.scenario(.load(n.name))); return try .json(Self.beliefs(of: w.session)) }
        case ("POST", "/api/scenarios/compare"):
            let c = try r.decode(CompareBody.self)
            return try await run { try .json(try $0.session.compareScenarios(target: c.target, names: c.scenarios)) }
        case ("GET", "/api/cpt"):
            guard let v = r.query["variable"] else { throw WorkbenchHTTPError.badRequest("name the variable: /api/cpt?variable=NAME") }
            return try await run { try .json(try CPTView($0.session.network, variable: v)) }
        case ("POST", "/api/edit"), ("POST", "/api/undo"), ("POST", "/api/redo"):   // the REPL's command and its words
            let command: Command = r.path == "/api/edit" ? .edit(try r.decode(ModelEdit.self)) : (r.path == "/api/undo" ? .undo : .redo)
            return try await run { w in try .json(EditAnswer(text: try w.runner.execute(command).text, state: w.session.state)) }
        case ("POST", "/api/save"):
            let p = try r.decode(PathBody.self)
            let target = try p.path.map { try settings.folder.writablePath($0) }
            return try await run { w in
                guard target != nil || w.session.path != nil else { throw WorkbenchHTTPError.badRequest("this model has no file yet: give a path") }
                try w.session.save(to: target)
                return try .json(w.session.state)
            }
        case ("GET", "/api/download"):
            let name = r.query["format"] ?? "bn"
            guard let format = ModelFormat(rawValue: name), [.bn, .bif, .net, .uai].contains(format) else {
                throw WorkbenchHTTPError.badRequest("format must be bn, bif, net or uai, not '\(name)'")
            }
            return try await run { w in
                let file = Self.safeFileName(w.session.network.name) + "." + format.rawValue
                return APIResponse(contentType: "text/plain; charset=utf-8", headers: ["Content-Disposition": "attachment; filename=\"\(file)\""],
                                   body: Data(try ModelIO.text(w.session.network, format: format).utf8))
            }
        case ("POST", "/api/data/upload"):
            guard let name = r.query["name"], name.lowercased().hasSuffix(".csv"), !name.contains("/") else {
                throw WorkbenchHTTPError.badRequest("name the upload: /api/data/upload?name=FILE.csv (a .csv file name, no folder)")
            }
            guard !r.body.isEmpty else { throw WorkbenchHTTPError.badRequest("the upload \(name) is empty") }
            let path = try settings.folder.writablePath("uploads/" + name, creatingFolder: true)
            let body = r.body
            return try await run { w in
                try AtomicFile.write(String(decoding: body, as: UTF8.self), to: path)
                return try .json(try Self.loadData(w.session, path))
            }
        case ("POST", "/api/data/load"):
            let p = try r.decode(PathBody.self)
            guard let rel = p.path else { throw WorkbenchHTTPError.badRequest("missing field 'path'") }
            let path = try settings.folder.existingFile(rel)
            return try await run { try .json(try Self.loadData($0.session, path)) }
        case ("POST", "/api/fit"):
            let f = try r.decode(FitBody.self)
            let name = f.method ?? "em"
            let method: LearningTasks.FitMethod
            do { method = try LearningTasks.FitMethod(parsing: name) } catch { throw WorkbenchHTTPError.badRequest("\(error)") }
            let iterations = f.maxIterations ?? 100, tolerance = f.tolerance ?? 1e-5
            let token = CancellationToken()
            guard s.fit.begin(method: name, maxIterations: iterations, token: token) else {
                throw WorkbenchHTTPError.conflict("a fit is already running in this session")
            }
            s.start(budget: budget) { w in
                let outcome = Result { try w.session.fit(method: method, maxIterations: iterations, tolerance: tolerance, cancellation: token, progress: { w.fit.progress($0, $1) }) }
                w.fit.end(outcome, cancelled: token.isCancelled)
            }
            return try .json(s.fit.current, status: 202)
        case ("GET", "/api/fit"): return try .json(s.fit.current)
        case ("GET", "/api/fit/events"): return .eventStream(s.fit.events())
        case ("POST", "/api/fit/cancel"): return try .json(["cancelled": s.fit.cancel()])
        case ("POST", "/api/learn"):
            let settings = try r.decode(LearnBody.self).settings()
            return try await run { w in try .json(try w.session.learn(settings)) }
        case ("POST", "/api/score"):
            let b = try r.decode(ScoreBody.self)
            let path = try settings.folder.writablePath(b.path)
            return try await run { w in
                let (n, impossible) = try w.session.score(target: b.target, to: path)
                return try .json(ScoreAnswer(rows: n, path: b.path, impossibleRows: impossible.count))
            }
        case ("POST", "/api/evaluate"):
            let b = try r.decode(EvaluateBody.self)
            return try await run { try .json(try $0.session.evaluate(target: b.target, folds: b.folds)) }
        default:
            throw WorkbenchHTTPError.notFound("no route \(r.method) \(r.path); docs/http.md lists them")
        }
    }

    private func session(of r: APIRequest) throws -> WebSession {
        guard let id = r.header("x-credence-session") ?? r.query["session"] else {
            throw WorkbenchHTTPError.badRequest("name the session: header X-Credence-Session (from POST /api/sessions)")
        }
        guard let s = sessions.get(id) else {
            throw WorkbenchHTTPError.notFound("no session '\(id)' (closed, or the server restarted): open a new one with POST /api/sessions")
        }
        return s
    }

    private func models() throws -> APIResponse {
        struct Models: Encodable { var folder: String; var models: [String]; var model: String? }
        return try .json(Models(folder: settings.folder.root, models: settings.folder.models(), model: settings.model))
    }

    private func openSession(_ r: APIRequest) async throws -> APIResponse {
        let body = try r.decode(PathBody.self)
        guard let model = body.model ?? settings.model else {
            throw WorkbenchHTTPError.badRequest("name the model to open: {\"model\": FILE} (GET /api/models lists them)")
        }
        let path = try settings.folder.existingFile(model)
        let id = ServeSettings.randomToken()
        let session = Session(baseDirectory: settings.folder.root, journaling: true)
        let web = WebSession(id: id, session: session)
        try await web.perform(budget: settings.memoryBudget) { w in try w.session.load(path: path) }
        try sessions.add(web)
        struct Opened: Encodable { var session: String; var model: String; var state: SessionState; var summary: NetworkSummary }
        return try await web.perform(budget: settings.memoryBudget) { w in
            try .json(Opened(session: id, model: model, state: w.session.state, summary: NetworkSummary(w.session.network)))
        }
    }

    // MARK: pieces

    /// Every marginal under the session's findings, with its state.
    static func beliefs(of s: Session) throws -> BeliefsAnswer {
        BeliefsAnswer(beliefs: try s.queryService.beliefs(under: s.findings), state: s.state)
    }

    static func loadData(_ s: Session, _ path: String) throws -> DataAnswer {
        let (d, notes) = try s.loadData(path: path)
        return DataAnswer(path: path, rows: d.rowCount, columns: d.columnCount, missingCells: d.missingCount, notes: notes, state: s.state)
    }

    /// A model name as a download's file name (letters, digits, `-`, `_`, `.`).
    static func safeFileName(_ name: String) -> String {
        let s = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
        return s.isEmpty ? "model" : s
    }
}
