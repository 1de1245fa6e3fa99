import Foundation
import GRDB
import HandoffContract

extension SupportStore {
    /// Messages in order after a sequence number.
    public func messages(_ workspace: Workspace, conversationId: String, after: Int, limit: Int) throws -> [Message] {
        try boundary.messages(self, workspace, conversationId: conversationId, after: after, limit: limit)
    }

    func referenceMessages(_ workspace: Workspace, conversationId: String, after: Int, limit: Int) throws -> [Message] {
        try read { db in
            let conversation = try self.requireConversation(db, workspace, id: conversationId)
            return try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?"),
                arguments: [EntityKind.conversation.number(from: conversation.id), after, limit]
            ).map(Rows.message)
        }
    }
}
