import Foundation
import HandoffClient
import HandoffContract

/// The neutral Support API v1: the mock, or any connector that implements it.
///
/// The agent side is the mock's control API when the target has one (found by probing
/// `GET /mock/v1/workspace`); other targets can pass `--agent-desk none` and the cases that need
/// an agent are skipped. Isolation cases use `otherToken`, or a workspace made on the mock.
public struct NeutralBinding: ConformanceBinding {
    /// `neutral`.
    public let name = "neutral"
    /// Base URL.
    public let target: String
    /// The workspace token.
    public let token: String
    /// A token of another workspace, if given.
    public let otherToken: String?
    /// Whether to look for the mock's control API as the agent side.
    public let useMockDesk: Bool
    /// Everything but Chatwoot's API.
    public let capabilities: Set<Capability> = [.agentDesk, .neutralHTTP, .otherWorkspace, .webhooks, .eventFeed]

    /// Creates the binding.
    public init(target: String, token: String, otherToken: String? = nil, useMockDesk: Bool = true) {
        self.target = target
        self.token = token
        self.otherToken = otherToken
        self.useMockDesk = useMockDesk
    }

    public func support(observer: @escaping @Sendable (HTTPExchange) -> Void) -> any SupportSystem {
        NeutralSupportClient(transport: HTTPTransport(baseURL: target, token: token, timeout: 35, observer: observer))
    }

    public func desk(observer: @escaping @Sendable (HTTPExchange) -> Void) async -> (any AgentDesk)? {
        guard useMockDesk else { return nil }
        let transport = HTTPTransport(baseURL: target, token: token, timeout: 10, observer: observer)
        guard let probe = try? await transport.send(.GET, "/mock/v1/workspace"), probe.status == 200 else { return nil }
        return MockAgentDesk(transport: transport)
    }

    public func raw(observer: @escaping @Sendable (HTTPExchange) -> Void) -> HTTPTransport? {
        HTTPTransport(baseURL: target, token: token, timeout: 10, observer: observer)
    }

    public func otherWorkspace(
        observer: @escaping @Sendable (HTTPExchange) -> Void
    ) async throws
        -> (any SupportSystem, HTTPTransport)?
    {
        var other = otherToken
        if other == nil, useMockDesk {
            let desk = MockAgentDesk(transport: HTTPTransport(baseURL: target, token: token, observer: observer))
            other = try? await desk.createWorkspace(name: "conform-\(UUID().uuidString.prefix(8))")
        }
        guard let other else { return nil }
        let transport = HTTPTransport(baseURL: target, token: other, timeout: 10, observer: observer)
        return (NeutralSupportClient(transport: transport), transport)
    }

    public func read(_ webhook: ReceivedWebhook, secret: String) -> WebhookReading {
        let headers = webhook.headers
        let event = try? HTTPTransport.decoder.decode(SupportEvent.self, from: Data(webhook.body))
        let valid = WebhookSigning.isValid(
            timestamp: headers[WebhookSignature.timestampHeader.lowercased()],
            signature: headers[WebhookSignature.signatureHeader.lowercased()], body: webhook.body, secret: secret)
        return WebhookReading(
            deliveryId: headers[WebhookSignature.deliveryHeader.lowercased()], eventType: event?.type, eventId: event?.id,
            conversationId: event?.conversationId, signatureValid: valid, messageText: event?.message?.text,
            messageAuthor: event?.message?.author, messageVisibility: event?.message?.visibility)
    }
}
