import FlyingFox
import FlyingSocks
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP server of `credence serve`: FlyingFox (swhitty/FlyingFox, an HTTP/1.1 server on
/// Swift concurrency and epoll; chosen over Hummingbird for its build time and memory,
/// docs/http.md) carrying requests to `WorkbenchAPI`. This file is the only one that knows
/// the library: it turns its requests into `APIRequest`s, refuses a body over the limit by its
/// `Content-Length` before reading it (413), and closes connections that wait longer than the
/// request timeout for the client (`IdleTimeoutPool`), so a slow or silent client cannot hold
/// the server.
public final class WorkbenchServer: Sendable {
    public let api: WorkbenchAPI
    let server: HTTPServer

    public init(api: WorkbenchAPI) throws {
        self.api = api
        let s = api.settings
        guard let port = UInt16(exactly: s.port) else { throw WorkbenchHTTPError.badRequest("--port must be 0…65535, got \(s.port)") }
        let host = s.host == "localhost" ? "127.0.0.1" : s.host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let address: any SocketAddress
        do {
            address = host.contains(":") ? try sockaddr_in6.inet6(ip6: host, port: port) : try sockaddr_in.inet(ip4: host, port: port)
        } catch {
            throw WorkbenchHTTPError.badRequest("--host \(s.host) is not an IPv4 or IPv6 address (127.0.0.1, 0.0.0.0, ::1, …)")
        }
        // The request timeout is kept by `Adapter` (503 with a message); FlyingFox's own, a
        // bare 500, is only a backstop behind it.
        let config = HTTPServer.Configuration(address: address, timeout: s.requestTimeout + Self.backstopSeconds,
                                              pool: IdleTimeoutPool(inner: HTTPServer.defaultPool(), seconds: s.requestTimeout),
                                              logger: .disabled)
        server = HTTPServer(config: config, handler: Adapter(api: api))
    }

    /// How long FlyingFox's handler timeout waits past the request timeout.
    static let backstopSeconds: Double = 30

    /// Serves until cancelled or stopped.
    public func run() async throws { try await server.run() }

    /// Waits until the socket listens, for at most `timeout` seconds (binding takes
    /// milliseconds, but the listening task runs on the cooperative pool, which a loaded
    /// process can hold for longer); returns the port (the system's choice for port 0).
    public func waitUntilListening(timeout: Double = 60) async throws -> Int {
        try await server.waitUntilListening(timeout: timeout)
        switch await server.listeningAddress {
        case .ip4(_, let port), .ip6(_, let port):
            api.listening(on: Int(port))
            return Int(port)
        default: return api.settings.port
        }
    }

    public func stop() async {
        await server.stop(timeout: 1)
        api.closeAll()
    }

    /// FlyingFox's request → `APIRequest` → `WorkbenchAPI` → FlyingFox's response.
    struct Adapter: HTTPHandler {
        let api: WorkbenchAPI

        func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
            var headers: [String: String] = [:]
            for (k, v) in request.headers { headers[k.rawValue.lowercased()] = v }
            var query: [String: String] = [:]
            for item in request.query where query[item.name] == nil { query[item.name] = item.value }
            let limit = api.bodyLimit(path: request.path)
            let declared = request.bodySequence.count ?? 0
            let response: APIResponse
            if declared > limit {
                response = .error(.tooLarge("the request body is \(declared) bytes; the limit for \(request.path) is \(limit)"))
            } else {
                let api = self.api, seconds = api.settings.requestTimeout
                let method = request.method.rawValue, path = request.path, query = query, headers = headers
                let answer = await Self.withDeadline(seconds) { () async -> APIResponse in
                    let read: Data?
                    do { read = try await Self.body(of: request, limit: limit) } catch {
                        return .error(.badRequest("the request body of \(method) \(path) could not be read to its end"))
                    }
                    guard let body = read else {
                        return .error(.tooLarge("the request body is over the limit for \(path), \(limit) bytes"))
                    }
                    return await api.handle(APIRequest(method: method, path: path, query: query, headers: headers, body: body))
                }
                response = answer ?? .error(.unavailable("\(method) \(path) took longer than the request timeout, "
                                                         + "\(Self.seconds(seconds)); start credence serve with a longer --timeout"))
            }
            var out = HTTPHeaders()
            out[HTTPHeader("Content-Type")] = response.contentType
            out[HTTPHeader("Cache-Control")] = "no-store"
            out[HTTPHeader("X-Content-Type-Options")] = "nosniff"
            for (k, v) in response.headers { out[HTTPHeader(k)] = v }
            if response.status == 413 { out[HTTPHeader("Connection")] = "close" }
            let status = HTTPStatusCode(response.status, phrase: Self.phrase(response.status))
            if let stream = response.stream {
                // Sent with chunked transfer encoding, each chunk as the stream yields it.
                return HTTPResponse(statusCode: status, headers: out, body: HTTPBodySequence(from: StreamedBytes(chunks: stream)))
            }
            return HTTPResponse(statusCode: status, headers: out, body: response.body)
        }

        /// `body`'s result, or nil when it has not finished after `seconds` (it then runs on
        /// unobserved: a computation in the operation layer does not stop halfway).
        static func withDeadline(_ seconds: Double, _ body: @escaping @Sendable () async -> APIResponse) async -> APIResponse? {
            let first = FirstAnswer()
            return await withCheckedContinuation { (c: CheckedContinuation<APIResponse?, Never>) in
                first.set(c)
                let work = Task { first.give(await body()) }
                Task {
                    try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
                    if first.give(nil) { work.cancel() }
                }
            }
        }

        /// `2 s`, `1.5 s`.
        static func seconds(_ s: Double) -> String {
            s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
        }

        /// The body, read chunk by chunk (a chunked body has no length to check first); nil as
        /// soon as it passes `limit`.
        static func body(of request: HTTPRequest, limit: Int) async throws -> Data? {
            var data = Data()
            for try await chunk in request.bodySequence {
                data.append(chunk)
                if data.count > limit { return nil }
            }
            return data
        }

        static func phrase(_ code: Int) -> String {
            switch code {
            case 200: return "OK"
            case 202: return "Accepted"
            case 400: return "Bad Request"
            case 401: return "Unauthorized"
            case 403: return "Forbidden"
            case 404: return "Not Found"
            case 409: return "Conflict"
            case 413: return "Content Too Large"
            case 422: return "Unprocessable Content"
            case 429: return "Too Many Requests"
            case 503: return "Service Unavailable"
            default: return code < 500 ? "Client Error" : "Server Error"
            }
        }
    }
}

/// FlyingFox's socket pool with a deadline: a connection that waits longer than `seconds`
/// for its client (to send a request, the rest of one, or to read the answer) is closed. The
/// listening socket waits without a deadline. Connections are also set to TCP_NODELAY.
struct IdleTimeoutPool<Inner: AsyncSocketPool>: AsyncSocketPool {
    let inner: Inner
    let seconds: TimeInterval

    func prepare() async throws { try await inner.prepare() }
    func run() async throws { try await inner.run() }

    func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
        guard !Self.isListening(socket) else { return try await inner.suspendSocket(socket, untilReadyFor: events) }
        // FlyingFox writes a response's head and body separately: without TCP_NODELAY, Nagle's
        // algorithm holds the body until the client's delayed ACK (40 ms on Linux).
        var one: Int32 = 1
        setsockopt(socket.file.rawValue, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let limit = seconds
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await inner.suspendSocket(socket, untilReadyFor: events) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(limit * 1e9))
                throw SocketError.timeout(message: "the client sent nothing for \(limit) s")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    static func isListening(_ socket: Socket) -> Bool {
        var value: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(socket.file.rawValue, SOL_SOCKET, SO_ACCEPTCONN, &value, &size) == 0 && value != 0
    }
}

/// The first of two answers to a continuation (`Adapter.withDeadline`): the handler's or the
/// timer's nil.
final class FirstAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<APIResponse?, Never>?
    private var answered = false

    func set(_ c: CheckedContinuation<APIResponse?, Never>) {
        lock.lock(); defer { lock.unlock() }
        continuation = c
    }

    /// Resumes with `answer` if nothing has yet; returns whether it did.
    @discardableResult
    func give(_ answer: APIResponse?) -> Bool {
        lock.lock()
        guard !answered, let c = continuation else { lock.unlock(); return false }
        answered = true
        continuation = nil
        lock.unlock()
        c.resume(returning: answer)
        return true
    }
}

/// An `AsyncStream` of byte chunks as the byte sequence FlyingFox writes a streamed body from
/// (`HTTPBodySequence(from:)`, chunked transfer encoding): each `nextBuffer` hands on at most
/// the suggested count of the bytes of the current chunk, waiting for the next chunk when
/// none are left.
struct StreamedBytes: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let chunks: AsyncStream<Data>

    func makeAsyncIterator() -> Iterator { Iterator(chunks: chunks.makeAsyncIterator()) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var chunks: AsyncStream<Data>.AsyncIterator
        var pending: [UInt8] = []
        var offset = 0

        mutating func nextBuffer(suggested count: Int) async throws -> ArraySlice<UInt8>? {
            while offset == pending.count {
                guard let chunk = await chunks.next() else { return nil }
                pending = Array(chunk)
                offset = 0
            }
            let end = Swift.min(pending.count, offset + Swift.max(count, 1))
            defer { offset = end }
            return pending[offset..<end]
        }

        mutating func next() async throws -> UInt8? {
            try await nextBuffer(suggested: 1)?.first
        }
    }
}
