import Foundation
import GRDB
import HandoffContract

/// The `deliveries` table's one INSERT (and its payloads'): a delivery is queued `pending` for one webhook, carrying
/// either a neutral event (rendered when sent) or a Chatwoot event's payload, stored once for all its webhooks and
/// rendered when it is first sent (``ChatwootRecipe``).
enum DeliveryRecord {
    /// What a delivery carries.
    enum Content {
        /// A neutral event by row id.
        case event(Int64)
        /// A Chatwoot event about a conversation, with what its body will be rendered from.
        case chatwoot(ChatwootRecipe, event: String, conversationId: Int64)
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
        case .chatwoot(let recipe, let event, let conversationId):
            try db.cached("INSERT INTO delivery_payloads (body, recipe) VALUES ('', ?)").execute(arguments: [recipe.text])
            let payloadId = db.lastInsertedRowID
            for webhookId in webhookIds {
                try statement.execute(arguments: [webhookId, nil, payloadId, event, conversationId, time])
            }
        }
    }

    /// Stores the body rendered for a payload, unless another sender stored one first; returns the body that stands.
    static func storeRendered(_ db: Database, payloadId: Int64, body: String) throws -> String {
        try db.cached("UPDATE delivery_payloads SET body = ?, recipe = NULL WHERE id = ? AND recipe IS NOT NULL")
            .execute(arguments: [body, payloadId])
        if db.changesCount > 0 { return body }
        return try String.fetchOne(db.cached("SELECT body FROM delivery_payloads WHERE id = ?"), arguments: [payloadId]) ?? body
    }
}

/// What a Chatwoot event's body is rendered from, kept with the queued event: the message of a `message_*` event, and
/// the `changed_attributes` of a conversation change as they were at the change (the rest of the body shows the
/// conversation as it is when the event is sent, as in Chatwoot, whose event job reads the records when it runs).
struct ChatwootRecipe: Sendable, Equatable {
    /// The message row id, for `message_created`.
    var messageId: Int64?
    /// `changed_attributes`: absent (nil), JSON `null` (`.null`, for `conversation_status_changed`), or the list.
    var changedAttributes: JSONValue?

    /// The stored form (a JSON object).
    var text: String {
        var object: [String: JSONValue] = [:]
        if let messageId { object["message_id"] = .int(messageId) }
        if let changedAttributes { object["changed_attributes"] = changedAttributes }
        return Rows.json(JSONValue.object(object))
    }

    init(messageId: Int64? = nil, changedAttributes: JSONValue? = nil) {
        self.messageId = messageId
        self.changedAttributes = changedAttributes
    }

    /// Reads the stored form back; nil when it is not a JSON object.
    init?(text: String) {
        guard case .object(let object)? = JSONValueParser.parse(Array(text.utf8)) else { return nil }
        if case .number(let number)? = object["message_id"] { messageId = Int64(exactly: number) }
        changedAttributes = object["changed_attributes"]
    }
}
