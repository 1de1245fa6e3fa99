/// The rules of the contract (PRODUCT.md, "Rules a conformance case can check"), each named once.
/// Conformance cases cite the rule they check; the coverage table groups cases by rule.
public enum ContractRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// Creating a user twice with one `externalId` yields one user.
    case idempotentUser = "R1-idempotent-user"
    /// Retried POSTs with the same idempotency key yield one effect.
    case idempotentRetry = "R2-idempotent-retry"
    /// Messages keep their order per conversation; nothing is lost or duplicated.
    case messageOrder = "R3-message-order"
    /// History mirrored before a transfer is visible to the team that receives it.
    case historyVisible = "R4-history-visible"
    /// Transfer names a team by id or by name.
    case transferByReference = "R5-transfer-by-id-or-name"
    /// An unknown team is a clear error.
    case unknownTeam = "R6-unknown-team"
    /// A team that cannot take the conversation is a clear, distinct outcome, never a silent success.
    case unavailableTeam = "R7-unavailable-team"
    /// After the transfer the bot is silent; internal notes are allowed.
    case botSilenced = "R8-bot-silenced"
    /// Events reach the bot: agent assigned, agent message, conversation resolved (webhook and feed).
    case eventsDelivered = "R9-events-delivered"
    /// Webhooks carry an HMAC signature, are retried, and keep a stable delivery id.
    case webhookDelivery = "R10-webhook-delivery"
    /// The bot never receives its own or the user's mirrored messages back, nor internal notes.
    case noEcho = "R11-no-echo"
    /// Close is idempotent, ends the conversation and refuses later messages.
    case closeSession = "R12-close-session"
    /// The user's next contact starts a new conversation in state `bot`.
    case nextContact = "R13-next-contact"
    /// Bad input gets a 4xx with a machine-readable body, never a 5xx.
    case badInput = "R14-bad-input"
    /// A token sees only its own workspace; other workspaces' ids read as not found.
    case workspaceIsolation = "R15-workspace-isolation"
    /// The support system holds more than one team, each with its availability.
    case teams = "R16-teams"
    /// Users and conversations are created and read back as given (ids, context).
    case entities = "R17-entities"

    /// The rule in one sentence.
    public var text: String {
        switch self {
        case .idempotentUser: "Creating a user twice with one externalId yields one user."
        case .idempotentRetry: "Retried POSTs with the same idempotency key yield one effect."
        case .messageOrder: "Messages keep their order per conversation; nothing is lost or duplicated."
        case .historyVisible: "History mirrored before a transfer is visible to the team that receives it."
        case .transferByReference: "Transfer names a team by id or by name."
        case .unknownTeam: "An unknown team is a clear error."
        case .unavailableTeam: "A team that cannot take the conversation is a distinct outcome, never a silent success."
        case .botSilenced: "After the transfer the bot is silent; an internal note for the agent is allowed."
        case .eventsDelivered: "Agent assigned, agent message and conversation resolved reach the bot by webhook and feed."
        case .webhookDelivery: "Webhooks carry an HMAC signature, are retried after a failure, and keep a stable delivery id."
        case .noEcho: "The bot never receives its own or the user's mirrored messages back, nor internal notes."
        case .closeSession: "Close session is idempotent, ends the conversation and refuses later messages."
        case .nextContact: "The user's next contact starts a new conversation in state bot."
        case .badInput: "Bad input gets a 4xx with a machine-readable body, never a 5xx."
        case .workspaceIsolation: "A token sees only its own workspace; another workspace's ids read as not found."
        case .teams: "The support system holds more than one team, each with its availability."
        case .entities: "Users and conversations are stored and read back as given."
        }
    }
}
