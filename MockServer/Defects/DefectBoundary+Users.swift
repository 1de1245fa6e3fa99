import Foundation
import GRDB
import HandoffContract

/// Defects of the user operations: each alters the input, the outcome or the call of the reference rule.
extension DefectBoundary {
    func ensureUser(_ store: SupportStore, _ workspace: Workspace, _ new: NewUser) async throws -> (user: User, created: Bool) {
        guard !defects.isEmpty else { return try await store.referenceEnsureUser(workspace, new) }
        if let existing = try user(store, workspace, externalId: new.externalId) {
            if has(.recreateOverwritesUser) { return await (try store.rename(workspace, existing, to: new.name), false) }
            guard has(.duplicateUsers) else { return (existing, false) }
            var copy = new
            copy.externalId += "#\(UUID().uuidString)"
            let duplicate = copy
            var user = try await store.write { db in try store.insertUser(db, workspace, duplicate) }
            user.externalId = new.externalId
            return (user, true)
        }
        if has(.truncateExternalId) {
            // Stored shortened, looked up in full: a long externalId is never found again.
            var short = new
            short.externalId = String(new.externalId.prefix(32))
            let stored = short
            return (try await store.write { db in try store.insertUser(db, workspace, stored) }, true)
        }
        return try await store.referenceEnsureUser(workspace, new)
    }

    func user(_ store: SupportStore, _ workspace: Workspace, externalId: String) throws -> User? {
        guard has(.usersIgnoreExternalId) else { return try store.referenceUser(workspace, externalId: externalId) }
        return try store.users(workspace, after: 0, limit: 1).first
    }
}

/// What the user defects do to the store beside the reference rules.
extension SupportStore {
    /// Overwrites a user's name (`recreate-overwrites-user`).
    func rename(_ workspace: Workspace, _ user: User, to name: String?) async throws -> User {
        try await write { [self] db in
            try db.cached("UPDATE users SET name = ? WHERE id = ?").execute(arguments: [name, EntityKind.user.number(from: user.id)])
            return try self.user(db, workspace, id: user.id)!
        }
    }
}
