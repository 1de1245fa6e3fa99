import AsyncHTTPClient
import Foundation
import HandoffContract
import NIOHTTP1

/// The Application API calls the client and the agent desk share: reading a conversation, listing its
/// history with positions, and sending JSON with Chatwoot's error mapping.
struct ChatwootConnection: Sendable {
    /// The account id.
    let accountId: Int
    /// The inbox new contacts and conversations go to.
    let inboxId: Int
    /// Reads, contacts, teams, webhooks (a User token).
    let reader: HTTPTransport
    /// Writes a bot makes: conversations, messages, handoff, close (the bot token; the agent's for the desk).
    let writer: HTTPTransport

    /// `/api/v1/accounts/{account_id}`.
    var account: String { "/api/v1/accounts/\(accountId)" }

    /// A transport that sends `api_access_token: <token>`.
    static func transport(
        baseURL: String, token: String, client: HTTPClient, observer: (@Sendable (HTTPExchange) -> Void)?
    ) -> HTTPTransport {
        HTTPTransport(
            baseURL: baseURL, token: token, tokenPlacement: .header(ChatwootAccount.tokenHeader), timeout: 35,
            client: client, observer: observer)
    }

    /// The path of a conversation (its `display_id`).
    func conversationPath(_ id: String) -> String { "\(account)/conversations/\(query(id))" }

    /// Sends a JSON body (or none) and returns the exchange; a non-2xx throws the mapped ``ClientError``.
    @discardableResult
    func send(
        _ via: HTTPTransport, _ method: HTTPMethod, _ path: String, body: (some Encodable)? = nil as String?
    ) async throws -> HTTPExchange {
        let bytes = try body.map { Array(try HTTPTransport.encoder.encode($0)) }
        let exchange = try await via.send(method, path, body: bytes)
        try ChatwootErrors.check(exchange)
        return exchange
    }

    /// Sends and decodes a 2xx answer.
    func call<Response: Decodable>(
        _ via: HTTPTransport, _ method: HTTPMethod, _ path: String, body: (some Encodable)? = nil as String?,
        as type: Response.Type = Response.self
    ) async throws -> Response {
        let exchange = try await send(via, method, path, body: body)
        return try Self.decode(Response.self, exchange)
    }

    /// Decodes an answer, or throws `unreadable_response` with the exchange.
    static func decode<Response: Decodable>(_ type: Response.Type, _ exchange: HTTPExchange) throws -> Response {
        do {
            return try JSONDecoder().decode(Response.self, from: Data(exchange.responseBody.utf8))
        } catch {
            throw ClientError(exchange: exchange, code: "unreadable_response", detail: "\(error)")
        }
    }

    /// Reads a conversation as Chatwoot sends it.
    func wireConversation(_ id: String, via: HTTPTransport? = nil) async throws -> (WireConversation, HTTPExchange) {
        let exchange = try await send(via ?? reader, .GET, conversationPath(id))
        return (try Self.decode(WireConversation.self, exchange), exchange)
    }

    /// Reads a conversation in the contract's terms.
    func conversation(_ id: String, via: HTTPTransport? = nil) async throws -> Conversation {
        let (wire, exchange) = try await wireConversation(id, via: via)
        return try Self.contract(wire, exchange)
    }

    /// The contract's conversation, or `unreadable_response` naming the status Chatwoot sent.
    static func contract(_ wire: WireConversation, _ exchange: HTTPExchange) throws -> Conversation {
        guard let conversation = wire.conversation else {
            throw ClientError(
                exchange: exchange, code: "unreadable_response", detail: "unknown conversation status '\(wire.status)'")
        }
        return conversation
    }

    /// Chatwoot's page size for `GET …/messages?after=`.
    static let messagePage = 100

    /// The conversation's history, oldest first: every incoming and outgoing message (notes included),
    /// without Chatwoot's own `activity` and `template` notices.
    ///
    /// Pages forward with `after=<message id>` (up to 100 a page, Chatwoot ≥ 4.x) until a short page.
    func history(_ id: String, via: HTTPTransport? = nil) async throws -> [WireMessage] {
        var all: [WireMessage] = []
        var cursor = 0
        while true {
            let page: WirePayloadList<WireMessage> = try await call(
                via ?? reader, .GET, "\(conversationPath(id))/messages?after=\(cursor)")
            let newer = page.payload.filter { (Int($0.id.text) ?? 0) > cursor }
            all += newer
            guard let last = newer.compactMap({ Int($0.id.text) }).max(), page.payload.count >= Self.messagePage
            else { break }
            cursor = last
        }
        return all.sorted { (Int($0.id.text) ?? 0) < (Int($1.id.text) ?? 0) }.filter(\.isHistory)
    }

    /// The history as contract messages; `seq` is the position in it, from 1 (Chatwoot has no sequence).
    func messages(_ id: String, via: HTTPTransport? = nil) async throws -> [Message] {
        try await history(id, via: via).enumerated().map { $1.message(conversationId: id, seq: $0 + 1) }
    }

    /// A message just created, with its position in the history (and the `echo_id` only the create answer carries).
    func stored(_ created: WireMessage, in conversationId: String, via: HTTPTransport? = nil) async throws -> Message {
        let history = try await history(conversationId, via: via)
        let position = history.firstIndex { $0.id == created.id }.map { $0 + 1 } ?? history.count + 1
        return created.message(conversationId: conversationId, seq: position)
    }
}
