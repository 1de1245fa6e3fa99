import Foundation
import HandoffContract

/// One entry of the mock's request journal as `GET /mock/v1/journal` returns it (the verifier reads
/// it over HTTP and never links the mock).
public struct JournalRecord: Sendable, Hashable, Decodable {
    /// Something a request created, changed or found.
    public struct Change: Sendable, Hashable, Decodable {
        /// `user`, `conversation`, `message`…
        public var entity: String
        /// Neutral id.
        public var id: String
        /// `created`, `found`, `updated`, `deleted`.
        public var action: String
    }

    /// A webhook delivery attempt.
    public struct WebhookAttempt: Sendable, Hashable, Decodable {
        /// Stable delivery id.
        public var deliveryId: String
        /// Event name.
        public var event: String
        /// Receiver URL.
        public var url: String
        /// 1 for the first attempt.
        public var attempt: Int
        /// `delivered`, `retrying` or `failed`.
        public var outcome: String
        /// Why it failed without a status.
        public var error: String?
        /// For a probe (`handoff mock --probe-webhooks`): `bad-signature` or `stale-timestamp`.
        public var probe: String?
    }

    /// Position in the journal.
    public var seq: Int
    /// When it started.
    public var time: Date
    /// `request`, `webhook`, `probe` or `persona`.
    public var kind: String
    /// `neutral`, `chatwoot` or `control`.
    public var face: String
    /// HTTP method.
    public var method: String
    /// Path without query.
    public var path: String
    /// Route template.
    public var route: String?
    /// HTTP status; nil when none came.
    public var status: Int?
    /// Milliseconds to the answer.
    public var durationMs: Double
    /// Chatwoot caller (`bot`, `agent`, `administrator`).
    public var caller: String?
    /// The conversation concerned.
    public var conversationId: String?
    /// What changed.
    public var changes: [Change]
    /// The refusal's code.
    public var error: String?
    /// Selected request members.
    public var request: [String: JSONValue]
    /// Selected answer members.
    public var response: [String: JSONValue]
    /// The attempt, for webhook entries.
    public var webhook: WebhookAttempt?
    /// One line for people.
    public var summary: String

    /// True for a 2xx answer.
    public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
    /// When the answer went out.
    public var end: Date { time.addingTimeInterval(durationMs / 1000) }
    /// A string member of the request.
    public func requested(_ key: String) -> String? { request[key]?.stringValue }
    /// A string member of the answer.
    public func answered(_ key: String) -> String? { response[key]?.stringValue }
    /// The ids this entry created or found, of one entity.
    public func ids(_ entity: String, _ actions: Set<String> = ["created", "found"]) -> [String] {
        changes.filter { $0.entity == entity && actions.contains($0.action) }.map(\.id)
    }
    /// `#12 POST /v1/conversations/cnv_1/messages → 409`.
    public var reference: String { "#\(seq) \(method) \(path) → \(status.map(String.init) ?? "no answer")" }
}

/// One page of the journal.
struct JournalPageRecord: Decodable {
    var data: [JournalRecord]
    var next: String
    var dropped: Int
    var capacity: Int
}
