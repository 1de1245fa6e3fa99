/// Who a token is: the workspace it belongs to, its principal on the Chatwoot face and its role on every face.
public struct Credentials: Sendable {
    /// The workspace.
    public var workspace: Workspace
    /// The Chatwoot user or agent bot it acts as.
    var principal: ChatwootPrincipal
    /// What it may do.
    public var role: TokenRole
}
