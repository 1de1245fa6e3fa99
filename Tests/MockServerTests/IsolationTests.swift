import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1
import Testing

@testable import MockServer

@Suite("Workspace isolation")
struct IsolationTests {
    struct Created: Decodable {
        var token: String
    }

    /// Bodies that would succeed for the owner, so that a 404 can only come from the id.
    static let bodies: [String: String] = [
        "POST /v1/conversations/:id/messages": #"{"author":"user","text":"x"}"#,
        "POST /v1/conversations/:id/transfer": #"{"teamName":"Billing"}"#,
        "POST /mock/v1/conversations/:id/reply": #"{"text":"x"}"#,
        "POST /mock/v1/conversations/:id/note": #"{"text":"x"}"#,
        "PUT /mock/v1/teams/:id/availability": #"{"online":false}"#,
        "POST /mock/v1/teams/:id/agents": #"{"name":"x"}"#,
        "PUT /mock/v1/teams/:id/persona": #"{"acceptAfter":1}"#,
        "POST /mock/v1/conversations/:id/transfer": #"{"teamName":"Billing"}"#,
    ]

    /// Routes without an id in the path, and how each is probed (or why it need not be).
    enum Unparameterized {
        /// A list or a read of the caller's own things: the answer must name none of the owner's ids.
        case list(query: String)
        /// Takes the owner's id in the body: must be 404.
        case idInBody(String)
        /// Acts on the caller's own workspace only, or needs no token: nothing of another to reach.
        case own(String)
    }

    @Test("every route that takes an id answers 404 not_found to another workspace's token (driven by the route table)")
    func crossWorkspace() async throws {
        try await withServer { server in
            // The owner's world: a user, a conversation with an event, a webhook and its delivery.
            let (user, conversation) = try await server.conversation()
            let other = try await server.conversation()
            let team = try await server.support.teams()[0]
            _ = try await server.support.post(.init(author: .user, text: "mine"), to: conversation.id)
            _ = try await server.support.transfer(other.1.id, to: .name("Billing"))
            let webhook = try await server.support.subscribeWebhook(url: "http://127.0.0.1:9/hook", secret: "s")
            _ = try await server.desk.accept(other.1.id, agentId: nil)
            let deliveries = try await server.http().send(.GET, "/mock/v1/deliveries")
            let delivery = try #require((json(deliveries)["data"] as? [[String: Any]])?.first?["id"] as? String)
            let ids: [String: String] = [
                "users": user.id, "conversations": conversation.id, "teams": team.id, "webhooks": webhook.id,
                "deliveries": delivery,
            ]
            let unparameterized: [String: Unparameterized] = [
                "GET /": .own("meta, no token"), "GET /health": .own("meta, no token"),
                "GET /openapi.yaml": .own("meta, no token"), "GET /openapi.json": .own("meta, no token"),
                "POST /v1/users": .own("creates in the caller's workspace"),
                "GET /v1/users": .list(query: "?externalId=\(user.externalId)"),
                "POST /v1/conversations": .idInBody(#"{"userId":"\#(user.id)"}"#),
                "GET /v1/conversations": .list(query: "?userId=\(user.id)"),
                "GET /v1/teams": .list(query: ""),
                "GET /v1/events": .list(query: "?after=0"),
                "POST /v1/webhooks": .own("subscribes the caller's workspace"),
                "GET /v1/webhooks": .list(query: ""),
                "POST /mock/v1/workspaces": .own("creates a new workspace, no token"),
                "POST /mock/v1/tokens": .own("adds a token to the caller's workspace"),
                "POST /mock/v1/reset": .own("resets the caller's workspace; checked below"),
                "GET /mock/v1/workspace": .list(query: ""),
                "POST /mock/v1/teams": .own("creates in the caller's workspace"),
                "GET /mock/v1/agents": .list(query: "?teamId=\(team.id)"),
                "GET /mock/v1/deliveries": .list(query: ""),
                "GET /mock/v1/faults": .own("reads the caller's workspace's plan"),
                "PUT /mock/v1/faults": .own("sets the caller's workspace's plan"),
                "GET /desk": .own("the desk's static page; it holds no data"),
                "GET /desk/desk.js": .own("the desk's static script"),
                "GET /desk/desk.css": .own("the desk's static style sheet"),
                "GET /mock/v1/desk": .list(query: ""),
                "GET /mock/v1/changes": .own("a change counter of the caller's workspace; no ids"),
                "GET /mock/v1/journal": .own("the caller's own journal; it holds these probes, ids included"),
                "DELETE /mock/v1/journal": .own("clears the caller's workspace's journal"),
                "POST /mock/v1/journal/verify": .own("counts in the caller's workspace's journal"),
            ]
            let owned = [user.id, conversation.id, other.1.id, team.id, webhook.id, delivery]

            let created: Created = try await server.http(token: nil).call(.POST, "/mock/v1/workspaces", body: ["name": "other"])
            let intruder = server.http(token: created.token)
            let routes = RouteRecorder()
            _ = buildRouter(config: .init(), store: server.store, recorder: routes)
            let table = routes.table.all
            #expect(table.count >= 30, "the route table is read")
            var probed = 0
            for (method, pattern) in table where method != .head {
                let route = "\(method.rawValue) \(pattern)"
                let segments = pattern.split(separator: "/")
                if pattern.hasPrefix("/api/v1/accounts/:account_id") {
                    // The Chatwoot face: another account's token is refused the owner's account, as Chatwoot does.
                    let path =
                        "/"
                        + segments.map { $0 == ":account_id" ? "1" : $0.hasPrefix(":") ? "1" : String($0) }
                        .joined(separator: "/")
                    let response = try await intruder.send(
                        HTTPMethod(rawValue: method.rawValue), path, body: Array("{}".utf8),
                        headers: [("api_access_token", created.token)])
                    #expect(response.status == 401, "\(route) → \(response.status ?? 0) \(response.responseBody)")
                    #expect(response.responseBody.contains("not authorized to access this account"), "\(route)")
                    probed += 1
                    continue
                }
                if pattern == "/api/v1/profile" { continue }
                if let index = segments.firstIndex(where: { $0.hasPrefix(":") }) {
                    let kind = index > 0 ? String(segments[index - 1]) : ""
                    guard let id = ids[kind] else {
                        Issue.record("\(route): no owner id of kind '\(kind)' to probe with; add one to `ids`")
                        continue
                    }
                    let path = "/" + segments.map { $0.hasPrefix(":") ? id : String($0) }.joined(separator: "/")
                    let response = try await intruder.send(
                        HTTPMethod(rawValue: method.rawValue), path, body: Self.bodies[route].map { Array($0.utf8) })
                    #expect(response.status == 404, "\(route) → \(response.status ?? 0) \(response.responseBody)")
                    #expect(json(response)["code"] as? String == "not_found", "\(route)")
                    probed += 1
                    continue
                }
                switch unparameterized[route] {
                case .list(let query):
                    let response = try await intruder.send(HTTPMethod(rawValue: method.rawValue), pattern + query)
                    #expect(response.status == 200, "\(route) → \(response.status ?? 0)")
                    for id in owned {
                        #expect(!response.responseBody.contains("\"\(id)\""), "\(route)\(query) shows the owner's \(id)")
                    }
                    probed += 1
                case .idInBody(let body):
                    let response = try await intruder.send(HTTPMethod(rawValue: method.rawValue), pattern, text: body)
                    #expect(response.status == 404, "\(route) → \(response.status ?? 0)")
                    probed += 1
                case .own:
                    break
                case nil:
                    Issue.record("\(route) is new: say in `unparameterized` how another workspace is kept out of it")
                }
            }
            #expect(probed >= 24, "every route is probed or said to need no probe")
            let reset = try await intruder.send(.POST, "/mock/v1/reset", text: "")
            #expect(reset.status == 204)

            // Nothing of the owner's changed.
            #expect(try await server.support.conversation(id: conversation.id).state == .bot)
            #expect(try await server.support.messages(in: conversation.id, after: nil, limit: nil).map(\.text) == ["mine"])
            #expect(try await server.support.conversation(id: other.1.id).state == .assigned)
            #expect(try await server.support.teams()[0].availability.available)
            #expect(try await server.support.teams()[0].id == team.id)
            let hooks = try await server.http().send(.GET, "/v1/webhooks")
            #expect(hooks.responseBody.contains("\"\(webhook.id)\""))
        }
    }

    @Test("a new workspace has its own teams and a reset forgets conversations but keeps teams")
    func resetWorkspace() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            let reset = try await server.http().send(.POST, "/mock/v1/reset", text: "")
            #expect(reset.status == 204)
            let gone = try await server.http().send(.GET, "/v1/conversations/\(conversation.id)")
            #expect(gone.status == 404)
            #expect(try await server.support.teams().count == 3)
            let duplicate = try await server.http(token: nil).send(.POST, "/mock/v1/workspaces", text: #"{"name":"default"}"#)
            #expect(duplicate.status == 409)
            #expect(json(duplicate)["code"] as? String == "already_exists")
        }
    }
}
