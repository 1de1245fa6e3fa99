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
        let query = try ChatwootListQuery(request)
        return try ChatwootJSON.response(
            try store.conversationMetaCW(
                try context.requireWorkspace(), status: query.status, inboxId: query.inboxId, teamId: query.teamId,
                caller: user.id))
    }
}
