import Foundation
import GRDB
import HandoffContract

/// Defects of the message operations: each alters the input, the outcome or the call of the reference rule.
extension DefectBoundary {
    func post(
        _ store: SupportStore, _ workspace: Workspace, conversationId: String, _ new: NewMessage, agentId: String?
    ) async throws -> (message: Message, created: Bool) {
        guard !defects.isEmpty else {
            return try await store.referencePost(workspace, conversationId: conversationId, new, agentId: agentId)
        }
        var new = new
        let visibility = new.visibility ?? .public
        if has(.duplicateRetriedMessage) { new.clientMessageId = nil }
        if has(.dropChoices) { new.choices = nil }
        let state = try store.conversation(workspace, id: conversationId).state
        var policy = FacePolicy.neutral
        if state.isWithHumans {
            if new.author == .bot && visibility == .internal && has(.notesRefusedAfterTransfer) { throw ContractError.botSilenced }
            if new.author == .user && has(.userSilencedAfterTransfer) { throw ContractError.botSilenced }
            // The refusal of a public bot message is the one rule Chatwoot's policy leaves out.
            if new.author == .bot && visibility == .public && has(.botSpeaksAfterTransfer) { policy = .chatwoot }
        }
        if has(.loseMessages) && posts.next(conversationId) % 10 == 0 {
            try MessageRules.check(author: new.author, visibility: visibility, state: state)
            let seq = try await store.skipSeq(workspace, conversationId: conversationId)
            let phantom = Message(
                id: EntityKind.message.id(Int64(Int32.max) + Int64(seq)), conversationId: conversationId, seq: seq,
                author: new.author, visibility: visibility, text: new.text, choices: new.choices, agentId: agentId,
                clientMessageId: new.clientMessageId, createdAt: Date())
            return (phantom, true)
        }
        var result = try await store.referencePost(workspace, conversationId: conversationId, new, agentId: agentId, policy: policy)
        guard result.created else { return result }
        let echoed =
            (has(.echoBotMessages) && new.author != .agent && visibility == .public)
            || (has(.notesToBot) && visibility == .internal)
        if echoed && !MessageRules.isDeliveredToBot(author: new.author, visibility: visibility) {
            try await store.announce(workspace, result.message)
        }
        if has(.descendingSeq) { result.message = try await store.negateSeq(workspace, result.message) }
        return result
    }

    /// Messages as answered: another conversation's mixed in, in reverse, or after a floor below every negated seq.
    func messages(
        _ store: SupportStore, _ workspace: Workspace, conversationId: String, after: Int, limit: Int
    ) throws -> [Message] {
        guard !defects.isEmpty else {
            return try store.referenceMessages(workspace, conversationId: conversationId, after: after, limit: limit)
        }
        if has(.mixConversations) {
            return try store.workspaceMessages(workspace, conversationId: conversationId, after: after, limit: limit)
        }
        let floor = has(.descendingSeq) ? Int(Int32.min) : after
        if has(.reorderMessages) {
            return try store.referenceMessages(workspace, conversationId: conversationId, after: floor, limit: Int.max).suffix(limit)
                .reversed()
        }
        return try store.referenceMessages(workspace, conversationId: conversationId, after: floor, limit: limit)
    }
}

/// What the message defects do to the store beside the reference rules.
extension SupportStore {
    /// Takes the conversation's next `seq` without storing a message (`lose-messages`).
    func skipSeq(_ workspace: Workspace, conversationId: String) async throws -> Int {
        let number = EntityKind.conversation.number(from: conversationId)
        return try await write { db in
            try Int.fetchOne(
                db.cached("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq"), arguments: [number]) ?? 0
        }
    }

    /// Emits `message.created` for a message the bot must not get (`echo-bot-messages`, `notes-to-bot`).
    func announce(_ workspace: Workspace, _ message: Message) async throws {
        try await write { [self] db in
            let conversation = try requireConversation(db, workspace, id: message.conversationId)
            try appendEvent(db, workspace, .messageCreated, conversation: conversation, agent: nil, message: message)
        }
        signal.fire(workspace.id)
    }

    /// Stores the message's `seq` negated (`descending-seq`).
    func negateSeq(_ workspace: Workspace, _ message: Message) async throws -> Message {
        try await write { db in
            try db.cached("UPDATE messages SET seq = -seq WHERE id = ?").execute(arguments: [EntityKind.message.number(from: message.id)])
        }
        var message = message
        message.seq = -message.seq
        return message
    }

    /// Every message of the workspace after `after`, whatever its conversation (`mix-conversations`).
    func workspaceMessages(_ workspace: Workspace, conversationId: String, after: Int, limit: Int) throws -> [Message] {
        _ = try conversation(workspace, id: conversationId)
        return try read { db in
            try Row.fetchAll(
                db.cached(
                    """
                    SELECT * FROM messages WHERE seq > ? AND conversation_id IN
                    (SELECT id FROM conversations WHERE workspace_id = ?) ORDER BY id LIMIT ?
                    """), arguments: [after, workspace.id, limit]
            ).map(Rows.message)
        }
    }
}
