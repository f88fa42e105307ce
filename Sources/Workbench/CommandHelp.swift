/// One line of help per command of the REPL language: its form, what it does, an example.
public enum CommandHelp {
    struct Entry: Sendable {
        var syntax: String
        var summary: String
        var example: String
        /// The words that name the command (`add edge`).
        var name: String { syntax.split(separator: " ").prefix { $0.first!.isLowercase }.joined(separator: " ") }
    }

    /// The first word of every command.
    static let commandWords = ["load", "save", "new", "show", "add", "remove", "rename", "reverse", "set", "undo", "redo",
                                      "observe", "soft", "do", "retract", "clear", "query", "pe", "mpe", "scenario", "data",
                                      "fit", "learn", "sample", "score", "evaluate", "rank", "explain", "bench", "journal", "help", "quit", "exit"]

    /// The influence-diagram commands (Decisions.swift). Kept out of `commandWords`, whose
    /// list is quoted by the parser's error message in existing transcripts; accepted and
    /// completed like the others (`allWords`).
    static let decisionWords = ["decide", "policy", "voi"]

    /// Every first word the parser accepts.
    public static let allWords = commandWords + decisionWords

    static let entries: [Entry] = [
        Entry(syntax: "load PATH", summary: "open a model file (.bn, .bif, .bif.gz, .xmlbif, .net, .uai)", example: "load models/dealer_winback.bn"),
        Entry(syntax: "save [PATH]", summary: "save the model atomically (to its file, or to PATH in the format of its extension)", example: "save winback-v2.bn"),
        Entry(syntax: "new NAME", summary: "start an empty network", example: "new churn"),
        Entry(syntax: "show", summary: "summary: variables, states, parents, size and treewidth", example: "show"),
        Entry(syntax: "show cpt VAR", summary: "the conditional probability table of VAR, a row per parent configuration", example: "show cpt Returned"),
        Entry(syntax: "show graph", summary: "each variable with its parents", example: "show graph"),
        Entry(syntax: "show graph to FILE [targets VAR ...] [arcs mi|none] [compact|full]", summary: "draw the network under the current findings: a monitor per node (.svg, .png, .pdf or .dot); targets highlighted, arc width by mutual information, name-only boxes", example: "show graph to winback.png targets returned arcs mi"),
        Entry(syntax: "show dot", summary: "the network as Graphviz DOT", example: "show dot"),
        Entry(syntax: "show evidence", summary: "the current evidence, likelihoods and interventions", example: "show evidence"),
        Entry(syntax: "show scenarios", summary: "the saved scenarios", example: "show scenarios"),
        Entry(syntax: "add variable NAME {S1, S2, ...}", summary: "add a variable with these states (no parents, uniform table)", example: "add variable Satisfied {low, high}"),
        Entry(syntax: "remove variable NAME", summary: "remove a variable and its edges (each child keeps its distribution given its other parents)", example: "remove variable Satisfied"),
        Entry(syntax: "rename variable OLD NEW", summary: "rename a variable (evidence and scenarios follow)", example: "rename variable Satisfied Satisfaction"),
        Entry(syntax: "add state VAR STATE", summary: "add a state (probability 0 in VAR's rows, uniform rows in its children)", example: "add state Satisfied medium"),
        Entry(syntax: "remove state VAR STATE", summary: "remove a state (VAR's rows renormalised, children's rows dropped)", example: "remove state Satisfied medium"),
        Entry(syntax: "rename state VAR OLD NEW", summary: "rename a state", example: "rename state Satisfied high very_high"),
        Entry(syntax: "add edge A -> B", summary: "make A a parent of B (refused, naming the cycle, if it would close one)", example: "add edge Satisfied -> Returned"),
        Entry(syntax: "remove edge A -> B", summary: "remove an edge; A is marginalised out of B's table, weighted by P(A | B's other parents)", example: "remove edge Satisfied -> Returned"),
        Entry(syntax: "reverse edge A -> B", summary: "turn A -> B into B -> A by arc reversal: each inherits the other's parents, the joint distribution is unchanged", example: "reverse edge smoke -> lung"),
        Entry(syntax: "set cpt VAR (PARENT_STATE, ...): P1 P2 ...", summary: "set one row of VAR's table (parent states in parent order); 'set cpt VAR P1 P2 ...' for a root or the whole table", example: "set cpt lung (yes): 0.1 0.9"),
        Entry(syntax: "undo", summary: "undo the last model change", example: "undo"),
        Entry(syntax: "redo", summary: "redo the last undone change", example: "redo"),
        Entry(syntax: "observe VAR=STATE ...", summary: "set hard evidence", example: "observe smoke=yes xray=yes"),
        Entry(syntax: "soft VAR=P1,P2,...", summary: "set likelihood (virtual) evidence, one weight per state", example: "soft xray=0.8,0.2"),
        Entry(syntax: "do VAR=STATE ...", summary: "intervene: cut VAR's incoming edges and fix its state", example: "do Incentive=voucher_500"),
        Entry(syntax: "retract VAR ...", summary: "remove the evidence, likelihood or intervention on VAR", example: "retract smoke"),
        Entry(syntax: "clear", summary: "remove all evidence, likelihoods and interventions", example: "clear"),
        Entry(syntax: "query VAR ...", summary: "posterior bar chart of each target, and their joint when several", example: "query lung bronc"),
        Entry(syntax: "pe", summary: "the probability of the current evidence", example: "pe"),
        Entry(syntax: "mpe", summary: "the most probable explanation of the current evidence", example: "mpe"),
        Entry(syntax: "add decision NAME {O1, O2, ...} [observes VAR ...]", summary: "add a decision with these options, observing these variables when it is made (undoable)", example: "add decision Offer {none, voucher} observes StatedReason"),
        Entry(syntax: "add utility NAME [| VAR, ...] = V1 V2 ...", summary: "add a utility node: one value per configuration of its parents (last parent fastest); 'remove utility NAME' removes it", example: "add utility Cost | Incentive = 0 -500 -240 -100 -80"),
        Entry(syntax: "decide", summary: "solve the model's decisions under the current findings: the maximum expected utility, each option's expected utility and each decision's policy (findings and do() on a decision fix it)", example: "decide"),
        Entry(syntax: "policy DECISION", summary: "the best option of DECISION for each configuration of what it observes, with each option's expected utility", example: "policy Incentive"),
        Entry(syntax: "voi DECISION", summary: "the expected value of perfect information of each chance variable observed before DECISION: the MEU gained by seeing it first", example: "voi Incentive"),
        Entry(syntax: "scenario save NAME", summary: "save the current findings as a named scenario", example: "scenario save voucher"),
        Entry(syntax: "scenario load NAME", summary: "make a saved scenario's findings the current ones", example: "scenario load baseline"),
        Entry(syntax: "scenario compare TARGET NAME ...", summary: "TARGET's posterior under each scenario, one column each ('current' = now)", example: "scenario compare Returned baseline voucher"),
        Entry(syntax: "scenario list", summary: "the saved scenarios", example: "scenario list"),
        Entry(syntax: "data load CSV", summary: "load a dataset (columns named like the variables; empty cells missing)", example: "data load customers.csv"),
        Entry(syntax: "fit [mle|bayes|em]", summary: "fit the tables to the loaded data (undoable; em for missing cells and latent variables)", example: "fit em"),
        Entry(syntax: "learn [hc|tabu] [score S] [max-parents K] [restarts R] [seed S]", summary: "learn the structure and tables from the loaded data and make them the model (undoable): hill climbing or tabu search, score bic (default), aic, bdeu or k2, at most 4 parents unless K is given", example: "learn tabu score bdeu max-parents 3"),
        Entry(syntax: "sample N [seed S] [missing F] to PATH", summary: "draw N rows from the model into a CSV file", example: "sample 1000 seed 7 missing 0.1 to sample.csv"),
        Entry(syntax: "score TARGET to PATH", summary: "write each data row's posterior of TARGET to a CSV file", example: "score Returned to scores.csv"),
        Entry(syntax: "evaluate TARGET [folds K]", summary: "accuracy, log-loss and AUC on the loaded data; with folds, k-fold cross-validation", example: "evaluate Returned folds 5"),
        Entry(syntax: "rank TARGET=STATE [top P%] [factors K] [ignoring VAR ...]", summary: "the loaded data's rows most likely to have TARGET=STATE (top 5% by default), each with its K main findings; ignoring: columns left out", example: "rank Retained=churned top 5% factors 3 ignoring LifeEvent"),
        Entry(syntax: "explain TARGET[=STATE] [top N]", summary: "why P(TARGET=STATE) is what it is (default: its most probable state): each finding's impact and weight of evidence, the N CPT parameters it is most sensitive to (10 by default), and each unobserved variable's value of information in bits", example: "explain lung=yes top 5"),
        Entry(syntax: "bench [MODEL ...] [repeat N] [queries N]", summary: "time exact inference and check the answers: on the current model with N generated queries (20), or on model files with their reference queries (../reference/NAME.json beside them)", example: "bench ../shared/networks/asia.bif ../shared/networks/alarm.bif"),
        Entry(syntax: "journal (replay|discard|show)", summary: "replay, delete or list the unsaved edits a session left without saving (oldest journal first)", example: "journal replay"),
        Entry(syntax: "help [COMMAND]", summary: "list the commands, or explain one", example: "help add edge"),
        Entry(syntax: "quit", summary: "leave (asks first when there are unsaved changes; 'exit' works too)", example: "quit"),
    ]

    /// The help text: every command, or those whose name starts with `topic`.
    static func text(for topic: String?) throws -> String {
        // The syntax column is as wide as the usual forms; a longer form gets a line of its own.
        let width = entries.map { displayWidth($0.syntax) }.filter { $0 <= 40 }.max()!
        func line(_ e: Entry) -> String {
            displayWidth(e.syntax) <= width ? padToWidth(e.syntax, width) + "  " + e.summary
                : e.syntax + "\n" + padToWidth("", width) + "  " + e.summary
        }
        guard let topic else {
            return (entries.map(line) + ["", "Names with spaces or other characters go in double quotes: observe \"满意度\"=高. '#' starts a comment."])
                .joined(separator: "\n")
        }
        let matches = entries.filter { $0.name == topic || $0.name.hasPrefix(topic + " ") || $0.name.split(separator: " ").first.map(String.init) == topic }
        guard !matches.isEmpty else {
            throw WorkbenchError.usage("no command '\(topic)'; commands: \(commandWords.filter { $0 != "exit" }.joined(separator: ", "))")
        }
        return matches.map { "\($0.syntax)\n  \($0.summary)\n  example: \($0.example)" }.joined(separator: "\n")
    }
}
