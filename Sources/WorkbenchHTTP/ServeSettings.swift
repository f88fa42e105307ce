import BNCore
import Foundation

/// How `credence serve` runs: the folder it serves and the model it opens, where it listens,
/// its access token and its limits.
public struct ServeSettings: Sendable {
    /// The only folder the server reads and writes.
    public var folder: ServedFolder
    /// The model each new session opens, relative to `folder` (nil: the client picks one).
    public var model: String?
    /// The address to bind: loopback unless asked (`--host`).
    public var host: String
    /// The port (0: any free port, reported once listening).
    public var port: Int
    /// The secret every API call carries (`Authorization: Bearer TOKEN` or `?token=TOKEN`).
    public var token: String
    /// The largest JSON body accepted, bytes.
    public var maxBodyBytes: Int
    /// The largest CSV upload accepted, bytes.
    public var maxUploadBytes: Int
    /// A request whose handling (reading its body included) takes longer is answered 503,
    /// with a message naming the request and the timeout; a connection idle this long is
    /// closed.
    public var requestTimeout: TimeInterval
    /// The budget every query, fit and learn runs under (`MemoryBudget`).
    public var memoryBudget: MemoryBudget
    /// At most this many sessions (browser tabs) live at once; the least recently used idle
    /// one is closed to make room.
    public var maxSessions: Int

    public init(folder: ServedFolder, model: String?, host: String = "127.0.0.1", port: Int = 8750,
                token: String = ServeSettings.randomToken(), maxBodyBytes: Int = 1 << 20, maxUploadBytes: Int = 64 << 20,
                requestTimeout: TimeInterval = 30, memoryBudget: MemoryBudget = MemoryBudget.current, maxSessions: Int = 32) {
        self.folder = folder
        self.model = model
        self.host = host
        self.port = port
        self.token = token
        self.maxBodyBytes = maxBodyBytes
        self.maxUploadBytes = maxUploadBytes
        self.requestTimeout = requestTimeout
        self.memoryBudget = memoryBudget
        self.maxSessions = maxSessions
    }

    /// 128 random bits from the system's generator, as 32 hex digits.
    public static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &g)) }.joined()
    }

    /// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost): anything else
    /// exposes the workbench to the network.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// The URL to open, with the token, as Jupyter prints it.
    public func url(port: Int) -> String {
        let shown = host.contains(":") ? "[\(host)]" : (host == "0.0.0.0" ? "127.0.0.1" : host)
        return "http://\(shown):\(port)/?token=\(token)"
    }
}
