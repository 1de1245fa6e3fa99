import Foundation
import GRDB
import HandoffContract

extension SupportStore {
    /// One conversation by id, or `notFound`.
    public func conversation(_ workspace: Workspace, id: String) throws -> Conversation {
        try read { db in try self.requireConversation(db, workspace, id: id) }
    }

    /// One conversation by its per-workspace number (Chatwoot's `display_id`), or `notFound`.
    public func conversation(_ workspace: Workspace, number: Int) throws -> Conversation {
        let found = try read { db in
            try Row.fetchOne(
                db.cached("SELECT * FROM conversations WHERE workspace_id = ? AND number = ?"),
                arguments: [workspace.id, number]
            ).map(Rows.conversation)
        }
        guard let found else { throw ContractError.notFound(resource: "conversation", id: String(number)) }
        return found
    }

    /// Conversations in id order after a cursor, optionally of one user and in one state.
    public func conversations(
        _ workspace: Workspace, userId: String?, state: ConversationState?, after: Int64, limit: Int
    ) throws -> [Conversation] {
        var sql = "SELECT * FROM conversations WHERE workspace_id = ? AND id > ?"
        var arguments: StatementArguments = [workspace.id, after]
        if let userId {
            guard let number = EntityKind.user.number(from: userId) else { return [] }
            sql += " AND user_id = ?"
            arguments += [number]
        }
        if let state {
            sql += " AND state = ?"
            arguments += [state.rawValue]
        }
        sql += " ORDER BY id LIMIT ?"
        arguments += [limit]
        return try read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(Rows.conversation) }
    }

    func conversation(_ db: Database, _ workspace: Workspace, id: String) throws -> Conversation? {
        guard let number = EntityKind.conversation.number(from: id) else { return nil }
        // On every conversation route: a cached statement skips SQLite's (and GRDB's) prepare.
        return try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM conversations WHERE id = ? AND workspace_id = ?"),
            arguments: [number, workspace.id]
        ).map(Rows.conversation)
    }

    /// Only the state of a conversation of the workspace (a message needs no more), or `notFound`.
    func requireConversationState(_ db: Database, _ workspace: Workspace, id: String) throws -> ConversationState {
        let number = EntityKind.conversation.number(from: id)
        let text: String? =
            if let number {
                try String.fetchOne(
                    db.cachedStatement(sql: "SELECT state FROM conversations WHERE id = ? AND workspace_id = ?"),
                    arguments: [number, workspace.id])
            } else {
                nil
            }
        guard let text else { throw ContractError.notFound(resource: "conversation", id: id) }
        return ConversationState(rawValue: text) ?? .bot
    }

    func requireConversation(_ db: Database, _ workspace: Workspace, id: String) throws -> Conversation {
        guard let found = try conversation(db, workspace, id: id) else {
            throw ContractError.notFound(resource: "conversation", id: id)
        }
        return found
    }
}
