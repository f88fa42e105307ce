import Foundation

/// A layered drawing of a directed graph by Graphviz's `dot` program (Gansner, Koutsofios,
/// North & Vo 1993, "A technique for drawing directed graphs": rank assignment, crossing
/// reduction by the median heuristic, coordinates by network simplex, splines).
///
/// The graph goes to `dot -Tplain` as boxes of fixed size (nodes are named `n0`, `n1`, … so
/// that no user name needs quoting); the answer is read back as coordinates. Only the
/// coordinates come from Graphviz: the picture itself is drawn by Credence (`NetworkPicture`),
/// so it looks the same on every machine.
struct GraphLayout: Sendable {
    /// A box's centre, in px from the top left of the drawing.
    struct Point: Sendable, Equatable { var x: Double; var y: Double }

    /// The size of the whole drawing, in px.
    var width: Double
    var height: Double
    /// The centre of each node, in the order of the request.
    var centres: [Point]
    /// The cubic B-spline control points of each edge (`1 + 3k` points: start, then
    /// (control, control, end) triples), tail to the arrowhead's base, in the order of the request.
    var edges: [[Point]]

    /// Lays out `sizes.count` boxes (width, height in px) joined by `edges` (tail, head),
    /// top to bottom, or left to right with `leftToRight`. `nodeSeparation` and
    /// `rankSeparation` are in px.
    static func layout(sizes: [(width: Double, height: Double)], edges: [(Int, Int)],
                       nodeSeparation: Double = 18, rankSeparation: Double = 36, leftToRight: Bool = false) throws -> GraphLayout {
        var dot = "digraph G {\n graph [rankdir=\(leftToRight ? "LR" : "TB"), nodesep=\(nodeSeparation / 72), ranksep=\(rankSeparation / 72)];\n"
        dot += " node [shape=box, fixedsize=true, label=\"\"];\n edge [arrowsize=0.8];\n"
        for (i, s) in sizes.enumerated() { dot += " n\(i) [width=\(s.width / 72), height=\(s.height / 72)];\n" }
        for (a, b) in edges { dot += " n\(a) -> n\(b);\n" }
        dot += "}\n"
        let plain = try ExternalTool.run("dot", arguments: ["-Tplain"], input: Data(dot.utf8),
                                         missing: "drawing a network needs Graphviz's 'dot' program for the layout: apt-get install graphviz (or bash scripts/install-deps.sh --render)")
        return try parse(String(decoding: plain, as: UTF8.self), nodes: sizes.count, edges: edges)
    }

    /// The more readable of the top-to-bottom layout and, when that is much wider than high
    /// (a node with dozens of children puts them all on one rank, as pathfinder's Fault), the
    /// left-to-right one: the layout whose aspect ratio is nearer to square.
    static func bestLayout(sizes: [(width: Double, height: Double)], edges: [(Int, Int)],
                           nodeSeparation: Double, rankSeparation: Double) throws -> GraphLayout {
        let tb = try layout(sizes: sizes, edges: edges, nodeSeparation: nodeSeparation, rankSeparation: rankSeparation)
        guard tb.width > 1600, tb.width > 2.5 * tb.height else { return tb }
        let lr = try layout(sizes: sizes, edges: edges, nodeSeparation: nodeSeparation, rankSeparation: rankSeparation * 2, leftToRight: true)
        func skew(_ l: GraphLayout) -> Double { max(l.width / l.height, l.height / l.width) }
        return skew(lr) < skew(tb) ? lr : tb
    }

    /// Reads `dot -Tplain`: `graph SCALE W H`, `node NAME X Y W H …`, `edge TAIL HEAD N X1 Y1 … XN YN …`,
    /// `stop`, in inches with y upwards; turned into px with y downwards.
    static func parse(_ plain: String, nodes: Int, edges wanted: [(Int, Int)]) throws -> GraphLayout {
        var width = 0.0, height = 0.0
        var centres = [Point?](repeating: nil, count: nodes)
        var splines: [String: [Point]] = [:]
        func node(_ s: Substring) -> Int? { s.hasPrefix("n") ? Int(s.dropFirst()) : nil }
        for line in plain.split(separator: "\n") {
            let w = line.split(separator: " ")
            guard let kind = w.first else { continue }
            switch kind {
            case "graph":
                guard w.count >= 4, let gw = Double(w[2]), let gh = Double(w[3]) else { continue }
                width = gw * 72; height = gh * 72
            case "node":
                guard w.count >= 4, let i = node(w[1]), i < nodes, let x = Double(w[2]), let y = Double(w[3]) else { continue }
                centres[i] = Point(x: x * 72, y: height - y * 72)
            case "edge":
                guard w.count >= 4, let a = node(w[1]), let b = node(w[2]), let n = Int(w[3]), w.count >= 4 + 2 * n else { continue }
                splines["\(a)>\(b)"] = (0..<n).compactMap { k in
                    guard let x = Double(w[4 + 2 * k]), let y = Double(w[5 + 2 * k]) else { return nil }
                    return Point(x: x * 72, y: height - y * 72)
                }
            default: continue
            }
        }
        guard width > 0, centres.allSatisfy({ $0 != nil }) else {
            throw WorkbenchError.usage("Graphviz's dot gave no layout (its output did not place every node)")
        }
        let paths = wanted.map { a, b in splines["\(a)>\(b)"] ?? [centres[a]!, centres[b]!] }
        return GraphLayout(width: width, height: height, centres: centres.map { $0! }, edges: paths)
    }
}

/// A helper program run with its input on stdin and its output read from stdout (Graphviz's
/// `dot`, librsvg's `rsvg-convert`), found on PATH.
enum ExternalTool {
    /// The program's path on PATH, or nil.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        for dir in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    /// Runs `name arguments` with `input` on stdin; its stdout, or an error quoting its
    /// stderr (`missing` when the program is not installed).
    static func run(_ name: String, arguments: [String], input: Data, missing: String) throws -> Data {
        guard let exe = find(name) else { throw WorkbenchError.usage(missing) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        p.standardInput = stdin; p.standardOutput = stdout; p.standardError = stderr
        try p.run()
        // Feed stdin and drain stderr on other threads, so that no pipe fills up and blocks.
        let writer = DispatchGroup()
        DispatchQueue.global().async(group: writer) {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        nonisolated(unsafe) var errors = Data()
        DispatchQueue.global().async(group: writer) { errors = stderr.fileHandleForReading.readDataToEndOfFile() }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        writer.wait()
        guard p.terminationStatus == 0 else {
            let text = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw WorkbenchError.usage("\(name) failed (exit \(p.terminationStatus))\(text.isEmpty ? "" : ": " + text)")
        }
        return out
    }
}
