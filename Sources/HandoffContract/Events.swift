import Foundation

/// What happened on the human side that the bot must hear about.
public enum EventType: String, Sendable, Hashable, Codable, CaseIterable {
    /// An agent took the conversation.
    case conversationAssigned = "conversation.assigned"
    /// An agent wrote a public message.
    case messageCreated = "message.created"
    /// The agent is done; the bot should close the session.
    case conversationResolved = "conversation.resolved"
}

/// One event to the bot, delivered by webhook and by the poll feed with the same id.
public struct SupportEvent: Sendable, Hashable, Codable {
    /// Stable id, e.g. `evt_42`; a webhook delivery of it carries the same id.
    public var id: String
    /// Position in the workspace's feed; use it as the `after` cursor.
    public var seq: Int
    /// What happened.
    public var type: EventType
    /// The conversation concerned.
    public var conversationId: String
    /// The support-side user.
    public var userId: String
    /// The bot's id for that user.
    public var externalUserId: String
    /// The agent concerned, when there is one.
    public var agent: Agent?
    /// The agent's message, for `message.created`.
    public var message: Message?
    /// When it happened.
    public var occurredAt: Date

    /// Creates an event value.
    public init(
        id: String, seq: Int, type: EventType, conversationId: String, userId: String, externalUserId: String,
        agent: Agent?, message: Message?, occurredAt: Date
    ) {
        self.id = id
        self.seq = seq
        self.type = type
        self.conversationId = conversationId
        self.userId = userId
        self.externalUserId = externalUserId
        self.agent = agent
        self.message = message
        self.occurredAt = occurredAt
    }
}

/// How webhook deliveries are signed; shared by the mock that signs and the suite that checks.
public enum WebhookSignature {
    /// Header with the signature: `sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>`.
    public static let signatureHeader = "X-Handoff-Signature"
    /// Header with the Unix time the signature covers.
    public static let timestampHeader = "X-Handoff-Timestamp"
    /// Header with the delivery id, stable across retries of one event to one subscription.
    public static let deliveryHeader = "X-Handoff-Delivery"
    /// Header with the event type.
    public static let eventHeader = "X-Handoff-Event"

    /// The bytes that are signed: the timestamp, a dot, then the raw body.
    public static func signedPayload(timestamp: String, body: [UInt8]) -> [UInt8] {
        Array("\(timestamp).".utf8) + body
    }
}
