/// Who may call the API: the caller must hold the token (`Authorization: Bearer TOKEN` or the
/// `token` parameter), a request must name this server in `Host` (no DNS rebinding), and a
/// state-changing call (anything but GET and HEAD) made by a browser must come from a page of
/// this server (`Origin`), so another site cannot drive the workbench even with a guessed token.
struct AccessControl: Sendable {
    let token: String
    /// `host:port` forms this server answers to.
    let hosts: Set<String>

    init(token: String, bindHost: String, port: Int) {
        self.token = token
        var hosts: Set<String> = ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"]
        if bindHost != "0.0.0.0" && bindHost != "::" { hosts.insert(bindHost.contains(":") ? "[\(bindHost)]:\(port)" : "\(bindHost):\(port)") }
        self.hosts = hosts
        self.anyHost = bindHost == "0.0.0.0" || bindHost == "::"
    }

    /// Bound to every interface: any `Host` is accepted (the token still guards the API).
    let anyHost: Bool

    /// Throws 401 without the right token, 403 for a foreign `Host` or `Origin`.
    func check(_ request: APIRequest) throws {
        if let host = request.header("host"), !anyHost, !hosts.contains(host.lowercased()) {
            throw WorkbenchHTTPError.forbidden("Host '\(host)' is not this server (\(hosts.sorted().joined(separator: ", ")))")
        }
        let given = request.header("authorization").flatMap { h -> String? in
            h.lowercased().hasPrefix("bearer ") ? String(h.dropFirst(7)).trimmingCharacters(in: .whitespaces) : nil
        } ?? request.query["token"]
        guard let given else {
            throw WorkbenchHTTPError.unauthorized("this API needs the access token credence serve printed: Authorization: Bearer TOKEN, or ?token=TOKEN")
        }
        guard Self.constantTimeEqual(given, token) else {
            throw WorkbenchHTTPError.unauthorized("wrong access token: use the one credence serve printed at start")
        }
        if request.method != "GET" && request.method != "HEAD", let origin = request.header("origin") {
            let allowed = origin.hasPrefix("http://") && (anyHost || hosts.contains(String(origin.dropFirst(7)).lowercased()))
                && (request.header("host").map { "http://" + $0.lowercased() == origin.lowercased() } ?? true)
            guard allowed else {
                throw WorkbenchHTTPError.forbidden("Origin '\(origin)' is not this server: state-changing calls come from the workbench page only")
            }
        }
    }

    /// Compares without stopping at the first difference (no timing hint about the token).
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }
}
