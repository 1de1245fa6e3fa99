import Foundation
import GRDB
import HandoffContract

/// The `messages` table's one INSERT, which also takes the conversation's next `seq` and moves its `updated_at`
/// (a message is activity on the conversation, whichever face posted it).
enum MessageRecord {
    /// A message about to be stored.
    struct New {
        var conversationId: Int64
        var author: MessageAuthor
        var visibility: Visibility
        var text: String
        var choices: [Choice]?
        var agentId: Int64?
        var clientMessageId: String?
        /// Chatwoot's `content_type` when it is not plain text or a choice list.
        var contentType: String?
        var contentAttributes: JSONValue?
        var echoId: String?
        var sourceId: String?
    }

    /// Stores the message; returns its row id and its `seq`.
    static func insert(_ db: Database, _ new: New, at time: Double) throws -> (id: Int64, seq: Int) {
        // The hot path of the mock: cached statements skip the prepare on every message.
        let seq = try Int.fetchOne(
            db.cachedStatement(sql: "UPDATE conversations SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq"),
            arguments: [time, new.conversationId])!
        try db.cachedStatement(
            sql: """
                INSERT INTO messages (conversation_id, seq, author, visibility, text, choices, agent_id, client_message_id,
                    created_at, content_type, content_attributes, echo_id, source_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            new.conversationId, seq, new.author.rawValue, new.visibility.rawValue, new.text, new.choices.map(Rows.json),
            new.agentId, new.clientMessageId, time, new.contentType, new.contentAttributes.map(Rows.json), new.echoId,
            new.sourceId,
        ])
        let id = db.lastInsertedRowID
        ChangeLog.record(
            "message", EntityKind.message.id(id), "created", conversationId: EntityKind.conversation.id(new.conversationId))
        return (id, seq)
    }

    /// One stored message row.
    static func row(_ db: Database, id: Int64) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM messages WHERE id = ?"), arguments: [id])
    }
}
