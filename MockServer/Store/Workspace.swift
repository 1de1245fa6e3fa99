import Foundation

/// A tenant of the mock: its own users, teams, conversations and tokens. The authenticated
/// workspace travels in the request context; every query is scoped to it.
public struct Workspace: Sendable, Hashable, Codable {
    /// Row id.
    public var id: Int64
    /// Unique name, e.g. `default`.
    public var name: String

    /// Creates a workspace value.
    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// A webhook subscription: where the mock sends events, and the secret that signs them.
public struct WebhookSubscription: Sendable, Hashable, Codable {
    /// Public id, e.g. `whk_3`.
    public var id: String
    /// Where deliveries go.
    public var url: String
    /// When it was made.
    public var createdAt: Date
}

/// One attempt history of one event to one subscription.
public struct WebhookDelivery: Sendable, Hashable, Codable {
    /// Stable delivery id, e.g. `dlv_9`; the same on every retry.
    public var id: String
    /// The subscription.
    public var webhookId: String
    /// The neutral event delivered; nil for a Chatwoot event.
    public var eventId: String?
    /// The event's name (`conversation.assigned`, or Chatwoot's `message_created`…).
    public var event: String?
    /// `pending`, `delivered` or `failed`.
    public var status: String
    /// Attempts made so far.
    public var attempts: Int
    /// HTTP status of the last attempt, if it got one.
    public var lastStatus: Int?
    /// Error of the last attempt, if it failed without a status.
    public var lastError: String?
}
