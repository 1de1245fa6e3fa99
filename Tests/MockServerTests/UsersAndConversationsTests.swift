import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1
import Testing

@Suite("Users and conversations over HTTP")
struct UsersAndConversationsTests {
    @Test("creating a user twice with one externalId yields one user (201 then 200)")
    func idempotentUser() async throws {
        try await withServer { server in
            let http = server.http()
            let first = try await http.send(.POST, "/v1/users", text: #"{"externalId":"ext-1","name":"Ada"}"#)
            let second = try await http.send(.POST, "/v1/users", text: #"{"externalId":"ext-1","name":"Other"}"#)
            #expect(first.status == 201)
            #expect(second.status == 200)
            #expect(json(first)["id"] as? String == json(second)["id"] as? String)
            #expect(json(second)["name"] as? String == "Ada")
            let found = try await server.support.findUser(externalId: "ext-1")
            #expect(found?.id == json(first)["id"] as? String)
            #expect(try await server.support.findUser(externalId: "nobody") == nil)
        }
    }

    @Test("a conversation starts in state bot, keeps its context, and an Idempotency-Key retry returns it")
    func openConversation() async throws {
        try await withServer { server in
            let user = try await server.support.ensureUser(.init(externalId: "ext-2"))
            let context = ConversationContext(intent: "billing.refund", intents: ["billing.refund"], slots: ["invoice": "A-1"])
            let first = try await server.support.openConversation(userId: user.id, context: context, idempotencyKey: "k-1")
            let retry = try await server.support.openConversation(userId: user.id, context: context, idempotencyKey: "k-1")
            #expect(first.state == .bot)
            #expect(first.context == context)
            #expect(retry.id == first.id)
            let other = try await server.support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            #expect(other.id != first.id)
            #expect(other.number == first.number + 1)

            let list = try await server.http().send(.GET, "/v1/conversations?userId=\(user.id)&state=bot")
            #expect((json(list)["data"] as? [Any])?.count == 2)
            let none = try await server.http().send(.GET, "/v1/conversations?userId=\(user.id)&state=closed")
            #expect((json(none)["data"] as? [Any])?.count == 0)
        }
    }

    @Test("lists page with an after cursor")
    func paging() async throws {
        try await withServer { server in
            for index in 0..<5 { _ = try await server.support.ensureUser(.init(externalId: "p-\(index)")) }
            let first = try await server.http().send(.GET, "/v1/users?limit=3")
            let next = try #require(json(first)["next"] as? String)
            let second = try await server.http().send(.GET, "/v1/users?limit=3&after=\(next)")
            #expect((json(first)["data"] as? [Any])?.count == 3)
            #expect((json(second)["data"] as? [Any])?.count == 2)
            #expect(json(second)["next"] == nil)
        }
    }

    @Test("teams are listed with availability; taking one offline shows")
    func teams() async throws {
        try await withServer { server in
            let teams = try await server.support.teams()
            #expect(teams.map(\.name) == ["General Support", "Billing", "Technical Support"])
            #expect(teams.allSatisfy { $0.availability.available })
            let offline = try await server.desk.setTeamOnline(teams[1].id, online: false)
            #expect(offline.availability == .init(available: false, reason: "offline", agentCount: 2))
            let read: Team = try await server.http().call(.GET, "/v1/teams/\(teams[1].id)")
            #expect(read.availability.available == false)
        }
    }
}
