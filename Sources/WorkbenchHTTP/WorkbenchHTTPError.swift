/// An error of the web workbench with its HTTP status; the message is in user words and
/// goes to the client as `{"error": MESSAGE, "status": CODE}`.
public struct WorkbenchHTTPError: Error, Equatable, Sendable, CustomStringConvertible {
    public var status: Int
    public var message: String
    public var description: String { message }

    public init(status: Int, _ message: String) { self.status = status; self.message = message }

    static func badRequest(_ m: String) -> Self { .init(status: 400, m) }
    static func unauthorized(_ m: String) -> Self { .init(status: 401, m) }
    static func forbidden(_ m: String) -> Self { .init(status: 403, m) }
    static func notFound(_ m: String) -> Self { .init(status: 404, m) }
    static func conflict(_ m: String) -> Self { .init(status: 409, m) }
    static func tooLarge(_ m: String) -> Self { .init(status: 413, m) }
    /// A well-formed request the model cannot answer (an unknown name, a cycle, a query over
    /// the memory budget): 422.
    static func unprocessable(_ m: String) -> Self { .init(status: 422, m) }
    static func tooMany(_ m: String) -> Self { .init(status: 429, m) }
    /// A request that took longer than the server's request timeout: 503.
    static func unavailable(_ m: String) -> Self { .init(status: 503, m) }
}
