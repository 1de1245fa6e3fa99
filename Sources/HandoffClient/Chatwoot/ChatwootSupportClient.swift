import AsyncHTTPClient
import Foundation
import HandoffContract

/// Chatwoot's Application API as a ``SupportSystem``: the bot's side of a handoff to a Chatwoot account.
///
/// The mapping (PRODUCT.md, "Chatwoot binding"; rules in ``ChatwootMapping``):
/// - **user** = contact, created with the API inbox's `inbox_id` (so it has a contact_inbox and a
///   `source_id`); `externalId` = the contact's `identifier`. ``ensureUser(_:)`` looks the identifier up
///   (`POST contacts/filter`) and creates the contact when there is none; a creation that loses a race
///   gets Chatwoot's 422 for the taken identifier and returns the winner.
/// - **conversation** id = `display_id`; created with `inbox_id` + `contact_id` and `status: pending`
///   (the state `bot`, also in inboxes without a connected bot). `pending` → `bot`, `open` → `queued`,
///   `open` + a human assignee → `assigned`, `resolved` → `resolved`. The context lives in the
///   conversation's `custom_attributes` (``ChatwootMapping/ContextKey``).
/// - **messages**: user = `incoming`, bot = `outgoing` written with the bot token (sender `agent_bot`),
///   internal = `private: true`, choices = `input_select` items. The list is read with the User token
///   (bots may not list messages). `seq` is the position in the history; Chatwoot has no sequence
///   number, and its `activity`/`template` notices are left out. `clientMessageId` travels as `echo_id`,
///   which Chatwoot echoes but does not de-duplicate: a retried message is stored twice.
/// - **transfer** = `POST assignments {team_id}` then, while `pending`, `toggle_status open` with the bot
///   token (Chatwoot's bot handoff). Teams are found by id or by name, ignoring case (Chatwoot stores names
///   in lower case). Chatwoot has no team availability: every team reads as available.
/// - **close** = the marker ``ChatwootMapping/ContextKey/closedAt`` in `custom_attributes`, then
///   `toggle_status resolved`: Chatwoot has no closed state, so a closed conversation is a resolved one
///   with the marker, and reads back as `closed`.
/// - **events**: Chatwoot has no pollable feed (``events(after:waitSeconds:)`` throws
///   ``UnsupportedOperation``); events come by account webhook, signed with a secret Chatwoot makes.
///
/// Rules the contract puts on the support system that Chatwoot leaves to its clients are kept here,
/// from the contract's one definition, before anything is sent: the bot is silent after a handoff and
/// nothing is written into a resolved or closed conversation (``MessageRules``), a transfer follows the
/// state machine (``ConversationState/apply(_:)``), and an unknown team is refused (Chatwoot would
/// silently remove the team). Such refusals are ``ClientError``s with ``ClientError/refusedByBinding``.
public struct ChatwootSupportClient: SupportSystem {
    /// The account, inbox and tokens.
    public let account: ChatwootAccount
    let connection: ChatwootConnection

    /// The account webhook events subscribed by ``subscribeWebhook(url:secret:)``.
    public static let webhookSubscriptions = ["message_created", "conversation_status_changed", "conversation_updated"]

    /// Creates a client; `observer` hears every exchange.
    public init(
        account: ChatwootAccount, client: HTTPClient = .shared, observer: (@Sendable (HTTPExchange) -> Void)? = nil
    ) {
        self.account = account
        connection = ChatwootConnection(
            accountId: account.accountId, inboxId: account.inboxId,
            reader: ChatwootConnection.transport(
                baseURL: account.baseURL, token: account.userToken, client: client, observer: observer),
            writer: ChatwootConnection.transport(
                baseURL: account.baseURL, token: account.botToken, client: client, observer: observer))
    }

    // MARK: Users

    /// Returns the contact with this `identifier`, creating it (in the inbox) when there is none.
    public func ensureUser(_ user: NewUser) async throws -> User {
        if let found = try await findUser(externalId: user.externalId) { return found }
        let body = WireNewContact(
            inboxId: account.inboxId, identifier: user.externalId, name: user.name, email: user.email,
            phoneNumber: user.phone, customAttributes: user.attributes)
        do {
            let created: WireContactCreated = try await connection.call(
                connection.reader, .POST, "\(connection.account)/contacts", body: body)
            return created.payload.contact.user
        } catch let error as ClientError where error.exchange.status == 422 {
            // Chatwoot keeps identifiers unique per account: a concurrent creation won; return it.
            if let found = try await findUser(externalId: user.externalId) { return found }
            throw error
        }
    }

    /// Finds the contact whose `identifier` is `externalId` (`POST contacts/filter`, `equal_to`).
    public func findUser(externalId: String) async throws -> User? {
        let list: WirePayloadList<WireContact> = try await connection.call(
            connection.reader, .POST, "\(connection.account)/contacts/filter",
            body: WireFilter.equal("identifier", externalId))
        return list.payload.first { $0.identifier == externalId }?.user
    }

    // MARK: Conversations

    /// Opens a conversation in the inbox with `status: pending`, the context in `custom_attributes`.
    ///
    /// Chatwoot has no idempotency key: `idempotencyKey` is not used, and a retry opens a second conversation.
    public func openConversation(
        userId: String, context: ConversationContext, idempotencyKey: String?
    ) async throws
        -> Conversation
    {
        let path = "\(connection.account)/conversations"
        let attributes: [String: JSONValue]
        do {
            attributes = try ChatwootMapping.customAttributes(for: context)
        } catch {
            throw ClientError.refused(error, method: "POST", path: path)
        }
        let body = WireNewConversation(
            inboxId: account.inboxId, contactId: Int(userId).map { .number(Double($0)) } ?? .string(userId),
            status: ChatwootMapping.status(for: .bot), customAttributes: attributes)
        let exchange = try await connection.send(connection.writer, .POST, path, body: body)
        var conversation = try ChatwootConnection.contract(
            try ChatwootConnection.decode(WireConversation.self, exchange), exchange)
        if conversation.userId.isEmpty { conversation.userId = userId }
        return conversation
    }

    /// Reads a conversation by `display_id`.
    public func conversation(id: String) async throws -> Conversation {
        try await connection.conversation(id)
    }

    /// The contact's conversations (`GET contacts/{id}/conversations`: Chatwoot returns the latest 20),
    /// optionally in one state, oldest first.
    public func conversations(userId: String, state: ConversationState?) async throws -> [Conversation] {
        let exchange = try await connection.send(
            connection.reader, .GET, "\(connection.account)/contacts/\(query(userId))/conversations")
        let list = try ChatwootConnection.decode(WirePayloadList<WireConversation>.self, exchange)
        let all = try list.payload.map { try ChatwootConnection.contract($0, exchange) }
        return all.filter { state == nil || $0.state == state }.sorted { $0.number < $1.number }
    }

    // MARK: Messages

    /// Mirrors a user or bot message, after checking ``MessageRules`` against the conversation's state.
    public func post(_ message: NewMessage, to conversationId: String) async throws -> Message {
        let path = "\(connection.conversationPath(conversationId))/messages"
        let current = try await connection.conversation(conversationId)
        do {
            guard message.author == .user || message.author == .bot else {
                throw ContractError.validation(
                    field: "author", reason: "the bot mirrors user and bot messages; agents write in Chatwoot")
            }
            try MessageRules.check(
                author: message.author, visibility: message.visibility ?? .public, state: current.state)
        } catch let error as ContractError {
            throw ClientError.refused(error, method: "POST", path: path, requestBody: message.text)
        }
        let created: WireMessage = try await connection.call(
            connection.writer, .POST, path, body: WireNewMessage(message))
        return try await connection.stored(created, in: conversationId)
    }

    /// The history after position `after`, at most `limit` messages.
    public func messages(in conversationId: String, after: Int?, limit: Int?) async throws -> [Message] {
        let later = try await connection.messages(conversationId).dropFirst(max(0, after ?? 0))
        return Array(limit.map { later.prefix(max(0, $0)) } ?? later)
    }

    // MARK: Teams and transfer

    /// The account's teams, each available (Chatwoot has no availability) with its member count.
    public func teams() async throws -> [Team] {
        let teams = try await wireTeams()
        return try await withThrowingTaskGroup(of: (Int, Team).self) { group in
            for (index, team) in teams.enumerated() {
                group.addTask { (index, team.team(agentCount: try await memberCount(team.id.text))) }
            }
            var result: [(Int, Team)] = []
            for try await item in group { result.append(item) }
            return result.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    func wireTeams() async throws -> [WireTeam] {
        try await connection.call(connection.reader, .GET, "\(connection.account)/teams")
    }

    func memberCount(_ teamId: String) async throws -> Int {
        let members: [WirePerson] = try await connection.call(
            connection.reader, .GET, "\(connection.account)/teams/\(query(teamId))/team_members")
        return members.count
    }

    /// Assigns the team (`POST assignments {team_id}`), then hands off with `toggle_status open` while the
    /// conversation is `pending`, both with the bot token.
    public func transfer(_ conversationId: String, to reference: TeamReference) async throws -> TransferOutcome {
        let path = "\(connection.conversationPath(conversationId))/assignments"
        let (current, exchange) = try await connection.wireConversation(conversationId)
        let state = try ChatwootConnection.contract(current, exchange).state
        let teams = try await wireTeams()
        let team: WireTeam?
        switch reference {
        case .id(let id): team = teams.first { $0.id.text == id }
        case .name(let name): team = teams.first { $0.name.lowercased() == name.lowercased() }
        }
        do {
            guard let team, let teamId = Int(team.id.text) else {
                switch reference {
                case .id(let id): throw ContractError.unknownTeam(id)
                case .name(let name): throw ContractError.unknownTeam(name)
                }
            }
            _ = try state.apply(.transfer)
            try await connection.send(connection.writer, .POST, path, body: WireTeamAssignment(teamId: teamId))
            if current.status == ChatwootMapping.status(for: .bot) || current.status == "snoozed" {
                try await connection.send(
                    connection.writer, .POST, "\(connection.conversationPath(conversationId))/toggle_status",
                    body: WireStatus(status: "open"))
            }
            let after = try await connection.conversation(conversationId)
            return .transferred(after, team.team(agentCount: try await memberCount(team.id.text)))
        } catch let error as ContractError {
            throw ClientError.refused(error, method: "POST", path: path)
        }
    }

    // MARK: Close

    /// Marks the conversation closed by the bot (``ChatwootMapping/ContextKey/closedAt``) and resolves it.
    /// Closing a closed conversation changes nothing.
    public func close(_ conversationId: String) async throws -> Conversation {
        let (current, exchange) = try await connection.wireConversation(conversationId)
        if try ChatwootConnection.contract(current, exchange).state == .closed {
            return try ChatwootConnection.contract(current, exchange)
        }
        var attributes = current.customAttributes ?? [:]
        attributes[ChatwootMapping.ContextKey.closedAt] = .string(ISO8601Time.string(Date()))
        try await connection.send(
            connection.writer, .POST, "\(connection.conversationPath(conversationId))/custom_attributes",
            body: WireCustomAttributes(customAttributes: attributes))
        if current.status != ChatwootMapping.status(for: .resolved) {
            try await connection.send(
                connection.writer, .POST, "\(connection.conversationPath(conversationId))/toggle_status",
                body: WireStatus(status: ChatwootMapping.status(for: .resolved)))
        }
        return try await connection.conversation(conversationId)
    }

    // MARK: Events

    /// Chatwoot has no pollable event feed: always throws ``UnsupportedOperation``.
    public func events(after cursor: String?, waitSeconds: Int) async throws -> Page<SupportEvent> {
        throw UnsupportedOperation(
            operation: "read the event feed", reason: "Chatwoot has no pollable event feed; events come by webhook")
    }

    /// Creates an account webhook for ``webhookSubscriptions`` (User token of an administrator).
    /// Chatwoot makes the secret itself: `secret` is not used, and the answer carries Chatwoot's.
    public func subscribeWebhook(url: String, secret: String) async throws -> WebhookSubscription {
        let created: WireWebhookCreated = try await connection.call(
            connection.reader, .POST, "\(connection.account)/webhooks",
            body: WireNewWebhook(webhook: .init(url: url, subscriptions: Self.webhookSubscriptions)))
        return WebhookSubscription(id: created.payload.webhook.id.text, secret: created.payload.webhook.secret ?? "")
    }

    /// Deletes the account webhook.
    public func unsubscribeWebhook(id: String) async throws {
        try await connection.send(connection.reader, .DELETE, "\(connection.account)/webhooks/\(query(id))")
    }
}
