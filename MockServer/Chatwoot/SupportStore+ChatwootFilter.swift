import Foundation
import GRDB
import HandoffContract

/// The counts Chatwoot puts beside a conversation list.
struct ChatwootConversationCounts {
    var mine: Int
    var unassigned: Int
    var all: Int

    /// The four counts as the list and `conversations/meta` answer them.
    var meta: JSONValue {
        .object([
            "mine_count": .int(mine), "unassigned_count": .int(unassigned), "assigned_count": .int(all - unassigned),
            "all_count": .int(all),
        ])
    }
}

extension SupportStore {
    /// `POST conversations/filter`: 25 a page, newest activity first, with the counts of everything that matches.
    func filterConversationsCW(
        _ workspace: Workspace, _ conditions: [ChatwootFilterCondition], page: Int, caller: Int64
    ) throws -> [String: JSONValue] {
        try read { db in
            let filter = try ChatwootConversationFilter.condition(conditions) { key in
                try Row.fetchOne(
                    db.cached(
                        """
                        SELECT 1 FROM conversations, json_each(conversations.custom_attributes)
                        WHERE conversations.workspace_id = ? AND json_each.key = ? LIMIT 1
                        """), arguments: [workspace.id, key]) != nil
            }
            let base = SQLCondition(sql: "workspace_id = ? AND (\(filter.sql))", arguments: [workspace.id] + filter.arguments)
            let counts = try chatwootConversationCounts(db, base, caller: caller)
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM conversations WHERE \(base.sql) ORDER BY updated_at DESC, id DESC LIMIT 25 OFFSET ?",
                arguments: base.arguments + [(page - 1) * 25])
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            return [
                "meta": .object([
                    "mine_count": .int(counts.mine), "unassigned_count": .int(counts.unassigned), "all_count": .int(counts.all),
                ]),
                "payload": .array(try rows.map { .object(try views.conversation($0)) }),
            ]
        }
    }

    /// `GET conversations/meta`: the list's four counts for the same status, inbox and team.
    func conversationMetaCW(
        _ workspace: Workspace, status: String, inboxId: Int64?, teamId: Int64?, caller: Int64
    ) throws -> [String: JSONValue] {
        try read { db in
            let counts = try chatwootConversationCounts(
                db, Self.chatwootListCondition(workspace, status: status, inboxId: inboxId, teamId: teamId), caller: caller)
            return ["meta": counts.meta]
        }
    }

    /// The conversations `GET conversations` lists before `assignee_type` applies. The same rules as
    /// `listConversations`, which builds this condition inline; it should call this function instead.
    static func chatwootListCondition(_ workspace: Workspace, status: String, inboxId: Int64?, teamId: Int64?) -> SQLCondition {
        var condition = SQLCondition(sql: "workspace_id = ?", arguments: [workspace.id])
        switch status {
        case "open": condition.sql += " AND state IN ('queued', 'assigned')"
        case "pending": condition.sql += " AND state = 'bot'"
        case "resolved": condition.sql += " AND state IN ('resolved', 'closed')"
        case "snoozed": condition.sql += " AND 0"
        default: break
        }
        if let inboxId {
            condition.sql += " AND inbox_id = ?"
            condition.arguments += [inboxId]
        }
        if let teamId {
            condition.sql += " AND team_id = ?"
            condition.arguments += [teamId]
        }
        return condition
    }

    /// Mine (assigned to the caller), unassigned and all, among the conversations `condition` selects.
    func chatwootConversationCounts(_ db: Database, _ condition: SQLCondition, caller: Int64) throws -> ChatwootConversationCounts {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) AS all_count, COALESCE(SUM(assignee_id IS NULL), 0) AS unassigned,
                    COALESCE(SUM(assignee_id = ?), 0) AS mine
                FROM conversations WHERE \(condition.sql)
                """, arguments: [caller] + condition.arguments)
        return ChatwootConversationCounts(mine: row?["mine"] ?? 0, unassigned: row?["unassigned"] ?? 0, all: row?["all_count"] ?? 0)
    }
}
