import Foundation
import HandoffClient
import NIOHTTP1

/// How the suite speaks to a connector as its end users (`--channel`).
public enum DriveChannel: String, Sendable, CaseIterable {
    /// The HandoffKit driver protocol, version 1: `POST /users/{sender}/messages`, `POST /users/{sender}/leave`,
    /// `GET /users/{sender}/received` (docs/driver-protocol.md).
    case handoff
    /// Rasa's REST channel (`POST /webhooks/rest/webhook`) with its callback channel for later messages.
    case rasa
}

/// Something the end user received: the bot's answer or an agent's message relayed by the connector.
struct ReceivedMessage: Sendable, Hashable, Decodable {
    /// `bot` or `agent` (as the connector said; Rasa's answers are the bot's, its callbacks the agent's).
    var from: String
    /// The text.
    var text: String

    /// True when the connector says the bot wrote it.
    var fromBot: Bool { from == "bot" }
    /// True when the connector says an agent wrote it.
    var fromAgent: Bool { from == "agent" }
}

/// The bot's side of the channel, as the suite's end users use it.
protocol EndUserChannel: Sendable {
    /// False when the channel has no "the user leaves" message.
    var canLeave: Bool { get }
    /// The user says `text`; returns what the bot answered at once.
    func say(_ text: String, as sender: String) async throws -> [ReceivedMessage]
    /// The user closes the chat.
    func leave(_ sender: String) async throws
    /// Everything the user received so far, oldest first.
    func received(_ sender: String) async throws -> [ReceivedMessage]
}

/// Calls to the connector: an unreachable driver, a timeout or an unexpected status is a ``CaseFailure``
/// naming the call, with the exchange.
struct DriverCalls: Sendable {
    let transport: HTTPTransport

    init(driver: String, callSeconds: Int64, log: DriveLog) {
        // Not the shared client: that one retries a refused connection until the call's time is up.
        transport = .failingFast(baseURL: driver, token: nil, timeout: callSeconds, observer: { log.record($0) })
    }

    /// Sends a call and returns its exchange when the status is one of `accepted` (default: any 2xx).
    func send(
        _ method: HTTPMethod, _ path: String, json: [String: String]? = nil, accepted: Set<Int>? = nil
    ) async throws
        -> HTTPExchange
    {
        let body = try json.map { Array(try HTTPTransport.encoder.encode($0)) }
        let exchange: HTTPExchange
        do {
            exchange = try await transport.send(method, path, body: body)
        } catch let error as ClientError {
            throw CaseFailure(
                "the driver's \(method.rawValue) \(path) got no answer from \(transport.baseURL) (\(Self.cut(error.exchange.responseBody))): "
                    + "is the connector serving the driver protocol there?", exchanges: [error.exchange])
        }
        let status = exchange.status ?? 0
        if let accepted, accepted.contains(status) { return exchange }
        if accepted == nil, (200..<300).contains(status) { return exchange }
        let kind = status >= 500 ? "a server error" : "an unexpected status"
        throw CaseFailure(
            "the driver's \(method.rawValue) \(path) answered \(status), \(kind): \(Self.cut(exchange.responseBody))",
            exchanges: [exchange])
    }

    /// Decodes an answer, or fails naming the call and the shape it should have had.
    func decode<T: Decodable>(_ type: T.Type, _ exchange: HTTPExchange, shape: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(exchange.responseBody.utf8))
        } catch {
            throw CaseFailure(
                "the driver's answer to \(exchange.method) \(exchange.path) is not \(shape): \(Self.cut(exchange.responseBody))",
                exchanges: [exchange])
        }
    }

    /// A text cut to one readable line.
    static func cut(_ text: String, _ limit: Int = 200) -> String {
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count > limit ? String(line.prefix(limit)) + "…" : line
    }
}

/// The HandoffKit driver protocol, version 1.
struct HandoffUserChannel: EndUserChannel {
    let calls: DriverCalls

    var canLeave: Bool { true }

    private struct Answer: Decodable {
        struct Item: Decodable { var text: String? }
        var messages: [Item]?
    }

    private struct Received: Decodable {
        var messages: [ReceivedMessage]
    }

    func say(_ text: String, as sender: String) async throws -> [ReceivedMessage] {
        let exchange = try await calls.send(.POST, "/users/\(sender)/messages", json: ["text": text])
        if exchange.responseBody.isEmpty { return [] }
        let answer = try calls.decode(Answer.self, exchange, shape: #"{"messages": [{"text": "…"}]}"#)
        return (answer.messages ?? []).compactMap { $0.text.map { ReceivedMessage(from: "bot", text: $0) } }
    }

    func leave(_ sender: String) async throws {
        _ = try await calls.send(.POST, "/users/\(sender)/leave", accepted: [200, 202, 204])
    }

    func received(_ sender: String) async throws -> [ReceivedMessage] {
        let exchange = try await calls.send(.GET, "/users/\(sender)/received", accepted: Set(200..<300).union([404]))
        if exchange.status == 404 { return [] }
        return try calls.decode(Received.self, exchange, shape: #"{"messages": [{"from": "bot" or "agent", "text": "…"}]}"#)
            .messages
    }
}

/// Rasa's REST channel for what the user says (the answer holds the bot's messages) and its callback
/// channel, served by the suite, for what comes later.
struct RasaUserChannel: EndUserChannel {
    let calls: DriverCalls
    let store: ReceivedStore

    var canLeave: Bool { false }

    private struct Item: Decodable {
        var text: String?
    }

    func say(_ text: String, as sender: String) async throws -> [ReceivedMessage] {
        let exchange = try await calls.send(.POST, "/webhooks/rest/webhook", json: ["sender": sender, "message": text])
        let items =
            exchange.responseBody.isEmpty
            ? [] : try calls.decode([Item].self, exchange, shape: #"[{"recipient_id": "…", "text": "…"}]"#)
        let answers = items.compactMap { $0.text.map { ReceivedMessage(from: "bot", text: $0) } }
        for answer in answers { store.append(answer, for: sender) }
        return answers
    }

    func leave(_ sender: String) async throws {
        throw CaseFailure("Rasa's channel has no 'user leaves' message")
    }

    func received(_ sender: String) async throws -> [ReceivedMessage] {
        store.messages(for: sender)
    }
}
