import Hummingbird

/// Answers 421 to a request whose `Host` is a name other than `localhost`, the name the mock listens on, or
/// one given with `--allowed-host`: with well-known default tokens, a web page whose host name resolves to
/// 127.0.0.1 (DNS rebinding) could otherwise drive the mock from a browser. An IP address in `Host` is
/// always accepted (a rebinding attack needs a name), and so is a request without `Host`.
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Host names (lower case, without port) accepted besides loopback.
    let allowed: Set<String>

    /// Creates the check for a listening address and the extra names the user allowed.
    init(listenHost: String, extra: [String]) {
        allowed = Set(([listenHost] + extra).map { $0.lowercased() })
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authority = request.head.authority, !Self.accepts(authority, allowed: allowed) else {
            return try await next(request, context)
        }
        return try APIError(
            .misdirectedRequest, code: "host_not_allowed",
            detail:
                "Host '\(authority.prefix(100))' is not this mock: it answers loopback names and the address it listens on; "
                + "start it with --allowed-host NAME to accept another name"
        ).response(from: request, context: context)
    }

    /// True for loopback names and addresses, and for the allowed names (any port).
    static func accepts(_ authority: String, allowed: Set<String>) -> Bool {
        var host = Substring(authority.lowercased())
        if host.hasPrefix("[") {
            host = host.dropFirst().prefix { $0 != "]" }
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        let name = String(host)
        if name == "localhost" || name.hasSuffix(".localhost") || authority.hasPrefix("[") { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4 && octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }) { return true }
        return allowed.contains(name)
    }
}
