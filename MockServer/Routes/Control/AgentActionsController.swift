import HandoffContract
import Hummingbird

/// `/mock/v1/conversations/:id/…`: play the human agent — accept, reply, note, resolve.
struct AgentActionsController {
    let store: SupportStore

    struct AcceptBody: Decodable {
        var agentId: String?
    }

    struct TextBody: Decodable {
        var text: String
        var choices: [Choice]?
    }

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        let base = "/mock/v1"
        routes.on(group, base: base, .post, "conversations/:id/accept", accept)
        routes.on(group, base: base, .post, "conversations/:id/reply", reply)
        routes.on(group, base: base, .post, "conversations/:id/note", note)
        routes.on(group, base: base, .post, "conversations/:id/resolve", resolve)
    }

    @Sendable func accept(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let body = try await JSONIO.decodeOptional(AcceptBody.self, from: request, context: context, fallback: .init())
        return try await JSONIO.response(try store.accept(workspace, conversationId: context.id(), agentId: body.agentId))
    }

    @Sendable func reply(_ request: Request, context: MockRequestContext) async throws -> Response {
        try await write(request, context: context, visibility: .public)
    }

    @Sendable func note(_ request: Request, context: MockRequestContext) async throws -> Response {
        try await write(request, context: context, visibility: .internal)
    }

    private func write(_ request: Request, context: MockRequestContext, visibility: Visibility) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let body = try await JSONIO.decode(TextBody.self, from: request, context: context)
        let text = try JSONIO.requireText(body.text, field: "text")
        let conversation = try store.conversation(workspace, id: context.id())
        var agentId = conversation.assigneeId
        if agentId == nil, let teamId = conversation.teamId {
            agentId = try store.agents(workspace, teamId: teamId).first?.id
        }
        let new = NewMessage(author: .agent, text: text, visibility: visibility, choices: body.choices)
        let (message, _) = try await store.post(workspace, conversationId: conversation.id, new, agentId: agentId)
        return try JSONIO.response(message, status: .created)
    }

    @Sendable func resolve(_ request: Request, context: MockRequestContext) async throws -> Response {
        try await JSONIO.response(try store.resolve(try context.requireWorkspace(), conversationId: context.id()))
    }
}
