import BNCore
import Foundation
import Testing
import Workbench
@testable import WorkbenchHTTP
#if canImport(Glibc)
import Glibc
#endif

@Suite("credence serve: access, the served folder, limits")
struct SecurityTests {
    @Test func everyAPICallNeedsTheToken() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        for (method, path) in [("GET", "/api/models"), ("POST", "/api/sessions"), ("POST", "/api/query"), ("GET", "/api/state"),
                               ("POST", "/api/edit"), ("GET", "/api/download"), ("POST", "/api/data/upload")] {
            let none = await f.call(method, path, json: "{}", token: nil)
            #expect(none.status == 401, "\(method) \(path) without a token")
            #expect(none.body.contains("access token"))
            let wrong = await f.call(method, path, json: "{}", token: "not-the-token")
            #expect(wrong.status == 401, "\(method) \(path) with a wrong token")
        }
        #expect(await f.call("GET", "/api/models").status == 200)
        // The token as a parameter, as in the printed URL.
        #expect(await f.call("GET", "/api/models", query: ["token": Fixture.token], token: nil).status == 200)
        // The page itself holds no data and needs none.
        #expect(await f.call("GET", "/", token: nil).status == 200)
    }

    @Test func stateChangingCallsCheckOriginAndHost() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        let s = try await f.openSession()
        let foreign = await f.call("POST", "/api/evidence", json: #"{"observe": {"smoke": "yes"}}"#, session: s,
                                   headers: ["Origin": "http://evil.example", "Host": "127.0.0.1:8750"])
        #expect(foreign.status == 403)
        #expect(foreign.body.contains("Origin"))
        let own = await f.call("POST", "/api/evidence", json: #"{"observe": {"smoke": "yes"}}"#, session: s,
                               headers: ["Origin": "http://127.0.0.1:8750", "Host": "127.0.0.1:8750"])
        #expect(own.status == 200)
        // A page of another port of this machine is another origin.
        let otherPort = await f.call("POST", "/api/undo", session: s, headers: ["Origin": "http://127.0.0.1:9999", "Host": "127.0.0.1:8750"])
        #expect(otherPort.status == 403)
        // DNS rebinding: a foreign Host name is refused even with the token.
        let rebound = await f.call("GET", "/api/state", session: s, headers: ["Host": "attacker.example:8750"])
        #expect(rebound.status == 403)
    }

    @Test func noFileOutsideTheServedFolder() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        let outside = NSTemporaryDirectory() + "credence-outside-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.copyItem(atPath: f.folder + "/asia.bif", toPath: outside + "/secret.bif")
        try "a,b\n1,2\n".write(toFile: outside + "/secret.csv", atomically: true, encoding: .utf8)
        // Links inside the folder that lead out of it.
        try FileManager.default.createSymbolicLink(atPath: f.folder + "/link.bif", withDestinationPath: outside + "/secret.bif")
        try FileManager.default.createSymbolicLink(atPath: f.folder + "/out", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: f.folder + "/link.bn", withDestinationPath: outside + "/written.bn")

        for model in ["../" + (outside as NSString).lastPathComponent + "/secret.bif", outside + "/secret.bif", "/etc/passwd",
                      "link.bif", "out/secret.bif", "~/secret.bif", "a/../../secret.bif"] {
            let r = await f.call("POST", "/api/sessions", json: #"{"model": "\#(model)"}"#)
            #expect(r.status == 403 || r.status == 404, "opening \(model): \(r.status)")
        }
        let s = try await f.openSession()
        for path in ["../escape.bn", outside + "/escape.bn", "out/escape.bn", "link.bn"] {
            let r = await f.call("POST", "/api/save", json: #"{"path": "\#(path)"}"#, session: s)
            #expect(r.status == 403 || r.status == 404, "saving to \(path): \(r.status)")
        }
        #expect(!FileManager.default.fileExists(atPath: outside + "/escape.bn"))
        #expect(!FileManager.default.fileExists(atPath: outside + "/written.bn"))
        for path in ["out/secret.csv", outside + "/secret.csv", "../secret.csv"] {
            let r = await f.call("POST", "/api/data/load", json: #"{"path": "\#(path)"}"#, session: s)
            #expect(r.status == 403 || r.status == 404, "loading \(path): \(r.status)")
        }
        let score = await f.call("POST", "/api/score", json: #"{"target": "lung", "path": "out/scores.csv"}"#, session: s)
        #expect(score.status == 403)
        let upload = await f.call("POST", "/api/data/upload", json: "a,b\n", session: s, query: ["name": "../x.csv"])
        #expect(upload.status == 400)
        // The folder listing leaves the links to the outside out.
        #expect(f.api.settings.folder.models() == ["alarm.bif", "asia.bif"])
        // Inside the folder, a subfolder is fine.
        try FileManager.default.createDirectory(atPath: f.folder + "/sub", withIntermediateDirectories: true)
        #expect(await f.call("POST", "/api/save", json: #"{"path": "sub/copy.bif"}"#, session: s).status == 200)
        #expect(FileManager.default.fileExists(atPath: f.folder + "/sub/copy.bif"))
    }

    @Test func bodiesOverTheLimitAreRefused() async throws {
        let f = try Fixture(maxBody: 1000); defer { f.cleanUp() }
        let s = try await f.openSession()
        let big = #"{"targets": ["lung"], "pad": ""# + String(repeating: "x", count: 2000) + "\"}"
        let r = await f.call("POST", "/api/query", json: big, session: s)
        #expect(r.status == 413)
        #expect(r.body.contains("limit"))
        #expect(await f.call("POST", "/api/query", json: #"{"targets": ["lung"]}"#, session: s).status == 200)
    }

    @Test func aQueryOverTheMemoryBudgetIsA4xxAndTheServerGoesOn() async throws {
        let f = try Fixture(budget: MemoryBudget(bytes: 2048)); defer { f.cleanUp() }
        let r = await f.call("POST", "/api/sessions", json: #"{"model": "alarm.bif"}"#)
        #expect(r.status == 200)
        let s = try #require(r.json["session"] as? String)
        let q = await f.call("POST", "/api/query", json: #"{"targets": ["HR"]}"#, session: s)
        #expect(q.status == 422)
        #expect(q.body.lowercased().contains("budget"))
        // The same session and the server go on answering.
        #expect(await f.call("GET", "/api/state", session: s).status == 200)
        #expect(await f.call("GET", "/api/models").status == 200)
    }

    @Test func malformedBodiesSayWhatIsWrong() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        let s = try await f.openSession()
        let notJSON = await f.call("POST", "/api/query", json: "{targets", session: s)
        #expect(notJSON.status == 400)
        let wrongType = await f.call("POST", "/api/query", json: #"{"targets": "lung"}"#, session: s)
        #expect(wrongType.status == 400)
        #expect(wrongType.body.contains("'targets' should be an array"))
        let edit = await f.call("POST", "/api/edit", json: #"{"edit": "paint"}"#, session: s)
        #expect(edit.status == 400)
        #expect(edit.body.contains("add-variable"))
        #expect(await f.call("GET", "/api/state", session: "no-such-session").status == 404)
        #expect(await f.call("GET", "/api/nothing", session: s).status == 404)
    }

    @Test func sessionsBeyondTheLimitEvictTheLeastRecentlyUsed() async throws {
        let f = try Fixture(maxSessions: 2); defer { f.cleanUp() }
        let a = try await f.openSession(), b = try await f.openSession()
        _ = await f.call("GET", "/api/state", session: a)   // a is now the most recently used
        _ = try await f.openSession()
        #expect(await f.call("GET", "/api/state", session: a).status == 200)
        #expect(await f.call("GET", "/api/state", session: b).status == 404)
    }
}

@Suite("credence serve: the server on a socket")
struct ServerSocketTests {
    /// Starts a server on a free port with a 1 s request timeout.
    func start(_ f: Fixture) async throws -> (WorkbenchServer, Int, Task<Void, Error>) {
        var settings = f.api.settings
        settings.port = 0
        settings.requestTimeout = 1
        settings.maxBodyBytes = 1000
        let server = try WorkbenchServer(api: WorkbenchAPI(settings: settings))
        let task = Task { try await server.run() }
        // The whole suite runs in parallel and can hold the cooperative pool for minutes
        // (a full run on a loaded machine saw the listening task start after FlyingFox's default 5 s had passed).
        let port = try await server.waitUntilListening(timeout: 240)
        return (server, port, task)
    }

    /// `blockingExchange` on a thread of its own: a blocking `recv` on the cooperative pool
    /// would starve the server under test of the threads it runs on.
    func exchange(port: Int, _ bytes: String, seconds: Double) async -> (text: String, closedAfter: Double?) {
        await withCheckedContinuation { c in
            Thread.detachNewThread { c.resume(returning: Self.blockingExchange(port: port, bytes, seconds: seconds)) }
        }
    }

    /// Connects to the port, sends `bytes`, and reads until the server closes or `seconds` pass.
    static func blockingExchange(port: Int, _ bytes: String, seconds: Double) -> (text: String, closedAfter: Double?) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { return ("", nil) }
        var tv = timeval(tv_sec: Int(seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if !bytes.isEmpty { _ = bytes.withCString { send(fd, $0, strlen($0), 0) } }
        let start = Date()
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 { out += buffer[0..<n]; continue }
            return (String(decoding: out, as: UTF8.self), n == 0 ? Date().timeIntervalSince(start) : nil)
        }
    }

    @Test func silentAndSlowClientsTimeOutAndOversizedBodiesAreRefusedUnread() async throws {
        let f = try Fixture(); defer { f.cleanUp() }
        let (server, port, task) = try await start(f)
        defer { task.cancel() }
        // A client that connects and says nothing is disconnected by the server after the
        // timeout (1 s). What is checked is that the server closes the connection (recv sees
        // end of stream), not how soon: the whole test suite runs in parallel, and the
        // server's timer shares the cooperative pool with suites that hold its threads for
        // tens of seconds (CI once saw 23 s). The client gives up only after 240 s.
        let silent = await exchange(port: port, "", seconds: 240)
        #expect(silent.closedAfter != nil, "the server never closed a silent connection")
        // A client that sends half a request line and stops, likewise.
        let slow = await exchange(port: port, "GET /api/models HTTP/1.1\r\nHost: 127.0.0", seconds: 240)
        #expect(slow.closedAfter != nil, "the server never closed a half-sent request")
        // A body announced over the limit is refused before it is sent.
        let big = await exchange(port: port, "POST /api/query HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(Fixture.token)\r\nContent-Length: 50000000\r\n\r\n{", seconds: 240)
        #expect(big.text.hasPrefix("HTTP/1.1 413"))
        // A chunked body has no length to check first: it is cut off once past the limit.
        let chunk = String(repeating: "x", count: 2000)
        let chunked = await exchange(port: port, "POST /api/query HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(Fixture.token)\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n\(chunk)\r\n0\r\n\r\n", seconds: 240)
        #expect(chunked.text.hasPrefix("HTTP/1.1 413"))
        // A complete request is answered, and a wrong token is 401 on the wire too.
        let good = await exchange(port: port, "GET /api/models HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(Fixture.token)\r\nConnection: close\r\n\r\n", seconds: 240)
        #expect(good.text.hasPrefix("HTTP/1.1 200"))
        #expect(good.text.contains("asia.bif"))
        let denied = await exchange(port: port, "GET /api/models HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n", seconds: 240)
        #expect(denied.text.hasPrefix("HTTP/1.1 401"))
        // An event stream goes out with chunked transfer encoding (token and session in the
        // query, as the page's EventSource sends them); with no fit running it is one event.
        let opened = await exchange(port: port, "POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(Fixture.token)\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", seconds: 240)
        let session = try #require(opened.text.firstMatch(of: /"session":"([^"]+)"/)?.1)
        let events = await exchange(port: port, "GET /api/fit/events?token=\(Fixture.token)&session=\(session) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n", seconds: 240)
        #expect(events.text.hasPrefix("HTTP/1.1 200"))
        #expect(events.text.lowercased().contains("transfer-encoding: chunked"))
        #expect(events.text.contains("text/event-stream"))
        #expect(events.text.contains("event: status\ndata: {\"iteration\":0"))
        #expect(events.text.hasSuffix("0\r\n\r\n"))
        await server.stop()
    }

    @Test func loopbackIsTheDefaultAndOtherHostsAreFlagged() {
        #expect(ServeSettings.isLoopback("127.0.0.1"))
        #expect(ServeSettings.isLoopback("::1"))
        #expect(!ServeSettings.isLoopback("0.0.0.0"))
        #expect(!ServeSettings.isLoopback("192.0.2.1"))
        let s = ServeSettings(folder: try! ServedFolder(NSTemporaryDirectory()), model: nil)
        #expect(s.host == "127.0.0.1")
        #expect(s.token.count == 32)
        #expect(s.url(port: 8750).hasPrefix("http://127.0.0.1:8750/?token="))
    }
}

@Suite("credence serve: the request timeout")
struct RequestDeadlineTests {
    @Test("a handler past the request timeout is answered 503 with a message; one within it, with its answer")
    func deadline() async throws {
        let slow = await WorkbenchServer.Adapter.withDeadline(0.05) {
            try? await Task.sleep(nanoseconds: 5_000_000_000)
            return .error(.badRequest("too late"))
        }
        #expect(slow == nil)
        let fast = await WorkbenchServer.Adapter.withDeadline(60) { .error(.conflict("in time")) }
        #expect(fast?.status == 409)
        #expect(WorkbenchServer.Adapter.seconds(2) == "2 s" && WorkbenchServer.Adapter.seconds(1.5) == "1.5 s")
        #expect(WorkbenchServer.Adapter.phrase(503) == "Service Unavailable")
    }
}
