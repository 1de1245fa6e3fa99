import Foundation
import GRDB
import HandoffContract

extension SupportStore {
    /// One user by id, or `notFound`.
    public func user(_ workspace: Workspace, id: String) throws -> User {
        let found = try read { db in try self.user(db, workspace, id: id) }
        guard let found else { throw ContractError.notFound(resource: "user", id: id) }
        return found
    }

    /// One user by the bot's id, or nil.
    public func user(_ workspace: Workspace, externalId: String) throws -> User? {
        try boundary.user(self, workspace, externalId: externalId)
    }

    func referenceUser(_ workspace: Workspace, externalId: String) throws -> User? {
        try read { db in try self.user(db, workspace, externalId: externalId) }
    }

    /// Users in id order after a cursor.
    public func users(_ workspace: Workspace, after: Int64, limit: Int) throws -> [User] {
        try read { db in
            try Row.fetchAll(
                db.cached("SELECT * FROM users WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?"),
                arguments: [workspace.id, after, limit]
            ).map(Rows.user)
        }
    }

    func user(_ db: Database, _ workspace: Workspace, id: String) throws -> User? {
        guard let number = EntityKind.user.number(from: id) else { return nil }
        return try Row.fetchOne(db.cached("SELECT * FROM users WHERE id = ? AND workspace_id = ?"), arguments: [number, workspace.id])
            .map(Rows.user)
    }

    func user(_ db: Database, _ workspace: Workspace, externalId: String) throws -> User? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM users WHERE workspace_id = ? AND external_id = ?"),
            arguments: [workspace.id, externalId]
        ).map(Rows.user)
    }
}
