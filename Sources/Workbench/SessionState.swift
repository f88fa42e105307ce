/// What a front end shows about a session besides the network: its file, whether it has
/// unsaved changes, what undo and redo would do, the findings, the saved scenarios and the
/// loaded data (the web workbench's status line and side panel).
public struct SessionState: Codable, Sendable {
    public struct Scenario: Codable, Sendable {
        var name: String
        var findings: FindingSet
        /// The findings in words.
        var text: String
    }
    var network: String
    var path: String?
    var dirty: Bool
    var canUndo: Bool
    var canRedo: Bool
    var findings: FindingSet
    /// The findings in words (`(none)` without).
    var findingsText: String
    public var scenarios: [Scenario]
    var dataPath: String?
    /// Other sessions' journals of this model (sessions editing it now, unsaved edits left behind).
    var journalNotes: [String]
}

extension Session {
    /// The session's state, for a front end to show.
    public var state: SessionState {
        SessionState(network: network.name, path: path, dirty: isDirty, canUndo: canUndo, canRedo: canRedo,
                     findings: findings, findingsText: findings.description(in: network),
                     scenarios: scenarioOrder.map { .init(name: $0, findings: scenarios[$0]!, text: scenarios[$0]!.description(in: network)) },
                     dataPath: dataPath, journalNotes: journalNotes)
    }
}
