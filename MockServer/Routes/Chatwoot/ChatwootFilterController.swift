import Foundation
import HandoffContract
import Hummingbird

/// `POST conversations/filter` and `GET conversations/meta` of the Chatwoot face. Like the conversation list,
/// they are outside Chatwoot's bot whitelist: user tokens (administrators and agents) only, bots get 401.
struct ChatwootFilterController {
    let store: SupportStore

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder, base: String) {
        routes.on(group, base: base, .post, "conversations/filter", filter)
        routes.on(group, base: base, .get, "conversations/meta", meta)
    }

    @Sendable func filter(_ request: Request, context: MockRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let body = try await JSONIO.decode(ChatwootFilterBody.self, from: request, context: context)
        return try ChatwootJSON.response(
            try store.filterConversationsCW(
                try context.requireWorkspace(), body.payload, page: ChatwootJSON.page(request), caller: user.id))
    }

    @Sendable func meta(_ request: Request, context: MockRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        let status = query.get("status").map { String($0) } ?? "open"
        guard ["open", "resolved", "pending", "snoozed", "all"].contains(status) else {
            throw ChatwootError.unprocessable("'\(status)' is not a valid status")
        }
        return try ChatwootJSON.response(
            try store.conversationMetaCW(
                try context.requireWorkspace(), status: status, inboxId: query.get("inbox_id").flatMap { Int64($0) },
                teamId: query.get("team_id").flatMap { Int64($0) }, caller: user.id))
    }
}
