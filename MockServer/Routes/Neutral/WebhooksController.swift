import Foundation
import HandoffContract
import Hummingbird

/// `/v1/webhooks`: subscribe a URL to the workspace's events; deliveries are signed with the secret.
struct WebhooksController {
    let store: SupportStore
    let allowRemote: Bool

    struct CreateBody: Decodable {
        var url: String
        var secret: String?
    }

    struct Created: Encodable {
        var id: String
        var url: String
        var secret: String
        var createdAt: Date
    }

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        let base = "/v1/webhooks"
        routes.on(group, base: base, .post, "", create)
        routes.on(group, base: base, .get, "", list)
        routes.on(group, base: base, .delete, ":id", delete)
    }

    @Sendable func create(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let body = try await JSONIO.decode(CreateBody.self, from: request, context: context)
        try WebhookURLPolicy.validate(body.url, allowRemote: allowRemote)
        let secret = try body.secret.map { try JSONIO.requireText($0, field: "secret", max: 256) } ?? Self.randomSecret()
        let subscription = try await store.createWebhook(workspace, url: body.url, secret: secret)
        return try JSONIO.response(
            Created(id: subscription.id, url: subscription.url, secret: secret, createdAt: subscription.createdAt),
            status: .created)
    }

    @Sendable func list(_ request: Request, context: MockRequestContext) async throws -> Response {
        try JSONIO.response(ListResponse(data: try store.webhooks(try context.requireWorkspace()), next: nil))
    }

    @Sendable func delete(_ request: Request, context: MockRequestContext) async throws -> Response {
        try await store.deleteWebhook(try context.requireWorkspace(), id: context.id())
        return Response(status: .noContent)
    }

    static func randomSecret() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}

/// Which webhook URLs the mock will call: http(s) only, and by default loopback hosts only, so a
/// mock never sends data off the machine unless started with `--allow-remote-webhooks`.
enum WebhookURLPolicy {
    /// The longest URL accepted, in bytes.
    static let maxLength = 2_048

    static func validate(_ text: String, allowRemote: Bool) throws {
        guard text.utf8.count <= maxLength else {
            throw APIError.invalidField("url", "must be at most \(maxLength) bytes (got \(text.utf8.count))")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            throw APIError.invalidField("url", "must not contain spaces, line breaks or control characters")
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { throw APIError.invalidField("url", "must be an absolute http or https URL") }
        if let port = url.port, !(1...65_535).contains(port) {
            throw APIError.invalidField("url", "port must be between 1 and 65535 (got \(port))")
        }
        if allowRemote { return }
        guard isLoopback(host) else {
            throw APIError.invalidField(
                "url",
                "must point at a loopback host (127.0.0.1, localhost, ::1); start the mock with --allow-remote-webhooks to send elsewhere")
        }
    }

    /// `localhost`, `::1`, or an IPv4 literal in 127.0.0.0/8 (four decimal octets without leading
    /// zeros). A name that only starts with `127.` (`127.example.com`) can resolve anywhere.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            (1...3).contains(octet.count) && octet.allSatisfy { $0.isASCII && $0.isNumber }
                && (octet == "0" || octet.first != "0") && (Int(octet) ?? 256) <= 255
        }
    }
}
