import Foundation
import HandoffContract

/// Which face of the mock a request reached.
public enum JournalFace: String, Sendable, Hashable, Codable, CaseIterable {
    /// The neutral HandoffKit Support API (`/v1`, and the open meta routes).
    case neutral
    /// The Chatwoot API (`/api/v1`).
    case chatwoot
    /// The mock's control API (`/mock/v1`) and the agent desk.
    case control

    /// The face a request path belongs to.
    public static func of(path: String) -> JournalFace {
        if path.hasPrefix("/api/v1") { return .chatwoot }
        if path.hasPrefix("/mock/") || path.hasPrefix("/desk") { return .control }
        return .neutral
    }
}

/// What a journal entry records.
public enum JournalKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An HTTP request to the mock, with its answer.
    case request
    /// One attempt to deliver a webhook, with its outcome.
    case webhook
    /// An action of a scripted agent (persona): accept, reply, resolve — no HTTP request behind it.
    case persona
    /// A forged webhook delivery the receiver must refuse (`handoff mock --probe-webhooks`), with its answer.
    case probe
}

/// One thing a request created, changed or found, e.g. `{entity: message, id: msg_5, action: created}`.
public struct JournalChange: Sendable, Hashable, Codable {
    /// `user`, `conversation`, `message`, `team`, `webhook`, `agent`…
    public var entity: String
    /// The neutral id (`usr_1`, `cnv_2`, `msg_3`…).
    public var id: String
    /// `created`, `found` (an idempotent repeat), `updated`, `deleted`.
    public var action: String

    /// Creates a change.
    public init(entity: String, id: String, action: String) {
        self.entity = entity
        self.id = id
        self.action = action
    }
}

/// One webhook delivery attempt as the journal keeps it, or one probe (a forged delivery).
public struct JournalWebhookAttempt: Sendable, Hashable, Codable {
    /// Stable delivery id (`dlv_9`), the same on every retry; `dlv_probe_3` for a probe.
    public var deliveryId: String
    /// The subscription (`whk_3`).
    public var webhookId: String
    /// The event's name (`conversation.assigned`, or Chatwoot's `message_created`…).
    public var event: String
    /// The neutral event id (`evt_4`, or the forged `evt_probe_3` of a probe); nil for Chatwoot events.
    public var eventId: String?
    /// Where it was sent.
    public var url: String
    /// 1 for the first attempt, 2 for the first retry…; always 1 for a probe, which is never retried.
    public var attempt: Int
    /// `delivered`, `retrying` (failed, will be retried) or `failed` (failed for good); for a probe,
    /// `refused` (the receiver answered non-2xx, or did not answer) or `accepted` (it answered 2xx).
    public var outcome: String
    /// Why it failed when no HTTP status came back (timeout, connection refused).
    public var error: String?
    /// Which forged delivery a probe was: `bad-signature` or `stale-timestamp`; nil for a real delivery.
    public var probe: String?

    /// Creates an attempt record.
    public init(
        deliveryId: String, webhookId: String, event: String, eventId: String?, url: String, attempt: Int, outcome: String,
        error: String?, probe: String? = nil
    ) {
        self.deliveryId = deliveryId
        self.webhookId = webhookId
        self.event = event
        self.eventId = eventId
        self.url = url
        self.attempt = attempt
        self.outcome = outcome
        self.error = error
        self.probe = probe
    }
}

/// One line of a workspace's request journal: a request on either face (or the control API), a
/// webhook delivery attempt or probe, or an action of a scripted agent — when, what, how it ended, what changed.
public struct JournalEntry: Sendable, Hashable, Codable {
    /// Position in the workspace's journal, from 1; never reused, also after the oldest entries are dropped.
    public var seq: Int64
    /// When the request arrived (the attempt started).
    public var time: Date
    /// Request, webhook attempt, persona action or webhook probe.
    public var kind: JournalKind
    /// The face: `neutral`, `chatwoot` or `control`; for a webhook or probe, the face whose events it carries.
    public var face: JournalFace
    /// HTTP method (`POST` for webhook attempts).
    public var method: String
    /// The request path without the query; for a webhook or probe, the path of the receiver's URL.
    public var path: String
    /// The route template that answered (`/v1/conversations/:id/messages`); nil for an unknown route.
    public var route: String?
    /// The query string, if any.
    public var query: String?
    /// The HTTP status answered (for a webhook or probe: the receiver's status; nil when it did not answer).
    public var status: Int?
    /// Wall time from the request's arrival to its answer, in milliseconds.
    public var durationMs: Double
    /// Who called the Chatwoot face (`bot`, `agent`, `administrator`); nil on the other faces.
    public var caller: String?
    /// The conversation concerned, as a neutral id (`cnv_7`), whichever face was called.
    public var conversationId: String?
    /// What the request created, changed or found.
    public var changes: [JournalChange]
    /// The problem's `code` (or Chatwoot's error) when the request was refused.
    public var error: String?
    /// Selected members of the request: author, visibility, clientMessageId, teamId/teamName, externalId,
    /// userId, intent, text (cut at 200 characters), the `Idempotency-Key` header…
    public var request: [String: JSONValue]
    /// Selected members of the answer: id, state, seq, outcome, team…
    public var response: [String: JSONValue]
    /// The attempt, for a webhook or probe entry.
    public var webhook: JournalWebhookAttempt?
    /// One line for people: `POST /v1/conversations/cnv_1/messages → 201: message msg_4 (user, public, seq 2)`.
    public var summary: String

    /// Creates an entry; ``RequestJournal`` gives it its `seq` when it is appended.
    public init(
        seq: Int64 = 0, time: Date, kind: JournalKind, face: JournalFace, method: String, path: String, route: String? = nil,
        query: String? = nil, status: Int?, durationMs: Double, caller: String? = nil, conversationId: String? = nil,
        changes: [JournalChange] = [], error: String? = nil, request: [String: JSONValue] = [:],
        response: [String: JSONValue] = [:], webhook: JournalWebhookAttempt? = nil, summary: String
    ) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.face = face
        self.method = method
        self.path = path
        self.route = route
        self.query = query
        self.status = status
        self.durationMs = durationMs
        self.caller = caller
        self.conversationId = conversationId
        self.changes = changes
        self.error = error
        self.request = request
        self.response = response
        self.webhook = webhook
        self.summary = summary
    }
}
