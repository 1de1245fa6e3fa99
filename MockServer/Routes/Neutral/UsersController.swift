import HandoffContract
import Hummingbird

/// `/v1/users`: create (idempotent by `externalId`), get, look up, list.
struct UsersController {
    let store: SupportStore

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        let base = "/v1/users"
        routes.on(group, base: base, .post, "", create)
        routes.on(group, base: base, .get, "", list)
        routes.on(group, base: base, .get, ":id", get)
    }

    @Sendable func create(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        var new = try await JSONIO.decode(NewUser.self, from: request, context: context)
        new.externalId = try JSONIO.requireText(new.externalId, field: "externalId", max: 256)
        let (user, created) = try await store.ensureUser(workspace, new)
        return try JSONIO.response(user, status: created ? .created : .ok)
    }

    @Sendable func list(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let limit = try JSONIO.intParameter(request, context, "limit", default: 100, range: 1...500)
        let after = try request.cursor(kind: .ids(.user))
        if let externalId = request.uri.queryParameters.get("externalId") {
            let users = try store.user(workspace, externalId: String(externalId)).map { [$0] } ?? []
            return try JSONIO.response(ListResponse(data: users, next: nil))
        }
        let users = try store.users(workspace, after: after, limit: limit)
        return try JSONIO.response(ListResponse(data: users, next: users.count == limit ? users.last?.id : nil))
    }

    @Sendable func get(_ request: Request, context: MockRequestContext) async throws -> Response {
        try JSONIO.response(try store.user(try context.requireWorkspace(), id: context.id()))
    }
}
