import Foundation
import HandoffClient
import HandoffContract
import HandoffRouting

/// What a consumer case looks at: the trace of the run, the workspace's teams, the routing rules if
/// given, and how fast a webhook must be acknowledged.
public struct ConsumerEvidence: Sendable {
    /// What the connector did.
    public var trace: HandoffTrace
    /// The workspace's teams now.
    public var teams: [Team]
    /// The routing rules the transfer must follow, if given.
    public var router: Router?
    /// Longest acceptable time to acknowledge a webhook.
    public var ackWithin: Duration
}

/// One check of a connector's own handoff flow, read from the journal after the run — the client's
/// side of the contract, where ``Catalogue`` checks the server's side.
public struct ConsumerCase: Sendable {
    /// Stable id, `CON-001`…
    public let id: String
    /// MUST, SHOULD or MAY.
    public let level: RequirementLevel
    /// The contract rule the connector must obey.
    public let rule: ContractRule
    /// The requirement in one line.
    public let requirement: String
    /// The check: throws ``CaseFailure`` with the evidence, or ``CaseSkip`` when the run shows nothing to judge.
    public let check: @Sendable (ConsumerEvidence) throws -> Void

    /// Creates a case.
    public init(
        _ id: String, _ level: RequirementLevel, rule: ContractRule, _ requirement: String,
        check: @escaping @Sendable (ConsumerEvidence) throws -> Void
    ) {
        self.id = id
        self.level = level
        self.rule = rule
        self.requirement = requirement
        self.check = check
    }

    /// The case as the reports know cases (its check runs through ``ConsumerVerifier``, not a ``CaseContext``).
    var reportCase: ConformanceCase {
        ConformanceCase(id, level, .consumer, rule: rule, requirement) { _ in
            throw CaseSkip(reason: "consumer cases run through handoff verify")
        }
    }
}

/// Fails with `message` and the journal entries that show it.
func fail(_ message: String, _ records: [JournalRecord]) -> CaseFailure {
    CaseFailure(message, exchanges: records.map(\.exchange))
}

extension JournalRecord {
    /// The entry shown as an exchange in reports: the request members it kept and its summary.
    var exchange: HTTPExchange {
        let requestText = request.isEmpty ? nil : (try? String(decoding: HTTPTransport.encoder.encode(request), as: UTF8.self))
        var responseText = "journal #\(seq), \(face) face: \(summary)"
        if !response.isEmpty, let data = try? HTTPTransport.encoder.encode(response) {
            responseText += "\n" + String(decoding: data, as: UTF8.self)
        }
        return HTTPExchange(method: method, path: path, requestBody: requestText, status: status, responseBody: responseText)
    }
}

/// The consumer cases, in report order.
public enum ConsumerCatalogue {
    /// Every case.
    public static let all: [ConsumerCase] = [
        userFirst, mirroredBeforeTransfer, noDuplicates, existingTeam, routedTeam, silentAfterTransfer, webhooksAcknowledged,
        closeEndsConversation, nextContactIsNew, retrySafeMessages,
    ]

    static let nothingOpened = CaseSkip(
        reason: "the journal holds no conversation opened by a connector — run its handoff against the mock first")

    static func opened(_ evidence: ConsumerEvidence) throws -> [HandoffTrace.ConversationTrace] {
        let opened = evidence.trace.conversations.filter { $0.opened != nil }
        if opened.isEmpty { throw nothingOpened }
        return opened
    }

    static func handedOff(_ evidence: ConsumerEvidence) throws -> [HandoffTrace.ConversationTrace] {
        let conversations = try opened(evidence).filter { !$0.transfers.isEmpty }
        if conversations.isEmpty { throw CaseSkip(reason: "no conversation was transferred during the run") }
        return conversations
    }

    static let userFirst = ConsumerCase(
        "CON-001", .must, rule: .idempotentUser, "The user was created or found before its conversation was opened"
    ) { evidence in
        for conversation in try opened(evidence) where conversation.created {
            guard let opened = conversation.opened, let userId = conversation.userId ?? conversation.final?.userId else { continue }
            guard let sighting = evidence.trace.userSightings[userId], sighting.seq < opened.seq else {
                throw fail(
                    "\(conversation.id) was opened for \(userId) at journal #\(opened.seq), but the connector never created or "
                        + "looked up \(userId) before (no POST /v1/users, GET /v1/users?externalId= or Chatwoot contact call "
                        + "answering it): a user must exist on the support side before its conversation", [opened])
            }
        }
    }

    static let mirroredBeforeTransfer = ConsumerCase(
        "CON-002", .must, rule: .historyVisible,
        "The transcript was mirrored before the transfer, one message at a time, in order"
    ) { evidence in
        for conversation in try handedOff(evidence) {
            guard let handoff = conversation.transfers.first else { continue }
            let before = conversation.posts.filter { $0.record.seq < handoff.record.seq && $0.createdId != nil }
            if before.isEmpty {
                throw fail(
                    "\(conversation.id) was transferred at journal #\(handoff.record.seq) with no message mirrored before it: "
                        + "the team gets an empty conversation instead of the history", [handoff.record])
            }
            let posts = conversation.posts.filter { $0.record.succeeded }
            for (earlier, later) in zip(posts, posts.dropFirst()) where later.record.time < earlier.record.end {
                throw fail(
                    "\(conversation.id): journal #\(later.record.seq) was sent before #\(earlier.record.seq) was answered — "
                        + "mirrored messages were posted concurrently, so their order on the support side is a race; "
                        + "post them one after the other", [earlier.record, later.record])
            }
            let seqs = posts.compactMap(\.seq)
            if seqs != seqs.sorted() {
                throw fail(
                    "\(conversation.id): the messages' seq went \(seqs) in the order the connector sent them",
                    posts.map(\.record))
            }
        }
    }

    static let noDuplicates = ConsumerCase(
        "CON-003", .must, rule: .idempotentRetry, "Mirrored messages were never duplicated, retries included"
    ) { evidence in
        for conversation in try opened(evidence) {
            let created = conversation.posts.filter { $0.createdId != nil }
            for (earlier, later) in zip(created, created.dropFirst())
            where earlier.author == later.author && earlier.visibility == later.visibility && earlier.text != nil
                && earlier.text == later.text
            {
                let hint =
                    later.key == nil
                    ? "a retry without clientMessageId (or Idempotency-Key) stored the message twice"
                    : "it was sent again under a new key (\(later.key!)), so the mock could not tell it was a retry"
                throw fail(
                    "\(conversation.id): \(later.createdId!) repeats \(earlier.createdId!) (\(later.author.rawValue): "
                        + "'\(later.text!)') — \(hint)", [earlier.record, later.record])
            }
        }
    }

    static let existingTeam = ConsumerCase(
        "CON-004", .must, rule: .unknownTeam, "The transfer named a team that exists"
    ) { evidence in
        for conversation in try handedOff(evidence) {
            for transfer in conversation.transfers where transfer.outcome == "unknown_team" || transfer.record.status == 404 {
                let names = evidence.teams.map { "\($0.name) (\($0.id))" }.joined(separator: ", ")
                throw fail(
                    "\(conversation.id): the transfer at journal #\(transfer.record.seq) named "
                        + "\(transfer.reference?.text ?? "no team"), which does not exist; the teams are \(names)",
                    [transfer.record])
            }
        }
    }

    static let routedTeam = ConsumerCase(
        "CON-005", .must, rule: .transferByReference,
        "The transfer went to the team the routing rules pick for the conversation's intent, attributes and slots"
    ) { evidence in
        guard let router = evidence.router else {
            throw CaseSkip(reason: "no routing rules given (handoff verify --rules FILE)")
        }
        for conversation in try handedOff(evidence) {
            guard let transfer = conversation.transfers.first, let context = conversation.final?.context else { continue }
            let team = resolve(transfer, evidence.teams)
            let decision = router.decide(context: context)
            let named = team.map { "\($0.name) (\($0.id))" } ?? transfer.reference?.text ?? "an unknown team"
            func matches(_ routing: RoutingTeam) -> Bool {
                guard let team else { return false }
                return router.rules.teamNames(for: team).contains(routing.name)
            }
            switch decision.outcome {
            case .team(let routing):
                if !matches(routing) {
                    throw fail(
                        "\(conversation.id): the rules pick '\(routing.name)' (\(routing.supportTeamDescription)) — "
                            + "\(decision.summary) — but the connector transferred to \(named) (journal #\(transfer.record.seq))",
                        [conversation.opened, transfer.record].compactMap { $0 })
                }
            case .ask(let prompt):
                let offered = prompt.options.map(\.team) + (router.askSession().giveUpTeam.map { [$0] } ?? [])
                if !offered.contains(where: matches) {
                    throw fail(
                        "\(conversation.id): the rules ask the user to pick (\(decision.summary)); the choices are "
                            + prompt.options.map { "'\($0.label)'" }.joined(separator: ", ")
                            + ", but the connector transferred to \(named), which none of them leads to",
                        [transfer.record])
                }
            case .bot:
                throw fail(
                    "\(conversation.id): the rules keep this conversation with the bot (\(decision.summary)), "
                        + "but the connector transferred it to \(named)", [transfer.record])
            }
        }
    }

    /// The support-side team a transfer went to (or named).
    static func resolve(_ transfer: HandoffTrace.Transfer, _ teams: [Team]) -> Team? {
        if let id = transfer.teamId, let team = teams.first(where: { $0.id == id }) { return team }
        switch transfer.reference {
        case .id(let id)?: return teams.first { $0.id == id }
        case .name(let name)?: return teams.first { $0.name.lowercased() == name.lowercased() }
        case nil: return nil
        }
    }

    static let silentAfterTransfer = ConsumerCase(
        "CON-006", .must, rule: .botSilenced, "No public bot message after the transfer (a refused attempt counts)"
    ) { evidence in
        for conversation in try handedOff(evidence) {
            guard let handoff = conversation.handoff else { continue }
            let spoken = conversation.posts.filter {
                $0.record.seq > handoff.record.seq && $0.author == .bot && $0.visibility == .public
            }
            if let first = spoken.first {
                let refused = first.record.succeeded ? "and the mock stored it" : "refused with \(first.record.error ?? "an error")"
                throw fail(
                    "\(conversation.id): the bot wrote '\(first.text ?? "…")' in public at journal #\(first.record.seq), after "
                        + "the transfer at #\(handoff.record.seq) (\(refused)); once humans have the conversation the bot "
                        + "must stay silent — an internal note is allowed", [handoff.record] + spoken.map(\.record))
            }
        }
    }

    static let webhooksAcknowledged = ConsumerCase(
        "CON-007", .must, rule: .webhookDelivery, "The connector acknowledged every webhook with a 2xx in time"
    ) { evidence in
        let attempts = evidence.trace.webhookAttempts
        if attempts.isEmpty {
            throw CaseSkip(reason: "no webhook delivery in the journal (the connector polls the feed, or subscribed no webhook)")
        }
        let limit =
            Double(evidence.ackWithin.components.seconds) * 1000
            + Double(evidence.ackWithin.components.attoseconds) / 1e15
        let bad = attempts.filter { !$0.succeeded || $0.durationMs > limit }
        if let first = bad.first, let hook = first.webhook {
            let what =
                first.status.map { "answered HTTP \($0) after \(Int(first.durationMs)) ms" }
                ?? "did not answer (\(hook.error ?? first.error ?? "no response"))"
            let count = bad.count == 1 ? "" : " (\(bad.count) of \(attempts.count) attempts were not acknowledged in time)"
            throw fail(
                "\(hook.event) delivery \(hook.deliveryId) attempt \(hook.attempt) to \(hook.url) \(what); acknowledge "
                    + "with a 2xx within \(Int(limit)) ms and do the work after answering\(count)", Array(bad.prefix(3)))
        }
    }

    static let closeEndsConversation = ConsumerCase(
        "CON-008", .must, rule: .closeSession,
        "When the bot ended the session, its close ended the conversation on the support side"
    ) { evidence in
        let conversations = try opened(evidence)
        var judged = 0
        for conversation in conversations {
            let next = nextContact(after: conversation, in: conversations)
            guard conversation.resolved != nil || next != nil || conversation.close != nil else { continue }
            judged += 1
            let state = conversation.final?.state.rawValue ?? "unknown"
            // On the Chatwoot face the bot's close is `toggle_status resolved`: resolved is the end there.
            let chatwoot = conversation.opened?.face == "chatwoot"
            let ended: Set<ConversationState> = chatwoot ? [.closed, .resolved] : [.closed]
            if let close = conversation.close {
                if !ended.contains(conversation.final?.state ?? .bot) {
                    throw fail(
                        "\(conversation.id) was closed at journal #\(close.seq) but is '\(state)' on the support side",
                        [close])
                }
                if let next, let opened = next.opened, opened.seq < close.seq {
                    throw fail(
                        "\(conversation.id) was closed only at journal #\(close.seq), after the user's next contact opened "
                            + "\(next.id) at #\(opened.seq): close the old session before starting a new one",
                        [opened, close])
                }
                continue
            }
            if chatwoot && conversation.final?.state == .resolved { continue }  // the agent ended it on Chatwoot's side
            var why: [String] = []
            if let resolved = conversation.resolved { why.append("the agent resolved it at journal #\(resolved.seq)") }
            if let next, let opened = next.opened {
                why.append("the user's next contact opened \(next.id) at #\(opened.seq)")
            }
            let attempted = conversation.closes.first.map { " (its close at #\($0.seq) was refused: \($0.error ?? "error"))" } ?? ""
            let missing =
                chatwoot
                ? "no POST …/conversations/\(conversation.final?.number ?? 0)/toggle_status {\"status\":\"resolved\"} from the bot"
                : "no POST /v1/conversations/\(conversation.id)/close"
            throw fail(
                "\(conversation.id): the bot ended the session (\(why.joined(separator: ", and "))) but never closed the "
                    + "conversation on the support side\(attempted): \(missing), and it is still '\(state)' there. "
                    + "The session ended only on the bot's side (OpenCUI's close bug).",
                [conversation.resolved, next?.opened].compactMap { $0 })
        }
        if judged == 0 { throw CaseSkip(reason: "no session ended during the run (nothing was resolved or closed)") }
    }

    /// The first conversation of the same user opened after this one.
    static func nextContact(
        after conversation: HandoffTrace.ConversationTrace, in all: [HandoffTrace.ConversationTrace]
    ) -> HandoffTrace.ConversationTrace? {
        guard let userId = conversation.userId ?? conversation.final?.userId, let opened = conversation.opened else { return nil }
        return all.first { other in
            other.id != conversation.id && (other.userId ?? other.final?.userId) == userId
                && (other.opened?.seq ?? 0) > opened.seq
        }
    }

    static let nextContactIsNew = ConsumerCase(
        "CON-009", .must, rule: .nextContact, "The user's next contact opened a new conversation, with the bot in charge"
    ) { evidence in
        let conversations = try opened(evidence)
        var judged = 0
        for conversation in conversations {
            guard let end = conversation.close ?? conversation.resolved else { continue }
            let late = conversation.posts.filter { $0.record.seq > end.seq && $0.author == .user }
            if let first = late.first {
                throw fail(
                    "\(conversation.id) ended at journal #\(end.seq), but the connector kept mirroring the user's messages "
                        + "into it (#\(first.record.seq) → \(first.record.status.map(String.init) ?? "no answer")"
                        + "\(first.record.error.map { " \($0)" } ?? "")): the next contact must open a new conversation",
                    [end, first.record])
            }
            guard let next = nextContact(after: conversation, in: conversations), let opened = next.opened else { continue }
            judged += 1
            if !next.created {
                throw fail(
                    "the user's next contact got \(next.id) back from an earlier open (journal #\(opened.seq) answered "
                        + "\(opened.status.map(String.init) ?? "-")): use a new Idempotency-Key per contact", [opened])
            }
            if let state = opened.answered("state") ?? opened.answered("status"), state != "bot", state != "pending" {
                throw fail(
                    "the user's next contact opened \(next.id) in state '\(state)'; it must start with the bot", [opened])
            }
        }
        if judged == 0 { throw CaseSkip(reason: "the run has no next contact (the user did not come back after the session ended)") }
    }

    static let retrySafeMessages = ConsumerCase(
        "CON-010", .should, rule: .idempotentRetry,
        "Mirrored messages carry a clientMessageId or an Idempotency-Key, so a retry cannot duplicate them"
    ) { evidence in
        for conversation in try opened(evidence) {
            let bare = conversation.posts.filter { $0.key == nil }
            if let first = bare.first {
                throw fail(
                    "\(conversation.id): \(bare.count) of \(conversation.posts.count) mirrored messages had no "
                        + "clientMessageId or Idempotency-Key (first: journal #\(first.record.seq)); a retry of such a "
                        + "message after a lost answer stores it twice", [first.record])
            }
        }
    }
}
