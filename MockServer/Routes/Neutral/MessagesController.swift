import HandoffContract
import Hummingbird

/// `/v1/conversations/:id/messages`: the bot mirrors user and bot messages; list in order.
struct MessagesController {
    let store: SupportStore

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        let base = "/v1/conversations"
        routes.on(group, base: base, .post, ":id/messages", post)
        routes.on(group, base: base, .get, ":id/messages", list)
    }

    @Sendable func post(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        var new = try await JSONIO.decode(NewMessage.self, from: request, context: context)
        guard new.author == .user || new.author == .bot else {
            throw APIError.invalidField("author", "must be 'user' or 'bot' here; agents write through /mock/v1")
        }
        new.text = try JSONIO.requireText(new.text, field: "text")
        // The header is checked even when the body's clientMessageId wins over it.
        let headerKey = try request.headers[.idempotencyKey].map {
            try JSONIO.requireText($0, field: "Idempotency-Key", max: 256)
        }
        if new.clientMessageId == nil { new.clientMessageId = headerKey }
        if let key = new.clientMessageId { _ = try JSONIO.requireText(key, field: "clientMessageId", max: 256) }
        let (message, created) = try await store.post(workspace, conversationId: context.id(), new)
        return try JSONIO.response(message, status: created ? .created : .ok)
    }

    @Sendable func list(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let after = try JSONIO.intParameter(request, context, "after", default: 0, range: 0...Int(Int32.max))
        let limit = try JSONIO.intParameter(request, context, "limit", default: 100, range: 1...500)
        let items = try store.messages(workspace, conversationId: context.id(), after: after, limit: limit)
        return try JSONIO.response(ListResponse(data: items, next: String(items.last?.seq ?? after)))
    }
}
