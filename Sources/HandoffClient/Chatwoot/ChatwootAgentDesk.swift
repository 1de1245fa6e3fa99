import AsyncHTTPClient
import Foundation
import HandoffContract

/// A Chatwoot agent (a User with role `agent`) as an ``AgentDesk``: plays the human side against a
/// Chatwoot account with the agent's own token. The agent must be a member of the inbox (or of the team).
///
/// - accept = `POST assignments {assignee_id}`: the agent named, or the token's own user
///   (`GET /api/v1/profile`);
/// - reply = an `outgoing` message, note = a `private` one;
/// - resolve = `toggle_status resolved`;
/// - Chatwoot has no team availability: ``setTeamOnline(_:online:)`` throws ``UnsupportedOperation``.
///
/// The desk acts as a person in Chatwoot's dashboard would: it does not enforce the contract's rules.
public struct ChatwootAgentDesk: AgentDesk {
    let connection: ChatwootConnection

    /// Creates a desk for an account with an agent's token.
    public init(
        baseURL: String, accountId: Int, agentToken: String, client: HTTPClient = .shared,
        observer: (@Sendable (HTTPExchange) -> Void)? = nil
    ) {
        let transport = ChatwootConnection.transport(
            baseURL: baseURL, token: agentToken, client: client, observer: observer)
        connection = ChatwootConnection(accountId: accountId, inboxId: 0, reader: transport, writer: transport)
    }

    struct Profile: Decodable {
        var id: WireID
    }

    /// The token's own user id (`GET /api/v1/profile`).
    public func ownId() async throws -> String {
        let profile: Profile = try await connection.call(connection.reader, .GET, "/api/v1/profile")
        return profile.id.text
    }

    /// Assigns the conversation to `agentId`, or to the token's own user.
    public func accept(_ conversationId: String, agentId: String?) async throws -> Conversation {
        let path = "\(connection.conversationPath(conversationId))/assignments"
        let id: String
        if let agentId { id = agentId } else { id = try await ownId() }
        guard let assignee = Int(id) else {
            throw ClientError.refused(
                .validation(field: "agentId", reason: "Chatwoot user ids are numbers (got '\(id)')"), method: "POST",
                path: path)
        }
        try await connection.send(connection.writer, .POST, path, body: WireAgentAssignment(assigneeId: assignee))
        return try await connection.conversation(conversationId)
    }

    /// A public reply: an `outgoing` message by the agent.
    public func reply(_ conversationId: String, text: String) async throws -> Message {
        try await write(conversationId, text: text, isPrivate: false)
    }

    /// An internal note: a `private` outgoing message by the agent.
    public func note(_ conversationId: String, text: String) async throws -> Message {
        try await write(conversationId, text: text, isPrivate: true)
    }

    func write(_ conversationId: String, text: String, isPrivate: Bool) async throws -> Message {
        let created: WireMessage = try await connection.call(
            connection.writer, .POST, "\(connection.conversationPath(conversationId))/messages",
            body: WireNewMessage(content: text, messageType: "outgoing", isPrivate: isPrivate))
        return try await connection.stored(created, in: conversationId)
    }

    /// Resolves the conversation (`toggle_status resolved`).
    public func resolve(_ conversationId: String) async throws -> Conversation {
        try await connection.send(
            connection.writer, .POST, "\(connection.conversationPath(conversationId))/toggle_status",
            body: WireStatus(status: ChatwootMapping.status(for: .resolved)))
        return try await connection.conversation(conversationId)
    }

    /// Chatwoot has no team availability: always throws ``UnsupportedOperation``.
    public func setTeamOnline(_ teamId: String, online: Bool) async throws -> Team {
        throw UnsupportedOperation(
            operation: "take a team \(online ? "online" : "offline")",
            reason: "Chatwoot has no team availability; a team with nobody online still takes transfers")
    }
}
