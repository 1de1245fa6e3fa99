import HandoffContract
import Hummingbird

/// `/mock/v1/deliveries`: webhook deliveries with their outcome, and replay of a failed one.
struct DeliveriesController {
    let store: SupportStore

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/mock/v1", .get, "deliveries", list)
        routes.on(group, base: "/mock/v1", .post, "deliveries/:id/replay", replay)
    }

    @Sendable func list(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let status = request.uri.queryParameters.get("status").map { String($0) }
        if let status, !["pending", "delivered", "failed"].contains(status) {
            throw APIError.badParameter("status", "must be pending, delivered or failed")
        }
        let limit = try JSONIO.intParameter(request, context, "limit", default: 100, range: 1...500)
        return try JSONIO.response(ListResponse(data: try store.deliveries(workspace, status: status, limit: limit), next: nil))
    }

    @Sendable func replay(_ request: Request, context: MockRequestContext) async throws -> Response {
        try await store.replay(try context.requireWorkspace(), deliveryId: context.id())
        return Response(status: .accepted)
    }
}
