import Foundation
import BNCore
import BNLearning
import BNFormats

/// The pictures of `credence evaluate --plot FILE.svg`: the ROC curve and the reliability
/// diagram of one state of the target, side by side in one standalone SVG file.
///
/// Left: the ROC curve of each series (`ROCCurve`: true against false positive rate over
/// every threshold of `P(target = positive)`), the chance diagonal, and the area under each
/// curve in the legend. Right: the reliability diagram (`ReliabilityCurve`: in 10 equal-width
/// bins of the predicted probability, the observed frequency of the state against the mean
/// prediction, dot area proportional to the bin's rows, whiskers the Wilson 95 % interval),
/// the diagonal of perfect calibration, the expected calibration error in the legend, and
/// under it the histogram of the predictions. Several series (the model as given, its
/// cross-validated predictions, …) get distinct colours. Every name from the user's files is
/// escaped for XML and shortened to fit.
public struct EvaluationPlot: Sendable {
    /// One set of predictions: a curve in each panel.
    struct Series: Sendable {
        var name: String
        var roc: ROCCurve
        var reliability: ReliabilityCurve

        /// The curves of state `positive` from every row's true state (-1 missing) and
        /// predicted distribution.
        init(name: String, truth: [Int32], predictions: [[Double]], positive: Int, bins: Int = 10) {
            self.name = name
            roc = ROCCurve(truth: truth, predictions: predictions, positive: positive)
            reliability = ReliabilityCurve(truth: truth, predictions: predictions, positive: positive, bins: bins)
        }
    }

    var target: String
    var positiveState: String
    /// A line under the headline naming the model and the data.
    var subtitle: String
    var series: [Series]

    // MARK: the positive state

    /// The state whose curves are drawn: `requested` when given (an error naming the states
    /// when it is none of them), otherwise the rarest state among the rows with a known
    /// truth (the later state on a tie, so no/yes and 0/1 targets plot "yes" and "1" when
    /// balanced): the class a churn or default model is built to find. `chosen` is false
    /// when the state was requested.
    public static func positiveState(_ requested: String?, target: String, states: [String],
                                     truth: [Int32]) throws -> (index: Int, chosen: Bool) {
        if let name = requested {
            if let i = states.firstIndex(of: name) { return (i, false) }
            let hint = NameSuggestion.closest(to: name, in: states).map { " (did you mean \(Quote.name($0))?)" } ?? ""
            throw WorkbenchError.usage("--positive \(Quote.name(name)) is not a state of the target \(Quote.name(target))\(hint); its states are \(states.map { Quote.short($0) }.joined(separator: ", "))")
        }
        var count = [Int](repeating: 0, count: states.count)
        for y in truth where y >= 0 && Int(y) < states.count { count[Int(y)] += 1 }
        var best = states.count - 1
        for i in count.indices.reversed() where count[i] > 0 && (count[best] == 0 || count[i] < count[best]) { best = i }
        return (best, true)
    }

    static func fileName(_ path: String) -> String {
        URL(fileURLWithPath: path).lastPathComponent
    }

    // MARK: writing

    /// Writes `svg()` atomically (a failed write leaves what was at `path`).
    public func write(to path: String) throws {
        try PictureFile.write(svg: svg(), to: path, format: try PictureFormat(plot: path))
    }

    /// Line colours (Tableau 10), in series order.
    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]

    // The layout, in SVG user units (px).
    static let width = 980.0
    /// The legends sit under the panels, clear of every curve.
    static let legendTop = top + side + 56, lineHeight = 17.0
    var height: Double { Self.legendTop + Double(series.count + 2) * Self.lineHeight + 8 + 16 }
    static let top = 96.0, side = 380.0
    static let rocLeft = 84.0, relLeft = 574.0
    static let calibrationHeight = 292.0, histogramGap = 14.0

    /// The standalone SVG document.
    func svg() -> String {
        var o = SVGText()
        let w = Self.width, h = height
        o.open(width: w, height: h, title: "ROC and reliability of \(target) = \(positiveState)")
        // The headline fits in about 85 columns of its bold 17 px font.
        let s = clipToWidth(positiveState, 24), t = clipToWidth(target, 85 - 27 - displayWidth(s))
        o.text("ROC and calibration of \(t) = \(s)", x: 24, y: 32, size: 17, weight: "bold")
        o.text(clipToWidth(subtitle, 120), x: 24, y: 54, size: 12.5, fill: "#555555")
        drawROC(&o)
        drawReliability(&o)
        o.close()
        return o.text
    }

    func drawROC(_ o: inout SVGText) {
        let x0 = Self.rocLeft, y0 = Self.top, size = Self.side
        let px = { (v: Double) in x0 + v * size }, py = { (v: Double) in y0 + size - v * size }
        o.text("ROC curve", x: x0, y: y0 - 12, size: 14, weight: "bold")
        o.line(##"<g class="roc">"##)
        o.frame(x: x0, y: y0, width: size, height: size)
        o.xTicks(left: x0, width: size, bottom: y0 + size)
        o.yTicks(left: x0, top: y0, height: size)
        o.text("false positive rate (1 − specificity)", x: x0 + size / 2, y: y0 + size + 40, anchor: "middle")
        o.text("true positive rate (sensitivity)", x: x0 - 44, y: y0 + size / 2, anchor: "middle", rotate: true)
        o.line(##"<line x1="\##(f(px(0)))" y1="\##(f(py(0)))" x2="\##(f(px(1)))" y2="\##(f(py(1)))" stroke="#999999" stroke-dasharray="5 4"/>"##)
        var legend: [(String, String)] = []
        for (i, s) in series.enumerated() {
            let c = colour(i)
            let auc = s.roc.area.isNaN ? "AUC n/a (one class only)" : String(format: "AUC %.3f", s.roc.area)
            legend.append((c, "\(clipToWidth(s.name, 34)) · \(auc)"))
            guard !s.roc.points.isEmpty else { continue }
            let pts = s.roc.points.map { "\(f(px($0.falsePositiveRate))),\(f(py($0.truePositiveRate)))" }.joined(separator: " ")
            o.line(##"<polyline class="curve" fill="none" stroke="\##(c)" stroke-width="2" stroke-linejoin="round" points="\##(pts)"><title>\##(xml(s.name)): \##(xml(auc)), \##(s.roc.positives) positive and \##(s.roc.negatives) negative rows</title></polyline>"##)
        }
        o.legendBox(legend, notes: ["dashed: chance"], left: x0, top: Self.legendTop, lineHeight: Self.lineHeight)
        o.line("</g>")
    }

    func drawReliability(_ o: inout SVGText) {
        let x0 = Self.relLeft, y0 = Self.top, size = Self.side, ch = Self.calibrationHeight
        let hy = y0 + ch + Self.histogramGap, hh = size - ch - Self.histogramGap
        let px = { (v: Double) in x0 + v * size }, py = { (v: Double) in y0 + ch - v * ch }
        o.text("Reliability diagram", x: x0, y: y0 - 12, size: 14, weight: "bold")
        o.line(##"<g class="reliability">"##)
        o.frame(x: x0, y: y0, width: size, height: ch)
        o.frame(x: x0, y: hy, width: size, height: hh, grid: false)
        for k in 1..<5 {   // vertical grid through the histogram too
            let x = px(Double(k) / 5)
            o.line(##"<line x1="\##(f(x))" y1="\##(f(hy))" x2="\##(f(x))" y2="\##(f(hy + hh))" stroke="#eeeeee"/>"##)
        }
        o.xTicks(left: x0, width: size, bottom: hy + hh)
        o.yTicks(left: x0, top: y0, height: ch)
        let t = clipToWidth(target, 22), s = clipToWidth(positiveState, 16)
        o.text("predicted P(\(t) = \(s))", x: x0 + size / 2, y: y0 + size + 40, anchor: "middle")
        o.text("observed share of \(s)", x: x0 - 44, y: y0 + ch / 2, anchor: "middle", rotate: true)
        o.line(##"<line x1="\##(f(px(0)))" y1="\##(f(py(0)))" x2="\##(f(px(1)))" y2="\##(f(py(1)))" stroke="#999999" stroke-dasharray="5 4"/>"##)

        let maxCount = max(1, series.flatMap { $0.reliability.bins.map(\.count) }.max() ?? 1)
        let k = series.first?.reliability.bins.count ?? 10
        let n = Double(series.count)
        var legend: [(String, String)] = []
        for (i, s) in series.enumerated() {
            let c = colour(i)
            let ece = s.reliability.expectedCalibrationError
            legend.append((c, "\(clipToWidth(s.name, 34)) · " + (ece.isNaN ? "no rows" : String(format: "ECE %.3f", ece))))
            // Series side by side within a bin, so whiskers of equal bins do not hide each other.
            let dx = (Double(i) - (n - 1) / 2) * 5
            let filled = s.reliability.bins.filter { $0.count > 0 }
            if !filled.isEmpty {
                let pts = filled.map { "\(f(px($0.meanPredicted) + dx)),\(f(py($0.observed)))" }.joined(separator: " ")
                o.line(##"<polyline class="curve" fill="none" stroke="\##(c)" stroke-width="1.5" stroke-opacity="0.8" points="\##(pts)"/>"##)
            }
            for b in filled {
                let x = px(b.meanPredicted) + dx
                let r = 2.5 + 5.5 * (Double(b.count) / Double(maxCount)).squareRoot()
                let tip = xml(String(format: "%@: predicted %.2f–%.2f, %d rows, mean predicted %.3f, observed %.3f (95%% %.3f–%.3f)",
                                     s.name, b.lower, b.upper, b.count, b.meanPredicted, b.observed, b.low, b.high))
                o.line(##"<g><title>\##(tip)</title><line x1="\##(f(x))" y1="\##(f(py(b.low)))" x2="\##(f(x))" y2="\##(f(py(b.high)))" stroke="\##(c)" stroke-width="1.2"/><line x1="\##(f(x - 3))" y1="\##(f(py(b.low)))" x2="\##(f(x + 3))" y2="\##(f(py(b.low)))" stroke="\##(c)" stroke-width="1.2"/><line x1="\##(f(x - 3))" y1="\##(f(py(b.high)))" x2="\##(f(x + 3))" y2="\##(f(py(b.high)))" stroke="\##(c)" stroke-width="1.2"/><circle cx="\##(f(x))" cy="\##(f(py(b.observed)))" r="\##(f(r))" fill="\##(c)" fill-opacity="0.85" stroke="#ffffff" stroke-width="0.8"/></g>"##)
            }
            // The histogram: the bin's bars side by side, height proportional to rows.
            let binWidth = size / Double(k), pad = binWidth * 0.08
            let barWidth = (binWidth - 2 * pad) / n
            for (j, b) in s.reliability.bins.enumerated() where b.count > 0 {
                let bh = hh * Double(b.count) / Double(maxCount)
                let bx = x0 + Double(j) * binWidth + pad + Double(i) * barWidth
                o.line(##"<rect x="\##(f(bx))" y="\##(f(hy + hh - bh))" width="\##(f(barWidth))" height="\##(f(bh))" fill="\##(c)" fill-opacity="0.55"><title>\##(xml(s.name)): \##(b.count) rows predicted \##(String(format: "%.1f–%.1f", b.lower, b.upper))</title></rect>"##)
            }
        }
        // The histogram's scale: the tallest bar's rows at the top, 0 at the bottom.
        o.text("\(maxCount)", x: x0 - 8, y: hy + 9, size: 11, anchor: "end")
        o.text("rows", x: x0 - 8, y: hy + hh / 2 + 4, size: 11, fill: "#555555", anchor: "end")
        o.text("0", x: x0 - 8, y: hy + hh, size: 11, anchor: "end")
        o.legendBox(legend, notes: ["dashed: perfect calibration; dot area ∝ rows", "whiskers: Wilson 95 % interval of the observed share"], left: x0, top: Self.legendTop, lineHeight: Self.lineHeight)
        o.line("</g>")
    }

    // MARK: pieces

    func colour(_ i: Int) -> String { Self.colours[i % Self.colours.count] }
}

// MARK: from the evaluate reports

extension EvaluationPlot {
    /// The plot of `evaluate MODEL DATA`: the model as given on every row and, with
    /// `--folds`, the pooled held-out predictions of its tables refitted in each fold.
    public init(_ report: LearningTasks.EvaluateReport, positive: Int, states: [String], model: String, data: String) {
        var series = [Series(name: "model as given", truth: report.truth, predictions: report.predictions, positive: positive)]
        if let cv = report.crossValidation?["model"], !cv.heldOutTruth.isEmpty {
            series.append(Series(name: "tables refitted, \(cv.folds)-fold CV", truth: cv.heldOutTruth,
                                 predictions: cv.heldOutPredictions, positive: positive))
        }
        self.init(target: report.target, positiveState: states[positive],
                  subtitle: "model \(Self.fileName(model)) on \(Self.fileName(data)) (\(report.rows) rows)", series: series)
    }

    /// The plot of `evaluate DATA --learn`: the pooled held-out predictions of the nested
    /// cross-validation.
    public init(_ nested: LearningTasks.NestedEvaluation, positive: Int, states: [String], data: String) {
        let cv = nested.crossValidation
        self.init(target: nested.target, positiveState: states[positive],
                  subtitle: "learn --target relearned in each of \(cv.folds) folds on \(Self.fileName(data)) (\(nested.rows) rows, seed \(cv.seed))",
                  series: [Series(name: "nested \(cv.folds)-fold CV, pooled", truth: cv.heldOutTruth,
                                  predictions: cv.heldOutPredictions, positive: positive)])
    }
}
