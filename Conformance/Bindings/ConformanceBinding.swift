import HandoffClient
import HandoffContract

/// One webhook delivery as the suite's receiver saw it.
public struct ReceivedWebhook: Sendable {
    /// Header names in lower case.
    public var headers: [String: String]
    /// The raw body.
    public var body: [UInt8]
    /// The status the receiver answered with.
    public var answeredStatus: Int
    /// When it arrived.
    public var receivedAt: ContinuousClock.Instant

    /// Creates a delivery value.
    public init(headers: [String: String], body: [UInt8], answeredStatus: Int, receivedAt: ContinuousClock.Instant) {
        self.headers = headers
        self.body = body
        self.answeredStatus = answeredStatus
        self.receivedAt = receivedAt
    }
}

/// What a webhook delivery says, read the binding's way.
public struct WebhookReading: Sendable, Hashable {
    /// The delivery id (stable across retries).
    public var deliveryId: String?
    /// The event type in the contract's terms, when it is one.
    public var eventType: EventType?
    /// The event id, when the binding has one.
    public var eventId: String?
    /// The conversation it concerns.
    public var conversationId: String?
    /// True when the signature checks out with the secret.
    public var signatureValid: Bool
    /// The message text, for message events.
    public var messageText: String?
    /// The message author, for message events (to catch echoes).
    public var messageAuthor: MessageAuthor?
    /// The message visibility, for message events (to catch internal notes).
    public var messageVisibility: Visibility?
}

/// How the suite reaches one kind of target: the contract binding, the agent side, raw HTTP
/// and the binding's webhook format. The suite reaches every target only through this.
public protocol ConformanceBinding: Sendable {
    /// Its name, e.g. `neutral`.
    var name: String { get }
    /// The target's base URL.
    var target: String { get }
    /// What this kind of target can offer; cases that need anything else are skipped with a reason.
    var capabilities: Set<Capability> { get }
    /// A contract binding whose exchanges go to `observer`.
    func support(observer: @escaping @Sendable (HTTPExchange) -> Void) -> any SupportSystem
    /// The agent side, when the target has one the suite can drive.
    func desk(observer: @escaping @Sendable (HTTPExchange) -> Void) async -> (any AgentDesk)?
    /// Raw HTTP on the neutral API with the binding's token, for cases that send bad input; nil when the
    /// target does not speak the neutral API.
    func raw(observer: @escaping @Sendable (HTTPExchange) -> Void) -> HTTPTransport?
    /// A binding on another workspace, for isolation cases; nil when there is none.
    func otherWorkspace(observer: @escaping @Sendable (HTTPExchange) -> Void) async throws -> (any SupportSystem, HTTPTransport)?
    /// Reads a webhook delivery, checking its signature with `secret` (the subscription's, as the target
    /// returned it).
    func read(_ webhook: ReceivedWebhook, secret: String) -> WebhookReading
}
