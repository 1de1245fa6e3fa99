import HandoffContract
import Hummingbird

/// `/v1/events`: the pollable feed of events to the bot, with an `after` cursor and an
/// optional long-poll (`wait` seconds, at most 30).
struct EventsController {
    let store: SupportStore

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/v1/events", .get, "", list)
    }

    @Sendable func list(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let after = try JSONIO.intParameter(request, context, "after", default: 0, range: 0...Int(Int32.max))
        let limit = try JSONIO.intParameter(request, context, "limit", default: 100, range: 1...500)
        let wait = try JSONIO.intParameter(request, context, "wait", default: 0, range: 0...30)
        let generation = store.signal.generation(workspace.id)
        var events = try store.events(workspace, after: after, limit: limit)
        if store.boundary.slowLongPoll && wait > 0 {
            try await Task.sleep(for: .seconds(wait))
            events = try store.events(workspace, after: after, limit: limit)
        } else if events.isEmpty && wait > 0 {
            // The signal fires on every write, not only on events: wait again until an event or the deadline.
            let deadline = ContinuousClock.now + .seconds(wait)
            let signal = store.signal
            events = try await signal.untilShutdown {
                var generation = generation
                var events = events
                while events.isEmpty && ContinuousClock.now < deadline && !Task.isCancelled && !signal.isClosed {
                    await signal.wait(workspace: workspace.id, since: generation, timeout: deadline - ContinuousClock.now)
                    generation = signal.generation(workspace.id)
                    events = try store.events(workspace, after: after, limit: limit)
                }
                return events
            }
        }
        return try JSONIO.response(ListResponse(data: events, next: String(events.last?.seq ?? after)))
    }
}
