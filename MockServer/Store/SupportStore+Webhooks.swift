import Foundation
import GRDB
import HandoffContract

/// A delivery that is due, with all the dispatcher needs to send it.
struct DueDelivery: Sendable {
    var id: Int64
    /// The workspace whose journal records the attempt.
    var workspaceId: Int64
    var webhookId: Int64
    /// The neutral event, or nil for a Chatwoot one.
    var eventId: Int64?
    /// The conversation concerned (row id), when known.
    var conversationId: Int64?
    var attempts: Int
    var url: String
    var secret: String
    /// `neutral`, `chatwoot` (account webhook), `chatwoot-inbox` or `chatwoot-bot`.
    var kind: String
    /// The event name for the event header.
    var eventName: String
    /// The raw JSON body; empty until rendered when ``recipe`` is set.
    var body: [UInt8]
    /// The shared Chatwoot payload, if any.
    var payloadId: Int64? = nil
    /// What a Chatwoot body not rendered yet is rendered from (``SupportStore/renderChatwootPayloads(_:)``).
    var recipe: ChatwootRecipe? = nil
}

extension SupportStore {
    /// Subscribes a URL to the workspace's events.
    public func createWebhook(_ workspace: Workspace, url: String, secret: String) async throws -> WebhookSubscription {
        try await write { [self] db in
            let time = now()
            let id = try WebhookRecord.insert(db, .init(workspaceId: workspace.id, kind: .neutral, url: url, secret: secret), at: time)
            return WebhookSubscription(
                id: EntityKind.webhook.id(id), url: url,
                createdAt: Date(timeIntervalSince1970: time))
        }
    }

    /// The workspace's subscriptions.
    public func webhooks(_ workspace: Workspace) throws -> [WebhookSubscription] {
        try read { db in
            try Row.fetchAll(
                db.cached("SELECT * FROM webhooks WHERE workspace_id = ? AND kind = 'neutral' ORDER BY id"), arguments: [workspace.id]
            )
            .map {
                WebhookSubscription(id: EntityKind.webhook.id($0["id"]), url: $0["url"], createdAt: Rows.date($0, "created_at"))
            }
        }
    }

    /// Removes a subscription and its pending deliveries.
    public func deleteWebhook(_ workspace: Workspace, id: String) async throws {
        try await write { db in
            guard let number = EntityKind.webhook.number(from: id) else {
                throw ContractError.notFound(resource: "webhook", id: id)
            }
            try db.cached("DELETE FROM webhooks WHERE id = ? AND workspace_id = ? AND kind = 'neutral'").execute(arguments: [
                number, workspace.id,
            ])
            if db.changesCount == 0 { throw ContractError.notFound(resource: "webhook", id: id) }
            ChangeLog.record("webhook", id, "deleted")
        }
    }

    /// The workspace's deliveries, newest first.
    public func deliveries(_ workspace: Workspace, status: String?, limit: Int) throws -> [WebhookDelivery] {
        var sql = """
            SELECT d.*, e.type FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
            LEFT JOIN events e ON e.id = d.event_id WHERE w.workspace_id = ?
            """
        var arguments: StatementArguments = [workspace.id]
        if let status {
            sql += " AND d.status = ?"
            arguments += [status]
        }
        sql += " ORDER BY d.id DESC LIMIT ?"
        arguments += [limit]
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                WebhookDelivery(
                    id: EntityKind.delivery.id(row["id"]), webhookId: EntityKind.webhook.id(row["webhook_id"]),
                    eventId: (row["event_id"] as Int64?).map(EntityKind.event.id), event: row["event_name"] ?? row["type"],
                    status: row["status"], attempts: row["attempts"],
                    lastStatus: row["last_status"], lastError: row["last_error"])
            }
        }
    }

    /// One subscription's oldest due deliveries (arguments: webhook id, now, limit), through `deliveries_target_due`.
    static let dueForTargetSQL: StaticString = """
                SELECT d.id AS delivery_id, d.attempts, COALESCE(d.payload, p.body) AS raw_payload, d.event_name,
                    d.webhook_id, d.payload_id, p.recipe,
                    d.conversation_id AS delivery_conversation, w.workspace_id AS webhook_workspace, w.url, w.secret,
                    w.kind, d.next_attempt_at AS due_at,
                    e.*
                FROM deliveries d
                JOIN webhooks w ON w.id = d.webhook_id
                LEFT JOIN events e ON e.id = d.event_id
                LEFT JOIN delivery_payloads p ON p.id = d.payload_id
                WHERE d.webhook_id = ? AND d.status = 'pending' AND d.next_attempt_at <= ?
                ORDER BY d.next_attempt_at, d.id LIMIT ?
        """

    /// Deliveries due at `now`, oldest first, and the time the next one is due, if any: at most `perWorkspace` of each
    /// workspace, the workspaces taking turns (one workspace's backlog never hides another's first delivery), `limit`
    /// in all. Bounded work whatever the backlog: each subscription is asked for its own oldest due deliveries
    /// through the `deliveries_target_due` index, and the few rows found are ranked here.
    func dueDeliveries(now: Double, limit: Int, perWorkspace: Int) throws -> (due: [DueDelivery], nextDueAt: Double?) {
        try read { db in
            let hooks = try Row.fetchAll(db.cached("SELECT id, workspace_id FROM webhooks"))
            var candidates: [Int64: [Row]] = [:]
            var next: Double?
            for hook in hooks {
                let webhookId: Int64 = hook["id"]
                let rows = try Row.fetchAll(
                    db.cached(Self.dueForTargetSQL), arguments: [webhookId, now, perWorkspace])
                if !rows.isEmpty { candidates[hook["workspace_id"], default: []] += rows }
                let later = try Double.fetchOne(
                    db.cached(
                        "SELECT MIN(next_attempt_at) FROM deliveries WHERE webhook_id = ? AND status = 'pending' AND next_attempt_at > ?"
                    ), arguments: [webhookId, now])
                if let later, later < next ?? .infinity { next = later }
            }
            // Each workspace's oldest `perWorkspace`, numbered by turn; then turn by turn, oldest first.
            var ranked: [(turn: Int, due: Double, id: Int64, row: Row)] = []
            for rows in candidates.values {
                let oldest = rows.map { (due: $0["due_at"] as Double, id: $0["delivery_id"] as Int64, row: $0) }
                    .sorted { ($0.due, $0.id) < ($1.due, $1.id) }
                    .prefix(perWorkspace)
                for (index, candidate) in oldest.enumerated() {
                    ranked.append((index + 1, candidate.due, candidate.id, candidate.row))
                }
            }
            ranked.sort { ($0.turn, $0.due, $0.id) < ($1.turn, $1.due, $1.id) }
            let due = ranked.prefix(limit).compactMap { Self.dueDelivery($0.row) }
            return (due, next)
        }
    }

    /// A due delivery from its row: a stored body (Chatwoot's), or the neutral event rendered now.
    private static func dueDelivery(_ row: Row) -> DueDelivery? {
        let kind: String = row["kind"]
        if let raw: String = row["raw_payload"] {
            return DueDelivery(
                id: row["delivery_id"], workspaceId: row["webhook_workspace"], webhookId: row["webhook_id"],
                eventId: nil, conversationId: row["delivery_conversation"], attempts: row["attempts"],
                url: row["url"], secret: row["secret"], kind: kind, eventName: row["event_name"] ?? "",
                body: Array(raw.utf8), payloadId: row["payload_id"],
                // An unreadable recipe leaves the body empty: the dispatcher fails the delivery rather than send
                // something else.
                recipe: (row["recipe"] as String?).flatMap(ChatwootRecipe.init(text:)))
        }
        guard let event = event(row), let body = try? Rows.encoder.encode(event) else { return nil }
        return DueDelivery(
            id: row["delivery_id"], workspaceId: row["webhook_workspace"], webhookId: row["webhook_id"],
            eventId: row["id"], conversationId: row["conversation_id"], attempts: row["attempts"], url: row["url"],
            secret: row["secret"], kind: kind, eventName: event.type.rawValue, body: Array(body))
    }

    /// Records one attempt: delivered, retry at `retryAt`, or failed for good when `retryAt` is nil.
    func recordAttempt(delivery: Int64, delivered: Bool, status: Int?, error: String?, retryAt: Double?) async throws {
        try await groupedWrite { db in
            let state = delivered ? "delivered" : (retryAt == nil ? "failed" : "pending")
            try db.cached(
                """
                UPDATE deliveries SET status = ?, attempts = attempts + 1, last_status = ?, last_error = ?,
                    next_attempt_at = COALESCE(?, next_attempt_at)
                WHERE id = ?
                """
            ).execute(arguments: [state, status, error, retryAt, delivery])
        }
    }

    /// Puts a failed delivery back in the queue, due now.
    public func replay(_ workspace: Workspace, deliveryId: String) async throws {
        try await write { [self] db in
            guard let number = EntityKind.delivery.number(from: deliveryId) else {
                throw ContractError.notFound(resource: "delivery", id: deliveryId)
            }
            try db.cached(
                """
                UPDATE deliveries SET status = 'pending', next_attempt_at = ?
                WHERE id = ? AND webhook_id IN (SELECT id FROM webhooks WHERE workspace_id = ?)
                """
            ).execute(arguments: [now(), number, workspace.id])
            if db.changesCount == 0 { throw ContractError.notFound(resource: "delivery", id: deliveryId) }
            ChangeLog.record("delivery", deliveryId, "updated")
            deliveriesAdded(db)
        }
        signal.fire(workspace.id)
    }
}
