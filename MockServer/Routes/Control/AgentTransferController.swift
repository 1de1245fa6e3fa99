import HandoffContract
import Hummingbird

/// `/mock/v1/conversations/:id/transfer`: an agent hands the conversation to another team (from the desk).
/// The same store operation as the bot's transfer, on the control face, so the journal tells them apart.
struct AgentTransferController {
    let store: SupportStore

    struct TransferBody: Decodable {
        var teamId: String?
        var teamName: String?
    }

    struct TransferResult: Encodable {
        var outcome = "transferred"
        var conversation: Conversation
        var team: Team
    }

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/mock/v1", .post, "conversations/:id/transfer", transfer)
    }

    @Sendable func transfer(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let body = try await JSONIO.decode(TransferBody.self, from: request, context: context)
        let reference: TeamReference
        switch (body.teamId, body.teamName) {
        case (let id?, nil): reference = .id(id)
        case (nil, let name?): reference = .name(name)
        default: throw APIError.invalidField("teamId", "give exactly one of teamId or teamName")
        }
        let conversation = try store.conversation(workspace, id: context.id())
        guard conversation.state.isWithHumans else {
            throw APIError(
                .conflict, code: "invalid_transition",
                detail: "An agent transfers a conversation the humans have (queued or assigned); this one is \(conversation.state.rawValue).",
                extra: ["state": .string(conversation.state.rawValue), "transition": "transfer"])
        }
        switch try store.transfer(workspace, conversationId: conversation.id, to: reference) {
        case .transferred(let conversation, let team):
            return try JSONIO.response(TransferResult(conversation: conversation, team: team))
        case .teamUnavailable(let team, let reason):
            throw ContractError.teamUnavailable(teamId: team.id, teamName: team.name, reason: reason)
        }
    }
}
