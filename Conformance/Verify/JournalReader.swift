import Foundation
import HandoffClient
import HandoffContract

/// Reads what the verifier needs from the mock over HTTP: the journal, and the conversations,
/// users and teams it names (their final state and context).
public struct JournalReader: Sendable {
    /// The HTTP plumbing (target and workspace token).
    public let transport: HTTPTransport

    /// Creates a reader for a mock and a workspace token.
    public init(target: String, token: String) {
        transport = HTTPTransport(baseURL: target, token: token)
    }

    /// The whole journal after `since` (oldest first), and how many entries the mock dropped.
    public func journal(since: Int = 0) async throws -> (records: [JournalRecord], dropped: Int) {
        var records: [JournalRecord] = []
        var cursor = since
        var dropped = 0
        for _ in 0..<1_000 {
            let exchange = try await transport.send(.GET, "/mock/v1/journal?since=\(cursor)&limit=1000")
            try HTTPTransport.check(exchange)
            let page: JournalPageRecord
            do {
                page = try Self.decoder.decode(JournalPageRecord.self, from: Data(exchange.responseBody.utf8))
            } catch {
                throw VerifyError(description: "the journal at \(transport.baseURL) is not readable: \(error)")
            }
            dropped = page.dropped
            records += page.data
            guard let last = page.data.last, page.data.count == 1000 else { break }
            cursor = last.seq
        }
        return (records, dropped)
    }

    /// Reads the journal's times, which carry a fraction of a second (`2026-01-31T09:30:00.123456Z`).
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = time(text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 UTC time: \(text)"))
            }
            return date
        }
        return decoder
    }()

    /// An ISO 8601 UTC time with or without a fraction of a second.
    static func time(_ text: String) -> Date? {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard parts.count == 2 else { return try? Date.ISO8601FormatStyle().parse(text) }
        let digits = parts[1].prefix { $0.isNumber }
        guard let whole = try? Date.ISO8601FormatStyle().parse(String(parts[0]) + String(parts[1].dropFirst(digits.count))),
            let fraction = Double("0." + digits)
        else { return nil }
        return whole.addingTimeInterval(fraction)
    }

    /// The workspace the token belongs to.
    public func workspaceName() async throws -> String {
        struct Current: Decodable { var name: String }
        let current: Current = try await transport.call(.GET, "/mock/v1/workspace", headers: [Self.readHeader])
        return current.name
    }

    /// Marks verify's own reads, which the mock leaves out of the journal (only reads: a write always counts).
    public static let readHeader = ("X-Handoff-Verify", "read")

    /// A conversation as it stands now.
    public func conversation(_ id: String) async throws -> Conversation {
        try await transport.call(.GET, "/v1/conversations/\(id)", headers: [Self.readHeader])
    }

    /// The workspace's teams.
    public func teams() async throws -> [Team] {
        struct Teams: Decodable { var data: [Team] }
        let teams: Teams = try await transport.call(.GET, "/v1/teams", headers: [Self.readHeader])
        return teams.data
    }

    /// A Chatwoot conversation's `custom_attributes`, read on the Chatwoot face with the same token.
    public func chatwootCustomAttributes(account: Int, number: Int) async throws -> [String: JSONValue] {
        struct Shown: Decodable { var custom_attributes: [String: JSONValue]? }
        let exchange = try await transport.send(
            .GET, "/api/v1/accounts/\(account)/conversations/\(number)",
            headers: [("api_access_token", transport.token ?? ""), Self.readHeader])
        try HTTPTransport.check(exchange)
        return try JSONDecoder().decode(Shown.self, from: Data(exchange.responseBody.utf8)).custom_attributes ?? [:]
    }

    /// The account id in a Chatwoot path (`/api/v1/accounts/1/…` → 1).
    static func chatwootAccount(_ path: String) -> Int? {
        let parts = path.split(separator: "/")
        guard parts.count > 3, parts[0] == "api", parts[2] == "accounts" else { return nil }
        return Int(parts[3])
    }
}
