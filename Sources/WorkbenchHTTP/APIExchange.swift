import Foundation
import Workbench

/// One HTTP request as the API sees it, independent of the server library: method, path,
/// query parameters, headers (names in lower case) and the body.
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var headers: [String: String]
    public var body: Data

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: Data = Data()) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as a JSON value of type `T`; an empty body is `{}`. The error names the field.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let data = body.isEmpty ? Data("{}".utf8) : body
        do { return try JSONDecoder().decode(T.self, from: data) } catch let e as DecodingError {
            throw WorkbenchHTTPError.badRequest("request body: \(Self.describe(e))")
        } catch {
            throw WorkbenchHTTPError.badRequest("request body: not JSON")
        }
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ c: [any CodingKey]) -> String {
            c.isEmpty ? "the document" : "'" + c.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch e {
        case .typeMismatch(let t, let c): return "\(path(c.codingPath)) should be \(jsonType(t))"
        case .valueNotFound(let t, let c): return "\(path(c.codingPath)) should be \(jsonType(t)), not null"
        case .keyNotFound(let k, let c): return "missing field '\(k.stringValue)'" + (c.codingPath.isEmpty ? "" : " in \(path(c.codingPath))")
        case .dataCorrupted(let c):
            return c.codingPath.isEmpty ? "not valid JSON" : "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "not the expected JSON"
        }
    }

    static func jsonType(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: return "a string"
        case is Double.Type, is Int.Type, is UInt64.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [String].Type: return "an array of strings"
        case is [Double].Type: return "an array of numbers"
        default: return String(describing: t).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

/// The answer: status, content type, extra headers and body; or, for an event stream
/// (`text/event-stream`), the chunks of a body that is written as they come.
public struct APIResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var headers: [String: String]
    public var body: Data
    /// A body of unknown length, sent chunk by chunk as the stream yields (`body` is ignored).
    public var stream: AsyncStream<Data>?

    public init(status: Int = 200, contentType: String, headers: [String: String] = [:], body: Data) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
        self.stream = nil
    }

    /// Server-sent events (the WHATWG `EventSource` format): each chunk of `events` is one or
    /// more `event:`/`data:` blocks.
    static func eventStream(_ events: AsyncStream<Data>) -> APIResponse {
        var r = APIResponse(contentType: "text/event-stream", body: Data())
        r.stream = events
        return r
    }

    /// A result in the one JSON form (`JSONDocument`, compact).
    static func json<T: Encodable>(_ value: T, status: Int = 200, nonFinite: JSONDocument.NonFinite = .null) throws -> APIResponse {
        APIResponse(status: status, contentType: "application/json", body: Data(try JSONDocument.encode(value, pretty: false, nonFinite: nonFinite).utf8))
    }

    /// `{"error": MESSAGE, "status": CODE}`.
    static func error(_ e: WorkbenchHTTPError) -> APIResponse {
        struct Body: Encodable { var error: String; var status: Int }
        let text = (try? JSONDocument.encode(Body(error: e.message, status: e.status), pretty: false)) ?? "{\"status\":\(e.status)}"
        var r = APIResponse(status: e.status, contentType: "application/json", body: Data(text.utf8))
        if e.status == 401 { r.headers["WWW-Authenticate"] = "Bearer" }
        return r
    }
}
