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
        try JSONIO.response(ListResponse(data: try store.teams(try context.requireWorkspace()), next: nil))
    }

    @Sendable func get(_ request: Request, context: MockRequestContext) async throws -> Response {
        try JSONIO.response(try store.team(try context.requireWorkspace(), .id(context.id())))
    }
}
