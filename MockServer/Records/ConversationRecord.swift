import Foundation
import GRDB
import HandoffContract

/// The `conversations` table's writes: its one INSERT and its one UPDATE.
///
/// Every face creates and changes conversations through these two functions, so `updated_at` moves and the
/// same columns are kept whichever face wrote; the rules that decide *what* to write live in the domain.
enum ConversationRecord {
    /// A conversation about to be stored.
    struct New {
        var workspaceId: Int64
        var userId: Int64
        var state: ConversationState
        var teamId: Int64?
        var assigneeId: Int64?
        /// Chatwoot's `custom_attributes`, which also hold the neutral context (``ChatwootMapping``).
        var customAttributes: [String: JSONValue]
        var additionalAttributes: [String: JSONValue] = [:]
        var idempotencyKey: String?
        var inboxId: Int64?
        var contactInboxId: Int64?
    }

    /// What one write changes; a nil field is left as it is.
    struct Patch {
        var state: ConversationState?
        var teamId: Int64??
        var assigneeId: Int64??
        var customAttributes: [String: JSONValue]?
        var labels: [String]?
        var priority: String??
    }

    /// Stores a conversation with the workspace's next number and returns its row id.
    static func insert(_ db: Database, _ new: New, at time: Double) throws -> Int64 {
        let number = try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    UPDATE workspaces SET next_conversation_number = next_conversation_number + 1 WHERE id = ?
                    RETURNING next_conversation_number - 1
                    """), arguments: [new.workspaceId])!
        try db.cachedStatement(
            sql: """
                INSERT INTO conversations (workspace_id, number, user_id, state, team_id, assignee_id, context, idempotency_key,
                    created_at, updated_at, inbox_id, contact_inbox_id, uuid, custom_attributes, additional_attributes,
                    waiting_since)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            new.workspaceId, number, new.userId, new.state.rawValue, new.teamId, new.assigneeId, "{}",
            new.idempotencyKey, time, time, new.inboxId, new.contactInboxId, RandomUUID.string(),
            Rows.json(new.customAttributes), Rows.json(new.additionalAttributes), new.state.isWithHumans ? time : nil,
        ])
        let id = db.lastInsertedRowID
        ChangeLog.record("conversation", EntityKind.conversation.id(id), "created")
        return id
    }

    /// Applies a patch and moves `updated_at`. A conversation that comes to humans starts waiting (Chatwoot's
    /// `waiting_since`) unless it already was.
    static func update(_ db: Database, id: Int64, _ patch: Patch, at time: Double) throws {
        ChangeLog.record("conversation", EntityKind.conversation.id(id), "updated")
        var sets = ["updated_at = ?"]
        var arguments: StatementArguments = [time]
        if let state = patch.state {
            sets.append("state = ?")
            arguments += [state.rawValue]
            if state.isWithHumans {
                sets.append("waiting_since = COALESCE(waiting_since, ?)")
                arguments += [time]
            }
        }
        if let teamId = patch.teamId {
            sets.append("team_id = ?")
            arguments += [teamId]
        }
        if let assigneeId = patch.assigneeId {
            sets.append("assignee_id = ?")
            arguments += [assigneeId]
        }
        if let attributes = patch.customAttributes {
            sets.append("custom_attributes = ?")
            arguments += [Rows.json(attributes)]
        }
        if let labels = patch.labels {
            sets.append("labels = ?")
            arguments += [Rows.json(labels)]
        }
        if let priority = patch.priority {
            sets.append("priority = ?")
            arguments += [priority]
        }
        arguments += [id]
        try db.cachedStatement(sql: "UPDATE conversations SET \(sets.joined(separator: ", ")) WHERE id = ?").execute(arguments: arguments)
    }
}
