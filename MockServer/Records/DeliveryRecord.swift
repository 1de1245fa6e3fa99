import Foundation
import GRDB

/// The `deliveries` table's one INSERT: a delivery is queued `pending` for one webhook, carrying either a neutral
/// event (rendered when sent) or a rendered Chatwoot payload.
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
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO deliveries (webhook_id, event_id, payload, event_name, conversation_id, status, attempts, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)
                """)
        for webhookId in webhookIds {
            switch content {
            case .event(let eventId):
                try statement.execute(arguments: [webhookId, eventId, nil, nil, nil, time])
            case .chatwoot(let payload, let event, let conversationId):
                try statement.execute(arguments: [webhookId, nil, payload, event, conversationId, time])
            }
        }
    }
}
