import Foundation
import GRDB
import HandoffContract

/// The two ways a conversation is written, whichever face asked: it is created, or it changes. Each stores through
/// ``ConversationRecord`` and then tells every reader once: Chatwoot's webhooks (from the before/after rows) and the
/// neutral event feed (`conversation.assigned` when someone new takes it, `conversation.resolved` when it becomes
/// resolved). Callers fire the workspace's signal after the commit.
extension SupportStore {
    /// Stores a new conversation and reports it; returns its row.
    func createConversation(_ db: Database, _ workspace: Workspace, _ new: ConversationRecord.New) throws -> Row {
        let id = try ConversationRecord.insert(db, new, at: now())
        let after = try conversationRow(db, id: id)!
        try chatwootConversationChanged(db, workspace, before: nil, after: after)
        return after
    }

    /// Applies `patch` to the conversation read as `before` and reports what changed; returns the row after.
    @discardableResult
    func changeConversation(_ db: Database, _ workspace: Workspace, before: Row, _ patch: ConversationRecord.Patch) throws -> Row {
        let id: Int64 = before["id"]
        var patch = patch
        // The bot's close as a Chatwoot connector writes it (the marker, and resolved, in either order) is a close.
        let state = patch.state ?? ConversationState(rawValue: before["state"]) ?? .bot
        if state == .resolved,
            ChatwootMapping.isClosedByBot(patch.customAttributes ?? Rows.object(before["custom_attributes"]))
        {
            patch.state = .closed
        }
        try ConversationRecord.update(db, id: id, patch, at: now())
        let after = try conversationRow(db, id: id)!
        try chatwootConversationChanged(db, workspace, before: before, after: after)
        let assignee: Int64? = after["assignee_id"]
        if let assignee, assignee != (before["assignee_id"] as Int64?) {
            try appendEvent(
                db, workspace, .conversationAssigned, conversation: Rows.conversation(after),
                agent: try agent(db, workspace, id: EntityKind.agent.id(assignee)), message: nil)
        }
        if (after["state"] as String) == ConversationState.resolved.rawValue
            && (before["state"] as String) != ConversationState.resolved.rawValue
        {
            try appendEvent(
                db, workspace, .conversationResolved, conversation: Rows.conversation(after),
                agent: try assignee.flatMap { try agent(db, workspace, id: EntityKind.agent.id($0)) }, message: nil)
        }
        return after
    }

    /// Stores a message (which moves its conversation's `seq` and `updated_at`) and reports it: Chatwoot's
    /// `message_created`, and the neutral `message.created` when `toBot` (the contract's rule decides, in the caller).
    func storeMessage(_ db: Database, _ workspace: Workspace, _ new: MessageRecord.New, toBot: Bool) throws -> Row {
        let (id, _) = try MessageRecord.insert(db, new, at: now())
        let message = try MessageRecord.row(db, id: id)!
        try chatwootMessageCreated(db, workspace, message: message)
        if toBot {
            let conversation = try conversationRow(db, id: new.conversationId)!
            try appendEvent(
                db, workspace, .messageCreated, conversation: Rows.conversation(conversation),
                agent: try new.agentId.flatMap { try agent(db, workspace, id: EntityKind.agent.id($0)) },
                message: Rows.message(message))
        }
        return message
    }
}
