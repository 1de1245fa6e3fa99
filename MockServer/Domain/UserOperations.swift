import Foundation
import GRDB
import HandoffContract

/// The contract's user operation: a user is created once per `externalId`.
extension SupportStore {
    /// Creates the user, or returns the one with the same `externalId` unchanged (`created` false).
    public func ensureUser(_ workspace: Workspace, _ new: NewUser) async throws -> (user: User, created: Bool) {
        try await boundary.ensureUser(self, workspace, new)
    }

    func referenceEnsureUser(_ workspace: Workspace, _ new: NewUser) async throws -> (user: User, created: Bool) {
        try await write { [self] db in
            if let existing = try self.user(db, workspace, externalId: new.externalId) {
                ChangeLog.record("user", existing.id, "found")
                return (existing, false)
            }
            return (try insertUser(db, workspace, new), true)
        }
    }

    /// Stores a user as given, inside the caller's transaction.
    func insertUser(_ db: Database, _ workspace: Workspace, _ new: NewUser) throws -> User {
        let id = try UserRecord.insert(
            db,
            .init(
                workspaceId: workspace.id, externalId: new.externalId, name: new.name, email: new.email, phone: new.phone,
                attributes: new.attributes ?? [:]),
            at: now())
        return try self.user(db, workspace, id: EntityKind.user.id(id))!
    }
}
