import Foundation
import HandoffContract

/// Turns one finished request into what the journal keeps: the conversation concerned, what changed,
/// the refusal's code, selected members of the request and the answer, and a one-line summary.
///
/// What a write changed comes from the records themselves (``ChangeLog``), never from the bodies. The request and the
/// answer give the members kept and, for a read, what it found; the only store access is the Chatwoot `display_id` →
/// conversation id lookup, passed in, for a request that changed nothing (a read, a refusal).
struct JournalDescriber {
    var method: String
    var path: String
    var route: String?
    var status: Int
    var face: JournalFace
    /// The `:id` path parameter, if the route has one.
    var pathId: String?
    var idempotencyKey: String?
    var requestBody: JSONValue?
    var responseBody: JSONValue?
    /// What the request's writes changed, as recorded when they committed.
    var recorded: [JournalChange]
    /// The conversation a recorded change concerned.
    var recordedConversation: String?
    /// The neutral id of the conversation with this Chatwoot `display_id`.
    var conversationForNumber: (Int) -> String?

    /// Request members kept (text-like ones are cut).
    static let requestKeys: Set<String> = [
        "externalId", "userId", "author", "visibility", "clientMessageId", "teamId", "teamName", "agentId", "url",
        "online", "text", "name",
        // Chatwoot
        "content", "message_type", "private", "status", "team_id", "assignee_id", "source_id", "contact_id", "inbox_id",
        "identifier", "echo_id", "content_type",
    ]
    /// Answer members kept.
    static let responseKeys: Set<String> = [
        "id", "state", "seq", "number", "outcome", "author", "visibility", "userId", "teamId", "assigneeId",
        "conversationId", "code", "reason", "externalId", "clientMessageId",
        // Chatwoot
        "display_id", "message_type", "private", "conversation_id", "error", "message", "current_status", "status",
    ]

    /// The parts of an answer that this describer reads, for ``JSONValueParser/parse(_:keeping:)``: the journal builds
    /// only these (a list of 100 messages is stepped over, not decoded). For an object answer; an array answer is kept
    /// as ``arrayResponseKeep``.
    static let responseKeep: JSONKeep = .members(
        Dictionary(uniqueKeysWithValues: responseKeys.map { ($0, JSONKeep.all) }).merging(
            [
                "team": .members(["id": .all, "name": .all]),
                "conversation": .members(["id": .all, "state": .all]),
                "data": .elements(.members(["id": .all])),
                "payload": .members(["current_status": .all, "contact": .members(["id": .all])]),
                "errors": .all,
            ]
        ) { $1 })
    /// An array answer: only its length is read.
    static let arrayResponseKeep: JSONKeep = .elements(.none)

    struct Description {
        var conversationId: String?
        var changes: [JournalChange] = []
        var error: String?
        var request: [String: JSONValue] = [:]
        var response: [String: JSONValue] = [:]
        var summary: String
    }

    func describe() -> Description {
        let request = selectedRequest()
        let response = selectedResponse()
        let ok = (200..<300).contains(status)
        var description = Description(
            conversationId: conversationId(), error: ok ? nil : errorCode(), request: request, response: response,
            summary: "")
        if ok && method != "GET" && method != "HEAD" { description.changes = recorded }
        if ok && (method == "GET") { description.changes = found() }
        description.summary = summary(description)
        return description
    }

    // MARK: what is kept

    private func selectedRequest() -> [String: JSONValue] {
        var kept: [String: JSONValue] = [:]
        if case .object(let object)? = requestBody {
            for (key, value) in object where Self.requestKeys.contains(key) { kept[key] = Self.cut(value) }
            if case .object(let context)? = object["context"] {
                if let intent = context["intent"] { kept["intent"] = intent }
                if let intents = context["intents"] { kept["intents"] = intents }
            }
        }
        if let idempotencyKey { kept["idempotencyKey"] = .string(idempotencyKey) }
        return kept
    }

    private func selectedResponse() -> [String: JSONValue] {
        guard case .object(let object)? = responseBody else {
            if case .array(let items)? = responseBody { return ["count": .number(Double(items.count))] }
            return [:]
        }
        var kept: [String: JSONValue] = [:]
        for (key, value) in object where Self.responseKeys.contains(key) { kept[key] = Self.cut(value) }
        if case .object(let team)? = object["team"] {
            kept["team"] = .object(team.filter { ["id", "name"].contains($0.key) })
        }
        if case .object(let conversation)? = object["conversation"] {
            kept["conversationId"] = conversation["id"]
            kept["state"] = conversation["state"]
        }
        if case .array(let items)? = object["data"] {
            kept["count"] = .number(Double(items.count))
            let ids = items.prefix(20).compactMap { item -> JSONValue? in
                if case .object(let fields) = item { return fields["id"] }
                return nil
            }
            if !ids.isEmpty { kept["ids"] = .array(ids) }
        }
        if case .object(let payload)? = object["payload"] {
            if let current = payload["current_status"] { kept["current_status"] = current }
            if case .object(let contact)? = payload["contact"] { kept["contact_id"] = contact["id"] }
        }
        return kept
    }

    private static func cut(_ value: JSONValue) -> JSONValue {
        if case .string(let text) = value, text.count > 200 { return .string(String(text.prefix(200)) + "…") }
        return value
    }

    private func errorCode() -> String? {
        guard case .object(let object)? = responseBody else { return nil }
        if case .string(let code)? = object["code"] { return code }
        if case .string(let error)? = object["error"] { return error }
        if case .string(let message)? = object["message"] { return message }
        if case .array(let errors)? = object["errors"], case .string(let first)? = errors.first { return first }
        return nil
    }

    // MARK: the conversation concerned

    private var routeSegments: [Substring] { (route ?? "").split(separator: "/") }

    /// True when the route's `{id}` is a conversation's.
    private var conversationRoute: Bool {
        let segments = routeSegments
        guard let index = segments.firstIndex(of: "{id}"), index > 0 else { return false }
        return segments[index - 1] == "conversations"
    }

    private func conversationId() -> String? {
        if let recordedConversation { return recordedConversation }
        let object: [String: JSONValue] = if case .object(let object)? = responseBody { object } else { [:] }
        switch face {
        case .chatwoot:
            if conversationRoute, let number = pathId.flatMap({ Int($0) }) { return conversationForNumber(number) }
            if method == "POST", routeSegments.last == "conversations", let number = Self.int(object["id"]) {
                return conversationForNumber(number)
            }
            return nil
        case .neutral, .control:
            if conversationRoute, let pathId { return pathId }
            if method == "POST", routeSegments.last == "conversations", case .string(let id)? = object["id"] { return id }
            if case .string(let id)? = object["conversationId"] { return id }
            return nil
        }
    }

    private static func int(_ value: JSONValue?) -> Int? {
        if case .number(let number)? = value { return Int(exactly: number) }
        return nil
    }

    // MARK: what a read found

    /// What a successful read found: the ids in the answer (a user looked up by `externalId`, say).
    private func found() -> [JournalChange] {
        guard face != .chatwoot, case .object(let object)? = responseBody else { return [] }
        var ids: [String] = []
        if case .string(let id)? = object["id"] { ids.append(id) }
        if case .array(let items)? = object["data"], items.count <= 5 {
            for case .object(let item) in items { if case .string(let id)? = item["id"] { ids.append(id) } }
        }
        return ids.compactMap { id in Self.entity(of: id).map { JournalChange(entity: $0, id: id, action: "found") } }
    }

    /// The entity an id names by its prefix (`msg_4` → `message`).
    static func entity(of id: String) -> String? {
        for kind in EntityKind.allCases where kind.number(from: id) != nil {
            switch kind {
            case .user: return "user"
            case .team: return "team"
            case .agent: return "agent"
            case .conversation: return "conversation"
            case .message: return "message"
            case .event: return "event"
            case .webhook: return "webhook"
            case .delivery: return "delivery"
            }
        }
        return nil
    }

    // MARK: summary

    private func summary(_ description: Description) -> String {
        var line = "\(method) \(path) → \(status)"
        if let error = description.error {
            line += ": refused (\(error))"
        } else if !description.changes.isEmpty {
            line += ": " + description.changes.map { "\($0.entity) \($0.id) \($0.action)" }.joined(separator: ", ")
        }
        var details: [String] = []
        for key in ["author", "visibility", "message_type"] {
            if case .string(let value)? = description.request[key] { details.append(value) }
        }
        if case .bool(true)? = description.request["private"] { details.append("private") }
        if case .number(let number)? = description.response["seq"], let seq = Int(exactly: number) { details.append("seq \(seq)") }
        if case .string(let team)? = description.request["teamName"] ?? description.request["teamId"] {
            details.append("team \(team)")
        }
        if case .string(let state)? = description.response["state"] { details.append("now \(state)") }
        if case .string(let status)? = description.request["status"] { details.append("status \(status)") }
        if !details.isEmpty { line += " (\(details.joined(separator: ", ")))" }
        return line
    }
}
