import ArgumentParser
import Workbench

/// `credence sample MODEL -n N --output DATA.csv`.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw rows from a model by forward sampling, optionally hiding cells at random.",
        discussion: "Example: credence sample ../shared/networks/alarm.bif -n 10000 --seed 1 --missing 0.2 --output alarm.csv"
    )

    @Argument(help: "The model.") var model: String
    @Option(name: .short, help: "Number of rows.") var n: Int
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Probability that each cell is left empty (missing completely at random).") var missing = 0.0
    @Flag(help: "Leave latent variables out of the data.") var dropLatent = false
    @Option(help: "The CSV file to write (atomically).") var output: String
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() throws {
        let network = try ModelIO.load(path: model)
        let data = try LearningTasks.sample(network, rows: n, seed: seed, missing: missing, dropLatent: dropLatent)
        try ModelIO.saveData(data, to: output)
        struct Report: Encodable { var output: String; var rows: Int; var columns: Int; var missingCells: Int; var seed: UInt64 }
        let r = Report(output: output, rows: data.rowCount, columns: data.columnCount, missingCells: data.missingCount, seed: seed)
        if json { try printJSON(r) } else {
            print("wrote \(output): \(r.rows) rows, \(r.columns) columns, \(r.missingCells) missing cells (seed \(seed))")
        }
    }
}
