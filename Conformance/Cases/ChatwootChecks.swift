import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1

/// Raw JSON on Chatwoot's Application API for the fidelity cases: send, demand a status, and look values
/// up by path, with failures that name the path, the value found and the value wanted.
enum ChatwootChecks {
    /// Sends `body` (a JSON value, or none) and returns the exchange, whatever its status.
    static func send(
        _ transport: HTTPTransport, _ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil
    ) async throws -> HTTPExchange {
        try await transport.send(method, path, body: try body.map { Array(try HTTPTransport.encoder.encode($0)) })
    }

    /// The answer's JSON, when it is JSON.
    static func json(_ exchange: HTTPExchange) -> JSONValue? { json(Array(exchange.responseBody.utf8)) }

    /// Bytes as JSON, when they are.
    static func json(_ bytes: [UInt8]) -> JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) }

    /// Fails unless the answer has `status` (default: any 2xx); returns its JSON (`null` when empty).
    @discardableResult
    static func expect(_ exchange: HTTPExchange, status: Int? = nil, _ what: String) throws -> JSONValue {
        guard let got = exchange.status else { throw CaseFailure("\(what): no response") }
        let statusHolds = status.map { $0 == got } ?? (200..<300).contains(got)
        guard statusHolds else {
            throw CaseFailure(
                "\(what): got status \(got), want \(status.map(String.init) ?? "2xx"); body: \(exchange.responseBody.prefix(300))")
        }
        if exchange.responseBody.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .null }
        guard let value = json(exchange) else {
            throw CaseFailure("\(what): the body is not JSON: \(exchange.responseBody.prefix(200))")
        }
        return value
    }

    /// Fails unless the value at `path` equals `expected`.
    static func expect(_ value: JSONValue?, _ path: String, equals expected: JSONValue, _ what: String) throws {
        let found = value?.at(path)
        if found != expected { throw CaseFailure("\(what): '\(path)' got \(describe(found)), want \(describe(expected))") }
    }

    /// The integer at `path`, or a failure saying what was there instead.
    static func int(_ value: JSONValue?, _ path: String, _ what: String) throws -> Int {
        guard let number = value?.at(path)?.intValue else {
            throw CaseFailure("\(what): '\(path)' got \(describe(value?.at(path))), want an integer")
        }
        return number
    }

    /// The non-empty string at `path`, or a failure.
    static func string(_ value: JSONValue?, _ path: String, _ what: String) throws -> String {
        guard let text = value?.at(path)?.stringValue, !text.isEmpty else {
            throw CaseFailure("\(what): '\(path)' got \(describe(value?.at(path))), want a non-empty string")
        }
        return text
    }

    /// The array at `path`, or a failure.
    static func array(_ value: JSONValue?, _ path: String, _ what: String) throws -> [JSONValue] {
        guard case .array(let items)? = value?.at(path) else {
            throw CaseFailure("\(what): '\(path)' got \(describe(value?.at(path))), want an array")
        }
        return items
    }

    /// A value as JSON text for messages.
    static func describe(_ value: JSONValue?) -> String {
        guard let value else { return "nothing" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    // MARK: Fixtures

    /// A new contact in the inbox (User token); returns its id and the creation answer.
    static func contact(_ cw: ChatwootAccess, _ label: String) async throws -> (id: Int, body: JSONValue) {
        let identifier = "conform-\(label)-\(UUID().uuidString.prefix(12))"
        let body: JSONValue = .object([
            "inbox_id": .number(Double(cw.inboxId)), "identifier": .string(identifier), "name": .string("Conformance \(label)"),
        ])
        let created = try expect(try await send(cw.user, .POST, "\(cw.account)/contacts", body), "create a contact")
        return (try int(created, "payload.contact.id", "create a contact"), created)
    }

    /// A new conversation in the inbox for a new contact, created with the bot token and no `status`.
    static func conversation(_ cw: ChatwootAccess, _ label: String) async throws -> (id: Int, body: JSONValue) {
        let (contactId, _) = try await contact(cw, label)
        let body: JSONValue = .object(["inbox_id": .number(Double(cw.inboxId)), "contact_id": .number(Double(contactId))])
        let created = try expect(
            try await send(cw.bot, .POST, "\(cw.account)/conversations", body), "create a conversation with the bot token")
        return (try int(created, "id", "create a conversation"), created)
    }

    /// Posts a message with `transport`; returns the answer's JSON.
    @discardableResult
    static func message(
        _ cw: ChatwootAccess, _ transport: HTTPTransport, _ conversation: Int, _ body: JSONValue, _ what: String
    ) async throws -> JSONValue {
        try expect(try await send(transport, .POST, "\(cw.account)/conversations/\(conversation)/messages", body), what)
    }

    /// Sets a status with `toggle_status`.
    @discardableResult
    static func toggle(
        _ cw: ChatwootAccess, _ transport: HTTPTransport, _ conversation: Int, _ status: String
    ) async throws -> JSONValue {
        try expect(
            try await send(
                transport, .POST, "\(cw.account)/conversations/\(conversation)/toggle_status",
                .object(["status": .string(status)])),
            "toggle_status \(status)")
    }

    /// Reads a conversation with the User token.
    static func read(_ cw: ChatwootAccess, _ conversation: Int) async throws -> JSONValue {
        try expect(try await send(cw.user, .GET, "\(cw.account)/conversations/\(conversation)"), "read the conversation")
    }

    /// Waits for a webhook delivery about a conversation whose body satisfies `matches`; returns it and its JSON.
    static func delivery(
        _ ctx: CaseContext, conversation: Int, _ what: String, _ matches: @escaping @Sendable (JSONValue) -> Bool
    ) async throws -> (ReceivedWebhook, JSONValue) {
        let sink = try ctx.webhooks
        // Each delivery is parsed once, when first seen: the sink holds every delivery of the run, and several cases
        // poll it at once.
        var parsed: [(ReceivedWebhook, JSONValue)] = []
        var seen = 0
        return try await eventually(what, timeout: .seconds(10)) { () -> (ReceivedWebhook, JSONValue)? in
            let received = sink.received
            for delivery in received.dropFirst(seen) {
                if let body = json(delivery.body) { parsed.append((delivery, body)) }
            }
            seen = received.count
            for (delivery, body) in parsed {
                let about = body.at("conversation.id")?.intValue ?? body.at("id")?.intValue
                if body.at("conversation") != nil, body.at("event")?.stringValue?.hasPrefix("message_") == true {
                    guard body.at("conversation.id")?.intValue == conversation else { continue }
                } else if about != conversation {
                    continue
                }
                if matches(body) { return (delivery, body) }
            }
            return nil
        }
    }
}

extension JSONValue {
    /// The value at a dotted path (`data.meta.all_count`, `payload.0.id`); nil when there is none.
    func at(_ path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".") {
            switch current {
            case .object(let fields)?: current = fields[String(key)]
            case .array(let items)?:
                guard let index = Int(key), items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }

    /// The whole number inside, if this is one.
    var intValue: Int? {
        if case .number(let number) = self, number.rounded() == number { return Int(number) }
        return nil
    }
}
