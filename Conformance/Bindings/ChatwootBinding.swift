import Crypto
import Foundation
import HandoffClient
import HandoffContract

/// A Chatwoot account through its Application API (``ChatwootSupportClient``), an agent's token for the
/// human side (``ChatwootAgentDesk``), and Chatwoot's own webhook format.
///
/// What Chatwoot cannot offer is declared, so those cases are skipped rather than failed: there is no
/// neutral HTTP (``raw(observer:)`` is nil) and no pollable event feed. Cases that Chatwoot fails by design
/// are listed in ``shippedExpectedFailures``. The fidelity cases (profile `chatwoot`) reach the API raw
/// through ``access(observer:)``.
public struct ChatwootBinding: ConformanceBinding {
    /// `chatwoot`.
    public let name = "chatwoot"
    /// The account, inbox and the User and bot tokens.
    public let account: ChatwootAccount
    /// An agent's (role `agent`) token for the human side; nil skips the cases that need one.
    public let agentToken: String?
    /// A second account (its own token, account and inbox), for isolation cases; nil skips them.
    public let otherAccount: ChatwootAccount?
    /// No neutral HTTP and no event feed.
    public let capabilities: Set<Capability> = [.agentDesk, .otherWorkspace, .webhooks, .chatwootAPI]

    /// Creates the binding.
    public init(account: ChatwootAccount, agentToken: String? = nil, otherAccount: ChatwootAccount? = nil) {
        self.account = account
        self.agentToken = agentToken
        self.otherAccount = otherAccount
    }

    /// The Chatwoot server's base URL.
    public var target: String { account.baseURL }

    public func support(observer: @escaping @Sendable (HTTPExchange) -> Void) -> any SupportSystem {
        ChatwootSupportClient(account: account, observer: observer)
    }

    public func desk(observer: @escaping @Sendable (HTTPExchange) -> Void) async -> (any AgentDesk)? {
        guard let agentToken else { return nil }
        return ChatwootAgentDesk(
            baseURL: account.baseURL, accountId: account.accountId, agentToken: agentToken, observer: observer)
    }

    /// Nil: Chatwoot does not speak the neutral API.
    public func raw(observer: @escaping @Sendable (HTTPExchange) -> Void) -> HTTPTransport? { nil }

    public func otherWorkspace(
        observer: @escaping @Sendable (HTTPExchange) -> Void
    ) async throws
        -> (any SupportSystem, HTTPTransport)?
    {
        guard let otherAccount else { return nil }
        return (
            ChatwootSupportClient(account: otherAccount, observer: observer),
            Self.transport(otherAccount.baseURL, otherAccount.userToken, observer)
        )
    }

    /// Raw HTTP on the Application API with the binding's tokens, for the fidelity cases.
    public func access(observer: @escaping @Sendable (HTTPExchange) -> Void) -> ChatwootAccess {
        ChatwootAccess(
            accountId: account.accountId, inboxId: account.inboxId,
            user: Self.transport(account.baseURL, account.userToken, observer),
            bot: Self.transport(account.baseURL, account.botToken, observer),
            agent: agentToken.map { Self.transport(account.baseURL, $0, observer) },
            hasDistinctBotToken: account.botToken != account.userToken)
    }

    static func transport(
        _ baseURL: String, _ token: String, _ observer: @escaping @Sendable (HTTPExchange) -> Void
    ) -> HTTPTransport {
        HTTPTransport(
            baseURL: baseURL, token: token, tokenPlacement: .header(ChatwootAccount.tokenHeader), timeout: 15,
            observer: observer)
    }

    /// Reads a delivery the Chatwoot way: `X-Chatwoot-Delivery`, and `X-Chatwoot-Signature` =
    /// `sha256=` hex HMAC-SHA256(secret, "<X-Chatwoot-Timestamp>.<raw body>").
    public func read(_ webhook: ReceivedWebhook, secret: String) -> WebhookReading {
        let headers = webhook.headers
        let event = ChatwootWebhookEvent.read(webhook.body)
        return WebhookReading(
            deliveryId: headers[ChatwootWebhookEvent.Header.delivery.lowercased()], eventType: event?.eventType,
            eventId: nil, conversationId: event?.conversationId,
            signatureValid: WebhookSigning.isValid(
                timestamp: headers[ChatwootWebhookEvent.Header.timestamp.lowercased()],
                signature: headers[ChatwootWebhookEvent.Header.signature.lowercased()], body: webhook.body,
                secret: secret),
            messageText: event?.messageText, messageAuthor: event?.messageAuthor,
            messageVisibility: event?.messageVisibility)
    }
}
