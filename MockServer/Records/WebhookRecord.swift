import Foundation
import GRDB
import HandoffContract

/// The `webhooks` table's one INSERT: a neutral subscription, a Chatwoot account webhook and an inbox's agent-bot
/// URL are rows of one kind each.
enum WebhookRecord {
    /// Which reader a webhook row serves.
    enum Kind: String {
        case neutral
        case chatwoot
        case chatwootInbox = "chatwoot-inbox"
        case chatwootBot = "chatwoot-bot"
    }

    /// A webhook about to be stored.
    struct New {
        var workspaceId: Int64
        var kind: Kind
        var url: String
        var secret: String
        var name: String?
        var subscriptions: [String]?
        var inboxId: Int64?
    }

    /// Stores the webhook and returns its row id.
    static func insert(_ db: Database, _ new: New, at time: Double) throws -> Int64 {
        try db.cached(
            """
            INSERT INTO webhooks (workspace_id, url, secret, created_at, kind, name, subscriptions, inbox_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """
        ).execute(arguments: [
            new.workspaceId, new.url, new.secret, time, new.kind.rawValue, new.name, new.subscriptions.map(Rows.json),
            new.inboxId,
        ])
        let id = db.lastInsertedRowID
        ChangeLog.record("webhook", EntityKind.webhook.id(id), "created")
        return id
    }
}
