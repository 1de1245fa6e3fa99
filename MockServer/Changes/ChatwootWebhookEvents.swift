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

    /// The Chatwoot webhook rows that take `event` for a conversation in `inboxId`.
    func chatwootTargets(_ db: Database, _ workspace: Workspace, event: String, inboxId: Int64?) throws -> [Int64] {
        let rows = try Row.fetchAll(
            db.cached("SELECT id, kind, subscriptions, inbox_id FROM webhooks WHERE workspace_id = ? AND kind != 'neutral'"),
            arguments: [workspace.id])
        return rows.compactMap { row in
            let kind: String = row["kind"]
            let rowInbox: Int64? = row["inbox_id"]
            switch kind {
            case "chatwoot":
                let subscriptions = Rows.decode([String].self, row["subscriptions"], default: [])
                return subscriptions.contains(event) ? row["id"] : nil
            case "chatwoot-inbox":
                return rowInbox == inboxId && Self.inboxCallbackEvents.contains(event) ? row["id"] : nil
            case "chatwoot-bot":
                return rowInbox == inboxId && Self.botEvents.contains(event) ? row["id"] : nil
            default:
                return nil
            }
        }
    }

    /// Queues one Chatwoot event to every target that takes it; the payload is rendered only when there is one.
    func emitChatwoot(
        _ db: Database, _ workspace: Workspace, event: String, conversation: Row,
        payload: (ChatwootViews) throws -> [String: JSONValue]
    ) throws {
        if !boundary.emitsChatwootWebhook(event) { return }
        let targets = try chatwootTargets(db, workspace, event: event, inboxId: conversation["inbox_id"])
        if targets.isEmpty { return }
        var body = try payload(ChatwootViews(store: self, db: db, workspace: workspace))
        body["event"] = .string(event)
        let text = Rows.json(JSONValue.object(body))
        try DeliveryRecord.queue(db, .chatwoot(payload: text, event: event, conversationId: conversation["id"]), to: targets, at: now())
        deliveriesAdded(db)
    }

    /// True when the workspace has any Chatwoot webhook at all (so most writes skip the rendering).
    func hasChatwootTargets(_ db: Database, _ workspace: Workspace) throws -> Bool {
        // Asked on every message: a cached statement skips the prepare (and GRDB's authorizer).
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM webhooks WHERE workspace_id = ? AND kind != 'neutral' LIMIT 1"),
            arguments: [workspace.id]
        ) != nil
    }

    func conversationRow(_ db: Database, id: Int64) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM conversations WHERE id = ?"), arguments: [id])
    }

    /// Emits what Chatwoot emits when a conversation is created or changes: `conversation_created`;
    /// `conversation_status_changed` + `conversation_updated` (+ the bot's `conversation_opened` /
    /// `conversation_resolved`) on a status change; `conversation_updated` on a team, assignee,
    /// attribute or label change.
    func chatwootConversationChanged(_ db: Database, _ workspace: Workspace, before: Row?, after: Row) throws {
        guard try hasChatwootTargets(db, workspace) else { return }
        guard let before else {
            try emitChatwoot(db, workspace, event: "conversation_created", conversation: after) { try $0.conversationWebhook(after) }
            return
        }
        let views = ChatwootViews(store: self, db: db, workspace: workspace)
        var changes: [JSONValue] = []
        func change(_ key: String, _ previous: JSONValue, _ current: JSONValue) {
            if previous != current {
                changes.append(.object([key: .object(["previous_value": previous, "current_value": current])]))
            }
        }
        let oldStatus = views.status(before)
        let newStatus = views.status(after)
        change("status", .string(oldStatus), .string(newStatus))
        change("assignee_id", ChatwootViews.optionalInt(before, "assignee_id"), ChatwootViews.optionalInt(after, "assignee_id"))
        change("team_id", ChatwootViews.optionalInt(before, "team_id"), ChatwootViews.optionalInt(after, "team_id"))
        change("custom_attributes", ChatwootViews.object(before["custom_attributes"]), ChatwootViews.object(after["custom_attributes"]))
        change("label_list", ChatwootViews.object(before["labels"]), ChatwootViews.object(after["labels"]))
        if changes.isEmpty { return }
        if oldStatus != newStatus {
            try emitChatwoot(db, workspace, event: "conversation_status_changed", conversation: after) {
                var data = try $0.conversationWebhook(after)
                data["changed_attributes"] = .null
                return data
            }
            if newStatus == "open" {
                try emitChatwoot(db, workspace, event: "conversation_opened", conversation: after) { try $0.conversationWebhook(after) }
            }
            if newStatus == "resolved" {
                try emitChatwoot(db, workspace, event: "conversation_resolved", conversation: after) { try $0.conversationWebhook(after) }
            }
        }
        let updatedAt: JSONValue = .object([
            "updated_at": .object(["previous_value": .number(before["updated_at"]), "current_value": .number(after["updated_at"])])
        ])
        try emitChatwoot(db, workspace, event: "conversation_updated", conversation: after) {
            var data = try $0.conversationWebhook(after)
            data["changed_attributes"] = .array(changes + [updatedAt])
            return data
        }
    }

    /// Emits `message_created` for every message but activity ones (private notes included, as Chatwoot does).
    func chatwootMessageCreated(_ db: Database, _ workspace: Workspace, message: Row) throws {
        guard try hasChatwootTargets(db, workspace),
            (message["author"] as String) != MessageAuthor.system.rawValue,
            let conversation = try conversationRow(db, id: message["conversation_id"])
        else { return }
        try emitChatwoot(db, workspace, event: "message_created", conversation: conversation) {
            try $0.messageWebhook(message, conversation: conversation, event: "message_created")
        }
    }
}
