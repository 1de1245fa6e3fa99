import Foundation

/// Which journal entries a query or a verification looks at; every condition left nil matches all.
public struct JournalFilter: Sendable {
    /// Only this face.
    public var face: JournalFace?
    /// Only this kind (request, webhook, persona, probe).
    public var kind: JournalKind?
    /// Only this HTTP method (case-insensitive).
    public var method: String?
    /// Only paths this pattern matches.
    public var path: PathPattern?
    /// Only this status, or this class of statuses.
    public var status: StatusPattern?
    /// Only entries with a larger sequence number.
    public var afterSeq: Int64?
    /// Only entries at or after this time.
    public var since: Date?
    /// Only entries about this conversation (neutral id).
    public var conversationId: String?

    /// Creates a filter.
    public init(
        face: JournalFace? = nil, kind: JournalKind? = nil, method: String? = nil, path: PathPattern? = nil,
        status: StatusPattern? = nil, afterSeq: Int64? = nil, since: Date? = nil, conversationId: String? = nil
    ) {
        self.face = face
        self.kind = kind
        self.method = method
        self.path = path
        self.status = status
        self.afterSeq = afterSeq
        self.since = since
        self.conversationId = conversationId
    }

    /// True when the entry meets every condition.
    public func matches(_ entry: JournalEntry) -> Bool {
        if let afterSeq, entry.seq <= afterSeq { return false }
        if let since, entry.time < since { return false }
        if let face, entry.face != face { return false }
        if let kind, entry.kind != kind { return false }
        if let method, entry.method.caseInsensitiveCompare(method) != .orderedSame { return false }
        if let status, !status.matches(entry.status) { return false }
        if let conversationId, entry.conversationId != conversationId { return false }
        if let path, !path.matches(entry.path) { return false }
        return true
    }
}

/// A status condition: one status (`409`) or a class (`2xx`, `4xx`, `5xx`).
public enum StatusPattern: Sendable, Hashable {
    /// Exactly this status.
    case exactly(Int)
    /// Any status of this hundred (2 for `2xx`).
    case classOf(Int)

    /// Parses `409` or `4xx`; nil for anything else.
    public init?(_ text: String) {
        let lower = text.lowercased()
        if lower.count == 3, lower.hasSuffix("xx"), let digit = Int(lower.prefix(1)), (1...5).contains(digit) {
            self = .classOf(digit)
        } else if let value = Int(text), (100...599).contains(value) {
            self = .exactly(value)
        } else {
            return nil
        }
    }

    /// True when the status meets the condition; an entry without a status (no answer) never does.
    public func matches(_ status: Int?) -> Bool {
        guard let status else { return false }
        switch self {
        case .exactly(let value): return status == value
        case .classOf(let digit): return status / 100 == digit
        }
    }
}
