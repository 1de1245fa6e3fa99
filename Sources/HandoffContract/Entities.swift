import Foundation

/// A person on the support side, created by the bot for one of its users.
public struct User: Sendable, Hashable, Codable {
    /// Server-made id, e.g. `usr_12`.
    public var id: String
    /// The bot's stable id for this user; unique per workspace.
    public var externalId: String
    /// Display name.
    public var name: String?
    /// Email address, if known.
    public var email: String?
    /// Phone number, if known.
    public var phone: String?
    /// Free-form attributes (VIP flags, plan, locale…).
    public var attributes: [String: JSONValue]
    /// When the support side first saw this user.
    public var createdAt: Date

    /// Creates a user value.
    public init(
        id: String, externalId: String, name: String? = nil, email: String? = nil, phone: String? = nil,
        attributes: [String: JSONValue] = [:], createdAt: Date
    ) {
        self.id = id
        self.externalId = externalId
        self.name = name
        self.email = email
        self.phone = phone
        self.attributes = attributes
        self.createdAt = createdAt
    }
}

/// Whether a team can take a conversation right now, and why not.
public struct TeamAvailability: Sendable, Hashable, Codable {
    /// True when a transfer to this team would be accepted.
    public var available: Bool
    /// Why the team cannot take conversations (`no_agents`, `offline`); nil when available.
    public var reason: String?
    /// How many agents the team has.
    public var agentCount: Int

    /// Creates an availability value.
    public init(available: Bool, reason: String?, agentCount: Int) {
        self.available = available
        self.reason = reason
        self.agentCount = agentCount
    }

    /// Availability derived from the rule: a team takes conversations when it is online and has an agent.
    public static func of(online: Bool, agentCount: Int) -> TeamAvailability {
        if !online { return .init(available: false, reason: "offline", agentCount: agentCount) }
        if agentCount == 0 { return .init(available: false, reason: "no_agents", agentCount: agentCount) }
        return .init(available: true, reason: nil, agentCount: agentCount)
    }
}

/// A group of human agents qualified for one kind of problem.
public struct Team: Sendable, Hashable, Codable {
    /// Server-made id, e.g. `team_3`.
    public var id: String
    /// Unique name within the workspace; transfers may name the team by it (case-insensitive).
    public var name: String
    /// What the team handles.
    public var description: String?
    /// Whether it can take a conversation now.
    public var availability: TeamAvailability

    /// Creates a team value.
    public init(id: String, name: String, description: String?, availability: TeamAvailability) {
        self.id = id
        self.name = name
        self.description = description
        self.availability = availability
    }
}

/// A human agent who belongs to one team.
public struct Agent: Sendable, Hashable, Codable {
    /// Server-made id, e.g. `agt_4`.
    public var id: String
    /// Display name.
    public var name: String
    /// Email address.
    public var email: String?
    /// The team the agent works in; nil for an administrator outside every team.
    public var teamId: String?

    /// Creates an agent value.
    public init(id: String, name: String, email: String?, teamId: String?) {
        self.id = id
        self.name = name
        self.email = email
        self.teamId = teamId
    }
}

/// What the bot knew when it opened the conversation: intent, unfinished intents, slots, attributes.
public struct ConversationContext: Sendable, Hashable, Codable {
    /// The current (most recent unfinished) intent, if any.
    public var intent: String?
    /// Unfinished intents, most recent first.
    public var intents: [String]
    /// Slot values filled so far.
    public var slots: [String: JSONValue]
    /// Conversation attributes (channel, VIP, locale…).
    public var attributes: [String: JSONValue]

    /// Creates a context value.
    public init(
        intent: String? = nil, intents: [String] = [], slots: [String: JSONValue] = [:],
        attributes: [String: JSONValue] = [:]
    ) {
        self.intent = intent
        self.intents = intents
        self.slots = slots
        self.attributes = attributes
    }

    /// Decodes with every field optional.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        intent = try c.decodeIfPresent(String.self, forKey: .intent)
        intents = try c.decodeIfPresent([String].self, forKey: .intents) ?? []
        slots = try c.decodeIfPresent([String: JSONValue].self, forKey: .slots) ?? [:]
        attributes = try c.decodeIfPresent([String: JSONValue].self, forKey: .attributes) ?? [:]
    }
}

/// A support-side conversation that holds the history of one session with one user.
public struct Conversation: Sendable, Hashable, Codable {
    /// Server-made id, e.g. `cnv_7`.
    public var id: String
    /// Per-workspace number (Chatwoot's `display_id`).
    public var number: Int
    /// The user this conversation is with.
    public var userId: String
    /// Where the conversation stands.
    public var state: ConversationState
    /// The team it was transferred to, once transferred.
    public var teamId: String?
    /// The agent who took it, once assigned.
    public var assigneeId: String?
    /// What the bot knew when it opened the conversation.
    public var context: ConversationContext
    /// When it was opened.
    public var createdAt: Date
    /// When it last changed: a new state, team, assignee, attribute or message, on any face.
    public var updatedAt: Date

    /// Creates a conversation value.
    public init(
        id: String, number: Int, userId: String, state: ConversationState, teamId: String?, assigneeId: String?,
        context: ConversationContext, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.number = number
        self.userId = userId
        self.state = state
        self.teamId = teamId
        self.assigneeId = assigneeId
        self.context = context
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Who wrote a message.
public enum MessageAuthor: String, Sendable, Hashable, Codable, CaseIterable {
    /// The end user, mirrored by the bot.
    case user
    /// The bot itself.
    case bot
    /// A human agent on the support side.
    case agent
    /// The support system (state changes, notices).
    case system
}

/// Who may see a message.
public enum Visibility: String, Sendable, Hashable, Codable, CaseIterable {
    /// Seen by the user.
    case `public`
    /// Seen by agents only (an internal note).
    case `internal`
}

/// One structured choice offered with a message (Chatwoot's `input_select` item).
public struct Choice: Sendable, Hashable, Codable {
    /// The value sent back when picked.
    public var value: String
    /// The text shown.
    public var label: String

    /// Creates a choice.
    public init(value: String, label: String) {
        self.value = value
        self.label = label
    }
}

/// One message in a conversation.
public struct Message: Sendable, Hashable, Codable {
    /// Server-made id, e.g. `msg_40`.
    public var id: String
    /// The conversation it belongs to.
    public var conversationId: String
    /// Position in the conversation: 1, 2, 3… with no gaps.
    public var seq: Int
    /// Who wrote it.
    public var author: MessageAuthor
    /// Who may see it.
    public var visibility: Visibility
    /// The text.
    public var text: String
    /// Structured choices offered with it, if any.
    public var choices: [Choice]?
    /// The agent who wrote it, for agent messages.
    public var agentId: String?
    /// The client's de-duplication key, if it gave one.
    public var clientMessageId: String?
    /// When it was stored.
    public var createdAt: Date

    /// Creates a message value.
    public init(
        id: String, conversationId: String, seq: Int, author: MessageAuthor, visibility: Visibility, text: String,
        choices: [Choice]?, agentId: String?, clientMessageId: String?, createdAt: Date
    ) {
        self.id = id
        self.conversationId = conversationId
        self.seq = seq
        self.author = author
        self.visibility = visibility
        self.text = text
        self.choices = choices
        self.agentId = agentId
        self.clientMessageId = clientMessageId
        self.createdAt = createdAt
    }
}
