import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1
import Testing

/// The desk's page and what it reads, over HTTP (the browser test drives the page itself).
@Suite("Agent desk: page, reads, live changes, agent transfer")
struct DeskTests {
    @Test("the page, its script and style are served from the binary, with a strict Content-Security-Policy")
    func page() async throws {
        try await withServer { server in
            for (path, type, marker) in [
                ("/desk", "text/html", "HandoffKit agent desk"), ("/desk/desk.js", "text/javascript", "textContent"),
                ("/desk/desk.css", "text/css", ".transcript"),
            ] {
                let response = try await server.http(token: nil).send(.GET, path)
                #expect(response.status == 200, "\(path)")
                #expect(response.headers["content-type"]?.hasPrefix(type) == true, "\(path)")
                #expect(response.headers["content-security-policy"]?.contains("script-src 'self'") == true)
                #expect(response.responseBody.contains(marker), "\(path)")
            }
            let script = try await server.http(token: nil).send(.GET, "/desk/desk.js")
            #expect(!script.responseBody.contains("innerHTML"), "data must never reach innerHTML")
        }
    }

    @Test("the overview lists teams with counts and personas, conversations of both faces with the last message")
    func overview() async throws {
        try await withServer { server in
            let (_, empty) = try await server.conversation("no-messages")
            let (_, handed) = try await server.conversation("handed")
            _ = try await server.support.post(.init(author: .user, text: "help <b>me</b>"), to: handed.id)
            _ = try await server.support.transfer(handed.id, to: .name("Billing"))
            _ = try await server.http().send(.PUT, "/mock/v1/teams/team_2/persona", text: #"{"acceptAfter":600,"replies":["hi"]}"#)
            let admin = ChatwootFaceTests.Chatwoot(server, token: "dev-token")
            let contact = try await ChatwootFaceTests.contact(admin, identifier: "cw-overview")
            let (_, created) = try await ChatwootFaceTests.Chatwoot(server, token: "bot-token").call(
                .POST, "/conversations", #"{"source_id":"\#(contact.sourceId)"}"#)
            let number = try #require((created as? [String: Any])?["id"] as? Int)

            let response = try await server.http().send(.GET, "/mock/v1/desk")
            #expect(response.status == 200, "\(response.responseBody)")
            let body = json(response)
            let conversations = try #require(body["conversations"] as? [[String: Any]])
            let ids = conversations.compactMap { $0["id"] as? String }
            #expect(ids.contains(empty.id) && ids.contains(handed.id) && ids.contains("cnv_\(number)"))
            let queued = try #require(conversations.first { $0["id"] as? String == handed.id })
            #expect(queued["state"] as? String == "queued" && queued["teamName"] as? String == "Billing")
            #expect((queued["lastMessage"] as? [String: Any])?["text"] as? String == "help <b>me</b>")
            #expect(conversations.first { $0["id"] as? String == empty.id }?["lastMessage"] == nil)
            let teams = try #require(body["teams"] as? [[String: Any]])
            let billing = try #require(teams.first { $0["name"] as? String == "Billing" })
            #expect(billing["queued"] as? Int == 1 && (billing["agents"] as? [Any])?.count == 2)
            #expect(billing["personaSummary"] as? String == "accepts after 600 s, 1 reply every 1 s, then resolves")
            #expect(body["generation"] is String)
        }
    }

    @Test("a conversation's thread holds every message, internal notes included, with agents' names")
    func thread() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation("thread")
            _ = try await server.support.post(.init(author: .user, text: "hi"), to: conversation.id)
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            _ = try await server.support.post(.init(author: .bot, text: "context", visibility: .internal), to: conversation.id)
            _ = try await server.desk.accept(conversation.id, agentId: nil)
            _ = try await server.desk.note(conversation.id, text: "for the team")
            let response = try await server.http().send(.GET, "/mock/v1/desk/conversations/\(conversation.id)")
            let messages = try #require(json(response)["messages"] as? [[String: Any]])
            let visibilities = messages.compactMap { ($0["message"] as? [String: Any])?["visibility"] as? String }
            #expect(visibilities == ["public", "internal", "internal"])
            #expect(messages.last?["agentName"] as? String == "Bea Billing")
            #expect(json(response)["assigneeName"] as? String == "Bea Billing")
            let missing = try await server.http().send(.GET, "/mock/v1/desk/conversations/cnv_99999")
            #expect(missing.status == 404)
        }
    }

    @Test("changes: answers at once without since; otherwise waits for a write on either face, or the time")
    func changes() async throws {
        try await withServer { server in
            let first = json(try await server.http().send(.GET, "/mock/v1/changes"))
            let generation = try #require(first["generation"] as? String)
            let quiet = json(try await server.http().send(.GET, "/mock/v1/changes?since=\(generation)&wait=1"))
            #expect(quiet["changed"] as? Bool == false)

            async let waited = server.http().send(.GET, "/mock/v1/changes?since=\(generation)&wait=20")
            try await Task.sleep(for: .milliseconds(200))
            let admin = ChatwootFaceTests.Chatwoot(server, token: "dev-token")
            _ = try await ChatwootFaceTests.contact(admin, identifier: "cw-changes")  // a write on the Chatwoot face
            let woken = json(try await waited)
            #expect(woken["changed"] as? Bool == true && woken["generation"] as? String != generation)

            let bad = try await server.http().send(.GET, "/mock/v1/changes?since=minus-one")
            #expect(bad.status == 400 && json(bad)["code"] as? String == "invalid_parameter")
            let journal = json(try await server.http().send(.GET, "/mock/v1/journal?face=control"))
            #expect((journal["data"] as? [Any])?.isEmpty == true, "the desk's reads are not journaled")
        }
    }

    @Test("an agent transfers to another team; refused from the bot's state, for an unknown or unavailable team")
    func agentTransfer() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation("transfer")
            let early = try await server.http().send(
                .POST, "/mock/v1/conversations/\(conversation.id)/transfer", text: #"{"teamId":"team_3"}"#)
            #expect(early.status == 409 && json(early)["code"] as? String == "invalid_transition")
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            _ = try await server.desk.accept(conversation.id, agentId: nil)
            let unknown = try await server.http().send(
                .POST, "/mock/v1/conversations/\(conversation.id)/transfer", text: #"{"teamName":"Nope"}"#)
            #expect(unknown.status == 422 && json(unknown)["code"] as? String == "unknown_team")
            _ = try await server.desk.setTeamOnline("team_3", online: false)
            let offline = try await server.http().send(
                .POST, "/mock/v1/conversations/\(conversation.id)/transfer", text: #"{"teamId":"team_3"}"#)
            #expect(offline.status == 409 && json(offline)["code"] as? String == "team_unavailable")
            _ = try await server.desk.setTeamOnline("team_3", online: true)
            let moved = try await server.http().send(
                .POST, "/mock/v1/conversations/\(conversation.id)/transfer", text: #"{"teamId":"team_3"}"#)
            #expect(moved.status == 200)
            let now = try await server.support.conversation(id: conversation.id)
            #expect(now.state == .queued && now.teamId == "team_3" && now.assigneeId == nil)
            let journal = json(try await server.http().send(.GET, "/mock/v1/journal?face=control&path=/mock/v1/conversations/*/transfer"))
            #expect((journal["data"] as? [Any])?.count == 4)
        }
    }
}
