import HandoffContract
import Hummingbird

/// `/mock/v1/faults`: read or set the calling workspace's fault plan.
struct FaultsController {
    let faults: FaultInjector

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/mock/v1", .get, "faults", get)
        routes.on(group, base: "/mock/v1", .put, "faults", set)
    }

    @Sendable func get(_ request: Request, context: MockRequestContext) async throws -> Response {
        try JSONIO.response(faults.plan(try context.requireWorkspace().id))
    }

    @Sendable func set(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let plan = try await JSONIO.decode(FaultPlan.self, from: request, context: context)
        if let (field, reason) = plan.problem { throw APIError.invalidField(field, reason) }
        faults.set(plan, for: workspace.id)
        return try JSONIO.response(plan)
    }
}
