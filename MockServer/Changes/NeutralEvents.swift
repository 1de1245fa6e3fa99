import Foundation
import GRDB
import HandoffContract

/// What an event row keeps besides its columns.
struct EventPayload: Codable {
    var userId: String
    var externalUserId: String
    var agent: Agent?
    var message: Message?
}

extension EventPayload {
    /// The stored text, written directly (it is written inside the write of every event): the JSON `Rows.json` would
    /// make of it, which `Rows.decoder` reads back; times in whole seconds, as the `.iso8601` strategy writes them.
    var text: String {
        var object: [String: JSONValue] = ["userId": .string(userId), "externalUserId": .string(externalUserId)]
        if let agent {
            var fields: [String: JSONValue] = ["id": .string(agent.id), "name": .string(agent.name)]
            if let email = agent.email { fields["email"] = .string(email) }
            if let teamId = agent.teamId { fields["teamId"] = .string(teamId) }
            object["agent"] = .object(fields)
        }
        if let message {
            var fields: [String: JSONValue] = [
                "id": .string(message.id), "conversationId": .string(message.conversationId),
                "seq": .number(Double(message.seq)), "author": .string(message.author.rawValue),
                "visibility": .string(message.visibility.rawValue), "text": .string(message.text),
                "createdAt": .string(ISO8601Time.string(message.createdAt)),
            ]
            if let choices = message.choices {
                fields["choices"] = .array(choices.map { .object(["value": .string($0.value), "label": .string($0.label)]) })
            }
            if let agentId = message.agentId { fields["agentId"] = .string(agentId) }
            if let clientMessageId = message.clientMessageId { fields["clientMessageId"] = .string(clientMessageId) }
            object["message"] = .object(fields)
        }
        return Rows.json(object)
    }
}

extension SupportStore {
    /// Appends an event to the workspace's feed and queues one delivery per webhook subscription,
    /// inside the caller's transaction, so an acknowledged change never lacks its event.
    func appendEvent(
        _ db: Database, _ workspace: Workspace, _ type: EventType, conversation: Conversation, agent: Agent?,
        message: Message?
    ) throws {
        // The change pipeline's edge: the event defects drop or strip what the bot would hear.
        if !boundary.emitsNeutralEvents { return }
        let seq = try Int.fetchOne(
            db.cached("UPDATE workspaces SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq"),
            arguments: [workspace.id])!
        guard let user = try self.user(db, workspace, id: conversation.userId) else { return }
        let payload =
            boundary.eventsCarryUser
            ? EventPayload(userId: user.id, externalUserId: user.externalId, agent: agent, message: message)
            : EventPayload(userId: "", externalUserId: "", agent: agent, message: message)
        let time = now()
        try db.cached(
            """
            INSERT INTO events (workspace_id, seq, type, conversation_id, payload, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """
        ).execute(arguments: [
            workspace.id, seq, type.rawValue, EntityKind.conversation.number(from: conversation.id),
            payload.text, time,
        ])
        let eventId = db.lastInsertedRowID
        let subscriptions = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM webhooks WHERE workspace_id = ? AND kind = 'neutral'"), arguments: [workspace.id])
        try DeliveryRecord.queue(db, .event(eventId), to: subscriptions, at: time)
        if !subscriptions.isEmpty { deliveriesAdded(db) }
    }

    /// Events of the workspace's feed after a sequence number, in order.
    public func events(_ workspace: Workspace, after: Int, limit: Int) throws -> [SupportEvent] {
        let events = try read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM events WHERE workspace_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
                arguments: [workspace.id, after, limit]
            ).compactMap(Self.event)
        }
        return boundary.events(events)
    }

    static func event(_ row: Row) -> SupportEvent? {
        let payloadText: String = row["payload"]
        guard
            let type = EventType(rawValue: row["type"]),
            let payload = try? Rows.decoder.decode(EventPayload.self, from: Data(payloadText.utf8))
        else { return nil }
        return SupportEvent(
            id: EntityKind.event.id(row["id"]), seq: row["seq"], type: type,
            conversationId: EntityKind.conversation.id(row["conversation_id"]), userId: payload.userId,
            externalUserId: payload.externalUserId, agent: payload.agent, message: payload.message,
            occurredAt: Rows.date(row, "created_at"))
    }
}

extension SupportStore {
    /// Counts deliveries queued by the current transaction once it commits (the dispatcher looks at the queue only
    /// when this count has moved, or when something is due or in flight).
    func deliveriesAdded(_ db: Database) {
        db.afterNextTransaction { [self] _ in deliveriesQueued.add(1, ordering: .releasing) }
    }
}
