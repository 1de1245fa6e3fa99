import Foundation
import GRDB

/// The `deliveries` table's one INSERT (and its payloads'): a delivery is queued `pending` for one webhook, carrying
/// either a neutral event (rendered when sent) or a rendered Chatwoot payload, stored once for all its webhooks.
enum DeliveryRecord {
    /// What a delivery carries.
    enum Content {
        /// A neutral event by row id.
        case event(Int64)
        /// A Chatwoot webhook body and its event name, about a conversation.
        case chatwoot(payload: String, event: String, conversationId: Int64)
    }

    /// Queues `content` to each webhook in `webhookIds`, due at `time`.
    static func queue(_ db: Database, _ content: Content, to webhookIds: [Int64], at time: Double) throws {
        if webhookIds.isEmpty { return }
        let statement = try db.cached(
            """
            INSERT INTO deliveries (webhook_id, event_id, payload_id, event_name, conversation_id, status, attempts, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)
            """)
        switch content {
        case .event(let eventId):
            for webhookId in webhookIds { try statement.execute(arguments: [webhookId, eventId, nil, nil, nil, time]) }
        case .chatwoot(let payload, let event, let conversationId):
            try db.cached("INSERT INTO delivery_payloads (body) VALUES (?)").execute(arguments: [payload])
            let payloadId = db.lastInsertedRowID
            for webhookId in webhookIds {
                try statement.execute(arguments: [webhookId, nil, payloadId, event, conversationId, time])
            }
        }
    }
}
