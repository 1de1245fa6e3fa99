import GRDB
import HandoffContract

extension SupportStore {
    /// Adds a message under the contract's rules (``MessageRules``). A retry with the same
    /// `clientMessageId` returns the stored message (`created` false); the same key with other
    /// content is `idempotency_key_reused`. Public agent messages emit `message.created`.
    public func post(
        _ workspace: Workspace, conversationId: String, _ new: NewMessage, agentId: String? = nil
    ) throws -> (message: Message, created: Bool) {
        let visibility = new.visibility ?? .public
        let result: (message: Message, created: Bool) = try write { db in
            let conversation = try Self.requireConversation(db, workspace, id: conversationId)
            let conversationNumber = EntityKind.conversation.number(from: conversationId)!
            if let key = new.clientMessageId,
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM messages WHERE conversation_id = ? AND client_message_id = ?",
                    arguments: [conversationNumber, key])
            {
                let existing = Rows.message(row)
                guard existing.author == new.author, existing.text == new.text, existing.visibility == visibility
                else { throw ContractError.idempotencyKeyReused(key) }
                return (existing, false)
            }
            try MessageRules.check(author: new.author, visibility: visibility, state: conversation.state)
            let seq = try Int.fetchOne(
                db, sql: "UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq",
                arguments: [conversationNumber])!
            try db.execute(
                sql: """
                    INSERT INTO messages
                        (conversation_id, seq, author, visibility, text, choices, agent_id, client_message_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    conversationNumber, seq, new.author.rawValue, visibility.rawValue, new.text,
                    new.choices.map(Rows.json), agentId.flatMap(EntityKind.agent.number(from:)), new.clientMessageId,
                    now(),
                ])
            let message = Rows.message(
                try Row.fetchOne(db, sql: "SELECT * FROM messages WHERE id = ?", arguments: [db.lastInsertedRowID])!)
            if MessageRules.isDeliveredToBot(author: new.author, visibility: visibility) {
                let agent = try agentId.flatMap { try Self.agent(db, workspace, id: $0) }
                try appendEvent(db, workspace, .messageCreated, conversation: conversation, agent: agent, message: message)
            }
            return (message, true)
        }
        if result.created && result.message.author == .agent { signal.fire(workspace.id) }
        return result
    }

    /// Messages in order after a sequence number.
    public func messages(_ workspace: Workspace, conversationId: String, after: Int, limit: Int) throws -> [Message] {
        try db.read { db in
            let conversation = try Self.requireConversation(db, workspace, id: conversationId)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [EntityKind.conversation.number(from: conversation.id), after, limit]
            ).map(Rows.message)
        }
    }
}
