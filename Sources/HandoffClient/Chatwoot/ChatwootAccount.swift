/// Where and as whom the Chatwoot binding talks: one account, one API inbox, a User token and the
/// agent bot's token.
public struct ChatwootAccount: Sendable, Hashable {
    /// Base URL of the Chatwoot server, e.g. `https://chat.example.com`.
    public var baseURL: String
    /// The account id (`/api/v1/accounts/{account_id}`).
    public var accountId: Int
    /// The API inbox that holds the bot's conversations. Connect the agent bot to it so new
    /// conversations start `pending`.
    public var inboxId: Int
    /// A User token (an administrator's): contacts, reads, message lists, teams, webhooks. Chatwoot's
    /// bot whitelist covers none of those.
    public var userToken: String
    /// The agent bot's token: conversation creation, mirrored messages, the handoff and the close.
    /// Default: ``userToken`` (then bot messages are written by that user and read back as an agent's).
    public var botToken: String

    /// Creates the account description; `botToken` defaults to `userToken`.
    public init(baseURL: String, accountId: Int, inboxId: Int, userToken: String, botToken: String? = nil) {
        self.baseURL = baseURL
        self.accountId = accountId
        self.inboxId = inboxId
        self.userToken = userToken
        self.botToken = botToken ?? userToken
    }

    /// The header Chatwoot reads the token from.
    public static let tokenHeader = "api_access_token"
}
