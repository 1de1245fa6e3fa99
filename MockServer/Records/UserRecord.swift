import Foundation
import GRDB
import HandoffContract

/// The `users` table's one INSERT: a neutral user and a Chatwoot contact are the same row.
enum UserRecord {
    /// A user (contact) about to be stored.
    struct New {
        var workspaceId: Int64
        /// The bot's id for the user; Chatwoot's `identifier` when one was given.
        var externalId: String
        /// Whether ``externalId`` was given (a Chatwoot contact without an identifier gets a generated one).
        var identifierSet: Bool = true
        var name: String?
        var email: String?
        var phone: String?
        var attributes: [String: JSONValue] = [:]
        var additionalAttributes: [String: JSONValue] = [:]
    }

    /// Stores the user and returns its row id.
    static func insert(_ db: Database, _ new: New, at time: Double) throws -> Int64 {
        try db.cachedStatement(
            sql: """
                INSERT INTO users (workspace_id, external_id, identifier_set, name, email, phone, attributes,
                    additional_attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            new.workspaceId, new.externalId, new.identifierSet, new.name, new.email, new.phone, Rows.json(new.attributes),
            Rows.json(new.additionalAttributes), time,
        ])
        let id = db.lastInsertedRowID
        ChangeLog.record("user", EntityKind.user.id(id), "created")
        return id
    }
}
