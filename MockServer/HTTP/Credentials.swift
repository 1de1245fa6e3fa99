import Hummingbird

/// Who a token is: the workspace it belongs to, its principal on the Chatwoot face and its role on every face.
public struct Credentials: Sendable {
    /// The workspace.
    public var workspace: Workspace
    /// The Chatwoot user or agent bot it acts as.
    var principal: ChatwootPrincipal
    /// What it may do.
    public var role: TokenRole
}

/// The token a request presents, read in one place for every face, the journal and the rate limiter.
enum PresentedToken: Equatable {
    /// No token header.
    case missing
    /// An `Authorization` header that is not `Bearer <token>`.
    case malformed
    /// The token.
    case token(String)

    /// `Authorization: Bearer <token>` (the scheme in any case, as RFC 9110 has it).
    static func bearer(_ request: Request) -> PresentedToken {
        guard let header = request.headers[.authorization] else { return .missing }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else { return .malformed }
        return .token(String(parts[1]))
    }

    /// Chatwoot's `api_access_token` (`Api-Access-Token` is read too).
    static func chatwoot(_ request: Request) -> PresentedToken {
        guard let token = request.headers[.apiAccessToken] ?? request.headers[.apiAccessTokenDashed] else { return .missing }
        return token.isEmpty ? .malformed : .token(token)
    }

    /// The token of either face, if any.
    static func any(_ request: Request) -> String? {
        if case .token(let token) = bearer(request) { return token }
        if case .token(let token) = chatwoot(request) { return token }
        return nil
    }
}
