import BNCore
import BNFormats
import Foundation

/// The file formats of a picture, chosen by the output's extension.
public enum PictureFormat: String, Codable, Sendable, CaseIterable {
    case svg, png, pdf, dot

    /// The format of `path` by its extension, among `allowed`; an error naming the
    /// extensions otherwise.
    public init(path: String, allowed: [PictureFormat] = PictureFormat.allCases, what: String = "a picture") throws {
        let ext = (path as NSString).pathExtension.lowercased()
        guard let format = PictureFormat(rawValue: ext), allowed.contains(format) else {
            let names = allowed.map { ".\($0.rawValue)" }
            let list = names.dropLast().joined(separator: ", ") + (names.count > 1 ? " or " : "") + (names.last ?? "")
            let got = ext.isEmpty ? "it has no extension" : "it ends in .\(ext)"
            throw WorkbenchError.usage("'\(path)': \(what) is written as \(list), chosen by the file name's extension; \(got)")
        }
        self = format
    }

    /// Picture formats drawn from SVG (every plot): `.svg`, `.png`, `.pdf`.
    static let drawn: [PictureFormat] = [.svg, .png, .pdf]

    /// The format of a `--plot FILE`: one of `drawn`.
    public init(plot path: String) throws { try self.init(path: path, allowed: PictureFormat.drawn, what: "--plot") }
}

/// Writes pictures: SVG as drawn, PNG and PDF converted from it by librsvg's `rsvg-convert`
/// (Debian `librsvg2-bin`: cairo and pango draw the SVG, fontconfig finds the glyphs), always
/// atomically (a failed write leaves what was at the path).
public enum PictureFile {
    /// The format of a `--plot FILE`, its extension and folder checked before any work (a
    /// wrong one fails at once, not after the fit or search).
    public static func plotFormat(_ path: String) throws -> PictureFormat {
        let format = try PictureFormat(plot: path)
        try AtomicFile.checkWritable(path)
        return format
    }

    /// Writes `svg` to `path` as `format` (`.dot` needs `dot`); PNG at `scale` × the SVG's
    /// size in px. Returns the bytes written.
    @discardableResult
    public static func write(svg: String, dot: String? = nil, to path: String, format: PictureFormat, scale: Double = 1) throws -> Int {
        let bytes: [UInt8]
        switch format {
        case .svg: bytes = Array(svg.utf8)
        case .dot:
            guard let dot else { throw WorkbenchError.usage("'\(path)': this picture has no DOT form; write .svg, .png or .pdf") }
            bytes = Array(dot.utf8)
        case .png, .pdf: bytes = [UInt8](try convert(svg: svg, to: format, scale: scale))
        }
        try writeAtomically(bytes, to: path)
        return bytes.count
    }

    /// `svg` as PNG or PDF, by `rsvg-convert`.
    static func convert(svg: String, to format: PictureFormat, scale: Double) throws -> Data {
        var args = ["--format", format.rawValue]
        if format == .png && scale != 1 { args += ["--zoom", String(scale)] }
        return try ExternalTool.run("rsvg-convert", arguments: args, input: Data(svg.utf8),
                                    missing: "writing \(format.rawValue.uppercased()) needs librsvg's 'rsvg-convert': apt-get install librsvg2-bin (or bash scripts/install-deps.sh --render); .svg needs nothing")
    }
}

/// What `credence render` and the REPL's `show graph to FILE` did.
public struct RenderResult: Codable, Sendable {
    var path: String
    var format: PictureFormat
    var bytes: Int
    /// The picture's data: every node with its posterior (and prior), marks and box, every
    /// arc with its strength.
    var picture: NetworkPicture

    /// `wrote FILE: N variables, M arcs given FINDINGS (compact)`.
    public var text: String {
        let cut = picture.arcs.filter(\.cut).count
        return "wrote \(path): \(plural(picture.nodes.count, "variable")), \(plural(picture.arcs.count, "arc"))"
            + (cut > 0 ? " (\(cut) cut by do())" : "")
            + (picture.findings == "(none)" ? "" : " given \(picture.findings)")
            + (picture.compact ? "; name-only boxes (the network is large), targets drawn as monitors" : "")
    }
}

extension NetworkPicture {
    /// The render operation: checks the output (its extension, its folder), draws `network`
    /// under `request` and writes the picture to `path`.
    public static func render(_ network: BayesianNetwork, _ request: RenderRequest, service: QueryService? = nil,
                              to path: String, scale: Double = 1) throws -> RenderResult {
        let format = try PictureFormat(path: path, what: "a network picture")
        try checkWritable(path)
        let picture = try NetworkPicture(network: network, request: request, service: service)
        let bytes = try PictureFile.write(svg: format == .dot ? "" : picture.svg(), dot: format == .dot ? picture.dot() : nil,
                                          to: path, format: format, scale: scale)
        return RenderResult(path: path, format: format, bytes: bytes, picture: picture)
    }
}

extension Session {
    /// The REPL's `show graph to FILE`: the current model under the current findings (`path`
    /// resolved against the session's folder; the result names it as typed).
    func render(_ request: RenderRequest, to path: String) throws -> RenderResult {
        _ = try PictureFormat(path: path, what: "a network picture")   // the error names the path as typed
        var request = request
        if request.title == nil { request.title = NetworkPicture.title(of: network, modelPath: self.path) }
        if request.decisions.isEmpty { request.decisions = decisions }
        var r = try NetworkPicture.render(network, request, service: queryService, to: resolve(path))
        r.path = path
        return r
    }
}
