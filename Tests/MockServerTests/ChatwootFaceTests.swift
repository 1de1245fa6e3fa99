import Crypto
import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1
import Testing

/// The Chatwoot face over real HTTP: Chatwoot's shapes, statuses and error bodies, one state with the neutral API.
@Suite("Chatwoot face")
struct ChatwootFaceTests {
    /// Raw Chatwoot calls with an `api_access_token`.
    struct Chatwoot {
        let transport: HTTPTransport
        init(_ server: TestServer, token: String?) {
            transport = HTTPTransport(baseURL: server.url + "/api/v1/accounts/1", token: nil)
            self.token = token
        }
        let token: String?

        func call(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> (Int, Any?) {
            var headers: [(String, String)] = []
            if let token { headers.append(("api_access_token", token)) }
            let exchange = try await transport.send(method, path, body: body.map { Array($0.utf8) }, headers: headers)
            let parsed = try? JSONSerialization.jsonObject(with: Data(exchange.responseBody.utf8), options: [.fragmentsAllowed])
            return (exchange.status ?? 0, parsed)
        }
    }

    static func contact(_ admin: Chatwoot, identifier: String = UUID().uuidString) async throws -> (id: Int, sourceId: String) {
        let (status, body) = try await admin.call(.POST, "/contacts", #"{"inbox_id":1,"name":"Ada","identifier":"\#(identifier)"}"#)
        #expect(status == 200)
        let payload = (body as? [String: Any])?["payload"] as? [String: Any]
        let contact = try #require(payload?["contact"] as? [String: Any])
        let sourceId = try #require((payload?["contact_inbox"] as? [String: Any])?["source_id"] as? String)
        return (try #require(contact["id"] as? Int), sourceId)
    }

    @Test("a conversation closed on the neutral face stays closed on the Chatwoot face, whichever token asks")
    func closedStaysClosed() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation("closed-\(UUID().uuidString)")
            _ = try await server.support.post(.init(author: .user, text: "help", clientMessageId: "c-1"), to: conversation.id)
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            _ = try await server.support.close(conversation.id)
            let path = "/conversations/\(conversation.number)"
            for token in ["bot-token", "agent-token", "dev-token"] {
                let chatwoot = Chatwoot(server, token: token)
                for status in ["open", "pending"] {
                    let (code, body) = try await chatwoot.call(.POST, path + "/toggle_status", #"{"status":"\#(status)"}"#)
                    #expect(code == 422, "\(token) \(status)")
                    #expect(((body as? [String: Any])?["error"] as? String)?.contains("conversation_closed") == true)
                }
                let (resolved, answer) = try await chatwoot.call(.POST, path + "/toggle_status", #"{"status":"resolved"}"#)
                #expect(resolved == 200)
                #expect(((answer as? [String: Any])?["payload"] as? [String: Any])?["current_status"] as? String == "resolved")
                let (posted, _) = try await chatwoot.call(.POST, path + "/messages", #"{"content":"hi again","message_type":"incoming"}"#)
                #expect(posted == 422, "\(token) message")
            }
            let after = try await server.support.conversation(id: conversation.id)
            #expect(after.state == .closed)
        }
    }

    @Test("the bot handoff: pending in a bot inbox, toggle_status open by the bot, team assignment; the neutral face agrees")
    func handoff() async throws {
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            let bot = Chatwoot(server, token: "bot-token")
            let contact = try await Self.contact(admin, identifier: "cw-handoff")
            let (status, created) = try await bot.call(.POST, "/conversations", #"{"source_id":"\#(contact.sourceId)"}"#)
            #expect(status == 200)
            let conversation = try #require(created as? [String: Any])
            #expect(conversation["status"] as? String == "pending")
            let number = try #require(conversation["id"] as? Int)

            let (_, incoming) = try await bot.call(
                .POST, "/conversations/\(number)/messages", #"{"content":"I need a human","message_type":"incoming"}"#)
            #expect((incoming as? [String: Any])?["message_type"] as? Int == 0)
            let (_, team) = try await bot.call(.POST, "/conversations/\(number)/assignments", #"{"team_id":2}"#)
            #expect((team as? [String: Any])?["name"] as? String == "billing")
            let (_, toggled) = try await bot.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"open"}"#)
            let payload = (toggled as? [String: Any])?["payload"] as? [String: Any]
            #expect(payload?["current_status"] as? String == "open")
            #expect(payload?["success"] is NSNull)

            let user = try #require(try await server.support.findUser(externalId: "cw-handoff"))
            #expect(user.id == "usr_\(contact.id)")
            let neutral = try #require(try await server.support.conversations(userId: user.id, state: nil).first)
            #expect(neutral.state == .queued && neutral.teamId == "team_2" && neutral.number == number)
            #expect(try await server.support.messages(in: neutral.id, after: nil, limit: nil).map(\.author) == [.user])

            let (_, shown) = try await admin.call(.GET, "/conversations/\(number)")
            let meta = (shown as? [String: Any])?["meta"] as? [String: Any]
            #expect((meta?["team"] as? [String: Any])?["id"] as? Int == 2)
        }
    }

    @Test("a neutral conversation shows on the Chatwoot face by display_id, and an agent's Chatwoot reply reaches the neutral feed")
    func sharedState() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation("cw-shared")
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            let agent = Chatwoot(server, token: "agent-token")
            let (_, toggled) = try await agent.call(.POST, "/conversations/\(conversation.number)/toggle_status", #"{"status":"open"}"#)
            #expect(((toggled as? [String: Any])?["payload"] as? [String: Any])?["current_status"] as? String == "open")
            #expect(try await server.support.conversation(id: conversation.id).state == .assigned)
            let (status, _) = try await agent.call(
                .POST, "/conversations/\(conversation.number)/messages", #"{"content":"Hello from Chatwoot"}"#)
            #expect(status == 200)
            let events = try await server.support.events(after: nil, waitSeconds: 0).items.filter { $0.conversationId == conversation.id }
            #expect(events.map(\.type) == [.conversationAssigned, .messageCreated])
            #expect(events.last?.message?.text == "Hello from Chatwoot")
        }
    }

    @Test("an incoming message after resolve reopens the conversation as pending in a bot inbox")
    func reopen() async throws {
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            let contact = try await Self.contact(admin)
            let (_, created) = try await admin.call(.POST, "/conversations", #"{"inbox_id":1,"contact_id":\#(contact.id)}"#)
            let number = try #require((created as? [String: Any])?["id"] as? Int)
            _ = try await admin.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"resolved"}"#)
            let (_, resolved) = try await admin.call(.GET, "/conversations/\(number)")
            #expect((resolved as? [String: Any])?["status"] as? String == "resolved")
            _ = try await admin.call(.POST, "/conversations/\(number)/messages", #"{"content":"back again","message_type":"incoming"}"#)
            let (_, reopened) = try await admin.call(.GET, "/conversations/\(number)")
            #expect((reopened as? [String: Any])?["status"] as? String == "pending")
        }
    }

    @Test("Chatwoot's own error bodies: sign-in, invalid token, bot whitelist, other account, not found, validation")
    func errors() async throws {
        try await withServer { server in
            let (noToken, signIn) = try await Chatwoot(server, token: nil).call(.GET, "/contacts")
            #expect(noToken == 401 && ((signIn as? [String: Any])?["errors"] as? [String])?.first?.contains("sign in") == true)
            let (bad, invalid) = try await Chatwoot(server, token: "nope").call(.GET, "/contacts")
            #expect(bad == 401 && (invalid as? [String: Any])?["error"] as? String == "Invalid Access Token")
            let (botStatus, botBody) = try await Chatwoot(server, token: "bot-token").call(.GET, "/contacts")
            #expect(
                botStatus == 401 && (botBody as? [String: Any])?["error"] as? String == "Access to this endpoint is not authorized for bots"
            )
            let admin = Chatwoot(server, token: "dev-token")
            let (missing, notFound) = try await admin.call(.GET, "/conversations/424242")
            #expect(missing == 404 && (notFound as? [String: Any])?["error"] as? String == "Resource could not be found")
            let other = HTTPTransport(baseURL: server.url + "/api/v1/accounts/99", token: nil)
            let wrongAccount = try await other.send(.GET, "/conversations", headers: [("api_access_token", "dev-token")])
            #expect(wrongAccount.status == 401 && wrongAccount.responseBody.contains("not authorized to access this account"))
            _ = try await Self.contact(admin, identifier: "dup")
            let (duplicate, duplicateBody) = try await admin.call(.POST, "/contacts", #"{"name":"B","identifier":"dup"}"#)
            #expect(duplicate == 422 && ((duplicateBody as? [String: Any])?["attributes"] as? [String]) == ["identifier"])
            let (agentTeam, _) = try await Chatwoot(server, token: "agent-token").call(.POST, "/teams", #"{"name":"x"}"#)
            #expect(agentTeam == 401)
            let (badSelect, _) = try await admin.call(.POST, "/contacts", #"{"phone_number":"12345"}"#)
            #expect(badSelect == 422)
            // An unknown status is 422, where Chatwoot itself answers 500 (docs/chatwoot-deviations.md).
            let contact = try await Self.contact(admin, identifier: "status")
            let (_, created) = try await admin.call(.POST, "/conversations", #"{"inbox_id":1,"contact_id":\#(contact.id)}"#)
            let number = (created as? [String: Any])?["id"] as? Int ?? 0
            for (method, path, body) in [
                (HTTPMethod.GET, "/conversations?status=AAA", nil), (.POST, "/conversations/\(number)/toggle_status", #"{"status":"AAA"}"#),
                (.POST, "/conversations", #"{"inbox_id":1,"contact_id":\#(contact.id),"status":"AAA"}"#),
            ] {
                let (status, answer) = try await admin.call(method, path, body)
                #expect(
                    status == 422 && (answer as? [String: Any])?["error"] as? String == "'AAA' is not a valid status",
                    "\(path): \(status) \(String(describing: answer))")
            }
        }
    }

    @Test("lists page as Chatwoot does: 15 contacts, 25 conversations with data.meta counts")
    func pagination() async throws {
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            for index in 0..<17 { _ = try await Self.contact(admin, identifier: "page-\(index)") }
            let (_, first) = try await admin.call(.GET, "/contacts")
            let (_, second) = try await admin.call(.GET, "/contacts?page=2")
            #expect(((first as? [String: Any])?["payload"] as? [Any])?.count == 15)
            #expect(((second as? [String: Any])?["payload"] as? [Any])?.count == 2)
            #expect(((first as? [String: Any])?["meta"] as? [String: Any])?["count"] as? Int == 17)
            let contact = try await Self.contact(admin)
            for _ in 0..<27 {
                _ = try await admin.call(.POST, "/conversations", #"{"inbox_id":1,"contact_id":\#(contact.id),"status":"open"}"#)
            }
            let (_, conversations) = try await admin.call(.GET, "/conversations?status=all")
            let data = (conversations as? [String: Any])?["data"] as? [String: Any]
            #expect((data?["payload"] as? [Any])?.count == 25)
            #expect((data?["meta"] as? [String: Any])?["all_count"] as? Int == 27)
        }
    }

    @Test("account webhooks are signed like Chatwoot signs them, with string message_type and private notes included")
    func webhooks() async throws {
        let receiver = try await WebhookReceiver.start()
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            let (status, created) = try await admin.call(
                .POST, "/webhooks",
                #"{"webhook":{"url":"\#(receiver.url)","subscriptions":["message_created","conversation_status_changed","conversation_updated"]}}"#
            )
            #expect(status == 200)
            let webhook = ((created as? [String: Any])?["payload"] as? [String: Any])?["webhook"] as? [String: Any]
            let secret = try #require(webhook?["secret"] as? String)
            // Like the neutral face: loopback only, unless the mock runs with --allow-remote-webhooks.
            let (remote, refusal) = try await admin.call(
                .POST, "/webhooks", #"{"webhook":{"url":"http://127.evil.example/hook","subscriptions":["message_created"]}}"#)
            #expect(remote == 422 && ((refusal as? [String: Any])?["attributes"] as? [String]) == ["url"], "\(String(describing: refusal))")
            let contact = try await Self.contact(admin)
            let (_, conversation) = try await admin.call(.POST, "/conversations", #"{"inbox_id":1,"contact_id":\#(contact.id)}"#)
            let number = try #require((conversation as? [String: Any])?["id"] as? Int)
            _ = try await admin.call(.POST, "/conversations/\(number)/messages", #"{"content":"hello","message_type":"incoming"}"#)
            _ = try await admin.call(.POST, "/conversations/\(number)/messages", #"{"content":"note","private":true}"#)
            _ = try await Chatwoot(server, token: "bot-token").call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"open"}"#)
            let deliveries = await receiver.waitFor(4)
            let bodies = deliveries.compactMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }
            let events = bodies.compactMap { $0["event"] as? String }
            #expect(events.filter { $0 == "message_created" }.count == 2)
            #expect(events.contains("conversation_status_changed"))
            #expect(events.contains("conversation_updated"))
            let incoming = bodies.first { $0["content"] as? String == "hello" }
            #expect(incoming?["message_type"] as? String == "incoming")
            #expect(bodies.first { $0["content"] as? String == "note" }?["private"] as? Bool == true)
            for delivery in deliveries {
                let timestamp = try #require(delivery.headers["x-chatwoot-timestamp"])
                #expect(delivery.headers["x-chatwoot-delivery"] != nil)
                let mac = HMAC<SHA256>.authenticationCode(
                    for: Array("\(timestamp).".utf8) + delivery.body, using: SymmetricKey(data: Data(secret.utf8)))
                #expect(delivery.headers["x-chatwoot-signature"] == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
            }
        }
        await receiver.stop()
    }

    @Test("input_select items round-trip, and messages list with integer message_type")
    func inputSelect() async throws {
        try await withServer { server in
            let admin = Chatwoot(server, token: "dev-token")
            let contact = try await Self.contact(admin)
            let (_, conversation) = try await admin.call(.POST, "/conversations", #"{"inbox_id":1,"contact_id":\#(contact.id)}"#)
            let number = try #require((conversation as? [String: Any])?["id"] as? Int)
            let select =
                #"{"content":"Pick","content_type":"input_select","content_attributes":{"items":[{"title":"Billing","value":"billing"}]}}"#
            let (status, _) = try await Chatwoot(server, token: "bot-token").call(.POST, "/conversations/\(number)/messages", select)
            #expect(status == 200)
            let (_, listed) = try await admin.call(.GET, "/conversations/\(number)/messages")
            let message = try #require(((listed as? [String: Any])?["payload"] as? [[String: Any]])?.first)
            #expect(message["message_type"] as? Int == 1)
            #expect(message["content_type"] as? String == "input_select")
            let items = (message["content_attributes"] as? [String: Any])?["items"] as? [[String: Any]]
            #expect(items?.first?["title"] as? String == "Billing" && items?.first?["value"] as? String == "billing")
            #expect((message["sender"] as? [String: Any])?["type"] as? String == "agent_bot")
            let (bad, _) = try await admin.call(
                .POST, "/conversations/\(number)/messages", #"{"content":"x","content_type":"input_select"}"#)
            #expect(bad == 422)
        }
    }
}
