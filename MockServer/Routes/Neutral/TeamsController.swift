import HandoffContract
import Hummingbird

/// `/v1/teams`: the teams a conversation can go to, with their availability.
struct TeamsController {
    let store: SupportStore

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/v1/teams", .get, "", list)
        routes.on(group, base: "/v1/teams", .get, ":id", get)
    }

    @Sendable func list(_ request: Request, context: MockRequestContext) async throws -> Response {
        // The bot's most frequent read: encoded once, kept until the next write.
        let workspace = try context.requireWorkspace()
        let body = try store.readCache.value(.init(workspace: workspace.id, name: "GET /v1/teams")) {
            ByteBuffer(bytes: try Rows.encoder.encode(ListResponse(data: try store.teams(workspace), next: nil)))
        }
        return JSONIO.response(encoded: body)
    }

    @Sendable func get(_ request: Request, context: MockRequestContext) async throws -> Response {
        try JSONIO.response(try store.team(try context.requireWorkspace(), .id(context.id())))
    }
}
