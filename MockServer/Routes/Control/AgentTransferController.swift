import HandoffContract
import Hummingbird

/// `/mock/v1/conversations/:id/transfer`: an agent hands the conversation to another team (from the desk).
/// The same store operation as the bot's transfer, on the control face, so the journal tells them apart.
struct AgentTransferController {
    let store: SupportStore

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/mock/v1", .post, "conversations/:id/transfer", transfer)
    }

    @Sendable func transfer(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let reference = try await ConversationsController.teamReference(request, context: context)
        let conversation = try store.conversation(workspace, id: context.id())
        guard conversation.state.isWithHumans else {
            throw APIError(
                .conflict, code: "invalid_transition",
                detail:
                    "An agent transfers a conversation the humans have (queued or assigned); this one is \(conversation.state.rawValue).",
                extra: ["state": .string(conversation.state.rawValue), "transition": "transfer"])
        }
        return try await ConversationsController.transferResponse(
            try store.transfer(workspace, conversationId: conversation.id, to: reference))
    }
}
