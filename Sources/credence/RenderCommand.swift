import ArgumentParser
import Foundation
import Workbench

extension ArcStrength: ExpressibleByArgument {}

/// `credence render MODEL [--evidence …] [--soft …] [--do …] [--targets …] --output FILE`.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Draw a network under its findings: every node a monitor of its posterior (SVG, PNG, PDF or DOT).",
        discussion: """
        Each node shows its name and label and one row per state: a bar proportional to the posterior and the percentage; under findings a red tick marks the prior. Observed nodes are shaded with the state in bold, soft evidence and do() carry a badge, the arcs into a do() node are cut (dashed, grey), latent nodes have a dashed outline, decision nodes square corners, --targets a red outline. The layout is Graphviz's (the dot program); the drawing is Credence's own SVG; PNG and PDF are converted from it by rsvg-convert (librsvg). Networks above 60 variables (or with --compact) get name-only boxes; targets stay monitors.

        With --json, one document: path, format, bytes, picture {network, title, findings, probabilityOfEvidence, compact, arcStrength, width, height, nodes [{name, label, role, states, posterior, prior, observed, intervened, soft, target, compact, x, y, width, height, expectedUtilities}], arcs [{from, to, mutualInformation, cut}], utilities [{name, parents, x, y, width, height}], meu}. An influence diagram (a model with utility statements) draws its utility nodes as diamonds, and each decision shows the expected utility of each option (the best in bold) with the MEU in the subtitle, as credence decide computes them.

        Example: credence render models/dealer_winback.bn --evidence Complaint=yes --targets Returned --arc-strength mi --output winback.png
        credence render ../shared/networks/pathfinder.bif --evidence Fault=Normal --output pathfinder.svg
        """
    )

    @Argument(help: "The model file.") var model: String
    @OptionGroup var findings: FindingOptions
    @Option(parsing: .upToNextOption, help: "Variables to highlight (drawn as monitors even when compact).") var targets: [String] = []
    @Option(help: "Arc width: mi (mutual information of the arc's ends given the findings) or none.") var arcStrength: ArcStrength = .none
    @Flag(help: "Name-only boxes (the default above 60 variables).") var compact = false
    @Flag(help: "Monitors for every node, however large the network.") var monitors = false
    @Option(help: "PNG only: pixels per SVG unit (2 for a sharp picture on a high-density screen).") var scale: Double = 1
    @Option(help: ArgumentHelp("The picture to write (atomically): .svg, .png, .pdf or .dot.", valueName: "FILE")) var output: String
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func validate() throws {
        if compact && monitors { throw ValidationError("--compact and --monitors contradict each other; give one") }
        if !(scale > 0 && scale <= 8) { throw ValidationError("--scale \(scale): give a number above 0 and at most 8") }
    }

    func run() throws {
        _ = try PictureFormat(path: output, what: "a network picture")   // a wrong extension fails before the model is read
        try AtomicFile.checkWritable(output)
        let (network, decisions) = try ModelIO.loadWithDecisions(path: model)
        let request = RenderRequest(findings: try findings.set(), targets: targets, arcStrength: arcStrength,
                                    compact: compact ? true : (monitors ? false : nil),
                                    title: NetworkPicture.title(of: network, modelPath: model), decisions: decisions)
        let r = try NetworkPicture.render(network, request, to: output, scale: scale)
        if json { try printJSON(r); return }
        print(r.text)
    }
}
