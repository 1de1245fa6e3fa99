import Hummingbird

/// What a token may do, on every face. The workspace's own tokens (the seed's `dev-token`, tokens minted with
/// `POST /mock/v1/tokens`) and Chatwoot administrators are `admin`; an agent bot's token is `bot`; a Chatwoot
/// agent's token is `agent`.
public enum TokenRole: String, Sendable, CaseIterable {
    /// Everything: the control API, tokens, reset, faults, seeds, personas, webhook configuration, the journal.
    case admin
    /// What a connector does: users, conversations, messages, transfers, closes, teams and the event feed.
    case bot
    /// What a person at the desk does: accept, reply, note, transfer, resolve, and read the desk.
    case agent

    /// The roles allowed on a path of the neutral or control API: the one table of who may call what.
    public static func allowed(method: HTTPRequest.Method, path: String) -> Set<TokenRole> {
        if path == "/mock/v1/workspace" { return [.admin, .bot, .agent] }
        if path.hasPrefix("/mock/v1/desk") || path == "/mock/v1/changes" || path == "/mock/v1/agents" { return [.admin, .agent] }
        if path.hasPrefix("/mock/v1/conversations/"),
            let action = path.split(separator: "/").last,
            ["accept", "reply", "note", "resolve", "transfer"].contains(action)
        {
            return [.admin, .agent]
        }
        if path.hasPrefix("/mock/") { return [.admin] }
        if path == "/v1/webhooks" || path.hasPrefix("/v1/webhooks/") { return [.admin] }
        return [.admin, .bot]
    }

    /// The role of a Chatwoot principal on the other faces.
    init(_ principal: ChatwootPrincipal) {
        switch principal {
        case .bot: self = .bot
        case .user(_, let role): self = role == "administrator" ? .admin : .agent
        }
    }
}
