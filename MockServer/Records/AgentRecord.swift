import Foundation
import GRDB
import HandoffContract

/// The `agents` table's one INSERT: a neutral team's agent and a Chatwoot user (agent or administrator) are one row.
enum AgentRecord {
    /// Stores an agent and returns its row id; `teamId` nil for a user outside every team.
    static func insert(
        _ db: Database, workspaceId: Int64, teamId: Int64?, name: String, email: String?, role: String = "agent"
    ) throws -> Int64 {
        try db.cached("INSERT INTO agents (workspace_id, team_id, name, email, role) VALUES (?, ?, ?, ?, ?)").execute(arguments: [
            workspaceId, teamId, name, email, role,
        ])
        let id = db.lastInsertedRowID
        ChangeLog.record("agent", EntityKind.agent.id(id), "created")
        return id
    }
}
