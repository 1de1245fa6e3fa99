import Foundation
import HandoffClient
import NIOHTTP1
import Testing

/// Every token keeps to its role on the neutral and control API: the Chatwoot bot's and agent's tokens
/// cannot mint tokens, wipe the workspace, inject faults, make teams, read the journal or configure webhooks.
@Suite("Token roles")
struct RoleTests {
    struct Call: Sendable, CustomTestStringConvertible {
        var method: HTTPMethod
        var path: String
        var body: String?
        var testDescription: String { "\(method.rawValue) \(path)" }
    }

    static let adminOnly: [Call] = [
        Call(method: .POST, path: "/mock/v1/tokens", body: "{}"),
        Call(method: .POST, path: "/mock/v1/reset", body: nil),
        Call(method: .PUT, path: "/mock/v1/faults", body: #"{"errorRate":1}"#),
        Call(method: .POST, path: "/mock/v1/teams", body: #"{"name":"Sneaky"}"#),
        Call(method: .PUT, path: "/mock/v1/teams/team_1/availability", body: #"{"online":false}"#),
        Call(method: .PUT, path: "/mock/v1/teams/team_1/persona", body: "null"),
        Call(method: .GET, path: "/mock/v1/journal", body: nil),
        Call(method: .GET, path: "/mock/v1/deliveries", body: nil),
        Call(method: .POST, path: "/v1/webhooks", body: #"{"url":"http://127.0.0.1:9/x"}"#),
    ]

    @Test("the bot's and the agent's tokens are refused on admin routes with 403 naming the role needed", arguments: adminOnly)
    func adminOnlyRoutes(_ call: Call) async throws {
        try await withServer { server in
            for token in ["bot-token", "agent-token"] {
                let answer = try await server.http(token: token).send(call.method, call.path, body: call.body.map { Array($0.utf8) })
                #expect(answer.status == 403, "\(token): \(answer.responseBody)")
                let body = json(answer)
                #expect(body["code"] as? String == "forbidden_role")
                #expect(body["required"] as? [String] == ["admin"])
                #expect((body["detail"] as? String)?.contains("needs the admin role") == true)
            }
            let faults = try await server.http().send(.GET, "/mock/v1/faults")
            #expect(
                faults.status == 200 && !faults.responseBody.contains("\"errorRate\":1"), "nothing the refused calls asked for happened")
        }
    }

    @Test("a bot token does what a connector does; an agent token what a person at the desk does; neither does the other's part")
    func botAndAgent() async throws {
        try await withServer { server in
            let bot = server.http(token: "bot-token")
            let agent = server.http(token: "agent-token")
            let user = try await bot.send(.POST, "/v1/users", body: Array(#"{"externalId":"role-user"}"#.utf8))
            #expect(user.status == 201, "\(user.responseBody)")
            let userId = try #require(json(user)["id"] as? String)
            let opened = try await bot.send(.POST, "/v1/conversations", body: Array(#"{"userId":"\#(userId)"}"#.utf8))
            let conversation = try #require(json(opened)["id"] as? String)
            _ = try await bot.send(.POST, "/v1/conversations/\(conversation)/messages", body: Array(#"{"author":"user","text":"hi"}"#.utf8))
            let transfer = try await bot.send(
                .POST, "/v1/conversations/\(conversation)/transfer", body: Array(#"{"teamName":"Billing"}"#.utf8))
            #expect(transfer.status == 200, "\(transfer.responseBody)")

            let botAccepts = try await bot.send(.POST, "/mock/v1/conversations/\(conversation)/accept")
            #expect(botAccepts.status == 403 && json(botAccepts)["required"] as? [String] == ["admin", "agent"])
            let agentReadsUsers = try await agent.send(.GET, "/v1/users/\(userId)")
            #expect(agentReadsUsers.status == 403 && json(agentReadsUsers)["required"] as? [String] == ["admin", "bot"])

            #expect(try await agent.send(.POST, "/mock/v1/conversations/\(conversation)/accept").status == 200)
            let reply = try await agent.send(.POST, "/mock/v1/conversations/\(conversation)/reply", body: Array(#"{"text":"on it"}"#.utf8))
            #expect((200..<300).contains(reply.status ?? 0), "\(reply.responseBody)")
            #expect(try await agent.send(.GET, "/mock/v1/desk").status == 200)
            #expect(try await bot.send(.GET, "/mock/v1/workspace").status == 200)
            #expect(try await agent.send(.POST, "/mock/v1/conversations/\(conversation)/resolve").status == 200)
            #expect(try await bot.send(.POST, "/v1/conversations/\(conversation)/close").status == 200)
            #expect(try await server.http().send(.GET, "/mock/v1/journal").status == 200)
        }
    }
}
