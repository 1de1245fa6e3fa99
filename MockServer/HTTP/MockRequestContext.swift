import Hummingbird

/// The request context of the mock: Hummingbird's core storage plus the authenticated workspace,
/// as a typed value set by ``TokenAuthenticator``.
public struct MockRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The workspace the bearer token belongs to; nil before authentication.
    public var workspace: Workspace? {
        didSet { journalTicket?.workspace = workspace }
    }
    /// Largest request body accepted; larger ones get 413 `payload_too_large`. Default 1 MiB.
    public var maxUploadSize: Int
    /// Whether malformed query parameters are ignored (only under the `ignore-bad-query` defect).
    var lenientQuery = false
    /// Who calls the Chatwoot face (set by its authenticator).
    var chatwootPrincipal: ChatwootPrincipal? {
        didSet { journalTicket?.caller = chatwootPrincipal?.journalName }
    }
    /// Where this request's handlers leave what the request journal records; nil when it is not journaled.
    var journalTicket: JournalTicket?
    /// Only under the `cw-no-bot-whitelist` defect: bots may call everything.
    var chatwootWhitelistOff = false

    /// Creates a context for one request.
    public init(source: Source) {
        coreContext = .init(source: source)
        workspace = nil
        maxUploadSize = 1 << 20
    }

    /// The authenticated workspace, or 401 when the route was reached without one.
    func requireWorkspace() throws -> Workspace {
        guard let workspace else { throw APIError.unauthorized("A bearer token is required.") }
        return workspace
    }
}
