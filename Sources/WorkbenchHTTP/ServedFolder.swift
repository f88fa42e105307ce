import BNFormats
import Foundation

/// The one folder a web workbench may read and write. Every path a client names is relative
/// to it and checked here before any file is opened: no absolute paths, no `~`, no `..`
/// component, and the file (or, for a new file, its folder) must still lie inside the folder
/// once symbolic links are resolved (`realpath`), so a link cannot lead out of it either.
public struct ServedFolder: Sendable {
    /// The folder, with every symbolic link resolved.
    public let root: String

    /// The folder at `path`; an error when it is not an existing folder.
    public init(_ path: String) throws {
        guard let real = Self.realPath(path) else { throw WorkbenchHTTPError.notFound("the folder \(path) does not exist") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WorkbenchHTTPError.notFound("\(path) is not a folder")
        }
        root = real
    }

    /// The absolute path of an existing file named by `relative`, checked.
    public func existingFile(_ relative: String) throws -> String {
        let joined = try join(relative)
        guard let real = Self.realPath(joined) else { throw WorkbenchHTTPError.notFound("\(relative): no such file in the served folder") }
        try requireInside(real, as: relative)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw WorkbenchHTTPError.badRequest("\(relative) is a folder, not a file")
        }
        return real
    }

    /// The absolute path at which a file named by `relative` may be written: its folder
    /// exists inside the served folder, and the file, when it exists, is a regular file
    /// inside it (a link to a file elsewhere is refused).
    /// With `creatingFolder`, a missing folder directly inside the served folder is made.
    public func writablePath(_ relative: String, creatingFolder: Bool = false) throws -> String {
        let joined = try join(relative)
        let folder = (joined as NSString).deletingLastPathComponent
        if creatingFolder, (folder as NSString).deletingLastPathComponent == root, !FileManager.default.fileExists(atPath: folder) {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        }
        guard let realFolder = Self.realPath(folder) else {
            throw WorkbenchHTTPError.notFound("\(relative): its folder does not exist in the served folder")
        }
        try requireInside(realFolder, as: relative)
        let target = (realFolder as NSString).appendingPathComponent((joined as NSString).lastPathComponent)
        if let attributes = try? FileManager.default.attributesOfItem(atPath: target) {
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                throw WorkbenchHTTPError.forbidden("\(relative) is not a regular file (a link or a folder): it is not overwritten")
            }
        }
        return target
    }

    /// `relative` as the client gave it, for messages and the session (relative to `root`).
    func join(_ relative: String) throws -> String {
        guard !relative.isEmpty else { throw WorkbenchHTTPError.badRequest("give a file name relative to the served folder") }
        guard !relative.hasPrefix("/"), !relative.hasPrefix("~"), !relative.contains("\0"), !relative.contains("\\") else {
            throw WorkbenchHTTPError.forbidden("\(relative): give a path relative to the served folder (no leading / or ~, no backslash)")
        }
        guard !relative.split(separator: "/").contains("..") else {
            throw WorkbenchHTTPError.forbidden("\(relative): '..' is not allowed; every file lies inside the served folder")
        }
        return (root as NSString).appendingPathComponent(relative)
    }

    private func requireInside(_ real: String, as relative: String) throws {
        guard real == root || real.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            throw WorkbenchHTTPError.forbidden("\(relative) leads outside the served folder (through a symbolic link)")
        }
    }

    /// The model files in the folder and its subfolders (two levels), relative paths, sorted;
    /// links that lead outside the folder are left out.
    public func models() -> [String] {
        var found: [String] = []
        func scan(_ relative: String, depth: Int) {
            let dir = relative.isEmpty ? root : (root as NSString).appendingPathComponent(relative)
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() where !name.hasPrefix(".") {
                let rel = relative.isEmpty ? name : relative + "/" + name
                guard let real = Self.realPath((root as NSString).appendingPathComponent(rel)),
                      real.hasPrefix(root + "/") else { continue }
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: real, isDirectory: &isDirectory)
                if isDirectory.boolValue {
                    if depth < 2 { scan(rel, depth: depth + 1) }
                } else if let format = ModelFormat(path: name), format.isReadable {
                    found.append(rel)
                }
            }
        }
        scan("", depth: 0)
        return found
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
