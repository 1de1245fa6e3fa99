import Foundation
import GRDB
import HandoffContract

/// A message as Chatwoot's `POST messages` takes it.
struct MessageInput: Decodable, Sendable {
    var content: String?
    var message_type: String?
    var `private`: Bool?
    var content_type: String?
    var content_attributes: JSONValue?
    var echo_id: String?
    var source_id: String?
    var sender_type: String?
    var sender_id: Int64?

    init(
        content: String?, message_type: String?, private: Bool?, content_type: String?, content_attributes: JSONValue?,
        echo_id: String? = nil
    ) {
        self.content = content
        self.message_type = message_type
        self.private = `private`
        self.content_type = content_type
        self.content_attributes = content_attributes
        self.echo_id = echo_id
    }
}

extension SupportStore {
    static let contentTypes: Set<String> = [
        "text", "input_text", "input_textarea", "input_email", "input_select", "cards", "form", "article",
        "incoming_email", "input_csat", "integrations", "sticker", "voice_call",
    ]

    /// Adds a message from Chatwoot's fields, under Chatwoot's policy (``FacePolicy/chatwoot``): no contract refusals
    /// (the bot must keep itself silent), an incoming message reopens a resolved conversation (`pending` in a bot
    /// inbox, else `open`). A conversation the bot closed is final on every face: a message into it is refused.
    func insertChatwootMessage(
        _ db: Database, _ workspace: Workspace, conversation: Row, _ input: MessageInput, principal: ChatwootPrincipal
    ) throws -> Row {
        let content = input.content ?? ""
        guard content.count <= 150_000 else {
            throw ChatwootError.unprocessable("Validation failed: Content is too long (maximum is 150000 characters)")
        }
        let type = input.message_type ?? "outgoing"
        let author: MessageAuthor
        var agentId: Int64?
        switch type {
        case "incoming": author = .user
        case "outgoing":
            switch principal {
            case .bot: author = .bot
            case .user(let id, _):
                if input.sender_type == "AgentBot" {
                    author = .bot
                } else {
                    author = .agent
                    agentId = id
                }
            }
        default:
            throw ChatwootError.unprocessable("'\(type)' is not a valid message_type")
        }
        let contentType = input.content_type ?? "text"
        guard Self.contentTypes.contains(contentType) else {
            throw ChatwootError.unprocessable("'\(contentType)' is not a valid content_type")
        }
        var attributes = input.content_attributes
        if case .string(let text) = attributes { attributes = Rows.value(text, default: .object([:])) }
        var choices: [Choice]?
        if contentType == "input_select" {
            guard case .object(let object) = attributes ?? .null, case .array(let items) = object["items"] ?? .null else {
                throw ChatwootError.unprocessable("Validation failed: Content attributes items is required for input_select")
            }
            choices = try items.map { item in
                guard case .object(let fields) = item, Set(fields.keys).isSubset(of: ["title", "value"]) else {
                    throw ChatwootError.unprocessable("Validation failed: Content attributes items must have only title and value")
                }
                let title = fields["title"]?.stringValue ?? ""
                return Choice(value: fields["value"]?.stringValue ?? title, label: title)
            }
        }
        let visibility: Visibility = input.private == true ? .internal : .public
        do {
            return try addMessage(
                db, workspace, state: ConversationState(rawValue: conversation["state"]) ?? .bot,
                .init(
                    conversationId: conversation["id"], author: author, visibility: visibility, text: content, choices: choices,
                    agentId: agentId, contentType: choices == nil && contentType != "text" ? contentType : nil,
                    contentAttributes: choices == nil ? attributes : nil, echoId: input.echo_id, sourceId: input.source_id),
                policy: .chatwoot
            ).row
        } catch ContractError.conversationClosed {
            throw ChatwootError.unprocessable(
                "This conversation was closed by the bot: the user's next contact opens a new conversation "
                    + "(\(ContractError.conversationClosed.code))")
        }
    }

    /// `POST messages`.
    func referencePostChatwootMessage(
        _ workspace: Workspace, number: Int64, _ input: MessageInput, principal: ChatwootPrincipal
    )
        async throws -> [String: JSONValue]
    {
        let stored = try await groupedWrite { [self] db in
            let conversation = try requireConversationRow(db, workspace, number: number)
            let message = try insertChatwootMessage(db, workspace, conversation: conversation, input, principal: principal)
            return (message: message["id"] as Int64, conversation: conversation["id"] as Int64)
        }
        signal.fire(workspace.id)
        // Rendered after the commit, outside the write transaction (as Chatwoot renders after saving).
        return try read { db in
            try ChatwootViews(store: self, db: db, workspace: workspace).message(
                try MessageRecord.row(db, id: stored.message)!, conversation: try conversationRow(db, id: stored.conversation)!)
        }
    }

    /// `GET messages`: the latest 20; `before` → 20 older; `after` → up to 100 newer; both → up to 1000 between.
    func chatwootMessages(_ workspace: Workspace, number: Int64, before: Int64?, after: Int64?) throws -> [String: JSONValue] {
        try read { db in
            let conversation = try requireConversationRow(db, workspace, number: number)
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            var sql = "SELECT * FROM messages WHERE conversation_id = ?"
            var arguments: StatementArguments = [conversation["id"] as Int64]
            if let before {
                sql += " AND id < ?"
                arguments += [before]
            }
            if let after {
                sql += " AND id > ?"
                arguments += [after]
            }
            let rows: [Row]
            switch (before, after) {
            case (nil, nil), (_?, nil):
                rows = try Row.fetchAll(db.cachedStatement(sql: sql + " ORDER BY id DESC LIMIT 20"), arguments: arguments).reversed()
            case (nil, _?):
                rows = try Row.fetchAll(db.cachedStatement(sql: sql + " ORDER BY id LIMIT 100"), arguments: arguments)
            case (_?, _?):
                rows = try Row.fetchAll(db.cachedStatement(sql: sql + " ORDER BY id LIMIT 1000"), arguments: arguments)
            }
            var meta: [String: JSONValue] = [
                "labels": Rows.value(conversation["labels"], default: .array([])),
                "additional_attributes": ChatwootViews.object(conversation["additional_attributes"]),
                "agent_last_seen_at": .null, "assignee_last_seen_at": .null,
            ]
            if let contact = try views.userRow(conversation["user_id"]) { meta["contact"] = .object(views.contactPush(contact)) }
            if let agent = try views.agentRow(conversation["assignee_id"]) { meta["assignee"] = .object(views.agent(agent)) }
            return ["meta": .object(meta), "payload": .array(try rows.map { .object(try views.message($0, conversation: conversation)) })]
        }
    }
}
