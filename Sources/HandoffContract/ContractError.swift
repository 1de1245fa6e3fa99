/// A broken rule of the contract, with the stable machine-readable code every face reports.
///
/// Faces map these to their own wire shape: problem+json on the neutral API, Chatwoot's bodies
/// on the Chatwoot face. The `code` strings are part of the public contract and never change.
public enum ContractError: Error, Sendable, Hashable {
    /// The thing named does not exist in the caller's workspace.
    case notFound(resource: String, id: String)
    /// A transfer named a team that does not exist.
    case unknownTeam(String)
    /// The team exists but cannot take the conversation now (`no_agents`, `offline`).
    case teamUnavailable(teamId: String, teamName: String, reason: String)
    /// The transition is not allowed from the conversation's state.
    case invalidTransition(from: ConversationState, transition: ConversationTransition)
    /// The conversation is closed; nothing more can happen to it.
    case conversationClosed
    /// The conversation is resolved; only a close may follow.
    case conversationResolved
    /// After a transfer the bot may only write internal notes.
    case botSilenced
    /// Agents may only write once the conversation is assigned to one.
    case notAssigned
    /// The same idempotency key was reused for a different request.
    case idempotencyKeyReused(String)
    /// A field is missing or has a bad value.
    case validation(field: String, reason: String)

    /// The stable code, e.g. `bot_silenced`.
    public var code: String {
        switch self {
        case .notFound: "not_found"
        case .unknownTeam: "unknown_team"
        case .teamUnavailable: "team_unavailable"
        case .invalidTransition: "invalid_transition"
        case .conversationClosed: "conversation_closed"
        case .conversationResolved: "conversation_resolved"
        case .botSilenced: "bot_silenced"
        case .notAssigned: "not_assigned"
        case .idempotencyKeyReused: "idempotency_key_reused"
        case .validation: "validation_failed"
        }
    }

    /// The HTTP status the neutral API answers with.
    public var httpStatus: Int {
        switch self {
        case .notFound: 404
        case .unknownTeam, .validation: 422
        case .teamUnavailable, .invalidTransition, .conversationClosed, .conversationResolved, .botSilenced,
            .notAssigned, .idempotencyKeyReused:
            409
        }
    }

    /// A sentence for people.
    public var detail: String {
        switch self {
        case .notFound(let resource, let id): "No \(resource) '\(id)' in this workspace."
        case .unknownTeam(let team): "No team '\(team)' in this workspace; list teams with GET /v1/teams."
        case .teamUnavailable(_, let name, let reason):
            "Team '\(name)' cannot take the conversation now (\(reason)); the conversation was not transferred."
        case .invalidTransition(let from, let transition):
            "Cannot \(transition.rawValue) a conversation in state '\(from.rawValue)'."
        case .conversationClosed: "The conversation is closed; start a new conversation for the user's next contact."
        case .conversationResolved: "The conversation is resolved; close it and start a new one for the next contact."
        case .botSilenced:
            "The conversation is with the human team: the bot may not post public messages (internal notes are allowed)."
        case .notAssigned: "An agent must accept the conversation before writing in it."
        case .idempotencyKeyReused(let key): "Idempotency key '\(key)' was already used for a different request."
        case .validation(let field, let reason): "\(field): \(reason)"
        }
    }
}
