import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1
import Testing

@Suite("Transfer, agent side and close over HTTP")
struct HandoffFlowTests {
    @Test("transfer by name and by id; history mirrored before it stays visible")
    func transfer() async throws {
        try await withServer { server in
            let teams = try await server.support.teams()
            let (_, first) = try await server.conversation()
            _ = try await server.support.post(.init(author: .user, text: "help"), to: first.id)
            _ = try await server.support.post(.init(author: .bot, text: "sure"), to: first.id)
            guard case .transferred(let queued, let team) = try await server.support.transfer(first.id, to: .name("billing"))
            else { Issue.record("not transferred"); return }
            #expect(team.name == "Billing")
            #expect(queued.state == .queued && queued.teamId == team.id)
            #expect(try await server.support.messages(in: first.id, after: nil, limit: nil).count == 2)

            let (_, second) = try await server.conversation()
            guard case .transferred(let byId, _) = try await server.support.transfer(second.id, to: .id(teams[2].id))
            else { Issue.record("not transferred"); return }
            #expect(byId.teamId == teams[2].id)
        }
    }

    @Test("an unknown team is 422 unknown_team; an unavailable one is 409 team_unavailable and changes nothing")
    func badTeams() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            let path = "/v1/conversations/\(conversation.id)/transfer"
            let unknown = try await server.http().send(.POST, path, text: #"{"teamName":"Nobody"}"#)
            #expect(unknown.status == 422)
            #expect(json(unknown)["code"] as? String == "unknown_team")

            let billing = try #require(try await server.support.teams().first { $0.name == "Billing" })
            _ = try await server.desk.setTeamOnline(billing.id, online: false)
            let unavailable = try await server.http().send(.POST, path, text: #"{"teamId":"\#(billing.id)"}"#)
            #expect(unavailable.status == 409)
            #expect(json(unavailable)["code"] as? String == "team_unavailable")
            #expect(json(unavailable)["outcome"] as? String == "team_unavailable")
            #expect(json(unavailable)["reason"] as? String == "offline")
            #expect(try await server.support.conversation(id: conversation.id).state == .bot)

            let outcome = try await server.support.transfer(conversation.id, to: .id(billing.id))
            guard case .teamUnavailable(let team, "offline") = outcome else {
                Issue.record("expected team_unavailable, got \(outcome)")
                return
            }
            #expect(team.id == billing.id)

            _ = try await server.http().call(
                .POST, "/mock/v1/teams", body: ["name": "Empty Team"], as: [String: JSONValue].self)
            let empty = try await server.http().send(.POST, path, text: #"{"teamName":"Empty Team"}"#)
            #expect(json(empty)["reason"] as? String == "no_agents")
        }
    }

    @Test("after the transfer the bot is silenced, its internal notes pass, the user still writes")
    func botSilenced() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            let path = "/v1/conversations/\(conversation.id)/messages"
            let refused = try await server.http().send(.POST, path, text: #"{"author":"bot","text":"still here"}"#)
            #expect(refused.status == 409)
            #expect(json(refused)["code"] as? String == "bot_silenced")
            let note = try await server.http().send(.POST, path, text: #"{"author":"bot","text":"fyi","visibility":"internal"}"#)
            #expect(note.status == 201)
            let user = try await server.http().send(.POST, path, text: #"{"author":"user","text":"hello?"}"#)
            #expect(user.status == 201)
        }
    }

    @Test("agent events reach the feed; the bot's, the user's and internal notes never do")
    func eventsFeed() async throws {
        try await withServer { server in
            let (user, conversation) = try await server.conversation()
            _ = try await server.support.post(.init(author: .user, text: "u"), to: conversation.id)
            _ = try await server.support.post(.init(author: .bot, text: "b"), to: conversation.id)
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            _ = try await server.desk.accept(conversation.id, agentId: nil)
            _ = try await server.desk.note(conversation.id, text: "internal")
            _ = try await server.desk.reply(conversation.id, text: "public reply")
            _ = try await server.desk.resolve(conversation.id)
            let page = try await server.support.events(after: nil, waitSeconds: 0)
            #expect(page.items.map(\.type) == [.conversationAssigned, .messageCreated, .conversationResolved])
            #expect(page.items.allSatisfy { $0.conversationId == conversation.id && $0.externalUserId == user.externalId })
            #expect(page.items[1].message?.text == "public reply")
            #expect(page.items.map(\.seq) == [1, 2, 3])
            let after = try await server.support.events(after: page.next, waitSeconds: 0)
            #expect(after.items.isEmpty)
            #expect(after.next == page.next)
        }
    }

    @Test("a long-poll returns as soon as an event is committed")
    func longPoll() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            let support = server.support
            let started = ContinuousClock.now
            async let page = support.events(after: nil, waitSeconds: 20)
            try await Task.sleep(for: .milliseconds(200))
            _ = try await server.desk.accept(conversation.id, agentId: nil)
            let items = try await page.items
            #expect(items.map(\.type) == [.conversationAssigned])
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test("close is idempotent and final; the next contact starts a new conversation with the bot")
    func close() async throws {
        try await withServer { server in
            let (user, conversation) = try await server.conversation()
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            _ = try await server.desk.accept(conversation.id, agentId: nil)
            _ = try await server.desk.resolve(conversation.id)
            #expect(try await server.support.close(conversation.id).state == .closed)
            #expect(try await server.support.close(conversation.id).state == .closed)
            let late = try await server.http().send(
                .POST, "/v1/conversations/\(conversation.id)/messages", text: #"{"author":"user","text":"hi"}"#)
            #expect(late.status == 409)
            #expect(json(late)["code"] as? String == "conversation_closed")
            let transfer = try await server.http().send(
                .POST, "/v1/conversations/\(conversation.id)/transfer", text: #"{"teamName":"Billing"}"#)
            #expect(transfer.status == 409)
            let next = try await server.support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            #expect(next.state == .bot && next.id != conversation.id)
        }
    }

    @Test("agent actions in the wrong state are 409 with a code")
    func wrongState() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            let accept = try await server.http().send(.POST, "/mock/v1/conversations/\(conversation.id)/accept", text: "{}")
            #expect(accept.status == 409)
            #expect(json(accept)["code"] as? String == "invalid_transition")
            let reply = try await server.http().send(
                .POST, "/mock/v1/conversations/\(conversation.id)/reply", text: #"{"text":"x"}"#)
            #expect(reply.status == 409)
            #expect(json(reply)["code"] as? String == "not_assigned")
        }
    }
}
