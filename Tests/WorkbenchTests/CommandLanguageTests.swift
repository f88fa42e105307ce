import Testing
@testable import Workbench

@Suite("The REPL command language")
struct CommandLanguageTests {
    @Test func blankAndCommentLinesAreNoCommand() throws {
        #expect(try CommandLanguage.parse("") == nil)
        #expect(try CommandLanguage.parse("   # just a note") == nil)
    }

    @Test(arguments: [
        ("load ../shared/networks/asia.bif", Command.load("../shared/networks/asia.bif")),
        ("save", .save(nil)),
        ("save \"my model.bn\"", .save("my model.bn")),
        ("show", .show(.summary)),
        ("show cpt lung  # table", .show(.cpt("lung"))),
        ("add variable Satisfied {low, high}", .edit(.addVariable(name: "Satisfied", states: ["low", "high"]))),
        ("add variable \"满意度\" {高, \"很 低\"}", .edit(.addVariable(name: "满意度", states: ["高", "很 低"]))),
        ("add edge a->b", .edit(.addEdge(from: "a", to: "b"))),
        ("reverse edge smoke -> lung", .edit(.reverseEdge(from: "smoke", to: "lung"))),
        ("rename state smoke yes smoker", .edit(.renameState(variable: "smoke", from: "yes", to: "smoker"))),
        ("set cpt lung (yes): 0.1 0.9", .edit(.setCPT(variable: "lung", parentStates: ["yes"], probabilities: [0.1, 0.9]))),
        ("set cpt smoke 0.5 0.5", .edit(.setCPT(variable: "smoke", parentStates: nil, probabilities: [0.5, 0.5]))),
        ("observe smoke=yes xray = no", .observe([.init("smoke", "yes"), .init("xray", "no")])),
        ("soft xray=0.8, 0.2", .soft(variable: "xray", weights: [0.8, 0.2])),
        ("do Incentive=voucher_500", .intervene([.init("Incentive", "voucher_500")])),
        ("query lung bronc", .query(["lung", "bronc"])),
        ("scenario compare Returned baseline voucher", .scenario(.compare(target: "Returned", scenarios: ["baseline", "voucher"]))),
        ("fit", .fit(.mle)),
        ("fit em", .fit(.em)),
        ("sample 100 seed 7 missing 0.1 to out.csv", .sample(rows: 100, seed: 7, missing: 0.1, path: "out.csv")),
        ("sample 100 to out.csv", .sample(rows: 100, seed: 1, missing: 0, path: "out.csv")),
        ("evaluate Churn folds 5", .evaluate(target: "Churn", folds: 5)),
        ("help add edge", .help("add edge")),
        ("quit", .quit),
    ] as [(String, Command)])
    func parses(line: String, command: Command) throws {
        #expect(try CommandLanguage.parse(line) == command)
    }

    /// The message says what was expected, and the column points at the offending token
    /// (columns count characters, so UTF-8 names do not shift them).
    @Test(arguments: [
        ("lod asia.bif", 1, "expected a command"),
        ("add edge a b", 12, "expected '->' after 'a', but found 'b'"),
        ("add edge a ->", 14, "expected the child variable after '->', but the line ends"),
        ("add variable X {a, b", 21, "expected ',' or '}' after state 'b'"),
        ("add variable 满意度 {高 低}", 21, "expected ',' or '}' after state '高', but found '低'"),
        ("set cpt lung (yes) 0.1 0.9", 20, "expected ':' after the parent states"),
        ("set cpt lung (yes): 0.1 abc", 25, "expected a probability (a number), but found 'abc'"),
        ("observe smoke", 14, "expected '=' after 'smoke'"),
        ("show tables", 6, "expected cpt VAR, graph, dot, evidence or scenarios after 'show'"),
        ("undo now", 6, "expected the end of the line, but found 'now'"),
        ("load \"unclosed.bn", 6, "this quoted name is not closed"),
        ("sample 10 missing 2 to x.csv", 19, "between 0 and 1"),
        ("evaluate Churn folds 1", 22, "at least 2 folds"),
        ("fit newton", 5, "expected mle, bayes or em after 'fit', but found 'newton'"),
    ] as [(String, Int, String)])
    func reportsWhatWasExpectedAndWhere(line: String, column: Int, message: String) {
        #expect(throws: CommandFailure.self) { try CommandLanguage.parse(line) }
        do {
            _ = try CommandLanguage.parse(line)
        } catch {
            #expect(error.column == column, "\(line): \(error)")
            #expect(error.message.contains(message), "\(line): \(error)")
        }
    }

    @Test func quotingRoundTripsThroughTheParser() throws {
        for name in ["plain", "满意度", "two words", "a\"quote", "back\\slash", "a-b", "x=y", "to", "#hash"] {
            let line = ModelEdit.renameVariable(from: name, to: name + "2").commandText
            #expect(try CommandLanguage.parse(line) == .edit(.renameVariable(from: name, to: name + "2")), "\(line)")
        }
    }

    @Test func everyEditRoundTripsThroughItsCommandText() throws {
        let edits: [ModelEdit] = [
            .addVariable(name: "满意度", states: ["高", "low state"]), .removeVariable("x"), .renameVariable(from: "a", to: "b"),
            .addState(variable: "v", state: "s"), .removeState(variable: "v", state: "s"),
            .renameState(variable: "v", from: "s", to: "t"), .addEdge(from: "a", to: "b"), .removeEdge(from: "a", to: "b"),
            .reverseEdge(from: "a", to: "b"), .setCPT(variable: "v", parentStates: ["p", "q r"], probabilities: [0.1, 0.9]),
            .setCPT(variable: "v", parentStates: nil, probabilities: [1.0 / 3, 2.0 / 3]),
        ]
        for e in edits { #expect(try CommandLanguage.parse(e.commandText) == .edit(e), "\(e.commandText)") }
    }

    @Test func everyCommandHasASummaryAndAnExampleThatParses() throws {
        for e in CommandHelp.entries {
            #expect(!e.summary.isEmpty)
            let parsed = try CommandLanguage.parse(e.example)
            #expect(parsed != nil, "\(e.example)")
            #expect(try CommandHelp.text(for: e.name).contains(e.example), "help \(e.name)")
        }
        // Every command word has help.
        for w in CommandHelp.commandWords where w != "exit" {
            #expect(CommandHelp.entries.contains { $0.name.split(separator: " ").first.map(String.init) == w }, "\(w)")
        }
        #expect(throws: WorkbenchError.self) { try CommandHelp.text(for: "frobnicate") }
    }
}
