import Foundation

/// The workbench page and its script and style sheet, embedded in the binary at build time
/// (SwiftPM `resources: [.embedInCode(…)]`, Sources/WorkbenchHTTP/Page): plain HTML, CSS and
/// JavaScript written for Credence, no framework, and no request to any other host (the
/// `Content-Security-Policy` forbids them).
enum StaticPage {
    static let files: [String: (type: String, bytes: [UInt8])] = [
        "/": ("text/html; charset=utf-8", PackageResources.index_html),
        "/index.html": ("text/html; charset=utf-8", PackageResources.index_html),
        "/app.js": ("text/javascript; charset=utf-8", PackageResources.app_js),
        "/app.css": ("text/css; charset=utf-8", PackageResources.app_css),
    ]

    static let policy = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'"

    static func response(for r: APIRequest) throws -> APIResponse {
        guard r.method == "GET" || r.method == "HEAD" else {
            throw WorkbenchHTTPError(status: 405, "\(r.path) is read with GET")
        }
        guard let f = files[r.path] else { throw WorkbenchHTTPError.notFound("no page \(r.path): the workbench is at /") }
        return APIResponse(contentType: f.type, headers: ["Content-Security-Policy": policy, "Referrer-Policy": "no-referrer"],
                           body: r.method == "HEAD" ? Data() : Data(f.bytes))
    }
}
