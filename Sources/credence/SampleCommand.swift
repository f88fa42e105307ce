import ArgumentParser
import Workbench

/// `credence sample MODEL -n N --output DATA.csv`.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw rows from a model by forward sampling, optionally hiding cells at random.",
        discussion: """
            Example: credence sample ../shared/networks/alarm.bif -n 10000 --seed 1 --missing 0.2 --output alarm.csv
            With --missingness SPEC the gaps follow a spec file (hidden variables, skip logic coded as a state, \
            MCAR/MAR/MNAR rates; format: datasets/README.md), and --truth FILE keeps every variable's true value with a row id.
            """
    )

    @Argument(help: "The model.") var model: String
    @Option(name: .short, help: "Number of rows.") var n: Int
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Probability that each cell is left empty (missing completely at random).") var missing = 0.0
    @Flag(help: "Leave latent variables out of the data.") var dropLatent = false
    @Option(help: "A missingness spec file: hide, skip ... when ... [as VALUE], missing ... rate R | by VAR STATE=R ... [together].") var missingness: String?
    @Option(help: "Also write the complete sample (every variable, before masking, with a row id) to this CSV file.") var truth: String?
    @Option(help: "The CSV file to write (atomically).") var output: String
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() throws {
        let network = try ModelIO.load(path: model)
        var data = try LearningTasks.sample(network, rows: n, seed: seed, missing: missing, dropLatent: dropLatent)
        var rules: [MissingnessSpec.RuleReport]?
        if let spec = missingness {
            guard missing == 0 && !dropLatent else { throw WorkbenchError.usage("--missingness replaces --missing and --drop-latent: put 'missing VAR ... rate F' and 'hide VAR' in the spec") }
            let (table, complete, report) = try MissingnessSpec.sample(network, rows: n, seed: seed, specPath: spec)
            data = table
            rules = report
            if let t = truth { try ModelIO.saveData(MissingnessSpec.truthTable(complete), to: t) }
        } else if let t = truth {
            let complete = try LearningTasks.sample(network, rows: n, seed: seed, missing: 0, dropLatent: false)
            try ModelIO.saveData(MissingnessSpec.truthTable(complete), to: t)
        }
        try ModelIO.saveData(data, to: output)
        struct Report: Encodable {
            var output: String; var rows: Int; var columns: Int; var missingCells: Int; var seed: UInt64
            var truth: String?; var rules: [MissingnessSpec.RuleReport]?
        }
        let r = Report(output: output, rows: data.rowCount, columns: data.columnCount, missingCells: data.missingCount, seed: seed,
                       truth: truth, rules: rules)
        if json { try printJSON(r) } else {
            print("wrote \(output): \(r.rows) rows, \(r.columns) columns, \(r.missingCells) missing cells (seed \(seed))")
            for rule in rules ?? [] { print("  line \(rule.line) [\(rule.kind)] \(rule.rule): \(rule.cells) cells") }
            if let t = truth { print("wrote \(t): the complete sample, \(r.rows) rows") }
        }
    }
}
