import Foundation
import HandoffContract
import Hummingbird

/// Conversations and messages of the Chatwoot face. Agent bots may call only Chatwoot's whitelist:
/// create, show, update, toggle_status, toggle_priority, toggle_typing_status, custom_attributes,
/// assignments, labels and message create.
struct ChatwootConversationsController {
    let store: SupportStore

    struct StatusBody: Decodable {
        var status: String?
    }

    struct AssignmentBody: Decodable {
        var assignee_id: JSONValue?
        var team_id: JSONValue?
        var hasAssignee = false
        var hasTeam = false

        enum CodingKeys: String, CodingKey { case assignee_id, team_id }

        init() {}

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hasAssignee = container.contains(.assignee_id)
            hasTeam = container.contains(.team_id)
            assignee_id = try container.decodeIfPresent(JSONValue.self, forKey: .assignee_id)
            team_id = try container.decodeIfPresent(JSONValue.self, forKey: .team_id)
        }
    }

    struct AttributesBody: Decodable {
        var custom_attributes: [String: JSONValue]?
    }

    struct LabelsBody: Decodable {
        var labels: [String]?
    }

    struct PriorityBody: Decodable {
        var priority: String?
    }

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder, base: String) {
        routes.on(group, base: base, .post, "conversations", create)
        routes.on(group, base: base, .get, "conversations", list)
        routes.on(group, base: base, .get, "conversations/:id", show)
        routes.on(group, base: base, .patch, "conversations/:id", update)
        routes.on(group, base: base, .post, "conversations/:id/toggle_status", toggleStatus)
        routes.on(group, base: base, .post, "conversations/:id/toggle_priority", togglePriority)
        routes.on(group, base: base, .post, "conversations/:id/toggle_typing_status", typing)
        routes.on(group, base: base, .post, "conversations/:id/assignments", assign)
        routes.on(group, base: base, .post, "conversations/:id/custom_attributes", customAttributes)
        routes.on(group, base: base, .get, "conversations/:id/labels", labels)
        routes.on(group, base: base, .post, "conversations/:id/labels", setLabels)
        routes.on(group, base: base, .post, "conversations/:id/messages", postMessage)
        routes.on(group, base: base, .get, "conversations/:id/messages", messages)
        ChatwootFilterController(store: store).register(group, routes, base: base)
    }

    @Sendable func create(_ request: Request, context: MockRequestContext) async throws -> Response {
        let input = try await JSONIO.decode(ConversationInput.self, from: request, context: context)
        return try await ChatwootJSON.response(
            try store.createConversationCW(try context.requireWorkspace(), input, principal: try context.principal()))
    }

    @Sendable func list(_ request: Request, context: MockRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = try ChatwootListQuery(request)
        return try ChatwootJSON.response(
            try store.listConversations(
                try context.requireWorkspace(), status: query.status,
                assigneeType: request.uri.queryParameters.get("assignee_type").map { String($0) } ?? "all",
                inboxId: query.inboxId, teamId: query.teamId, page: ChatwootJSON.page(request), caller: user.id))
    }

    @Sendable func show(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.principal()
        return try ChatwootJSON.response(try store.showConversation(try context.requireWorkspace(), number: try context.number()))
    }

    @Sendable func update(_ request: Request, context: MockRequestContext) async throws -> Response {
        let body = try await JSONIO.decodeOptional(PriorityBody.self, from: request, context: context, fallback: PriorityBody())
        let workspace = try context.requireWorkspace()
        if let priority = body.priority { try await store.setPriority(workspace, number: try context.number(), priority) }
        return try ChatwootJSON.response(try store.showConversation(workspace, number: try context.number()))
    }

    @Sendable func toggleStatus(_ request: Request, context: MockRequestContext) async throws -> Response {
        let body = try await JSONIO.decodeOptional(StatusBody.self, from: request, context: context, fallback: StatusBody())
        return try await ChatwootJSON.response(
            try store.toggleStatus(
                try context.requireWorkspace(), number: try context.number(), status: body.status, principal: try context.principal()))
    }

    @Sendable func togglePriority(_ request: Request, context: MockRequestContext) async throws -> Response {
        let body = try await JSONIO.decodeOptional(PriorityBody.self, from: request, context: context, fallback: PriorityBody())
        try await store.setPriority(try context.requireWorkspace(), number: try context.number(), body.priority)
        return ChatwootJSON.empty
    }

    @Sendable func typing(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try store.showConversation(try context.requireWorkspace(), number: try context.number())
        return ChatwootJSON.empty
    }

    @Sendable func assign(_ request: Request, context: MockRequestContext) async throws -> Response {
        let body = try await JSONIO.decodeOptional(AssignmentBody.self, from: request, context: context, fallback: AssignmentBody())
        func id(_ value: JSONValue?) -> Int64? {
            switch value {
            case .number(let number)?: Int64(exactly: number)
            case .string(let text)?: Int64(text)
            default: nil
            }
        }
        let result = try await store.assign(
            try context.requireWorkspace(), number: try context.number(),
            assigneeId: body.hasAssignee ? .some(id(body.assignee_id)) : nil, teamId: body.hasTeam ? .some(id(body.team_id)) : nil)
        return try ChatwootJSON.response(result)
    }

    @Sendable func customAttributes(_ request: Request, context: MockRequestContext) async throws -> Response {
        let body = try await JSONIO.decodeOptional(AttributesBody.self, from: request, context: context, fallback: AttributesBody())
        guard let attributes = body.custom_attributes else { throw ChatwootError.missing("custom_attributes") }
        return try await ChatwootJSON.response(
            try store.setCustomAttributes(try context.requireWorkspace(), number: try context.number(), attributes))
    }

    @Sendable func labels(_ request: Request, context: MockRequestContext) async throws -> Response {
        try ChatwootJSON.response(try store.labels(try context.requireWorkspace(), number: try context.number()))
    }

    @Sendable func setLabels(_ request: Request, context: MockRequestContext) async throws -> Response {
        let body = try await JSONIO.decodeOptional(LabelsBody.self, from: request, context: context, fallback: LabelsBody())
        return try await ChatwootJSON.response(
            try store.replaceLabels(try context.requireWorkspace(), number: try context.number(), with: body.labels ?? []))
    }

    @Sendable func postMessage(_ request: Request, context: MockRequestContext) async throws -> Response {
        let input = try await JSONIO.decode(MessageInput.self, from: request, context: context)
        return try ChatwootJSON.response(
            try await store.postChatwootMessage(
                try context.requireWorkspace(), number: try context.number(), input, principal: try context.principal()))
    }

    @Sendable func messages(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let query = request.uri.queryParameters
        return try ChatwootJSON.response(
            try store.chatwootMessages(
                try context.requireWorkspace(), number: try context.number(), before: query.get("before").flatMap { Int64($0) },
                after: query.get("after").flatMap { Int64($0) }))
    }
}

/// The query of `GET conversations` and `GET conversations/meta`: `status` (open by default; another value is 422),
/// `inbox_id` and `team_id`.
struct ChatwootListQuery {
    var status: String
    var inboxId: Int64?
    var teamId: Int64?

    init(_ request: Request) throws {
        let query = request.uri.queryParameters
        status = query.get("status").map { String($0) } ?? "open"
        guard ["open", "resolved", "pending", "snoozed", "all"].contains(status) else {
            throw ChatwootError.unprocessable("'\(status)' is not a valid status")
        }
        inboxId = query.get("inbox_id").flatMap { Int64($0) }
        teamId = query.get("team_id").flatMap { Int64($0) }
    }
}
