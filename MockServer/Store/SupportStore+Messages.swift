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
            // The hot path of the mock: cached statements skip the prepare on every message.
            var seq = try Int.fetchOne(
                db.cachedStatement(sql: "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"),
                arguments: [conversationNumber])!
            if has(.descendingSeq) { seq = -seq }
            if has(.loseMessages) && seq % 10 == 0 {
                let phantom = Message(
                    id: EntityKind.message.id(Int64(Int32.max) + Int64(seq)), conversationId: conversationId, seq: seq,
                    author: new.author, visibility: visibility, text: new.text, choices: new.choices, agentId: agentId,
                    clientMessageId: clientMessageId, createdAt: Date())
                return (phantom, true)
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO messages
                        (conversation_id, seq, author, visibility, text, choices, agent_id, client_message_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    conversationNumber, seq, new.author.rawValue, visibility.rawValue, new.text,
                    has(.dropChoices) ? nil : new.choices.map(Rows.json), agentId.flatMap(EntityKind.agent.number(from:)),
                    clientMessageId,
                    now(),
                ])
            let messageId = db.lastInsertedRowID
            let message = Rows.message(
                try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM messages WHERE id = ?"), arguments: [messageId])!)
            try chatwootMessageCreated(db, workspace, messageId: messageId)
            if MessageRules.isDeliveredToBot(author: new.author, visibility: visibility)
                || (has(.echoBotMessages) && new.author != .agent && visibility == .public)
                || (has(.notesToBot) && visibility == .internal)
            {
                let agent = try agentId.flatMap { try self.agent(db, workspace, id: $0) }
                let conversation = try self.requireConversation(db, workspace, id: conversationId)
                try appendEvent(db, workspace, .messageCreated, conversation: conversation, agent: agent, message: message)
            }
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
