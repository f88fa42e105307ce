import Foundation
import Testing
import BNCore
import BNLearning
@testable import BNFormats
@testable import Workbench

/// `EvaluationPlot`: the SVG of `evaluate --plot`.
@Suite("Calibration plot SVG")
struct CalibrationPlotSVGTests {
    /// Collects the elements of an XML document.
    final class Elements: XMLCollecting {
        var names: [String] = []
        var attributes: [[String: String]] = []
        var text = ""
        var problem: Diagnostic? { nil }
        func startElement(_ name: String, attributes: [String: String], at: BNFormats.SourceLocation) {
            names.append(name)
            self.attributes.append(attributes)
        }
        func characters(_ string: String) { text += string }
        func endElement(_ name: String) {}
    }

    /// The elements of `svg`, which must be well-formed XML (BNFormats' strict scanner).
    func parse(_ svg: String) throws -> Elements {
        let elements = Elements()
        try scanXML(SourceText(file: "plot.svg", text: svg), elements, document: "an SVG picture", encodingHint: "write UTF-8")
        return elements
    }

    func predictions(_ n: Int, seed: UInt64) -> (truth: [Int32], predictions: [[Double]]) {
        var rng = SplitMix64(seed: seed)
        var truth: [Int32] = [], pred: [[Double]] = []
        for _ in 0..<n {
            let p = Double.random(in: 0...1, using: &rng)
            truth.append(Double.random(in: 0...1, using: &rng) < p ? 1 : 0)
            pred.append([1 - p, p])
        }
        return (truth, pred)
    }

    @Test func twoSeriesMakeAWellFormedStandaloneSVGWithOneLinePerCurve() throws {
        let a = predictions(300, seed: 1), b = predictions(300, seed: 2)
        let plot = EvaluationPlot(target: "churn <\"R&D\">", positiveState: "it's <yes>",
                                  subtitle: "model a&b.bn on c<d>.csv",
                                  series: [.init(name: "as given <&>", truth: a.truth, predictions: a.predictions, positive: 1),
                                           .init(name: "CV \u{1}fold", truth: b.truth, predictions: b.predictions, positive: 1)])
        let svg = plot.svg()
        let doc = try parse(svg)
        #expect(doc.names.first == "svg")
        let root = doc.attributes[0]
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["viewBox"] == "0 0 980.00 \(root["height"] ?? "")")
        #expect(root["width"] == "980.00")
        // One polyline per curve: each series in each panel.
        let curves = zip(doc.names, doc.attributes).filter { $0.0 == "polyline" && $0.1["class"] == "curve" }
        #expect(curves.count == 4)
        #expect(Set(curves.map { $0.1["stroke"] ?? "" }) == Set(EvaluationPlot.colours.prefix(2)))
        // The names reach the picture escaped, and read back as written.
        #expect(svg.contains("as given &lt;&amp;&gt;"))
        #expect(svg.contains("it&apos;s &lt;yes&gt;"))
        #expect(!svg.contains("<yes>") && !svg.contains("R&D"))
        #expect(doc.text.contains("churn <\"R&D\">"))
        #expect(doc.text.contains("CV \u{FFFD}fold"))
        // The AUC of each series is in the legend.
        #expect(doc.text.contains(String(format: "AUC %.3f", plot.series[0].roc.area)))
        #expect(doc.text.contains(String(format: "ECE %.3f", plot.series[1].reliability.expectedCalibrationError)))
    }

    @Test func aSeriesWithOneClassStillDrawsTheOthers() throws {
        let a = predictions(50, seed: 3)
        let plot = EvaluationPlot(target: "t", positiveState: "1", subtitle: "",
                                  series: [.init(name: "all negative", truth: [0, 0], predictions: [[0.9, 0.1], [0.8, 0.2]], positive: 1),
                                           .init(name: "fine", truth: a.truth, predictions: a.predictions, positive: 1)])
        let doc = try parse(plot.svg())
        // The one-class series has no ROC curve but its reliability points.
        #expect(zip(doc.names, doc.attributes).filter { $0.0 == "polyline" && $0.1["class"] == "curve" }.count == 3)
        #expect(doc.text.contains("AUC n/a"))
    }

    @Test func thePositiveStateIsTheRarestUnlessNamed() throws {
        #expect(try EvaluationPlot.positiveState(nil, target: "churn", states: ["No", "Yes"], truth: [0, 0, 1, -1]) == (1, true))
        #expect(try EvaluationPlot.positiveState(nil, target: "churn", states: ["yes", "no"], truth: [0, 1, 1]) == (0, true))
        // A tie goes to the later state; a state no row has is not chosen.
        #expect(try EvaluationPlot.positiveState(nil, target: "t", states: ["0", "1"], truth: [0, 1]) == (1, true))
        #expect(try EvaluationPlot.positiveState(nil, target: "t", states: ["a", "b", "c"], truth: [0, 0, 1, 1, 1]) == (0, true))
        #expect(try EvaluationPlot.positiveState("No", target: "churn", states: ["No", "Yes"], truth: [0, 0, 1]) == (0, false))
        #expect {
            try EvaluationPlot.positiveState("yes", target: "churn", states: ["No", "Yes"], truth: [0])
        } throws: { error in
            "\(error)".contains("did you mean 'Yes'?") && "\(error)".contains("its states are")
        }
    }

    /// `evaluate MODEL DATA --folds K` keeps every row's prediction for the plot, and the
    /// written file is the SVG.
    @Test func evaluateKeepsPredictionsAndThePlotIsWritten() throws {
        let net = try ModelIO.load(path: sharedRoot + "/networks/asia.bif")
        let data = try LearningTasks.sample(net, rows: 2_000, seed: 5, missing: 0, dropLatent: false)
        let r = try LearningTasks.evaluate(net, data: data, target: "dysp", folds: 3, seed: 1)
        #expect(r.truth.count == 2_000 && r.predictions.count == 2_000)
        #expect(r.crossValidation?["model"]?.heldOutPredictions.count == 2_000)
        let states = net.variables[net.index(of: "dysp")!].states
        let (positive, _) = try EvaluationPlot.positiveState(nil, target: "dysp", states: states, truth: r.truth)
        let plot = EvaluationPlot(r, positive: positive, states: states, model: "/x/asia.bif", data: "asia.csv")
        #expect(plot.series.map(\.name) == ["model as given", "tables refitted, 3-fold CV"])
        #expect(abs(plot.series[0].roc.area - r.model.auc) < 1e-12)
        #expect(plot.subtitle == "model asia.bif on asia.csv (2000 rows)")
        let path = NSTemporaryDirectory() + "credence-plot-\(UUID().uuidString).svg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try plot.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == plot.svg())
        #expect(throws: (any Error).self) { try AtomicFile.checkWritable("/no/such/dir/x.svg") }
        try AtomicFile.checkWritable(path)
    }
}
