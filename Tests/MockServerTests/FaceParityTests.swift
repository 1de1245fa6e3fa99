import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1
import Testing

/// One state behind two faces: what one face writes, the other reads the way a connector on it expects.
/// Every check goes over real HTTP; the Chatwoot side is read as ``ChatwootMapping`` says a connector reads it.
@Suite("Face parity: neutral ↔ Chatwoot")
struct FaceParityTests {
    /// Raw calls on the Chatwoot face of account 1 with an `api_access_token`, answers as JSON values.
    struct Face {
        let transport: HTTPTransport
        let token: String

        init(_ server: TestServer, token: String) {
            transport = HTTPTransport(baseURL: server.url + "/api/v1/accounts/1", token: nil)
            self.token = token
        }

        @discardableResult
        func call(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> (status: Int, body: JSONValue) {
            let exchange = try await transport.send(
                method, path, body: body.map { Array($0.utf8) }, headers: [("api_access_token", token)])
            let parsed = try? JSONDecoder().decode(JSONValue.self, from: Data(exchange.responseBody.utf8))
            return (exchange.status ?? 0, parsed ?? .null)
        }

        /// `GET conversations/{number}`.
        func conversation(_ number: Int) async throws -> JSONValue {
            let (status, body) = try await call(.GET, "/conversations/\(number)")
            #expect(status == 200, "GET conversations/\(number): \(status)")
            return body
        }

        /// The display ids of `GET conversations?status=all`, in the order the face gives them (last activity first).
        func conversationOrder() async throws -> [Int] {
            let (status, body) = try await call(.GET, "/conversations?status=all")
            #expect(status == 200)
            return body.at("data", "payload").asArray.compactMap { $0.at("id").asInt }
        }

        /// The messages of a conversation in order, without Chatwoot's activity messages (`message_type` 2).
        func messages(_ number: Int) async throws -> [JSONValue] {
            let (status, body) = try await call(.GET, "/conversations/\(number)/messages")
            #expect(status == 200)
            return body.at("payload").asArray.filter { $0.at("message_type").asInt != 2 }
        }

        /// A contact with an identifier and a contact inbox in the bot's inbox; returns its id and `source_id`.
        func contact(_ fields: String) async throws -> (id: Int, sourceId: String) {
            let (status, body) = try await call(.POST, "/contacts", fields)
            #expect(status == 200, "POST contacts: \(status) \(body)")
            let id = try #require(body.at("payload", "contact", "id").asInt)
            let sourceId = try #require(body.at("payload", "contact_inbox", "source_id").stringValue)
            return (id, sourceId)
        }

        /// A conversation the bot opens for a contact inbox (Chatwoot's bot flow: `pending`); returns its display id.
        func open(sourceId: String, customAttributes: String? = nil) async throws -> Int {
            var body = #"{"source_id":"\#(sourceId)""#
            if let customAttributes { body += #","custom_attributes":\#(customAttributes)"# }
            let (status, created) = try await call(.POST, "/conversations", body + "}")
            #expect(status == 200, "POST conversations: \(status) \(created)")
            return try #require(created.at("id").asInt)
        }
    }

    /// The neutral conversation of a contact made on the Chatwoot face, by its identifier and display id.
    static func neutralConversation(_ server: TestServer, externalId: String, number: Int) async throws -> Conversation {
        let user = try #require(try await server.support.findUser(externalId: externalId), "no neutral user '\(externalId)'")
        let found = try await server.support.conversations(userId: user.id, state: nil).first { $0.number == number }
        return try #require(found, "no neutral conversation #\(number) for '\(externalId)'")
    }

    /// The neutral id of the seeded agent with this name (control API).
    static func agentId(_ server: TestServer, named name: String) async throws -> String {
        let list = try await server.http().send(.GET, "/mock/v1/agents")
        let agents = (json(list)["data"] as? [[String: Any]]) ?? []
        return try #require(agents.first { $0["name"] as? String == name }?["id"] as? String, "no agent '\(name)'")
    }

    /// The Chatwoot id of the agent with this name (`GET agents`).
    static func chatwootAgentId(_ admin: Face, named name: String) async throws -> Int {
        let (_, agents) = try await admin.call(.GET, "/agents")
        return try #require(agents.asArray.first { $0.at("name").stringValue == name }?.at("id").asInt, "no Chatwoot agent '\(name)'")
    }

    /// The Chatwoot id of the team with this name (`GET teams`; Chatwoot lower-cases team names).
    static func chatwootTeamId(_ admin: Face, named name: String) async throws -> Int {
        let (_, teams) = try await admin.call(.GET, "/teams")
        let team = teams.asArray.first { $0.at("name").stringValue?.lowercased() == name.lowercased() }
        return try #require(team?.at("id").asInt, "no Chatwoot team '\(name)'")
    }

    /// The contract state a connector reads from a Chatwoot conversation (``ChatwootMapping``).
    static func stateAsConnectorReadsIt(_ conversation: JSONValue) -> ConversationState? {
        let assigneeType = conversation.at("meta", "assignee_type").stringValue
        let hasHuman = conversation.at("meta", "assignee").asObject != nil && ChatwootMapping.isHuman(assigneeType: assigneeType)
        return ChatwootMapping.state(
            status: conversation.at("status").stringValue ?? "", hasHumanAssignee: hasHuman,
            closedByBot: ChatwootMapping.isClosedByBot(conversation.at("custom_attributes").asObject))
    }

    // MARK: users ↔ contacts

    @Test("a neutral user reads as a Chatwoot contact: identifier, name, email, phone, custom attributes")
    func userReadsAsContact() async throws {
        try await withServer { server in
            let attributes: [String: JSONValue] = ["plan": "pro", "vip": true, "seats": 12]
            let user = try await server.support.ensureUser(
                .init(
                    externalId: "ext-ada", name: "Ada Lovelace", email: "ada@example.com", phone: "+4915112345678", attributes: attributes))
            let admin = Face(server, token: "dev-token")
            let (status, found) = try await admin.call(.GET, "/contacts/search?q=ext-ada")
            #expect(status == 200)
            let contact = try #require(
                found.at("payload").asArray.first { $0.at("identifier").stringValue == "ext-ada" }, "no contact with identifier ext-ada")
            #expect(contact.at("name").stringValue == "Ada Lovelace")
            #expect(contact.at("email").stringValue == "ada@example.com")
            #expect(contact.at("phone_number").stringValue == "+4915112345678")
            #expect(contact.at("custom_attributes").asObject == attributes)

            let id = try #require(contact.at("id").asInt)
            let (_, shown) = try await admin.call(.GET, "/contacts/\(id)")
            #expect(shown.at("payload", "identifier").stringValue == user.externalId)
            #expect(shown.at("payload", "custom_attributes").asObject == attributes)
        }
    }

    @Test("a Chatwoot contact reads as a neutral user found by externalId = identifier")
    func contactReadsAsUser() async throws {
        try await withServer { server in
            let admin = Face(server, token: "dev-token")
            let contact = try await admin.contact(
                #"""
                {"inbox_id":1,"name":"Grace Hopper","email":"grace@example.com","phone_number":"+14155550123",
                 "identifier":"cw-grace","custom_attributes":{"plan":"enterprise","vip":true,"seats":3}}
                """#)
            let user = try #require(try await server.support.findUser(externalId: "cw-grace"))
            #expect(user.name == "Grace Hopper")
            #expect(user.email == "grace@example.com")
            #expect(user.phone == "+14155550123")
            #expect(user.attributes == ["plan": "enterprise", "vip": true, "seats": 3])
            let read: User = try await server.http().call(.GET, "/v1/users/\(user.id)")
            #expect(read == user)

            let (updated, _) = try await admin.call(
                .PATCH, "/contacts/\(contact.id)", #"{"name":"Rear Admiral Hopper","custom_attributes":{"plan":"team"}}"#)
            #expect(updated == 200)
            let after = try #require(try await server.support.findUser(externalId: "cw-grace"))
            #expect(after.id == user.id)
            #expect(after.name == "Rear Admiral Hopper")
            #expect(after.attributes["plan"] == "team")
        }
    }

    // MARK: ordering by last activity

    @Test("a message posted on the neutral face moves its conversation to the top of the Chatwoot list")
    func neutralMessageMovesChatwootOrder() async throws {
        try await withServer { server in
            let admin = Face(server, token: "dev-token")
            let (_, first) = try await server.conversation("order-a")
            try await Task.sleep(for: .milliseconds(30))
            let (_, second) = try await server.conversation("order-b")
            #expect(try await admin.conversationOrder() == [second.number, first.number], "newest activity first before any message")

            try await Task.sleep(for: .milliseconds(30))
            _ = try await server.support.post(.init(author: .user, text: "still there?"), to: first.id)
            #expect(
                try await admin.conversationOrder() == [first.number, second.number],
                "a neutral user message should move its conversation to the top of the Chatwoot list")
            let a = try await admin.conversation(first.number)
            let b = try await admin.conversation(second.number)
            #expect(
                (a.at("last_activity_at").asDouble ?? 0) >= (b.at("last_activity_at").asDouble ?? 0)
                    && (a.at("updated_at").asDouble ?? 0) > (b.at("updated_at").asDouble ?? 0),
                "the neutral message should bump updated_at / last_activity_at on the Chatwoot face")

            try await Task.sleep(for: .milliseconds(30))
            _ = try await server.support.post(.init(author: .bot, text: "how can I help?"), to: second.id)
            #expect(
                try await admin.conversationOrder() == [second.number, first.number],
                "a neutral bot message should move its conversation back to the top of the Chatwoot list")
        }
    }

    @Test("a Chatwoot message moves its conversation: the neutral list keeps its documented id order, updatedAt moves")
    func chatwootMessageMovesNeutralUpdatedAt() async throws {
        try await withServer { server in
            // neutral-v1.yaml: listConversations is "in id order" (no updated_at ordering); Conversation.updatedAt is exposed.
            let user = try await server.support.ensureUser(.init(externalId: "order-cw"))
            let first = try await server.support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            let second = try await server.support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            let before = try await server.support.conversation(id: first.id).updatedAt
            // Neutral timestamps are whole seconds (ISO 8601 without a fraction): wait past the next second.
            try await Task.sleep(for: .milliseconds(1_100))
            let bot = Face(server, token: "bot-token")
            let (posted, _) = try await bot.call(
                .POST, "/conversations/\(first.number)/messages", #"{"content":"hello from the widget","message_type":"incoming"}"#)
            #expect(posted == 200)

            let after = try await server.support.conversation(id: first.id)
            #expect(after.updatedAt > before, "a Chatwoot message should move the neutral conversation's updatedAt")
            #expect(after.state == .bot)
            #expect(try await server.support.conversations(userId: user.id, state: nil).map(\.id) == [first.id, second.id])
            #expect(try await Face(server, token: "dev-token").conversationOrder().first == first.number)
        }
    }

    // MARK: context ↔ custom attributes

    @Test("the neutral context reads as the Chatwoot conversation's custom_attributes, as ChatwootMapping lays it out")
    func contextReadsAsCustomAttributes() async throws {
        try await withServer { server in
            let user = try await server.support.ensureUser(.init(externalId: "ctx-neutral"))
            let context = ConversationContext(
                intent: "billing.refund", intents: ["billing.refund", "account.close"], slots: ["invoice": "A-1", "amount": 42],
                attributes: ["channel": "web", "vip": true])
            let conversation = try await server.support.openConversation(userId: user.id, context: context, idempotencyKey: nil)
            #expect(conversation.context == context)

            let shown = try await Face(server, token: "dev-token").conversation(conversation.number)
            let custom = shown.at("custom_attributes").asObject ?? [:]
            #expect(custom["channel"] == "web" && custom["vip"] == true, "context attributes flat in custom_attributes: \(custom)")
            #expect(
                custom[ChatwootMapping.ContextKey.intent] == "billing.refund",
                "the intent should be in custom_attributes.\(ChatwootMapping.ContextKey.intent): \(custom)")
            #expect(
                ChatwootMapping.context(from: custom) == context,
                "a Chatwoot connector should read the neutral context back from custom_attributes: \(custom)")
        }
    }

    @Test("Chatwoot custom_attributes (on create and by POST custom_attributes) read as the neutral conversation's context")
    func customAttributesReadAsContext() async throws {
        try await withServer { server in
            let admin = Face(server, token: "dev-token")
            let bot = Face(server, token: "bot-token")
            let contact = try await admin.contact(#"{"inbox_id":1,"name":"Cy","identifier":"ctx-cw"}"#)
            let created = try await bot.open(
                sourceId: contact.sourceId, customAttributes: #"{"handoff_intent":"tech.reset","channel":"email"}"#)
            let opened = try await Self.neutralConversation(server, externalId: "ctx-cw", number: created)
            #expect(
                opened.context == ConversationContext(intent: "tech.reset", attributes: ["channel": "email"]),
                "custom_attributes given to POST conversations should read as the neutral context")

            let attributes: [String: JSONValue] = [
                ChatwootMapping.ContextKey.intent: "billing.refund",
                ChatwootMapping.ContextKey.intents: #"["billing.refund","tech.reset"]"#,
                ChatwootMapping.ContextKey.slots: #"{"invoice":"B-2"}"#,
                "plan": "pro", "vip": true,
            ]
            let body = try String(decoding: JSONEncoder().encode(["custom_attributes": JSONValue.object(attributes)]), as: UTF8.self)
            let (status, answer) = try await bot.call(.POST, "/conversations/\(created)/custom_attributes", body)
            #expect(status == 200)
            #expect(answer.at("custom_attributes").asObject == attributes)

            let expected = ConversationContext(
                intent: "billing.refund", intents: ["billing.refund", "tech.reset"], slots: ["invoice": "B-2"],
                attributes: ["plan": "pro", "vip": true])
            #expect(ChatwootMapping.context(from: attributes) == expected)
            let read = try await server.support.conversation(id: opened.id)
            #expect(read.context == expected, "POST custom_attributes should show in the neutral context")
        }
    }

    // MARK: states

    @Test("each neutral state reads as its Chatwoot status: bot pending, queued/assigned open, resolved/closed resolved")
    func neutralStatesReadAsChatwootStatuses() async throws {
        try await withServer { server in
            let admin = Face(server, token: "dev-token")
            let (_, conversation) = try await server.conversation("states")
            var seen: [(ConversationState, String?, Bool)] = []
            func record(_ state: ConversationState) async throws {
                #expect(try await server.support.conversation(id: conversation.id).state == state)
                let shown = try await admin.conversation(conversation.number)
                seen.append((state, shown.at("status").stringValue, shown.at("meta", "assignee").asObject != nil))
            }
            try await record(.bot)
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            try await record(.queued)
            _ = try await server.desk.accept(conversation.id, agentId: nil)
            try await record(.assigned)
            _ = try await server.desk.resolve(conversation.id)
            try await record(.resolved)
            _ = try await server.support.close(conversation.id)
            try await record(.closed)
            #expect(seen.map(\.1) == ["pending", "open", "open", "resolved", "resolved"])
            #expect(seen.map(\.2) == [false, false, true, true, true], "meta.assignee once an agent accepted")
            #expect(seen.allSatisfy { ChatwootMapping.status(for: $0.0) == $0.1 })
        }
    }

    @Test("Chatwoot toggle_status reads as the neutral state: pending is bot, open by the bot is the handoff, resolved")
    func chatwootStatusesReadAsNeutralStates() async throws {
        try await withServer { server in
            let admin = Face(server, token: "dev-token")
            let bot = Face(server, token: "bot-token")
            let agent = Face(server, token: "agent-token")
            let contact = try await admin.contact(#"{"inbox_id":1,"name":"Di","identifier":"states-cw"}"#)
            let number = try await bot.open(sourceId: contact.sourceId)
            let opened = try await Self.neutralConversation(server, externalId: "states-cw", number: number)
            #expect(opened.state == .bot)

            let (_, handoff) = try await bot.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"open"}"#)
            #expect(handoff.at("payload", "current_status").stringValue == "open")
            var read = try await server.support.conversation(id: opened.id)
            #expect(read.state == .queued && read.assigneeId == nil, "the bot's open on pending is the handoff: queued")

            _ = try await agent.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"open"}"#)
            read = try await server.support.conversation(id: opened.id)
            #expect(read.state == .assigned, "an agent opening it takes it")
            #expect(read.assigneeId == (try await Self.agentId(server, named: "Bea Billing")))

            let (_, resolved) = try await agent.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"resolved"}"#)
            #expect(resolved.at("payload", "current_status").stringValue == "resolved")
            read = try await server.support.conversation(id: opened.id)
            #expect(read.state == .resolved)
        }
    }

    @Test("closed is the bot's resolve with the handoff_closed_at marker, read the same on both faces")
    func closedReadsAsClosedOnBothFaces() async throws {
        try await withServer { server in
            let admin = Face(server, token: "dev-token")
            let bot = Face(server, token: "bot-token")
            // Neutral → Chatwoot: a connector on the Chatwoot face reads every neutral state back (ChatwootMapping).
            let (_, conversation) = try await server.conversation("closed-neutral")
            var read: [ConversationState?] = []
            read.append(Self.stateAsConnectorReadsIt(try await admin.conversation(conversation.number)))
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            read.append(Self.stateAsConnectorReadsIt(try await admin.conversation(conversation.number)))
            _ = try await server.desk.accept(conversation.id, agentId: nil)
            read.append(Self.stateAsConnectorReadsIt(try await admin.conversation(conversation.number)))
            _ = try await server.desk.resolve(conversation.id)
            read.append(Self.stateAsConnectorReadsIt(try await admin.conversation(conversation.number)))
            _ = try await server.support.close(conversation.id)
            let closed = try await admin.conversation(conversation.number)
            read.append(Self.stateAsConnectorReadsIt(closed))
            #expect(read == [.bot, .queued, .assigned, .resolved, .closed], "custom_attributes: \(closed.at("custom_attributes"))")

            // Chatwoot → neutral: the Chatwoot binding's close (marker, then resolved) reads as closed on the neutral face.
            let contact = try await admin.contact(#"{"inbox_id":1,"name":"Ed","identifier":"closed-cw"}"#)
            let number = try await bot.open(sourceId: contact.sourceId, customAttributes: #"{"channel":"web"}"#)
            let marked = #"{"custom_attributes":{"channel":"web","handoff_closed_at":"2025-01-01T00:00:00Z"}}"#
            #expect(try await bot.call(.POST, "/conversations/\(number)/custom_attributes", marked).status == 200)
            #expect(try await bot.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"resolved"}"#).status == 200)
            let neutral = try await Self.neutralConversation(server, externalId: "closed-cw", number: number)
            #expect(neutral.state == .closed, "resolved with handoff_closed_at should read as closed on the neutral face")
        }
    }

    // MARK: teams and assignees

    @Test("a neutral transfer shows meta.team on the Chatwoot conversation, an agent's accept shows meta.assignee")
    func neutralTeamAndAssigneeReadOnChatwoot() async throws {
        try await withServer { server in
            let admin = Face(server, token: "dev-token")
            let billing = try await Self.chatwootTeamId(admin, named: "Billing")
            let bob = try await Self.chatwootAgentId(admin, named: "Bob Billing")
            let (_, conversation) = try await server.conversation("teams-neutral")
            var shown = try await admin.conversation(conversation.number)
            #expect(shown.at("meta", "team").asObject == nil && shown.at("meta", "assignee").asObject == nil)

            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            shown = try await admin.conversation(conversation.number)
            #expect(shown.at("meta", "team", "id").asInt == billing)
            #expect(shown.at("meta", "team", "name").stringValue == "billing")
            #expect(shown.at("meta", "assignee").asObject == nil)
            let (_, filtered) = try await admin.call(.GET, "/conversations?status=all&team_id=\(billing)")
            #expect(filtered.at("data", "payload").asArray.compactMap { $0.at("id").asInt }.contains(conversation.number))

            _ = try await server.desk.accept(conversation.id, agentId: try await Self.agentId(server, named: "Bob Billing"))
            shown = try await admin.conversation(conversation.number)
            #expect(shown.at("meta", "assignee", "id").asInt == bob)
            #expect(shown.at("meta", "assignee", "name").stringValue == "Bob Billing")
            #expect(shown.at("meta", "assignee_type").stringValue == "User")
            #expect(shown.at("meta", "team", "id").asInt == billing)
            #expect(shown.at("status").stringValue == "open")
        }
    }

    @Test("Chatwoot assignments (team_id, assignee_id) show on the neutral conversation: teamId, assigneeId, state")
    func chatwootAssignmentsReadOnNeutral() async throws {
        try await withServer { server in
            let admin = Face(server, token: "dev-token")
            let bot = Face(server, token: "bot-token")
            let teams = try await server.support.teams()
            let billing = try #require(teams.first { $0.name == "Billing" })
            let general = try #require(teams.first { $0.name == "General Support" })
            let contact = try await admin.contact(#"{"inbox_id":1,"name":"Flo","identifier":"teams-cw"}"#)
            let number = try await bot.open(sourceId: contact.sourceId)
            let id = try await Self.neutralConversation(server, externalId: "teams-cw", number: number).id

            let billingId = try await Self.chatwootTeamId(admin, named: "Billing")
            let (_, team) = try await bot.call(.POST, "/conversations/\(number)/assignments", #"{"team_id":\#(billingId)}"#)
            #expect(team.at("name").stringValue == "billing")
            var read = try await server.support.conversation(id: id)
            #expect(read.teamId == billing.id && read.state == .bot, "a team assignment while pending keeps the bot in charge")

            _ = try await bot.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"open"}"#)
            read = try await server.support.conversation(id: id)
            #expect(read.state == .queued && read.teamId == billing.id && read.assigneeId == nil)

            let bob = try await Self.chatwootAgentId(admin, named: "Bob Billing")
            let (_, assignee) = try await admin.call(.POST, "/conversations/\(number)/assignments", #"{"assignee_id":\#(bob)}"#)
            #expect(assignee.at("id").asInt == bob)
            read = try await server.support.conversation(id: id)
            #expect(read.state == .assigned)
            #expect(read.assigneeId == (try await Self.agentId(server, named: "Bob Billing")))
            #expect(read.teamId == billing.id)

            // Another team whose members do not include the assignee: the assignee goes, the conversation waits in the new team.
            let generalId = try await Self.chatwootTeamId(admin, named: "General Support")
            _ = try await admin.call(.POST, "/conversations/\(number)/assignments", #"{"team_id":\#(generalId)}"#)
            read = try await server.support.conversation(id: id)
            #expect(read.teamId == general.id && read.assigneeId == nil && read.state == .queued)
        }
    }

    // MARK: messages and authors

    @Test("neutral user, bot, agent messages and notes read on Chatwoot: message_type, sender type, private, in order")
    func neutralMessagesReadOnChatwoot() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation("messages-neutral")
            _ = try await server.support.post(.init(author: .user, text: "my invoice is wrong"), to: conversation.id)
            _ = try await server.support.post(.init(author: .bot, text: "which invoice?"), to: conversation.id)
            _ = try await server.support.post(
                .init(author: .bot, text: "intent billing.refund", visibility: .internal), to: conversation.id)
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            _ = try await server.desk.accept(conversation.id, agentId: try await Self.agentId(server, named: "Bea Billing"))
            _ = try await server.desk.reply(conversation.id, text: "Bea here, looking")
            _ = try await server.desk.note(conversation.id, text: "refund approved")
            _ = try await server.support.post(.init(author: .user, text: "thanks"), to: conversation.id)

            let messages = try await Face(server, token: "dev-token").messages(conversation.number)
            #expect(
                messages.map { $0.at("content").stringValue ?? "" } == [
                    "my invoice is wrong", "which invoice?", "intent billing.refund", "Bea here, looking", "refund approved", "thanks",
                ])
            #expect(messages.map { $0.at("message_type").asInt ?? -1 } == [0, 1, 1, 1, 1, 0])
            #expect(
                messages.map { $0.at("sender", "type").stringValue ?? "-" } == [
                    "contact", "agent_bot", "agent_bot", "user", "user", "contact",
                ])
            #expect(messages.map { $0.at("private").asBool ?? false } == [false, false, true, false, true, false])
            #expect(messages[3].at("sender", "name").stringValue == "Bea Billing")
            let ids = messages.compactMap { $0.at("id").asInt }
            #expect(ids == ids.sorted() && Set(ids).count == 6)
            #expect(
                messages.map {
                    ChatwootMapping.author(
                        messageType: "\($0.at("message_type").asInt ?? -1)", senderType: $0.at("sender", "type").stringValue)
                }
                    == [.user, .bot, .bot, .agent, .agent, .user])
        }
    }

    @Test("Chatwoot incoming, bot and agent outgoing and private notes read on the neutral face: author, visibility, seq order")
    func chatwootMessagesReadOnNeutral() async throws {
        try await withServer { server in
            let admin = Face(server, token: "dev-token")
            let bot = Face(server, token: "bot-token")
            let agent = Face(server, token: "agent-token")
            let contact = try await admin.contact(#"{"inbox_id":1,"name":"Gus","identifier":"messages-cw"}"#)
            let number = try await bot.open(sourceId: contact.sourceId)
            let path = "/conversations/\(number)/messages"
            let steps: [(Face, String)] = [
                (bot, #"{"content":"my invoice is wrong","message_type":"incoming"}"#),
                (bot, #"{"content":"which invoice?","message_type":"outgoing"}"#),
                (bot, #"{"content":"intent billing.refund","message_type":"outgoing","private":true}"#),
            ]
            for (face, body) in steps { #expect(try await face.call(.POST, path, body).status == 200, "\(body)") }
            _ = try await bot.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"open"}"#)
            _ = try await agent.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"open"}"#)
            let more: [(Face, String)] = [
                (agent, #"{"content":"Bea here, looking"}"#),
                (agent, #"{"content":"refund approved","private":true}"#),
                (bot, #"{"content":"thanks","message_type":"incoming"}"#),
            ]
            for (face, body) in more { #expect(try await face.call(.POST, path, body).status == 200, "\(body)") }

            let conversation = try await Self.neutralConversation(server, externalId: "messages-cw", number: number)
            let messages = try await server.support.messages(in: conversation.id, after: nil, limit: nil).filter { $0.author != .system }
            #expect(
                messages.map(\.text) == [
                    "my invoice is wrong", "which invoice?", "intent billing.refund", "Bea here, looking", "refund approved", "thanks",
                ])
            #expect(messages.map(\.author) == [.user, .bot, .bot, .agent, .agent, .user])
            #expect(messages.map(\.visibility) == [.public, .public, .internal, .public, .internal, .public])
            #expect(messages.map(\.seq) == messages.map(\.seq).sorted() && Set(messages.map(\.seq)).count == 6)
            let bea = try await Self.agentId(server, named: "Bea Billing")
            #expect(messages.map(\.agentId) == [nil, nil, nil, bea, bea, nil])
        }
    }
}

extension JSONValue {
    /// The value at a path of object keys; null when any step is missing.
    fileprivate func at(_ path: String...) -> JSONValue {
        path.reduce(self) { value, key in
            if case .object(let object) = value { return object[key] ?? .null }
            return .null
        }
    }

    fileprivate var asArray: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    fileprivate var asObject: [String: JSONValue]? {
        if case .object(let object) = self { return object }
        return nil
    }

    fileprivate var asDouble: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    fileprivate var asInt: Int? { asDouble.flatMap { Int(exactly: $0) } }

    fileprivate var asBool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }
}
