import Foundation
import HandoffContract

/// What a connector did, read from the mock's journal and grouped by conversation: users it created
/// or looked up, conversations it opened, messages it mirrored, transfers, closes — and what the human
/// side did meanwhile (accept, resolve), and how the connector answered webhooks.
///
/// Both faces are read alike: on the Chatwoot face an `incoming` message is the user's, an `outgoing`
/// one from the bot's token is the bot's, `private` is internal, the bot's `assignments {team_id}` and
/// `toggle_status open` are the transfer, and the bot's `toggle_status resolved` is its close.
public struct HandoffTrace: Sendable {
    /// A message the connector mirrored (or tried to).
    public struct Post: Sendable {
        /// The journal entry.
        public var record: JournalRecord
        /// `user` or `bot`.
        public var author: MessageAuthor
        /// `public` or `internal`.
        public var visibility: Visibility
        /// The new message's id, when the post created one.
        public var createdId: String?
        /// True when the post was a retry answered with the stored message.
        public var deduplicated: Bool
        /// Its `clientMessageId` or `Idempotency-Key`, if any.
        public var key: String?
        /// Its text (cut at 200 characters by the journal).
        public var text: String?
        /// Its seq in the conversation, when created.
        public var seq: Int?
    }

    /// A transfer the connector asked for: the neutral `transfer`, or on Chatwoot a team assignment or
    /// the bot's `toggle_status open` (the two steps of a Chatwoot handoff).
    public struct Transfer: Sendable {
        /// What the request was.
        public enum Kind: Sendable {
            /// The neutral `POST …/transfer`.
            case transfer
            /// Chatwoot's `POST …/assignments {team_id}`.
            case teamAssignment
            /// Chatwoot's `POST …/toggle_status {status: open}` by the bot.
            case openStatus
        }
        /// The journal entry.
        public var record: JournalRecord
        /// What the request was.
        public var kind: Kind = .transfer
        /// The team as the request named it.
        public var reference: TeamReference?
        /// The team it went to, when it succeeded (or the unavailable team's id).
        public var teamId: String?
        /// `transferred`, `team_unavailable`, `unknown_team`, or the refusal's code.
        public var outcome: String
        /// True when the request succeeded.
        public var transferred: Bool { outcome == "transferred" }
    }

    /// One conversation and everything that happened to it.
    public struct ConversationTrace: Sendable {
        /// Neutral id.
        public var id: String
        /// Its user, from the opening request or its final state.
        public var userId: String?
        /// The request that opened it (nil when it was opened before the journal starts).
        public var opened: JournalRecord?
        /// True when that request created it (not an idempotent repeat).
        public var created: Bool
        /// Every later open request that answered with this conversation (an idempotent repeat, or a reused key).
        public var reopens: [JournalRecord] = []
        /// What the human side did to it (accept, reply, note, transfer, resolve), in journal order.
        public var humanActions: [JournalRecord] = []
        /// What the connector mirrored, in journal order.
        public var posts: [Post] = []
        /// Transfers asked for, in order.
        public var transfers: [Transfer] = []
        /// The connector's closes (2xx or not).
        public var closes: [JournalRecord] = []
        /// When the human side resolved it.
        public var resolved: JournalRecord?
        /// Its state now.
        public var final: Conversation?

        /// True when the connector opened it on the Chatwoot face.
        public var chatwoot: Bool { opened?.face == "chatwoot" || transfers.contains { $0.kind != .transfer } }

        /// The moment the conversation reached humans: the first neutral transfer that succeeded; on
        /// Chatwoot, once a team was assigned and the bot's `toggle_status open` succeeded (whichever came
        /// last), or an open without a team (agents of the whole inbox see it).
        public var handoff: Transfer? {
            let done = transfers.filter(\.transferred)
            if let neutral = done.first(where: { $0.kind == .transfer }) { return neutral }
            guard var open = done.first(where: { $0.kind == .openStatus }) else { return nil }
            if let team = done.first(where: { $0.kind == .teamAssignment }) {
                if team.record.seq > open.record.seq { return team }
                open.teamId = team.teamId
                open.reference = team.reference
            }
            return open
        }
        /// A Chatwoot team assignment that succeeded while the bot never opened the conversation: it stays
        /// `pending`, where agents do not look.
        public var assignedButPending: Transfer? {
            guard !transfers.contains(where: { $0.kind == .openStatus && $0.transferred }) else { return nil }
            return transfers.first { $0.kind == .teamAssignment && $0.transferred }
        }
        /// The first successful close.
        public var close: JournalRecord? { closes.first(where: \.succeeded) }
    }

    /// Conversations in the order they first appear.
    public var conversations: [ConversationTrace]
    /// Users the connector created or looked up, with the first entry that did.
    public var userSightings: [String: JournalRecord]
    /// Webhook delivery attempts.
    public var webhookAttempts: [JournalRecord]
    /// Forged deliveries the mock sent with `--probe-webhooks` (a wrong signature, a stale timestamp).
    public var probes: [JournalRecord]
    /// True when the connector read the event feed (`GET /v1/events`) instead of, or beside, webhooks.
    public var polledFeed: Bool
    /// Every entry read.
    public var records: [JournalRecord]

    /// Builds the trace from journal entries (oldest first).
    public init(records: [JournalRecord]) {
        self.records = records
        var order: [String] = []
        var byId: [String: ConversationTrace] = [:]
        var sightings: [String: JournalRecord] = [:]
        var hooks: [JournalRecord] = []
        var probes: [JournalRecord] = []
        var polled = false

        func trace(_ id: String) -> ConversationTrace {
            if let existing = byId[id] { return existing }
            order.append(id)
            return ConversationTrace(id: id, userId: nil, opened: nil, created: false)
        }

        for record in records {
            if record.kind == "webhook" {
                hooks.append(record)
                continue
            }
            if record.kind == "probe" {
                probes.append(record)
                continue
            }
            if record.method == "GET" && (record.route ?? record.path) == "/v1/events" { polled = true }
            let human = record.kind == "persona" || record.face == "control" || (record.face == "chatwoot" && record.caller == "agent")
            if !human {
                for id in Self.userIds(record) where sightings[id] == nil { sightings[id] = record }
            }
            guard let conversationId = record.conversationId else { continue }
            var current = trace(conversationId)
            let segments = (record.route ?? record.path).split(separator: "/")
            let last = segments.last.map(String.init) ?? ""
            if human {
                if record.succeeded && (last == "resolve" || (last == "toggle_status" && record.requested("status") == "resolved")) {
                    current.resolved = current.resolved ?? record
                }
                if record.succeeded && record.method != "GET" { current.humanActions.append(record) }
                byId[conversationId] = current
                continue
            }
            switch (record.method, last) {
            case ("POST", "conversations"):
                if current.opened == nil {
                    current.opened = record
                    current.created = record.ids("conversation", ["created"]).contains(conversationId)
                    current.userId = record.requested("userId")
                } else if record.succeeded {
                    current.reopens.append(record)
                }
            case ("POST", "messages"):
                if let post = Self.post(record) { current.posts.append(post) }
            case ("POST", "transfer"), ("POST", "assignments"):
                if let transfer = Self.transfer(record) { current.transfers.append(transfer) }
            case ("POST", "toggle_status"):
                if record.requested("status") == "open" {
                    current.transfers.append(
                        Transfer(
                            record: record, kind: .openStatus, reference: nil, teamId: nil,
                            outcome: record.succeeded ? "transferred" : Self.refusal(record)))
                } else if ["resolved", "closed"].contains(record.requested("status") ?? "") {
                    current.closes.append(record)
                }
            case ("POST", "close"):
                current.closes.append(record)
            default:
                break
            }
            byId[conversationId] = current
        }
        conversations = order.compactMap { byId[$0] }
        userSightings = sightings
        webhookAttempts = hooks
        self.probes = probes
        polledFeed = polled
    }

    /// The users an entry created or found: by its changes, or by a Chatwoot contact path.
    static func userIds(_ record: JournalRecord) -> [String] {
        guard record.succeeded else { return [] }
        var ids = record.ids("user")
        if record.face == "chatwoot", let route = record.route, route.hasSuffix("/contacts/{id}") || route.contains("/contacts/{id}/"),
            let number = record.path.split(separator: "/").drop(while: { $0 != "contacts" }).dropFirst().first.flatMap({ Int64($0) })
        {
            ids.append(EntityKind.user.id(number))
        }
        return ids
    }

    static func post(_ record: JournalRecord) -> Post? {
        let author: MessageAuthor
        var visibility: Visibility = .public
        if record.face == "chatwoot" {
            switch record.requested("message_type") {
            case "incoming": author = .user
            case "outgoing", nil: author = .bot
            default: return nil
            }
            if case .bool(true)? = record.request["private"] { visibility = .internal }
        } else {
            guard let named = record.requested("author").flatMap(MessageAuthor.init(rawValue:)) else { return nil }
            author = named
            visibility = record.requested("visibility").flatMap(Visibility.init(rawValue:)) ?? .public
        }
        let created = record.ids("message", ["created"]).first
        let found = !record.ids("message", ["found"]).isEmpty
        let seq: Int? = if case .number(let number)? = record.response["seq"] { Int(number) } else { nil }
        return Post(
            record: record, author: author, visibility: visibility, createdId: created, deduplicated: found,
            key: record.requested("clientMessageId") ?? record.requested("idempotencyKey") ?? record.requested("echo_id"),
            text: record.requested("text") ?? record.requested("content"), seq: seq)
    }

    static func transfer(_ record: JournalRecord) -> Transfer? {
        var reference: TeamReference?
        if let id = record.requested("teamId") {
            reference = .id(id)
        } else if let name = record.requested("teamName") {
            reference = .name(name)
        } else if case .number(let number)? = record.request["team_id"] {
            reference = .id(EntityKind.team.id(Int64(number)))
        } else if record.face == "chatwoot" {
            return nil  // an assignment of an agent only: not a transfer
        }
        let kind: Transfer.Kind = record.face == "chatwoot" ? .teamAssignment : .transfer
        var teamId: String?
        if case .object(let team)? = record.response["team"] { teamId = team["id"]?.stringValue }
        if record.face == "chatwoot", case .number(let number)? = record.response["id"], record.succeeded {
            teamId = EntityKind.team.id(Int64(number))
        }
        return Transfer(
            record: record, kind: kind, reference: reference, teamId: teamId,
            outcome: record.succeeded ? "transferred" : refusal(record))
    }

    /// A refused request's code, or its status.
    static func refusal(_ record: JournalRecord) -> String {
        record.error ?? "refused (\(record.status.map(String.init) ?? "no answer"))"
    }
}
