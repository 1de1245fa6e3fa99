import Foundation
import HandoffContract
import Hummingbird

/// `/mock/v1/journal`: the workspace's request journal with filters, a WireMock-style
/// "was this called N times" check, and clearing it.
struct JournalController {
    let store: SupportStore

    struct Listing: Encodable {
        var data: [JournalEntry]
        /// The `seq` of the last entry returned; pass it as `since` to read on.
        var next: String
        /// Entries dropped because the journal was full.
        var dropped: Int
        /// Entries held now.
        var held: Int
        /// Entries kept at most.
        var capacity: Int
        /// Always false: the journal lives in memory and starts empty after a restart.
        var persisted = false
    }

    struct VerifyBody: Decodable {
        var method: String?
        var path: String?
        var face: String?
        var kind: String?
        var status: JSONValue?
        var count: Int?
        var atLeast: Int?
        var atMost: Int?
    }

    struct Verdict: Encodable {
        var matched: Int
        var expected: String
        var ok: Bool
        var description: String
        var dropped: Int
    }

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/mock/v1", .get, "journal", list)
        routes.on(group, base: "/mock/v1", .delete, "journal", clear)
        routes.on(group, base: "/mock/v1", .post, "journal/verify", verify)
    }

    @Sendable func list(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let query = request.uri.queryParameters
        var filter = JournalFilter()
        if let face = query.get("face") { filter.face = try Self.face(String(face), parameter: true) }
        if let kind = query.get("kind") { filter.kind = try Self.kind(String(kind), parameter: true) }
        if let method = query.get("method"), !method.isEmpty { filter.method = String(method) }
        if let path = query.get("path"), !path.isEmpty {
            do {
                filter.path = try PathPattern(String(path))
            } catch {
                throw APIError.badParameter("path", error.reason)
            }
        }
        if let status = query.get("status") {
            guard let pattern = StatusPattern(String(status)) else {
                throw APIError.badParameter("status", "must be a status such as 409 or a class such as 4xx")
            }
            filter.status = pattern
        }
        if let conversation = query.get("conversationId"), !conversation.isEmpty { filter.conversationId = String(conversation) }
        if let since = query.get("since"), !since.isEmpty {
            if let seq = Int64(since), seq >= 0 {
                filter.afterSeq = seq
            } else if let date = Self.date(String(since)) {
                filter.since = date
            } else {
                throw APIError.badParameter("since", "must be a journal seq (entries after it) or an ISO 8601 time")
            }
        }
        let limit = try JSONIO.intParameter(request, context, "limit", default: 100, range: 1...store.journal.capacity)
        let page = store.journal.entries(workspace: workspace.id, matching: filter, limit: limit)
        let next = page.entries.last.map { String($0.seq) } ?? String(filter.afterSeq ?? 0)
        let listing = Listing(data: page.entries, next: next, dropped: page.dropped, held: page.held, capacity: store.journal.capacity)
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: try Self.encoder.encode(listing))))
    }

    /// The journal's times carry microseconds (the rest of the API writes whole seconds): requests a
    /// fraction of a millisecond apart must keep their order, so a verifier can tell sequential from concurrent.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.timestamp(date))
        }
        return encoder
    }()

    /// `2026-01-31T09:30:00.123456Z`.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let micros = min(999_999, Int(((date.timeIntervalSince1970 - seconds) * 1_000_000).rounded()))
        let whole = Date(timeIntervalSince1970: seconds).formatted(Date.ISO8601FormatStyle())
        return String(whole.dropLast()) + "." + String(format: "%06d", micros) + "Z"
    }

    @Sendable func clear(_ request: Request, context: MockRequestContext) async throws -> Response {
        store.journal.clear(workspace: try context.requireWorkspace().id)
        return Response(status: .noContent)
    }

    @Sendable func verify(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let body = try await JSONIO.decode(VerifyBody.self, from: request, context: context)
        let pathText = try JSONIO.requireText(body.path, field: "path", max: 2048)
        var filter = JournalFilter()
        do {
            filter.path = try PathPattern(pathText)
        } catch {
            throw APIError.invalidField("path", error.reason)
        }
        if let method = body.method, method.uppercased() != "ANY" {
            filter.method = try JSONIO.requireText(method, field: "method", max: 16)
        }
        if let face = body.face { filter.face = try Self.face(face, parameter: false) }
        if let kind = body.kind { filter.kind = try Self.kind(kind, parameter: false) }
        switch body.status {
        case nil, .null?: break
        case .number(let number)?:
            guard let whole = Int(exactly: number), let pattern = StatusPattern(String(whole)) else {
                throw APIError.invalidField("status", "must be 100 to 599")
            }
            filter.status = pattern
        case .string(let text)?:
            guard let pattern = StatusPattern(text) else { throw APIError.invalidField("status", "must be like 409 or 4xx") }
            filter.status = pattern
        default:
            throw APIError.invalidField("status", "must be a number such as 409 or a string such as 4xx")
        }
        let expectation = try Self.expectation(body)
        let matched = store.journal.count(workspace: workspace.id, matching: filter)
        let dropped = store.journal.dropped(workspace: workspace.id)
        let ok = expectation.holds(matched)
        var description = "\(body.method?.uppercased() ?? "ANY") \(pathText)"
        if let face = filter.face { description += " on the \(face.rawValue) face" }
        description += ": expected \(expectation.text), matched \(matched)"
        if dropped > 0 { description += " (\(dropped) older entries were dropped from the journal)" }
        return try JSONIO.response(
            Verdict(matched: matched, expected: expectation.text, ok: ok, description: description, dropped: dropped))
    }

    /// How many matches are wanted.
    struct Expectation {
        var count: Int?
        var atLeast: Int?
        var atMost: Int?

        func holds(_ matched: Int) -> Bool {
            if let count { return matched == count }
            return matched >= (atLeast ?? 0) && matched <= (atMost ?? .max)
        }

        var text: String {
            if let count { return "exactly \(count)" }
            switch (atLeast, atMost) {
            case (let low?, let high?): return "between \(low) and \(high)"
            case (let low?, nil): return "at least \(low)"
            case (nil, let high?): return "at most \(high)"
            default: return "any number"
            }
        }
    }

    static func expectation(_ body: VerifyBody) throws -> Expectation {
        for (name, value) in [("count", body.count), ("atLeast", body.atLeast), ("atMost", body.atMost)] {
            if let value, value < 0 { throw APIError.invalidField(name, "must not be negative") }
        }
        if body.count != nil && (body.atLeast != nil || body.atMost != nil) {
            throw APIError.invalidField("count", "give count alone, or atLeast and/or atMost")
        }
        if body.count == nil && body.atLeast == nil && body.atMost == nil {
            throw APIError.invalidField("count", "give count, atLeast or atMost")
        }
        if let low = body.atLeast, let high = body.atMost, low > high {
            throw APIError.invalidField("atLeast", "must not be more than atMost")
        }
        return Expectation(count: body.count, atLeast: body.atLeast, atMost: body.atMost)
    }

    static func face(_ text: String, parameter: Bool) throws -> JournalFace {
        guard let face = JournalFace(rawValue: text) else {
            let reason = "must be neutral, chatwoot or control"
            throw parameter ? APIError.badParameter("face", reason) : APIError.invalidField("face", reason)
        }
        return face
    }

    static func kind(_ text: String, parameter: Bool) throws -> JournalKind {
        guard let kind = JournalKind(rawValue: text) else {
            let reason = "must be request, webhook, probe or persona"
            throw parameter ? APIError.badParameter("kind", reason) : APIError.invalidField("kind", reason)
        }
        return kind
    }

    /// An ISO 8601 time, with fractional seconds (as the journal writes its `time`) or without.
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
