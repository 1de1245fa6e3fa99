import Hummingbird

/// Reads `Authorization: Bearer <token>` and puts the token's workspace in the context.
/// A missing token is 401 `unauthorized`; an unknown one is 401 `invalid_token`.
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = MockRequestContext
    let store: SupportStore

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if store.boundary.bodyLimitLifted { context.maxUploadSize = 64 << 20 }
        context.lenientQuery = store.boundary.lenientQuery
        let presented = PresentedToken.bearer(request)
        if store.boundary.acceptsAnyToken, let first = try store.workspaces().first {
            let token = if case .token(let token) = presented { token } else { "" }
            context.workspace = try store.workspace(forToken: token) ?? first
            return try await next(request, context)
        }
        let token: String
        switch presented {
        case .missing: throw APIError.unauthorized("Send Authorization: Bearer <token> (the dev token is printed at start).")
        case .malformed: throw APIError.unauthorized("The Authorization header must be 'Bearer <token>'.", code: "invalid_token")
        case .token(let value): token = value
        }
        guard let credentials = try store.credentials(forToken: token) else {
            throw APIError.unauthorized("The token is not known to this server.", code: "invalid_token")
        }
        let allowed = TokenRole.allowed(method: request.method, path: request.uri.path)
        guard allowed.contains(credentials.role) else {
            let needed = TokenRole.allCases.filter(allowed.contains).map(\.rawValue)
            throw APIError(
                .forbidden, code: "forbidden_role",
                detail:
                    "This is a \(credentials.role.rawValue) token; \(request.method.rawValue) \(request.uri.path) needs the "
                    + needed.joined(separator: " or ") + " role (the workspace's own token, such as dev-token, is admin).",
                extra: ["role": .string(credentials.role.rawValue), "required": .array(needed.map { .string($0) })])
        }
        context.workspace = credentials.workspace
        if store.boundary.leaksAcrossWorkspaces,
            let owner = try store.leakedWorkspace(path: request.uri.path[...], caller: credentials.workspace)
        {
            context.workspace = owner
        }
        return try await next(request, context)
    }
}
