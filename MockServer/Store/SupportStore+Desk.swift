import Foundation
import GRDB
import HandoffContract

/// A conversation as the desk lists it.
struct DeskConversation: Encodable, Sendable {
    /// The last message, cut for the list.
    struct Preview: Encodable, Sendable {
        var author: String
        var visibility: String
        var text: String
        var seq: Int
    }
    var id: String
    var number: Int
    var state: String
    var teamId: String?
    var teamName: String?
    var assigneeId: String?
    var assigneeName: String?
    var userId: String
    var userName: String?
    var externalId: String
    var intent: String?
    var messages: Int
    var updatedAt: Date
    var lastMessage: Preview?
}

/// A message as the desk shows it: the contract's message and its agent's name.
struct DeskMessage: Encodable, Sendable {
    var message: Message
    var agentName: String?
}

extension SupportStore {
    /// The conversations for the desk: every open one (bot, queued, assigned; newest first, at most
    /// `openLimit`) and the most recent finished ones (at most `finishedLimit`).
    func deskConversations(_ workspace: Workspace, openLimit: Int = 300, finishedLimit: Int = 40) throws -> [DeskConversation] {
        let select = """
            SELECT c.*, u.name AS user_name, u.external_id, t.name AS team_name, a.name AS assignee_name,
                m.author AS last_author, m.visibility AS last_visibility, m.text AS last_text, m.seq AS preview_seq
            FROM conversations c
            JOIN users u ON u.id = c.user_id
            LEFT JOIN teams t ON t.id = c.team_id
            LEFT JOIN agents a ON a.id = c.assignee_id
            LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
            WHERE c.workspace_id = ? AND c.state IN
            """
        return try read { db in
            let open = try Row.fetchAll(
                db, sql: select + " ('bot', 'queued', 'assigned') ORDER BY c.id DESC LIMIT ?",
                arguments: [workspace.id, openLimit])
            let finished = try Row.fetchAll(
                db, sql: select + " ('resolved', 'closed') ORDER BY c.updated_at DESC, c.id DESC LIMIT ?",
                arguments: [workspace.id, finishedLimit])
            return (open + finished).map(Self.deskConversation)
        }
    }

    static func deskConversation(_ row: Row) -> DeskConversation {
        let conversation = Rows.conversation(row)
        var preview: DeskConversation.Preview?
        if let seq: Int = row["preview_seq"], let author: String = row["last_author"], let visibility: String = row["last_visibility"] {
            let text = Rows.text(row, "last_text")
            preview = .init(
                author: author, visibility: visibility, text: text.count > 140 ? String(text.prefix(140)) + "…" : text, seq: seq)
        }
        return DeskConversation(
            id: conversation.id, number: conversation.number, state: conversation.state.rawValue, teamId: conversation.teamId,
            teamName: Rows.optionalText(row, "team_name"), assigneeId: conversation.assigneeId,
            assigneeName: Rows.optionalText(row, "assignee_name"), userId: conversation.userId,
            userName: Rows.optionalText(row, "user_name"), externalId: Rows.text(row, "external_id"),
            intent: conversation.context.intent ?? conversation.context.intents.first, messages: row["last_seq"] ?? 0,
            updatedAt: conversation.updatedAt, lastMessage: preview)
    }

    /// How many conversations each team holds, per state (team id → state → count).
    func deskCounts(_ workspace: Workspace) throws -> [String: [String: Int]] {
        try read { db in
            var counts: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(
                db.cached(
                    """
                    SELECT team_id, state, COUNT(*) AS n FROM conversations
                    WHERE workspace_id = ? AND team_id IS NOT NULL AND state IN ('queued', 'assigned')
                    GROUP BY team_id, state
                    """), arguments: [workspace.id])
            {
                counts[EntityKind.team.id(row["team_id"]), default: [:]][row["state"] as String] = row["n"]
            }
            return counts
        }
    }

    /// Every message of a conversation, internal notes included, with agents' names; at most `limit`.
    func deskMessages(_ workspace: Workspace, conversationId: String, limit: Int = 2000) throws -> [DeskMessage] {
        try read { db in
            let conversation = try self.requireConversation(db, workspace, id: conversationId)
            return try Row.fetchAll(
                db.cached(
                    """
                    SELECT m.*, a.name AS agent_name FROM messages m LEFT JOIN agents a ON a.id = m.agent_id
                    WHERE m.conversation_id = ? ORDER BY m.seq LIMIT ?
                    """), arguments: [EntityKind.conversation.number(from: conversation.id), limit]
            ).map { DeskMessage(message: Rows.message($0), agentName: Rows.optionalText($0, "agent_name")) }
        }
    }
}
