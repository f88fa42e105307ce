import Testing
import BNCore
@testable import BNFormats

/// Variables that discretise a numeric quantity: cut points in the `.bn` language and
/// numeric CSV cells cut into their intervals.
@Suite("Numeric variables: cut points in .bn and CSV")
struct NumericVariableTests {
    static let model = """
        network churn
        variable Tenure "在网时长" { "(-inf,12]", "(12,48]", "(48,inf)" } cuts [12, 48.5]
        variable Churn { no, yes }
        P(Tenure) = 0.3 0.4 0.3
        P(Churn | Tenure) = 0.5 0.5  0.8 0.2  0.95 0.05
        """

    @Test func cutPointsParsePrintAndRoundTrip() throws {
        let net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        let tenure = net.variables[net.index(of: "Tenure")!]
        #expect(tenure.cutPoints == [12, 48.5])
        #expect(net.variables[net.index(of: "Churn")!].cutPoints == nil)
        let text = try printedRoundTrip(net)
        #expect(text.contains("variable Tenure \"在网时长\" { \"(-inf,12]\", \"(12,48]\", \"(48,inf)\" } cuts [12.0, 48.5]\n"))
    }

    @Test func valuesFallInIntervalsClosedOnTheRight() throws {
        let v = Variable(name: "x", states: ["a", "b", "c"], cutPoints: [12, 48.5])
        #expect([-1e9, 0, 12, 12.0001, 48.5, 48.6, 1e9].map { v.state(forValue: $0) } == [0, 0, 0, 1, 1, 2, 2])
        #expect(v.state(forValue: .nan) == nil)
        #expect(Variable.intervalNames(cutPoints: [12, 48.5]) == ["(-inf,12]", "(12,48.5]", "(48.5,inf)"])
        #expect(Variable.intervalNames(cutPoints: []) == ["(-inf,inf)"])
        #expect(Variable(name: "y", states: ["a", "b"], cutPoints: [1, 2]).cutPointsProblem == "'y' has 2 states, so it needs 1 cut points, not 2")
        #expect(Variable(name: "y", states: ["a", "b", "c"], cutPoints: [1, .infinity]).cutPointsProblem == "cut point inf of 'y' is not a finite number")
        var net = BayesianNetwork(name: "n")
        var refused = false
        do { _ = try net.addVariable(Variable(name: "y", states: ["a", "b"], cutPoints: [1, 2])) } catch { refused = true }
        #expect(refused && net.count == 0)
    }

    @Test func addingAStateDropsTheCutPointsRenamingKeepsThem() throws {
        var net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        let t = net.index(of: "Tenure")!
        try net.renameState(t, from: "(48,inf)", to: "long")
        #expect(net.variables[t].cutPoints == [12, 48.5])
        try net.addState(t, "unknown")
        #expect(net.variables[t].cutPoints == nil)
    }

    @Test func csvNumbersAreCutAndStateNamesAccepted() throws {
        let net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        let csv = "Churn,Tenure\nno,3\nyes,12\nno,12.5\nno,\nyes,\"(48,inf)\"\nno,1e3\nyes,48.5\n"
        let data = try CSVReader.parse(csv, file: "t.csv", network: net).dataset
        let j = data.column(named: "Tenure")!
        #expect(data.states[j] == ["(-inf,12]", "(12,48]", "(48,inf)"])
        #expect(data.columns[j] == [0, 0, 1, Dataset.missing, 2, 2, 1])
        #expect(data.columns[data.column(named: "Churn")!] == [0, 1, 0, 0, 1, 0, 1])
    }

    @Test func csvCellThatIsNeitherNumberNorStateIsLocated() throws {
        let net = try BNLanguage.parse(Self.model, file: "churn.bn").network
        let csv = "Churn,Tenure\nno,3\nyes,twelve\nno,twelve\n"
        var diagnostics: [Diagnostic] = []
        do { _ = try CSVReader.parse(csv, file: "t.csv", network: net) } catch { diagnostics = error.diagnostics }
        do {
            let d = try #require(diagnostics.first)
            #expect(diagnostics.count == 1)
            #expect(d.location.line == 3 && d.location.column == 2)
            #expect(d.message.contains("'twelve' in column 'Tenure' is neither a number nor a state of 'Tenure'"))
            #expect(d.hint?.contains("12.0, 48.5") == true)
        }
    }
}
