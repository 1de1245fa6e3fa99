import Foundation
import GRDB
import HandoffContract

/// The contract's message operation: one rule set for every face, with the face's ``FacePolicy``.
extension SupportStore {
    /// Adds a message under the contract's rules (``MessageRules``). A retry with the same
    /// `clientMessageId` returns the stored message (`created` false); the same key with other
    /// content is `idempotency_key_reused`. Public agent messages emit `message.created`.
    public func post(
        _ workspace: Workspace, conversationId: String, _ new: NewMessage, agentId: String? = nil
    ) async throws -> (message: Message, created: Bool) {
        let result = try await boundary.post(self, workspace, conversationId: conversationId, new, agentId: agentId)
        if result.created { signal.fire(workspace.id) }
        return result
    }

    func referencePost(
        _ workspace: Workspace, conversationId: String, _ new: NewMessage, agentId: String?, policy: FacePolicy = .neutral
    ) async throws -> (message: Message, created: Bool) {
        let visibility = new.visibility ?? .public
        return try await groupedWrite { [self] db in
            // Only the state decides; the whole conversation (context and all) is read when an event needs it.
            let state = try self.requireConversationState(db, workspace, id: conversationId)
            let stored = try self.addMessage(
                db, workspace, state: state,
                .init(
                    conversationId: EntityKind.conversation.number(from: conversationId)!, author: new.author,
                    visibility: visibility, text: new.text, choices: new.choices,
                    agentId: agentId.flatMap(EntityKind.agent.number(from:)), clientMessageId: new.clientMessageId),
                policy: policy)
            return (Rows.message(stored.row), stored.created)
        }
    }

    /// The message rule, inside the caller's transaction: a retried `clientMessageId` answers the stored message; the
    /// face's policy decides what is refused and whether a user's message reopens the conversation.
    func addMessage(
        _ db: Database, _ workspace: Workspace, state: ConversationState, _ new: MessageRecord.New, policy: FacePolicy
    ) throws -> (row: Row, created: Bool) {
        if let key = new.clientMessageId,
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM messages WHERE conversation_id = ? AND client_message_id = ?"),
                arguments: [new.conversationId, key])
        {
            let existing = Rows.message(row)
            guard existing.author == new.author, existing.text == new.text, existing.visibility == new.visibility
            else { throw ContractError.idempotencyKeyReused(key) }
            ChangeLog.record("message", existing.id, "found", conversationId: existing.conversationId)
            return (row, false)
        }
        if policy.checksMessageRules {
            try MessageRules.check(author: new.author, visibility: new.visibility, state: state)
        } else if state == .closed {
            throw ContractError.conversationClosed
        }
        let row = try storeMessage(
            db, workspace, new, toBot: MessageRules.isDeliveredToBot(author: new.author, visibility: new.visibility))
        if policy.userMessageReopens && new.author == .user && state == .resolved {
            let before = try conversationRow(db, id: new.conversationId)!
            let reopened: ConversationState = try inboxHasBot(db, before["inbox_id"]) ? .bot : .queued
            try changeConversation(db, workspace, before: before, .init(state: reopened))
        }
        return (row, true)
    }
}
