import HandoffContract
import Hummingbird

/// `/mock/v1/workspaces`, `/mock/v1/tokens`, `/mock/v1/reset`: tenants and their tokens.
/// Creating a workspace needs no token (this is a local mock); the rest act on the caller's workspace.
struct WorkspacesController {
    let store: SupportStore

    struct CreateBody: Decodable {
        var name: String
        var token: String?
    }

    struct Created: Encodable {
        var workspace: Workspace
        var token: String
    }

    struct TokenBody: Decodable {
        var token: String?
    }

    func register(
        open: RouterGroup<MockRequestContext>, authenticated: RouterGroup<MockRequestContext>, _ routes: RouteRecorder
    ) {
        routes.on(open, base: "/mock/v1", .post, "workspaces", create)
        routes.on(authenticated, base: "/mock/v1", .post, "tokens", addToken)
        routes.on(authenticated, base: "/mock/v1", .post, "reset", reset)
        routes.on(authenticated, base: "/mock/v1", .get, "workspace", current)
    }

    @Sendable func create(_ request: Request, context: MockRequestContext) async throws -> Response {
        let body = try await JSONIO.decode(CreateBody.self, from: request, context: context)
        let name = try JSONIO.requireText(body.name, field: "name", max: 128)
        let token = try body.token.map { try JSONIO.requireText($0, field: "token", max: 256) } ?? Self.newToken()
        let workspace = try await store.createWorkspace(name: name, token: token)
        return try JSONIO.response(Created(workspace: workspace, token: token), status: .created)
    }

    @Sendable func addToken(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let body = try await JSONIO.decodeOptional(TokenBody.self, from: request, context: context, fallback: .init())
        let token = try body.token.map { try JSONIO.requireText($0, field: "token", max: 256) } ?? Self.newToken()
        try await store.addToken(token, to: workspace)
        return try JSONIO.response(Created(workspace: workspace, token: token), status: .created)
    }

    @Sendable func reset(_ request: Request, context: MockRequestContext) async throws -> Response {
        try await store.reset(try context.requireWorkspace())
        return Response(status: .noContent)
    }

    @Sendable func current(_ request: Request, context: MockRequestContext) async throws -> Response {
        try JSONIO.response(try context.requireWorkspace())
    }

    static func newToken() -> String {
        "hk_" + (0..<20).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}
