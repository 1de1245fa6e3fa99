import AsyncHTTPClient
import Foundation
import HandoffContract

/// The neutral Support API v1 as a ``SupportSystem``: the binding for the mock and for any
/// connector that implements the neutral API in front of another support system.
public struct NeutralSupportClient: SupportSystem {
    /// The HTTP plumbing (base URL, token).
    public let transport: HTTPTransport

    /// Creates a client for a base URL and a workspace token.
    public init(baseURL: String, token: String, client: HTTPClient = .shared) {
        transport = HTTPTransport(baseURL: baseURL, token: token, client: client)
    }

    /// Creates a client over a given transport (e.g. one that observes every exchange).
    public init(transport: HTTPTransport) {
        self.transport = transport
    }

    struct List<Item: Decodable>: Decodable {
        var data: [Item]
        var next: String?
    }

    struct OpenBody: Encodable {
        var userId: String
        var context: ConversationContext
    }

    struct TransferBody: Encodable {
        var teamId: String?
        var teamName: String?
    }

    struct TransferResult: Decodable {
        var outcome: String
        var conversation: Conversation
        var team: Team
    }

    /// Creates the user or returns the existing one with the same `externalId`.
    public func ensureUser(_ user: NewUser) async throws -> User {
        try await transport.call(.POST, "/v1/users", body: user)
    }

    /// Looks a user up by the bot's id.
    public func findUser(externalId: String) async throws -> User? {
        let list: List<User> = try await transport.call(.GET, "/v1/users?externalId=\(query(externalId))")
        return list.data.first
    }

    /// Opens a conversation; with an idempotency key a retry returns the first one.
    public func openConversation(
        userId: String, context: ConversationContext, idempotencyKey: String?
    ) async throws
        -> Conversation
    {
        try await transport.call(
            .POST, "/v1/conversations", body: OpenBody(userId: userId, context: context),
            headers: idempotencyKey.map { [("Idempotency-Key", $0)] } ?? [])
    }

    /// Reads a conversation.
    public func conversation(id: String) async throws -> Conversation {
        try await transport.call(.GET, "/v1/conversations/\(query(id))")
    }

    /// Lists a user's conversations, optionally in one state.
    public func conversations(userId: String, state: ConversationState?) async throws -> [Conversation] {
        var path = "/v1/conversations?limit=500&userId=\(query(userId))"
        if let state { path += "&state=\(state.rawValue)" }
        let list: List<Conversation> = try await transport.call(.GET, path)
        return list.data
    }

    /// Mirrors a message.
    public func post(_ message: NewMessage, to conversationId: String) async throws -> Message {
        try await transport.call(.POST, "/v1/conversations/\(query(conversationId))/messages", body: message)
    }

    /// Lists messages in order.
    public func messages(in conversationId: String, after: Int?, limit: Int?) async throws -> [Message] {
        var path = "/v1/conversations/\(query(conversationId))/messages?after=\(after ?? 0)"
        if let limit { path += "&limit=\(limit)" }
        let list: List<Message> = try await transport.call(.GET, path)
        return list.data
    }

    /// Lists the teams.
    public func teams() async throws -> [Team] {
        let list: List<Team> = try await transport.call(.GET, "/v1/teams")
        return list.data
    }

    /// Transfers to a team; `team_unavailable` is an outcome, not an error.
    public func transfer(_ conversationId: String, to team: TeamReference) async throws -> TransferOutcome {
        let body: TransferBody
        switch team {
        case .id(let id): body = TransferBody(teamId: id)
        case .name(let name): body = TransferBody(teamName: name)
        }
        do {
            let result: TransferResult = try await transport.call(
                .POST, "/v1/conversations/\(query(conversationId))/transfer", body: body)
            return .transferred(result.conversation, result.team)
        } catch let error as ClientError where error.code == "team_unavailable" {
            struct Unavailable: Decodable {
                struct TeamRef: Decodable {
                    var id: String
                    var name: String
                }
                var team: TeamRef
                var reason: String
            }
            let unavailable = try HTTPTransport.decoder.decode(
                Unavailable.self, from: Data(error.exchange.responseBody.utf8))
            let team: Team = try await transport.call(.GET, "/v1/teams/\(query(unavailable.team.id))")
            return .teamUnavailable(team: team, reason: unavailable.reason)
        }
    }

    /// Closes the session.
    public func close(_ conversationId: String) async throws -> Conversation {
        try await transport.call(.POST, "/v1/conversations/\(query(conversationId))/close", body: Empty())
    }

    struct WebhookBody: Encodable {
        var url: String
        var secret: String
    }

    struct WebhookCreated: Decodable {
        var id: String
        var secret: String?
    }

    /// Subscribes a URL to the events; deliveries are signed with `secret`.
    public func subscribeWebhook(url: String, secret: String) async throws -> WebhookSubscription {
        let created: WebhookCreated = try await transport.call(
            .POST, "/v1/webhooks", body: WebhookBody(url: url, secret: secret))
        return WebhookSubscription(id: created.id, secret: created.secret ?? secret)
    }

    /// Removes a subscription.
    public func unsubscribeWebhook(id: String) async throws {
        let exchange = try await transport.send(.DELETE, "/v1/webhooks/\(query(id))")
        try HTTPTransport.check(exchange)
    }

    /// Reads the event feed, long-polling up to `waitSeconds`.
    public func events(after cursor: String?, waitSeconds: Int) async throws -> Page<SupportEvent> {
        let list: List<SupportEvent> = try await transport.call(
            .GET, "/v1/events?after=\(query(cursor ?? "0"))&wait=\(waitSeconds)")
        return Page(items: list.data, next: list.next)
    }
}
