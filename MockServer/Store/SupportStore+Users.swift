import Foundation
import GRDB
import HandoffContract

extension SupportStore {
    /// Creates the user, or returns the one with the same `externalId` unchanged (`created` false).
    public func ensureUser(_ workspace: Workspace, _ new: NewUser) throws -> (user: User, created: Bool) {
        try write { db in
            var storedExternalId = has(.truncateExternalId) ? String(new.externalId.prefix(32)) : new.externalId
            if let existing = try self.user(db, workspace, externalId: new.externalId) {
                if has(.recreateOverwritesUser) {
                    try db.execute(
                        sql: "UPDATE users SET name = ? WHERE id = ?",
                        arguments: [new.name, EntityKind.user.number(from: existing.id)])
                    return (try self.user(db, workspace, id: existing.id)!, false)
                }
                if !has(.duplicateUsers) { return (existing, false) }
                storedExternalId += "#\(UUID().uuidString)"
            }
            let id = try UserRecord.insert(
                db,
                .init(
                    workspaceId: workspace.id, externalId: storedExternalId, name: new.name, email: new.email, phone: new.phone,
                    attributes: new.attributes ?? [:]),
                at: now())
            var user = try self.user(db, workspace, id: EntityKind.user.id(id))!
            if has(.duplicateUsers) { user.externalId = new.externalId }
            return (user, true)
        }
    }

    /// One user by id, or `notFound`.
    public func user(_ workspace: Workspace, id: String) throws -> User {
        let found = try db.read { db in try self.user(db, workspace, id: id) }
        guard let found else { throw ContractError.notFound(resource: "user", id: id) }
        return found
    }

    /// One user by the bot's id, or nil.
    public func user(_ workspace: Workspace, externalId: String) throws -> User? {
        try db.read { db in try self.user(db, workspace, externalId: externalId) }
    }

    /// Users in id order after a cursor.
    public func users(_ workspace: Workspace, after: Int64, limit: Int) throws -> [User] {
        try db.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM users WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [workspace.id, after, limit]
            ).map(Rows.user)
        }
    }

    func user(_ db: Database, _ workspace: Workspace, id: String) throws -> User? {
        guard let number = EntityKind.user.number(from: id) else { return nil }
        return try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?\(scope(workspace))", arguments: [number])
            .map(Rows.user)
    }

    func user(_ db: Database, _ workspace: Workspace, externalId: String) throws -> User? {
        if has(.usersIgnoreExternalId) {
            return try Row.fetchOne(
                db, sql: "SELECT * FROM users WHERE workspace_id = ? ORDER BY id LIMIT 1", arguments: [workspace.id]
            ).map(Rows.user)
        }
        return try Row.fetchOne(
            db, sql: "SELECT * FROM users WHERE workspace_id = ? AND external_id = ?",
            arguments: [workspace.id, externalId]
        ).map(Rows.user)
    }
}
