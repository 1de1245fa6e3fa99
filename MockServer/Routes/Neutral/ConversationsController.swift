import HTTPTypes
import HandoffContract
import Hummingbird

/// `/v1/conversations`: open, get, list, transfer, close.
struct ConversationsController {
    let store: SupportStore

    struct OpenBody: Decodable {
        var userId: String
        var context: ConversationContext?
    }

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
        let base = "/v1/conversations"
        routes.on(group, base: base, .post, "", open)
        routes.on(group, base: base, .get, "", list)
        routes.on(group, base: base, .get, ":id", get)
        routes.on(group, base: base, .post, ":id/transfer", transfer)
        routes.on(group, base: base, .post, ":id/close", close)
    }

    @Sendable func open(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let body = try await JSONIO.decode(OpenBody.self, from: request, context: context)
        let key = request.headers[.idempotencyKey]
        if let key { _ = try JSONIO.requireText(key, field: "Idempotency-Key", max: 256) }
        let (conversation, created) = try await store.openConversation(
            workspace, userId: body.userId, context: body.context ?? .init(), idempotencyKey: key)
        return try JSONIO.response(conversation, status: created ? .created : .ok)
    }

    @Sendable func list(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        var state: ConversationState?
        if let text = request.uri.queryParameters.get("state") {
            guard let parsed = ConversationState(rawValue: String(text)) else {
                let states = ConversationState.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIError.badParameter("state", "must be one of \(states)")
            }
            state = parsed
        }
        let limit = try JSONIO.intParameter(request, context, "limit", default: 100, range: 1...500)
        let items = try store.conversations(
            workspace, userId: request.uri.queryParameters.get("userId").map { String($0) }, state: state,
            after: try request.cursor(kind: .ids(.conversation)), limit: limit)
        return try JSONIO.response(ListResponse(data: items, next: items.count == limit ? items.last?.id : nil))
    }

    @Sendable func get(_ request: Request, context: MockRequestContext) async throws -> Response {
        try JSONIO.response(try store.conversation(try context.requireWorkspace(), id: context.id()))
    }

    @Sendable func transfer(_ request: Request, context: MockRequestContext) async throws -> Response {
        let reference = try await Self.teamReference(request, context: context)
        return try await Self.transferResponse(
            try store.transfer(try context.requireWorkspace(), conversationId: context.id(), to: reference))
    }

    /// The team a transfer body names: exactly one of `teamId` and `teamName`.
    static func teamReference(_ request: Request, context: MockRequestContext) async throws -> TeamReference {
        let body = try await JSONIO.decode(TransferBody.self, from: request, context: context)
        switch (body.teamId, body.teamName) {
        case (let id?, nil): return .id(id)
        case (nil, let name?): return .name(name)
        default: throw APIError.invalidField("teamId", "give exactly one of teamId or teamName")
        }
    }

    /// A transfer's outcome on the wire: 200 `transferred`, or 409 `team_unavailable`.
    static func transferResponse(_ outcome: TransferOutcome) throws -> Response {
        switch outcome {
        case .transferred(let conversation, let team):
            return try JSONIO.response(TransferResult(conversation: conversation, team: team))
        case .teamUnavailable(let team, let reason):
            throw ContractError.teamUnavailable(teamId: team.id, teamName: team.name, reason: reason)
        }
    }

    @Sendable func close(_ request: Request, context: MockRequestContext) async throws -> Response {
        try await JSONIO.response(try store.close(try context.requireWorkspace(), conversationId: context.id()))
    }
}

extension HTTPField.Name {
    /// `Idempotency-Key`: a retried POST with the same key yields one effect.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
