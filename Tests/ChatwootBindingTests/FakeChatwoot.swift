import Foundation
import HandoffContract
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A scripted stand-in for one Chatwoot account, just enough of the Application API (as Chatwoot v4.15.0's Rails source answers,
/// §10) for the Chatwoot binding's own end-to-end tests: one API inbox (5) with an active agent bot,
/// two teams, an administrator, an agent and the bot. No webhook deliveries.
///
/// It is test scaffolding for the client, not the product: the mock's Chatwoot face is.
final class FakeChatwoot: Sendable {
    static let account = 1
    static let inbox = 5
    static let adminToken = "admin-token"
    static let agentToken = "agent-token"
    static let botToken = "bot-token"

    enum Caller {
        case user(id: Int, name: String)
        case bot(id: Int, name: String)
    }

    struct Contact {
        var id: Int
        var identifier: String?
        var name: String?
        var email: String?
        var phone: String?
        var custom: [String: JSONValue]
    }

    struct Conversation {
        var id: Int
        var contactId: Int
        var status: String
        var teamId: Int?
        var assigneeId: Int?
        var custom: [String: JSONValue]
    }

    struct Message {
        var id: Int
        var conversation: Int
        var content: String
        var type: Int
        var isPrivate: Bool
        var contentType: String
        var contentAttributes: JSONValue
        var sender: JSONValue
        var echoId: String?
    }

    struct State {
        var contacts: [Int: Contact] = [:]
        var conversations: [Int: Conversation] = [:]
        var messages: [Message] = []
        var nextContact = 1
        var nextConversation = 1
        var nextMessage = 1
        var nextWebhook = 1
    }

    let state = Mutex(State())
    let teams: [(id: Int, name: String)] = [(1, "billing"), (2, "tech support")]
    let users: [Int: (name: String, email: String)] = [1: ("Admin", "admin@example.com"), 2: ("Grace", "grace@example.com")]
    static let epoch = 1_718_000_000

    struct Answer {
        var status: Int
        var body: JSONValue?
    }

    // MARK: Dispatch

    /// Answers one request: `path` without the query, `query` as given.
    func handle(method: String, path: String, query: [String: String], token: String?, body: JSONValue?) -> Answer {
        guard let token else {
            return Answer(status: 401, body: ["errors": .array(["You need to sign in or sign up before continuing."])])
        }
        let caller: Caller
        switch token {
        case Self.adminToken: caller = .user(id: 1, name: "Admin")
        case Self.agentToken: caller = .user(id: 2, name: "Grace")
        case Self.botToken: caller = .bot(id: 7, name: "Bot")
        default: return Answer(status: 401, body: ["error": "Invalid Access Token"])
        }
        let parts = path.split(separator: "/").map(String.init)
        if parts == ["api", "v1", "profile"] {
            guard case .user(let id, let name) = caller else { return botRefused() }
            return Answer(status: 200, body: ["id": .number(Double(id)), "name": .string(name)])
        }
        guard parts.count >= 5, parts[0...2] == ["api", "v1", "accounts"], parts[3] == String(Self.account) else {
            return notFound()
        }
        let rest = Array(parts[4...])
        let isBot = if case .bot = caller { true } else { false }
        return state.withLock { state in
            switch (method, rest.count, rest.first) {
            case ("POST", 1, "conversations"): return createConversation(&state, body, caller)
            case ("GET", 2, "conversations"), ("POST", 3, "conversations"):
                guard rest[0] == "conversations", let id = Int(rest[1]), state.conversations[id] != nil else {
                    return notFound()
                }
                if method == "GET" { return Answer(status: 200, body: conversationJSON(state, id)) }
                switch rest[2] {
                case "toggle_status": return toggle(&state, id, body)
                case "assignments": return assign(&state, id, body)
                case "custom_attributes":
                    state.conversations[id]?.custom = body?.objectValue("custom_attributes") ?? [:]
                    return Answer(status: 200, body: ["custom_attributes": .object(state.conversations[id]?.custom ?? [:])])
                case "messages": return createMessage(&state, id, body, caller)
                default: return notFound()
                }
            default: break
            }
            if isBot { return botRefused() }
            switch (method, rest.count, rest.first) {
            case ("GET", 3, "conversations") where rest[2] == "messages":
                guard let id = Int(rest[1]), state.conversations[id] != nil else { return notFound() }
                let after = Int(query["after"] ?? "") ?? 0
                let page = state.messages.filter { $0.conversation == id && $0.id > after }.prefix(100)
                return Answer(status: 200, body: ["meta": [:], "payload": .array(page.map(messageJSON))])
            case ("GET", 1, "conversations"): return listConversations(state, query)
            case ("POST", 1, "contacts"): return createContact(&state, body)
            case ("GET", 1, "contacts"):
                let all = state.contacts.values.sorted { $0.id < $1.id }
                return page(all, query)
            case ("GET", 2, "contacts") where rest[1] == "search":
                let q = (query["q"] ?? "").lowercased()
                let found = state.contacts.values.filter {
                    ($0.identifier ?? "").contains(q) || ($0.name ?? "").lowercased().contains(q)
                }.sorted { $0.id < $1.id }
                return page(found, query, hasMore: true)
            case ("POST", 2, "contacts") where rest[1] == "filter":
                guard case .array(let conditions)? = body?.field("payload"), case .object(let first)? = conditions.first,
                    first["attribute_key"] == "identifier", case .array(let values)? = first["values"]
                else { return Answer(status: 422, body: ["error": "Invalid attribute key"]) }
                let found = state.contacts.values.filter { contact in values.contains { $0.stringValue == contact.identifier } }
                return Answer(
                    status: 200, body: ["meta": ["count": .number(Double(found.count))], "payload": .array(found.map(contactJSON))])
            case ("GET", 3, "contacts") where rest[2] == "conversations":
                guard let id = Int(rest[1]), state.contacts[id] != nil else { return notFound() }
                let mine = state.conversations.values.filter { $0.contactId == id }.sorted { $0.id > $1.id }.prefix(20)
                return Answer(status: 200, body: ["payload": .array(mine.map { conversationJSON(state, $0.id) })])
            case ("GET", 1, "teams"): return Answer(status: 200, body: .array(teams.map(teamJSON)))
            case ("GET", 3, "teams") where rest[2] == "team_members":
                guard teams.contains(where: { String($0.id) == rest[1] }) else { return notFound() }
                return Answer(status: 200, body: .array([userJSON(2)]))
            case ("POST", 1, "webhooks"):
                let id = state.nextWebhook
                state.nextWebhook += 1
                return Answer(status: 200, body: ["payload": ["webhook": ["id": .number(Double(id)), "secret": "fake-secret"]]])
            case ("DELETE", 2, "webhooks"): return Answer(status: 200, body: nil)
            default: return notFound()
            }
        }
    }

    func notFound() -> Answer { Answer(status: 404, body: ["error": "Resource could not be found"]) }
    func botRefused() -> Answer { Answer(status: 401, body: ["error": "Access to this endpoint is not authorized for bots"]) }

    // MARK: Writes

    func createContact(_ state: inout State, _ body: JSONValue?) -> Answer {
        guard body?.field("inbox_id")?.intNumber == Self.inbox else { return notFound() }
        let identifier = body?.field("identifier")?.stringValue
        let email = body?.field("email")?.stringValue
        if let identifier, state.contacts.values.contains(where: { $0.identifier == identifier }) {
            return Answer(status: 422, body: ["message": "Identifier has already been taken", "attributes": ["identifier"]])
        }
        if let email, state.contacts.values.contains(where: { $0.email == email }) {
            return Answer(status: 422, body: ["message": "Email has already been taken", "attributes": ["email"]])
        }
        let contact = Contact(
            id: state.nextContact, identifier: identifier, name: body?.field("name")?.stringValue, email: email,
            phone: body?.field("phone_number")?.stringValue, custom: body?.objectValue("custom_attributes") ?? [:])
        state.nextContact += 1
        state.contacts[contact.id] = contact
        return Answer(
            status: 200,
            body: ["payload": ["contact": contactJSON(contact), "contact_inbox": ["source_id": .string(UUID().uuidString)]]])
    }

    func createConversation(_ state: inout State, _ body: JSONValue?, _ caller: Caller) -> Answer {
        guard body?.field("inbox_id")?.intNumber == Self.inbox, let contactId = body?.field("contact_id")?.intNumber,
            state.contacts[contactId] != nil
        else { return notFound() }
        let conversation = Conversation(
            id: state.nextConversation, contactId: contactId, status: "pending", teamId: nil, assigneeId: nil,
            custom: body?.objectValue("custom_attributes") ?? [:])
        state.nextConversation += 1
        state.conversations[conversation.id] = conversation
        return Answer(status: 200, body: conversationJSON(state, conversation.id))
    }

    func toggle(_ state: inout State, _ id: Int, _ body: JSONValue?) -> Answer {
        guard let status = body?.field("status")?.stringValue, ["open", "resolved", "pending", "snoozed"].contains(status)
        else { return Answer(status: 500, body: nil) }
        if state.conversations[id]?.status != status {
            state.conversations[id]?.status = status
            activity(&state, id, "Conversation was marked \(status)")
        }
        return Answer(
            status: 200,
            body: ["meta": [:], "payload": ["success": true, "conversation_id": .number(Double(id)), "current_status": .string(status)]])
    }

    func assign(_ state: inout State, _ id: Int, _ body: JSONValue?) -> Answer {
        if let assignee = body?.field("assignee_id") {
            let userId = assignee.intNumber.flatMap { users[$0] != nil ? $0 : nil }
            state.conversations[id]?.assigneeId = userId
            return Answer(status: 200, body: userId.map(userJSON) ?? .null)
        }
        if let team = body?.field("team_id") {
            let found = teams.first { $0.id == team.intNumber }
            state.conversations[id]?.teamId = found?.id
            if let found { activity(&state, id, "Assigned to \(found.name) by Bot") }
            return Answer(status: 200, body: found.map(teamJSON) ?? .null)
        }
        return Answer(status: 200, body: .null)
    }

    func createMessage(_ state: inout State, _ id: Int, _ body: JSONValue?, _ caller: Caller) -> Answer {
        guard let content = body?.field("content")?.stringValue else {
            return Answer(status: 422, body: ["error": "param is missing or the value is empty: content"])
        }
        let incoming = body?.field("message_type")?.stringValue == "incoming"
        let sender: JSONValue
        if incoming {
            sender = ["id": .number(Double(state.conversations[id]?.contactId ?? 0)), "type": "contact"]
        } else {
            switch caller {
            case .user(let userId, let name): sender = ["id": .number(Double(userId)), "name": .string(name), "type": "user"]
            case .bot(let botId, let name): sender = ["id": .number(Double(botId)), "name": .string(name), "type": "agent_bot"]
            }
        }
        let message = Message(
            id: state.nextMessage, conversation: id, content: content, type: incoming ? 0 : 1,
            isPrivate: body?.field("private") == true, contentType: body?.field("content_type")?.stringValue ?? "text",
            contentAttributes: body?.field("content_attributes") ?? [:], sender: sender,
            echoId: body?.field("echo_id")?.stringValue)
        state.nextMessage += 1
        state.messages.append(message)
        if incoming, state.conversations[id]?.status == "resolved" {
            state.conversations[id]?.status = "pending"
            activity(&state, id, "System reopened the conversation due to a new incoming message.")
        }
        var json = messageJSON(message)
        if case .object(var fields) = json, let echo = message.echoId {
            fields["echo_id"] = .string(echo)
            json = .object(fields)
        }
        return Answer(status: 200, body: json)
    }

    func activity(_ state: inout State, _ id: Int, _ text: String) {
        state.messages.append(
            Message(
                id: state.nextMessage, conversation: id, content: text, type: 2, isPrivate: false, contentType: "text",
                contentAttributes: [:], sender: .null, echoId: nil))
        state.nextMessage += 1
    }

    // MARK: Reads

    func listConversations(_ state: State, _ query: [String: String]) -> Answer {
        let status = query["status"] ?? "open"
        let all = state.conversations.values.filter { status == "all" || $0.status == status }.sorted { $0.id > $1.id }
        let page = max(1, Int(query["page"] ?? "") ?? 1)
        let slice = all.dropFirst((page - 1) * 25).prefix(25)
        let assigned = all.filter { $0.assigneeId != nil }.count
        return Answer(
            status: 200,
            body: [
                "data": [
                    "meta": [
                        "mine_count": 0, "assigned_count": .number(Double(assigned)),
                        "unassigned_count": .number(Double(all.count - assigned)), "all_count": .number(Double(all.count)),
                    ],
                    "payload": .array(slice.map { conversationJSON(state, $0.id) }),
                ]
            ])
    }

    func page(_ contacts: [Contact], _ query: [String: String], hasMore: Bool = false) -> Answer {
        let page = max(1, Int(query["page"] ?? "") ?? 1)
        let slice = contacts.dropFirst((page - 1) * 15).prefix(15)
        var meta: [String: JSONValue] = ["count": .number(Double(contacts.count)), "current_page": .number(Double(page))]
        if hasMore { meta["has_more"] = .bool(contacts.count > page * 15) }
        return Answer(status: 200, body: ["meta": .object(meta), "payload": .array(slice.map(contactJSON))])
    }

    func contactJSON(_ contact: Contact) -> JSONValue {
        [
            "id": .number(Double(contact.id)), "identifier": contact.identifier.map(JSONValue.string) ?? .null,
            "name": .string(contact.name ?? ""), "email": contact.email.map(JSONValue.string) ?? .null,
            "phone_number": contact.phone.map(JSONValue.string) ?? .null, "custom_attributes": .object(contact.custom),
            "additional_attributes": [:], "created_at": .number(Double(Self.epoch)),
        ]
    }

    func teamJSON(_ team: (id: Int, name: String)) -> JSONValue {
        ["id": .number(Double(team.id)), "name": .string(team.name), "description": "", "allow_auto_assign": false, "account_id": 1]
    }

    func userJSON(_ id: Int) -> JSONValue {
        let user = users[id] ?? ("?", "?")
        return ["id": .number(Double(id)), "name": .string(user.name), "email": .string(user.email), "role": "agent"]
    }

    func conversationJSON(_ state: State, _ id: Int) -> JSONValue {
        guard let conversation = state.conversations[id] else { return .null }
        var meta: [String: JSONValue] = [
            "sender": ["id": .number(Double(conversation.contactId)), "type": "contact"], "channel": "Channel::Api",
        ]
        if let assignee = conversation.assigneeId {
            meta["assignee"] = userJSON(assignee)
            meta["assignee_type"] = "User"
        }
        if let teamId = conversation.teamId, let team = teams.first(where: { $0.id == teamId }) { meta["team"] = teamJSON(team) }
        return [
            "id": .number(Double(id)), "status": .string(conversation.status), "inbox_id": .number(Double(Self.inbox)),
            "account_id": 1, "custom_attributes": .object(conversation.custom), "meta": .object(meta),
            "created_at": .number(Double(Self.epoch)), "updated_at": .number(Double(Self.epoch) + 0.5),
            "timestamp": .number(Double(Self.epoch)),
        ]
    }

    func messageJSON(_ message: Message) -> JSONValue {
        [
            "id": .number(Double(message.id)), "content": .string(message.content), "inbox_id": .number(Double(Self.inbox)),
            "conversation_id": .number(Double(message.conversation)), "message_type": .number(Double(message.type)),
            "content_type": .string(message.contentType), "content_attributes": message.contentAttributes,
            "private": .bool(message.isPrivate), "created_at": .number(Double(Self.epoch + message.id)),
            "sender": message.sender, "status": "sent",
        ]
    }

    // MARK: Serving

    /// Serves the fake on 127.0.0.1 and a free port for the time of `body`.
    static func serve(_ body: (String) async throws -> Void) async throws {
        let fake = FakeChatwoot()
        var logger = Logger(label: "fake-chatwoot")
        logger.logLevel = .critical
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            let body = bytes.readableBytes == 0 ? nil : try? JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            let answer = fake.handle(
                method: request.method.rawValue, path: request.uri.path, query: query,
                token: request.headers.first { $0.name.canonicalName == "api_access_token" }?.value, body: body)
            let data = try answer.body.map { try JSONEncoder().encode($0) } ?? Data()
            return Response(
                status: .init(code: answer.status), headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { continuation.finish() }  // a server that fails to start must not leave the wait below hanging
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        do {
            try await body("http://127.0.0.1:\(port)")
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw error
        }
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

extension JSONValue: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    /// Test convenience: a dictionary literal is a JSON object.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }

    /// Test convenience: an array literal is a JSON array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    func field(_ key: String) -> JSONValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    func objectValue(_ key: String) -> [String: JSONValue]? {
        if case .object(let fields)? = field(key) { return fields }
        return nil
    }

    var intNumber: Int? {
        switch self {
        case .number(let value) where value.rounded() == value: Int(value)
        case .string(let text): Int(text)
        default: nil
        }
    }
}
