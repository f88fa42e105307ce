import ArgumentParser
import BNCore
import Foundation
import Workbench
import WorkbenchHTTP

/// `credence serve [MODEL | FOLDER]`: the workbench in a browser (docs/http.md).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "The workbench in a browser: serves a page and a JSON API on this machine.",
        discussion: """
        Opens MODEL (its folder is served), or lets the page pick a model of FOLDER; without either, the shipped models/dealer_winback.bn. Prints the address to open, with a random access token, as Jupyter does: every API call needs it (Authorization: Bearer TOKEN or ?token=TOKEN). Only files inside the served folder are read or written. Binds 127.0.0.1 unless --host says otherwise (with a warning: anyone who can reach the port and has the token can use it). Each browser tab has a session of its own, journalled next to the model like the REPL's. Ctrl-C stops the server. The API is described in docs/http.md and docs/openapi.yaml.

        Example: credence serve models/dealer_winback.bn
        credence serve models --port 9000
        """
    )

    @Argument(help: "A model file, or a folder of models.") var target: String?
    @Option(help: "The port (0: a free one).") var port: Int = 8750
    @Option(help: "The address to bind; anything but loopback exposes the workbench to the network.") var host = "127.0.0.1"
    @Option(help: "The access token (default: a random one).") var token: String?
    @Option(help: "The largest JSON request body, bytes.") var maxBody = 1 << 20
    @Option(help: "The largest CSV upload, bytes.") var maxUpload = 64 << 20
    @Option(help: "Seconds a request may take and a connection may wait for its client.") var timeout = 30.0

    func run() throws {
        let (folder, model) = try Self.resolve(target)
        var settings = ServeSettings(folder: try ServedFolder(folder), model: model, host: host, port: port,
                                     maxBodyBytes: maxBody, maxUploadBytes: maxUpload, requestTimeout: timeout)
        if let token {
            guard token.count >= 16 else { throw ValidationError("--token must have at least 16 characters") }
            settings.token = token
        }
        let server = try WorkbenchServer(api: WorkbenchAPI(settings: settings))
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        nonisolated(unsafe) var stopping = false
        Task {
            do { try await server.run() } catch { if !stopping { failure = error } }
            done.signal()
        }
        Task {
            do {
                let port = try await server.waitUntilListening()
                if !ServeSettings.isLoopback(host) {
                    FileHandle.standardError.write(Data("warning: --host \(host) is not loopback: anyone who can reach port \(port) of this machine and has the token can read and change the models in \(settings.folder.root)\n".utf8))
                }
                let text = "serving \(settings.folder.root)\(model.map { " (model \($0))" } ?? "") at\n  \(settings.url(port: port))\nCtrl-C stops the server.\n"
                FileHandle.standardOutput.write(Data(text.utf8))
            } catch {}
        }
        signal(SIGINT, SIG_IGN); signal(SIGTERM, SIG_IGN)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stopping = true; Task { await server.stop(); done.signal() } }
            source.resume()
            sources.append(source)
        }
        done.wait()
        if let failure {
            throw WorkbenchError.usage("cannot serve on \(host):\(port): \(failure) (is the port in use? --port 0 picks a free one)")
        }
    }

    /// The folder to serve and the model to open in it.
    static func resolve(_ target: String?) throws -> (folder: String, model: String?) {
        guard let target = target ?? ReplCommand.defaultModel() else {
            throw ValidationError("no model given and models/dealer_winback.bn not found: credence serve MODEL or FOLDER")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
            throw WorkbenchError.io(path: target, reason: "no such file or folder")
        }
        if isDirectory.boolValue { return (target, nil) }
        let url = URL(fileURLWithPath: target)
        return (url.deletingLastPathComponent().path, url.lastPathComponent)
    }
}
