import Foundation
import GRDB
import HandoffContract

/// `leak-across-workspaces`, at the HTTP edge: a request that names another workspace's conversation, user, team or
/// agent is served in that workspace, whatever the token's. Every read inside the core stays scoped.
extension SupportStore {
    /// The workspace owning the first id in `path` that belongs to another workspace, or nil.
    func leakedWorkspace(path: Substring, caller: Workspace) throws -> Workspace? {
        let tables: [(EntityKind, String)] = [
            (.conversation, "conversations"), (.user, "users"), (.team, "teams"), (.agent, "agents"),
        ]
        for segment in path.split(separator: "/") {
            for (kind, table) in tables {
                guard let number = kind.number(from: String(segment)) else { continue }
                let owner = try read { db in
                    try Int64.fetchOne(db, sql: "SELECT workspace_id FROM \(table) WHERE id = ?", arguments: [number])
                }
                if let owner, owner != caller.id { return try workspaces().first { $0.id == owner } }
            }
        }
        return nil
    }
}
