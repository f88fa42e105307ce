import ArgumentParser
import Workbench

/// The findings a question is asked under, shared by `query` and `explain`:
/// hard evidence, likelihood (soft) evidence and interventions.
struct FindingOptions: ParsableArguments {
    @Option(name: .customLong("evidence"), help: "Hard evidence VAR=STATE (repeatable).")
    var evidence: [String] = []

    @Option(name: .customLong("soft"), help: "Likelihood evidence VAR=P1,P2,... (repeatable).")
    var soft: [String] = []

    @Option(name: .customLong("do"), help: "Intervention do(VAR=STATE) (repeatable).")
    var interventions: [String] = []

    /// The findings, parsed (a bad item is an error naming it).
    func set() throws -> FindingSet {
        try FindingSet.parsing(evidence: evidence, soft: soft, interventions: interventions)
    }
}
