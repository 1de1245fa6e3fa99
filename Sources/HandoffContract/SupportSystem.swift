/// A new user as the bot describes it.
public struct NewUser: Sendable, Hashable, Codable {
    /// The bot's stable id for the user; creating twice with one `externalId` yields one user.
    public var externalId: String
    /// Display name.
    public var name: String?
    /// Email address.
    public var email: String?
    /// Phone number.
    public var phone: String?
    /// Free-form attributes.
    public var attributes: [String: JSONValue]?

    /// Creates a new-user request.
    public init(
        externalId: String, name: String? = nil, email: String? = nil, phone: String? = nil,
        attributes: [String: JSONValue]? = nil
    ) {
        self.externalId = externalId
        self.name = name
        self.email = email
        self.phone = phone
        self.attributes = attributes
    }
}

/// A message the bot mirrors into a conversation.
public struct NewMessage: Sendable, Hashable, Codable {
    /// `user` or `bot` on the bot's side; `agent` and `system` come from the support side.
    public var author: MessageAuthor
    /// The text.
    public var text: String
    /// `public` (default) or `internal`.
    public var visibility: Visibility?
    /// Structured choices, if the message asks the user to pick.
    public var choices: [Choice]?
    /// The client's de-duplication key: a retry with the same key yields one message.
    public var clientMessageId: String?

    /// Creates a new-message request.
    public init(
        author: MessageAuthor, text: String, visibility: Visibility? = nil, choices: [Choice]? = nil,
        clientMessageId: String? = nil
    ) {
        self.author = author
        self.text = text
        self.visibility = visibility
        self.choices = choices
        self.clientMessageId = clientMessageId
    }
}

/// Which team a transfer names: by id or by name.
public enum TeamReference: Sendable, Hashable {
    /// A team id such as `team_2`.
    case id(String)
    /// A team name, matched case-insensitively.
    case name(String)
}

/// What a transfer did.
public enum TransferOutcome: Sendable, Hashable {
    /// The conversation is queued for the team.
    case transferred(Conversation, Team)
    /// The team exists but cannot take it; the conversation is unchanged.
    case teamUnavailable(team: Team, reason: String)
}

/// One page of a list, with the cursor for the next.
public struct Page<Item: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    /// The items, in order.
    public var items: [Item]
    /// Pass as `after` to get what follows; nil when the caller has seen everything so far.
    public var next: String?

    /// Creates a page.
    public init(items: [Item], next: String?) {
        self.items = items
        self.next = next
    }
}

/// A webhook subscription: its id, and the secret the target signs deliveries with.
public struct WebhookSubscription: Sendable, Hashable, Codable {
    /// The subscription id, for ``SupportSystem/unsubscribeWebhook(id:)``.
    public var id: String
    /// The secret deliveries are signed with. The neutral API signs with the secret the bot proposed;
    /// Chatwoot generates its own and returns it (empty when the server returned none: it does not sign).
    public var secret: String

    /// Creates a subscription value.
    public init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }
}

/// The six semantics of the external mode plus teams and events, as a bot sees a support system.
/// Every binding (neutral HTTP, Chatwoot) implements it; the suite and the routing client use it.
public protocol SupportSystem: Sendable {
    /// Creates the user, or returns the one that already has this `externalId`.
    func ensureUser(_ user: NewUser) async throws -> User
    /// Looks a user up by the bot's id; nil when there is none.
    func findUser(externalId: String) async throws -> User?
    /// Opens a conversation with the context the bot has; it starts in state `bot`.
    func openConversation(
        userId: String, context: ConversationContext, idempotencyKey: String?
    ) async throws
        -> Conversation
    /// Reads a conversation.
    func conversation(id: String) async throws -> Conversation
    /// Lists a user's conversations, optionally in one state, oldest first.
    func conversations(userId: String, state: ConversationState?) async throws -> [Conversation]
    /// Mirrors a message; a retry with the same `clientMessageId` yields one message.
    func post(_ message: NewMessage, to conversationId: String) async throws -> Message
    /// Lists messages in order, after a sequence number.
    func messages(in conversationId: String, after: Int?, limit: Int?) async throws -> [Message]
    /// Lists the teams with their availability.
    func teams() async throws -> [Team]
    /// Hands the conversation to a team.
    func transfer(_ conversationId: String, to team: TeamReference) async throws -> TransferOutcome
    /// Ends the session; idempotent.
    func close(_ conversationId: String) async throws -> Conversation
    /// Reads events after a cursor, waiting up to `waitSeconds` for one to arrive.
    func events(after cursor: String?, waitSeconds: Int) async throws -> Page<SupportEvent>
    /// Subscribes a URL to the events. `secret` is the one the bot proposes; a target that makes its own
    /// (Chatwoot) ignores it. The answer carries the secret deliveries are really signed with.
    func subscribeWebhook(url: String, secret: String) async throws -> WebhookSubscription
    /// Removes a webhook subscription.
    func unsubscribeWebhook(id: String) async throws
}

/// The human side of a support system, driven by tests and demos.
public protocol AgentDesk: Sendable {
    /// An agent takes the conversation (the first agent of its team when `agentId` is nil).
    func accept(_ conversationId: String, agentId: String?) async throws -> Conversation
    /// The assigned agent writes a public reply.
    func reply(_ conversationId: String, text: String) async throws -> Message
    /// An agent writes an internal note.
    func note(_ conversationId: String, text: String) async throws -> Message
    /// The agent is done.
    func resolve(_ conversationId: String) async throws -> Conversation
    /// Takes a team offline or brings it back.
    func setTeamOnline(_ teamId: String, online: Bool) async throws -> Team
}
