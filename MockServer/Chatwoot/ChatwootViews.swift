import Foundation
import GRDB
import HandoffContract

/// Chatwoot's JSON views (its jbuilder partials and webhook builders), rendered from the one store.
/// Shapes follow Chatwoot v4.15.0's Rails views; where they and its swagger disagree, the views win
/// (`docs/chatwoot-deviations.md`).
struct ChatwootViews {
    let store: SupportStore
    let db: Database
    let workspace: Workspace

    typealias Object = [String: JSONValue]

    // MARK: rows

    func userRow(_ id: Int64) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ? AND workspace_id = ?"), arguments: [id, workspace.id])
    }

    func inboxRow(_ id: Int64?) throws -> Row? {
        guard let id else { return nil }
        return try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM inboxes WHERE id = ? AND workspace_id = ?"), arguments: [id, workspace.id])
    }

    func agentRow(_ id: Int64?) throws -> Row? {
        guard let id else { return nil }
        return try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM agents WHERE id = ? AND workspace_id = ?"), arguments: [id, workspace.id])
    }

    func teamRow(_ id: Int64?) throws -> Row? {
        guard let id else { return nil }
        return try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM teams WHERE id = ? AND workspace_id = ?"), arguments: [id, workspace.id])
    }

    func botRow(_ id: Int64?) throws -> Row? {
        guard let id else { return nil }
        return try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM agent_bots WHERE id = ?"), arguments: [id])
    }

    static func seconds(_ row: Row, _ column: String) -> JSONValue {
        let value: Double? = row[column]
        return value.map { .int(Int64($0)) } ?? .null
    }

    static func optionalInt(_ row: Row, _ column: String) -> JSONValue {
        let value: Int64? = row[column]
        return value.map { .int($0) } ?? .null
    }

    static func object(_ text: String?) -> JSONValue {
        Rows.value(text, default: .object([:]))
    }

    // MARK: contacts

    func contact(_ row: Row) -> Object {
        let identifierSet: Bool = row["identifier_set"]
        return [
            "id": .int(row["id"] as Int64), "name": .string(Rows.optionalText(row, "name") ?? ""),
            "email": .string(Rows.optionalText(row, "email")), "phone_number": .string(Rows.optionalText(row, "phone")),
            "identifier": identifierSet ? .string(Rows.text(row, "external_id")) : .null,
            "additional_attributes": Self.object(row["additional_attributes"]),
            "custom_attributes": Self.object(row["attributes"]), "availability_status": "offline", "blocked": false,
            "thumbnail": "", "created_at": Self.seconds(row, "created_at"), "last_activity_at": Self.seconds(row, "created_at"),
        ]
    }

    func contactWithInboxes(_ row: Row) throws -> Object {
        var object = contact(row)
        let inboxes = try Row.fetchAll(
            db.cached("SELECT * FROM contact_inboxes WHERE user_id = ? ORDER BY id"), arguments: [row["id"] as Int64])
        object["contact_inboxes"] = .array(
            try inboxes.map { ci in
                .object(["source_id": .string(Rows.text(ci, "source_id")), "inbox": .object(try inboxSlim(ci["inbox_id"]) ?? [:])])
            })
        return object
    }

    /// Contact push data (sender of incoming messages, conversation meta).
    func contactPush(_ row: Row, typed: Bool = true) -> Object {
        var object = contact(row)
        object.removeValue(forKey: "availability_status")
        object.removeValue(forKey: "created_at")
        object.removeValue(forKey: "last_activity_at")
        if typed { object["type"] = "contact" }
        return object
    }

    // MARK: inboxes, agents, teams, bots

    func inboxSlim(_ id: Int64?) throws -> Object? {
        guard let row = try inboxRow(id) else { return nil }
        return [
            "id": .int(row["id"] as Int64), "name": .string(Rows.text(row, "name")), "channel_id": .int(row["id"] as Int64),
            "channel_type": "Channel::Api", "avatar_url": "", "provider": .null,
        ]
    }

    func inbox(_ row: Row, admin: Bool) -> Object {
        var object: Object = [
            "id": .int(row["id"] as Int64), "name": .string(Rows.text(row, "name")), "channel_id": .int(row["id"] as Int64),
            "channel_type": "Channel::Api", "avatar_url": "", "provider": .null, "greeting_enabled": false,
            "greeting_message": .null, "working_hours_enabled": false, "enable_email_collect": true,
            "csat_survey_enabled": false, "enable_auto_assignment": true, "auto_assignment_config": .object([:]),
            "out_of_office_message": .null, "working_hours": .array([]), "timezone": "UTC",
            "webhook_url": .string(Rows.optionalText(row, "webhook_url")), "allow_messages_after_resolved": true,
            "lock_to_single_conversation": false, "sender_name_type": "friendly", "business_name": .null,
            "hmac_mandatory": false, "inbox_identifier": .string(Rows.text(row, "identifier")),
        ]
        if admin { object["secret"] = .string(Rows.text(row, "secret")) }
        return object
    }

    func agent(_ row: Row) -> Object {
        let name = Rows.text(row, "name")
        return [
            "id": .int(row["id"] as Int64), "account_id": .int(workspace.id), "availability_status": "online",
            "auto_offline": false, "confirmed": true, "email": .string(Rows.optionalText(row, "email")), "provider": "email",
            "available_name": .string(name), "name": .string(name), "role": .string(Rows.text(row, "role")), "thumbnail": "",
        ]
    }

    func userPush(_ row: Row) -> Object {
        let name = Rows.text(row, "name")
        return [
            "id": .int(row["id"] as Int64), "name": .string(name), "available_name": .string(name), "avatar_url": "",
            "type": "user", "availability_status": "online", "thumbnail": "",
        ]
    }

    func team(_ row: Row) -> Object {
        [
            "id": .int(row["id"] as Int64), "name": .string(Rows.text(row, "name").lowercased()),
            "description": .string(Rows.optionalText(row, "description")), "allow_auto_assign": true,
            "account_id": .int(workspace.id), "is_member": false,
        ]
    }

    // MARK: messages

    /// The bot that speaks in a conversation's inbox (the inbox's bot, else the workspace's first).
    func speakingBot(inboxId: Int64?) throws -> Row? {
        if let bot = try inboxRow(inboxId).flatMap({ try botRow($0["bot_id"]) }) { return bot }
        return try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM agent_bots WHERE workspace_id = ? ORDER BY id LIMIT 1"), arguments: [workspace.id])
    }

    func contentAttributes(_ row: Row) -> JSONValue {
        if let text: String = row["content_attributes"] { return Self.object(text) }
        if let choices: String = row["choices"] {
            let items = Rows.decode([Choice].self, choices, default: []).map {
                JSONValue.object(["title": .string($0.label), "value": .string($0.value)])
            }
            return .object(["items": .array(items)])
        }
        return .object([:])
    }

    func contentType(_ row: Row) -> String {
        if let type: String = row["content_type"] { return type }
        let choices: String? = row["choices"]
        return choices == nil ? "text" : "input_select"
    }

    func sender(_ message: Row, conversation: Row, webhook: Bool) throws -> JSONValue {
        let author = MessageAuthor(rawValue: message["author"]) ?? .system
        switch author {
        case .user:
            guard let contact = try userRow(conversation["user_id"]) else { return .null }
            return .object(webhook ? contactPush(contact, typed: false) : contactPush(contact))
        case .agent:
            guard let agent = try agentRow(message["agent_id"]) else { return .null }
            if webhook {
                return .object([
                    "id": .int(agent["id"] as Int64), "name": .string(Rows.text(agent, "name")),
                    "email": .string(Rows.optionalText(agent, "email")), "type": "user",
                ])
            }
            return .object(userPush(agent))
        case .bot:
            guard let bot = try speakingBot(inboxId: conversation["inbox_id"]) else { return .null }
            return .object([
                "id": .int(bot["id"] as Int64), "name": .string(Rows.text(bot, "name")), "avatar_url": "",
                "type": "agent_bot",
            ])
        case .system:
            return .null
        }
    }

    /// `_message.json.jbuilder`: REST and push data, `message_type` as an integer.
    func message(_ row: Row, conversation: Row) throws -> Object {
        let author = MessageAuthor(rawValue: row["author"]) ?? .system
        var object: Object = [
            "id": .int(row["id"] as Int64), "content": .string(Rows.text(row, "text")),
            "inbox_id": Self.optionalInt(conversation, "inbox_id"),
            "conversation_id": .int(conversation["number"] as Int64),
            "message_type": store.boundary.restMessageTypeAsString
                ? .string(ChatwootMessageType(author).name) : .int(ChatwootMessageType(author).rawValue),
            "content_type": .string(contentType(row)),
            "status": "sent", "content_attributes": contentAttributes(row), "created_at": Self.seconds(row, "created_at"),
            "private": .bool((row["visibility"] as String) == Visibility.internal.rawValue),
            "source_id": .string(Rows.optionalText(row, "source_id")),
            "sender": try sender(row, conversation: conversation, webhook: false),
        ]
        if let echo = Rows.optionalText(row, "echo_id") { object["echo_id"] = .string(echo) }
        return object
    }

    /// `Message#webhook_data`: `message_type` as a string, ISO time, the conversation's webhook data.
    func messageWebhook(_ row: Row, conversation: Row, event: String) throws -> Object {
        let author = MessageAuthor(rawValue: row["author"]) ?? .system
        let created = Date(timeIntervalSince1970: row["created_at"])
        let inbox = try inboxRow(conversation["inbox_id"])
        return [
            "event": .string(event), "id": .int(row["id"] as Int64), "content": .string(Rows.text(row, "text")),
            "content_type": .string(contentType(row)), "content_attributes": contentAttributes(row),
            "message_type": store.boundary.webhookMessageTypeAsInteger
                ? .int(ChatwootMessageType(author).rawValue) : .string(ChatwootMessageType(author).name),
            "private": .bool((row["visibility"] as String) == Visibility.internal.rawValue),
            "source_id": .string(Rows.optionalText(row, "source_id")),
            "created_at": .string(ISO8601Time.string(created, fractionalSeconds: true)),
            "additional_attributes": .object([:]), "account": .object(["id": .int(workspace.id), "name": .string(workspace.name)]),
            "inbox": inbox.map { .object(["id": .int($0["id"] as Int64), "name": .string(Rows.text($0, "name"))]) } ?? .null,
            "sender": try sender(row, conversation: conversation, webhook: true),
            "conversation": .object(try conversationWebhook(conversation)),
        ]
    }

    // MARK: conversations

    func lastMessage(_ conversation: Row) throws -> Row? {
        try Row.fetchOne(
            db.cached(
                "SELECT * FROM messages WHERE conversation_id = ? AND visibility = 'public' AND author != 'system' ORDER BY seq DESC LIMIT 1"
            ),
            arguments: [conversation["id"] as Int64])
    }

    func meta(_ conversation: Row, webhook: Bool) throws -> Object {
        var meta: Object = ["channel": "Channel::Api", "hmac_verified": false]
        if let contact = try userRow(conversation["user_id"]) { meta["sender"] = .object(contactPush(contact)) }
        if let agent = try agentRow(conversation["assignee_id"]) {
            meta["assignee"] = .object(
                webhook ? ["id": .int(agent["id"] as Int64), "name": .string(Rows.text(agent, "name"))] : self.agent(agent))
            meta["assignee_type"] = "User"
        } else if webhook {
            meta["assignee"] = .null
            meta["assignee_type"] = .null
        }
        if let team = try teamRow(conversation["team_id"]) {
            meta["team"] = .object(
                webhook ? ["id": .int(team["id"] as Int64), "name": .string(Rows.text(team, "name").lowercased())] : self.team(team))
        } else if webhook {
            meta["team"] = .null
        }
        return meta
    }

    static func status(_ conversation: Row) -> String {
        ChatwootStatus(ConversationState(rawValue: conversation["state"]) ?? .bot).rawValue
    }

    /// `_conversation.json.jbuilder`.
    func conversation(_ row: Row) throws -> Object {
        let last = try lastMessage(row)
        let lastJSON: JSONValue = try last.map { .object(try message($0, conversation: row)) } ?? .null
        let updated: Double = row["updated_at"]
        return [
            "meta": .object(try meta(row, webhook: false)), "id": .int(row["number"] as Int64),
            "messages": last == nil ? .array([]) : .array([lastJSON]), "account_id": .int(workspace.id),
            "uuid": .string(Rows.optionalText(row, "uuid") ?? ""), "additional_attributes": Self.object(row["additional_attributes"]),
            "agent_last_seen_at": 0, "assignee_last_seen_at": 0, "can_reply": true, "contact_last_seen_at": 0,
            "custom_attributes": Self.object(row["custom_attributes"]),
            "inbox_id": Self.optionalInt(row, "inbox_id"),
            "labels": Rows.value(row["labels"], default: .array([])), "muted": false, "snoozed_until": .null,
            "status": .string(Self.status(row)), "created_at": Self.seconds(row, "created_at"), "updated_at": .number(updated),
            "timestamp": Self.seconds(row, "updated_at"), "first_reply_created_at": 0, "unread_count": 0,
            "last_non_activity_message": lastJSON, "last_activity_at": Self.seconds(row, "updated_at"),
            "priority": .string(Rows.optionalText(row, "priority")),
            "waiting_since": (row["waiting_since"] as Double?).map { .int(Int64($0)) } ?? 0, "sla_policy_id": .null,
        ]
    }

    /// The conversation's webhook data (conversation_* events and nested in message events).
    func conversationWebhook(_ row: Row) throws -> Object {
        var contactInbox: JSONValue = .null
        if let id: Int64 = row["contact_inbox_id"],
            let ci = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM contact_inboxes WHERE id = ?"), arguments: [id])
        {
            contactInbox = .object([
                "id": .int(id), "contact_id": .int(ci["user_id"] as Int64), "inbox_id": .int(ci["inbox_id"] as Int64),
                "source_id": .string(Rows.text(ci, "source_id")), "hmac_verified": false, "pubsub_token": .string("pst_\(id)"),
            ])
        }
        let messages = try lastMessage(row).map { [JSONValue.object(try message($0, conversation: row))] } ?? []
        let updated: Double = row["updated_at"]
        return [
            "id": .int(row["number"] as Int64), "inbox_id": Self.optionalInt(row, "inbox_id"),
            "status": .string(Self.status(row)), "channel": "Channel::Api", "can_reply": true,
            "account": .object(["id": .int(workspace.id), "name": .string(workspace.name)]),
            "additional_attributes": Self.object(row["additional_attributes"]),
            "custom_attributes": Self.object(row["custom_attributes"]),
            "labels": Rows.value(row["labels"], default: .array([])), "contact_inbox": contactInbox,
            "meta": .object(try meta(row, webhook: true)), "messages": .array(messages), "snoozed_until": .null,
            "unread_count": 0, "first_reply_created_at": .null, "priority": .string(Rows.optionalText(row, "priority")),
            "waiting_since": (row["waiting_since"] as Double?).map { .int(Int64($0)) } ?? .null,
            "agent_last_seen_at": 0, "contact_last_seen_at": 0, "last_activity_at": Self.seconds(row, "updated_at"),
            "timestamp": Self.seconds(row, "updated_at"), "created_at": Self.seconds(row, "created_at"),
            "updated_at": .number(updated),
        ]
    }
}
