import AsyncHTTPClient
import HandoffContract

/// The mock's control API as an ``AgentDesk``: plays the human agent in tests and demos.
public struct MockAgentDesk: AgentDesk {
    /// The HTTP plumbing (base URL, workspace token).
    public let transport: HTTPTransport

    /// Creates a desk for a base URL and a workspace token.
    public init(baseURL: String, token: String, client: HTTPClient = .shared) {
        transport = HTTPTransport(baseURL: baseURL, token: token, client: client)
    }

    /// Creates a desk over a given transport.
    public init(transport: HTTPTransport) {
        self.transport = transport
    }

    struct WorkspaceBody: Encodable {
        var name: String
    }

    struct WorkspaceCreated: Decodable {
        var token: String
    }

    /// Creates another workspace on the mock and returns its token (for isolation checks).
    public func createWorkspace(name: String) async throws -> String {
        var open = transport
        open.token = nil
        let created: WorkspaceCreated = try await open.call(.POST, "/mock/v1/workspaces", body: WorkspaceBody(name: name))
        return created.token
    }

    struct AcceptBody: Encodable {
        var agentId: String?
    }

    struct TextBody: Encodable {
        var text: String
    }

    struct OnlineBody: Encodable {
        var online: Bool
    }

    /// An agent takes the conversation.
    public func accept(_ conversationId: String, agentId: String?) async throws -> Conversation {
        try await transport.call(.POST, "/mock/v1/conversations/\(query(conversationId))/accept", body: AcceptBody(agentId: agentId))
    }

    /// The assigned agent replies in public.
    public func reply(_ conversationId: String, text: String) async throws -> Message {
        try await transport.call(.POST, "/mock/v1/conversations/\(query(conversationId))/reply", body: TextBody(text: text))
    }

    /// An agent writes an internal note.
    public func note(_ conversationId: String, text: String) async throws -> Message {
        try await transport.call(.POST, "/mock/v1/conversations/\(query(conversationId))/note", body: TextBody(text: text))
    }

    /// The agent is done.
    public func resolve(_ conversationId: String) async throws -> Conversation {
        try await transport.call(.POST, "/mock/v1/conversations/\(query(conversationId))/resolve", body: Empty())
    }

    /// Takes a team offline or brings it back.
    public func setTeamOnline(_ teamId: String, online: Bool) async throws -> Team {
        try await transport.call(.PUT, "/mock/v1/teams/\(query(teamId))/availability", body: OnlineBody(online: online))
    }
}
