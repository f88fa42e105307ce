import Foundation

extension Explanation {
    /// The explanation as the REPL shows it: the posterior, then the three parts as tables.
    public func rendered() -> String {
        let t = "\(target)=\(state)"
        var lines = [(findings == "(none)" ? "P(\(t))" : "P(\(t) | \(findings))") + " = \(BarChart.formatProbability(probability))"]
        lines.append("")
        if impacts.isEmpty {
            lines.append("impact of the findings: there are no observations")
        } else {
            lines.append("impact of each finding on P(\(t)), largest first (weight of evidence in nats):")
            let rows = [["finding", "P without it", "change", "weight of evidence"]] + impacts.map {
                [$0.finding, BarChart.formatProbability($0.without), Self.signed($0.change), Self.signed($0.weightOfEvidence)]
            }
            lines.append(TextTable.render(rows, leftAligned: 1, indent: "  "))
        }
        lines.append("")
        let shown = sensitivities.count
        lines.append("sensitivity of P(\(t) | evidence) to the tables: top \(shown) of \(parametersExamined) parameters"
            + (parametersSkipped > 0 ? " (\(parametersSkipped) at 0 or 1 skipped)" : ""))
        for s in sensitivities {
            let given = s.parentStates.isEmpty ? "" : " | " + s.parentStates.joined(separator: ", ")
            lines.append("  P(\(s.variable)=\(s.state)\(given)) = \(String(format: "%.4f", s.value)): dP(\(t)|e)/dθ = \(Self.signed(s.derivative))")
        }
        lines.append("")
        if information.isEmpty {
            lines.append("value of information: every other variable is observed")
        } else {
            lines.append("value of information for \(target) (H = \(String(format: "%.4f", entropy)) bits now), best question first:")
            var header = ["variable", "I(\(target); V | e) bits"]
            let decisions = decisionValues ?? []
            header += decisions.map { "EVPI before \($0.decision)" }
            let rows = [header] + information.map { info in
                [info.variable, String(format: "%.4f", info.bits)] + decisions.map { d in
                    d.values.first { $0.variable == info.variable }.map { DecisionReport.number($0.value) + ($0.observed ? " (seen)" : "") } ?? "-"
                }
            }
            lines.append(TextTable.render(rows, leftAligned: 1, indent: "  "))
            if !decisions.isEmpty {
                lines.append("  (EVPI: the expected utility gained by observing V before the decision; '(seen)': what seeing it is worth now)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `+0.1234`, `-0.0100`, `+inf`.
    static func signed(_ x: Double) -> String {
        if x.isInfinite { return x > 0 ? "+inf" : "-inf" }
        let s = String(format: "%+.4f", x)
        return s == "-0.0000" ? "+0.0000" : s
    }
}
