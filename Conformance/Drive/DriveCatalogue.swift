import HandoffContract

/// The driver-mode scenarios (`handoff verify --drive`), in report order: the suite plays the end users on the
/// bot's side and the agent on the mock, and judges both sides (docs/driver-protocol.md). Each case here is
/// the report's view of a scenario; ``ConnectorDriver`` runs them.
public enum DriveCatalogue {
    /// Every scenario, DRV-001…DRV-007.
    public static let all: [ConformanceCase] = [
        scenario(
            "DRV-001", .historyVisible,
            "A user asks for a human about billing: the conversation reaches a team (the rules' team with --rules), "
                + "with the transcript in the order the user lived it"),
        scenario(
            "DRV-002", .botSilenced,
            "The agent's reply reaches the user; what the user says meanwhile reaches the agent, and the bot stays silent"),
        scenario(
            "DRV-003", .closeSession,
            "After the agent resolves, the bot is back for the user and the conversation is ended on the support side"),
        scenario("DRV-004", .messageOrder, "Two users at once: nothing crosses, on either side"),
        scenario(
            "DRV-005", .nextContact,
            "The same user returns: the same support-side user, a new conversation that starts with the bot"),
        scenario(
            "DRV-006", .unavailableTeam,
            "The team is unavailable: the user is told the truth (another team takes it, or the user hears that nobody "
                + "is available), never \"a human will be with you\" with no transfer"),
        scenario(
            "DRV-007", .closeSession,
            "The user leaves while queued: the conversation is closed on the support side (not applicable with --channel rasa)"),
    ]

    private static func scenario(_ id: String, _ rule: ContractRule, _ requirement: String) -> ConformanceCase {
        ConformanceCase(id, .must, .consumer, rule: rule, requirement) { _ in
            throw CaseSkip(reason: "driver scenarios run through handoff verify --drive")
        }
    }
}
