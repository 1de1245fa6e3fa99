import Foundation
import GRDB

/// The `contact_inboxes` table: a user's address in an inbox (Chatwoot's `source_id`), with its one INSERT.
enum ContactInboxRecord {
    /// The contact inbox with `sourceId` in the inbox: its id and its user's.
    static func find(_ db: Database, inboxId: Int64, sourceId: String) throws -> (id: Int64, userId: Int64)? {
        try Row.fetchOne(
            db.cached("SELECT id, user_id FROM contact_inboxes WHERE inbox_id = ? AND source_id = ?"), arguments: [inboxId, sourceId]
        ).map { ($0["id"], $0["user_id"]) }
    }

    /// The user's contact inbox in the inbox, created with a random UUID `source_id` when missing.
    static func ensure(_ db: Database, userId: Int64, inboxId: Int64, at time: Double) throws -> Int64 {
        if let id = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM contact_inboxes WHERE user_id = ? AND inbox_id = ? ORDER BY id LIMIT 1"),
            arguments: [userId, inboxId])
        {
            return id
        }
        return try insert(db, userId: userId, inboxId: inboxId, sourceId: RandomUUID.string(), at: time)
    }

    /// Stores a contact inbox and returns its id.
    static func insert(_ db: Database, userId: Int64, inboxId: Int64, sourceId: String, at time: Double) throws -> Int64 {
        try db.cached("INSERT INTO contact_inboxes (user_id, inbox_id, source_id, created_at) VALUES (?, ?, ?, ?)").execute(arguments: [
            userId, inboxId, sourceId, time,
        ])
        return db.lastInsertedRowID
    }
}
