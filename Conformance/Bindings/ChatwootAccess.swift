import HandoffClient

/// Raw HTTP on a Chatwoot account's Application API with each of the binding's tokens: what the
/// fidelity cases use to check Chatwoot's own shapes (statuses, bodies, page sizes) rather than the
/// contract's. Every transport sends `api_access_token` and reports its exchanges to the case.
public struct ChatwootAccess: Sendable {
    /// The account id.
    public let accountId: Int
    /// The API inbox (an agent bot connected to it makes new conversations `pending`).
    public let inboxId: Int
    /// The User (administrator) token.
    public let user: HTTPTransport
    /// The agent bot's token (the User token when none was given).
    public let bot: HTTPTransport
    /// An agent's token, when one was given.
    public let agent: HTTPTransport?
    /// True when the bot token is not the User token (bot-only behaviour can be checked).
    public let hasDistinctBotToken: Bool

    /// Creates the access value.
    public init(
        accountId: Int, inboxId: Int, user: HTTPTransport, bot: HTTPTransport, agent: HTTPTransport?,
        hasDistinctBotToken: Bool
    ) {
        self.accountId = accountId
        self.inboxId = inboxId
        self.user = user
        self.bot = bot
        self.agent = agent
        self.hasDistinctBotToken = hasDistinctBotToken
    }

    /// `/api/v1/accounts/{account_id}`.
    public var account: String { "/api/v1/accounts/\(accountId)" }
}
