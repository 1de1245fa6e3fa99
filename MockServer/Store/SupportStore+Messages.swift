import Foundation
import GRDB
import HandoffContract

extension SupportStore {
    /// Adds a message under the contract's rules (``MessageRules``). A retry with the same
    /// `clientMessageId` returns the stored message (`created` false); the same key with other
    /// content is `idempotency_key_reused`. Public agent messages emit `message.created`.
    public func post(
        _ workspace: Workspace, conversationId: String, _ new: NewMessage, agentId: String? = nil
    ) async throws -> (message: Message, created: Bool) {
        let visibility = new.visibility ?? .public
        let result: (message: Message, created: Bool) = try await groupedWrite { [self] db in
            // Only the state decides; the whole conversation (context and all) is read when an event needs it.
            let state = try self.requireConversationState(db, workspace, id: conversationId)
            let conversationNumber = EntityKind.conversation.number(from: conversationId)!
            let clientMessageId = has(.duplicateRetriedMessage) ? nil : new.clientMessageId
            if let key = clientMessageId,
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM messages WHERE conversation_id = ? AND client_message_id = ?"),
                    arguments: [conversationNumber, key])
            {
                let existing = Rows.message(row)
                guard existing.author == new.author, existing.text == new.text, existing.visibility == visibility
                else { throw ContractError.idempotencyKeyReused(key) }
                return (existing, false)
            }
            try checkRules(new.author, visibility, state)
            if has(.loseMessages),
                let next = try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT last_seq + 1 FROM conversations WHERE id = ?"), arguments: [conversationNumber]),
                next % 10 == 0
            {
                try db.execute(sql: "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ?", arguments: [conversationNumber])
                let phantom = Message(
                    id: EntityKind.message.id(Int64(Int32.max) + Int64(next)), conversationId: conversationId, seq: next,
                    author: new.author, visibility: visibility, text: new.text, choices: new.choices, agentId: agentId,
                    clientMessageId: clientMessageId, createdAt: Date())
                return (phantom, true)
            }
            let toBot =
                MessageRules.isDeliveredToBot(author: new.author, visibility: visibility)
                || (has(.echoBotMessages) && new.author != .agent && visibility == .public)
                || (has(.notesToBot) && visibility == .internal)
            let row = try addMessage(
                db, workspace,
                .init(
                    conversationId: conversationNumber, author: new.author, visibility: visibility, text: new.text,
                    choices: has(.dropChoices) ? nil : new.choices, agentId: agentId.flatMap(EntityKind.agent.number(from:)),
                    clientMessageId: clientMessageId),
                toBot: toBot)
            if has(.descendingSeq) {
                try db.execute(sql: "UPDATE messages SET seq = -seq WHERE id = ?", arguments: [row["id"] as Int64])
            }
            let message = Rows.message(has(.descendingSeq) ? try MessageRecord.row(db, id: row["id"])! : row)
            return (message, true)
        }
        if result.created { signal.fire(workspace.id) }
        return result
    }

    /// The contract's ``MessageRules``, with the defects that break them on purpose.
    private func checkRules(_ author: MessageAuthor, _ visibility: Visibility, _ state: ConversationState) throws {
        if state.isWithHumans {
            if author == .bot && visibility == .public && has(.botSpeaksAfterTransfer) { return }
            if author == .bot && visibility == .internal && has(.notesRefusedAfterTransfer) { throw ContractError.botSilenced }
            if author == .user && has(.userSilencedAfterTransfer) { throw ContractError.botSilenced }
        }
        try MessageRules.check(author: author, visibility: visibility, state: state)
    }

    /// Messages in order after a sequence number.
    public func messages(_ workspace: Workspace, conversationId: String, after: Int, limit: Int) throws -> [Message] {
        try db.read { db in
            let conversation = try self.requireConversation(db, workspace, id: conversationId)
            if has(.mixConversations) {
                return try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM messages WHERE seq > ? AND conversation_id IN
                        (SELECT id FROM conversations WHERE workspace_id = ?) ORDER BY id LIMIT ?
                        """, arguments: [after, workspace.id, limit]
                ).map(Rows.message)
            }
            let order = has(.reorderMessages) ? "DESC" : ""
            let floor = has(.descendingSeq) ? Int(Int32.min) : after
            return try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq \(order) LIMIT ?"),
                arguments: [EntityKind.conversation.number(from: conversation.id), floor, limit]
            ).map(Rows.message)
        }
    }
}
