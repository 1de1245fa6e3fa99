import Foundation
import GRDB
import HandoffContract

/// Chatwoot's webhooks, emitted from the one state whichever face made the change: account webhooks
/// (by subscription), the API inbox's callback URL, and the inbox's agent bot (with its bot-only events).
extension SupportStore {
    static let inboxCallbackEvents: Set<String> = [
        "conversation_created", "conversation_status_changed", "conversation_updated", "message_created", "message_updated",
        "conversation_typing_on", "conversation_typing_off",
    ]
    static let botEvents: Set<String> = [
        "message_created", "message_updated", "conversation_opened", "conversation_resolved",
        "conversation_status_changed", "conversation_updated", "webwidget_triggered",
    ]

    /// The workspace's Chatwoot webhooks (account subscriptions, inbox callbacks, agent bots), read once per change;
    /// nil when there is none, so that most writes skip the rendering.
    func chatwootHooks(_ db: Database, _ workspace: Workspace) throws -> ChatwootHooks? {
        // Asked on every write: a cached statement skips the prepare (and GRDB's authorizer).
        let rows = try Row.fetchAll(
            db.cached("SELECT id, kind, subscriptions, inbox_id FROM webhooks WHERE workspace_id = ? AND kind != 'neutral'"),
            arguments: [workspace.id])
        if rows.isEmpty { return nil }
        return ChatwootHooks(
            hooks: rows.map { row in
                (
                    id: row["id"], kind: row["kind"], inboxId: row["inbox_id"],
                    subscriptions: Rows.decode([String].self, row["subscriptions"], default: [])
                )
            })
    }

    /// Queues one Chatwoot event to every hook that takes it, with what its body will be rendered from when it is sent
    /// (``ChatwootPayloads``): nothing is rendered inside the write transaction.
    func emitChatwoot(_ db: Database, _ hooks: ChatwootHooks, event: String, conversation: Row, recipe: ChatwootRecipe) throws {
        if !boundary.emitsChatwootWebhook(event) { return }
        let targets = hooks.targets(event: event, inboxId: conversation["inbox_id"])
        if targets.isEmpty { return }
        try DeliveryRecord.queue(db, .chatwoot(recipe, event: event, conversationId: conversation["id"]), to: targets, at: now())
        deliveriesAdded(db)
    }

    func conversationRow(_ db: Database, id: Int64) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM conversations WHERE id = ?"), arguments: [id])
    }

    /// Emits what Chatwoot emits when a conversation is created or changes: `conversation_created`;
    /// `conversation_status_changed` + `conversation_updated` (+ the bot's `conversation_opened` /
    /// `conversation_resolved`) on a status change; `conversation_updated` on a team, assignee,
    /// attribute or label change. What changed is taken here, from the rows before and after.
    func chatwootConversationChanged(_ db: Database, _ workspace: Workspace, before: Row?, after: Row) throws {
        guard let hooks = try chatwootHooks(db, workspace) else { return }
        guard let before else {
            try emitChatwoot(db, hooks, event: "conversation_created", conversation: after, recipe: .init())
            return
        }
        var changes: [JSONValue] = []
        func change(_ key: String, _ previous: JSONValue, _ current: JSONValue) {
            if previous != current {
                changes.append(.object([key: .object(["previous_value": previous, "current_value": current])]))
            }
        }
        let oldStatus = ChatwootViews.status(before)
        let newStatus = ChatwootViews.status(after)
        change("status", .string(oldStatus), .string(newStatus))
        change("assignee_id", ChatwootViews.optionalInt(before, "assignee_id"), ChatwootViews.optionalInt(after, "assignee_id"))
        change("team_id", ChatwootViews.optionalInt(before, "team_id"), ChatwootViews.optionalInt(after, "team_id"))
        change("custom_attributes", ChatwootViews.object(before["custom_attributes"]), ChatwootViews.object(after["custom_attributes"]))
        change("label_list", ChatwootViews.object(before["labels"]), ChatwootViews.object(after["labels"]))
        if changes.isEmpty { return }
        if oldStatus != newStatus {
            try emitChatwoot(
                db, hooks, event: "conversation_status_changed", conversation: after, recipe: .init(changedAttributes: .null))
            if newStatus == "open" {
                try emitChatwoot(db, hooks, event: "conversation_opened", conversation: after, recipe: .init())
            }
            if newStatus == "resolved" {
                try emitChatwoot(db, hooks, event: "conversation_resolved", conversation: after, recipe: .init())
            }
        }
        let updatedAt: JSONValue = .object([
            "updated_at": .object(["previous_value": .number(before["updated_at"]), "current_value": .number(after["updated_at"])])
        ])
        try emitChatwoot(
            db, hooks, event: "conversation_updated", conversation: after,
            recipe: .init(changedAttributes: .array(changes + [updatedAt])))
    }

    /// Emits `message_created` for every message but activity ones (private notes included, as Chatwoot does).
    func chatwootMessageCreated(_ db: Database, _ workspace: Workspace, message: Row) throws {
        guard (message["author"] as String) != MessageAuthor.system.rawValue,
            let hooks = try chatwootHooks(db, workspace),
            let conversation = try conversationRow(db, id: message["conversation_id"])
        else { return }
        try emitChatwoot(
            db, hooks, event: "message_created", conversation: conversation, recipe: .init(messageId: message["id"]))
    }
}

/// A workspace's Chatwoot webhooks as one change reads them: which of them take an event.
struct ChatwootHooks {
    let hooks: [(id: Int64, kind: String, inboxId: Int64?, subscriptions: [String])]

    /// The hooks that take `event` for a conversation in `inboxId`: an account webhook by its subscriptions, an
    /// inbox's callback and its agent bot by the events Chatwoot sends them.
    func targets(event: String, inboxId: Int64?) -> [Int64] {
        hooks.compactMap { hook in
            switch hook.kind {
            case "chatwoot":
                return hook.subscriptions.contains(event) ? hook.id : nil
            case "chatwoot-inbox":
                return hook.inboxId == inboxId && SupportStore.inboxCallbackEvents.contains(event) ? hook.id : nil
            case "chatwoot-bot":
                return hook.inboxId == inboxId && SupportStore.botEvents.contains(event) ? hook.id : nil
            default:
                return nil
            }
        }
    }
}
