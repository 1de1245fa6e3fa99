import HandoffContract

/// The cases about the session around the handoff: webhooks, the close, the next contact, forged deliveries.
extension ConsumerCatalogue {
    static let webhooksAcknowledged = ConsumerCase(
        "CON-007", .must, rule: .webhookDelivery, "The connector acknowledged every webhook with a 2xx in time"
    ) { evidence in
        let attempts = evidence.trace.webhookAttempts
        if attempts.isEmpty {
            if evidence.trace.polledFeed {
                throw CaseNotApplicable(reason: "the connector reads the event feed (GET /v1/events) and subscribed no webhook")
            }
            throw CaseSkip(
                reason: "no webhook delivery reached the connector and it never read the event feed: subscribe a webhook "
                    + "(POST /v1/webhooks, or a Chatwoot webhook) and let an agent act during the run")
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
        "When the bot ended the session, its close ended the conversation on the support side — and never before an agent acted"
    ) { evidence in
        let conversations = try opened(evidence)
        var judged = 0
        for conversation in conversations {
            let next = nextContact(after: conversation, in: conversations)
            guard conversation.resolved != nil || next != nil || conversation.close != nil else { continue }
            judged += 1
            let state = conversation.final?.state.rawValue ?? "unknown"
            // On the Chatwoot face the bot's close is `toggle_status resolved`: resolved is the end there.
            let chatwoot = conversation.chatwoot
            let ended: Set<ConversationState> = chatwoot ? [.closed, .resolved] : [.closed]
            if let close = conversation.close {
                if !ended.contains(conversation.final?.state ?? .bot) {
                    throw fail(
                        "\(conversation.id) was closed at journal #\(close.seq) but is '\(state)' on the support side",
                        [close])
                }
                if let handoff = conversation.handoff, handoff.record.seq < close.seq,
                    !conversation.humanActions.contains(where: { $0.seq < close.seq })
                {
                    let externalId = externalId(of: conversation, evidence)
                    if externalId.map({ !evidence.leftUsers.contains($0) }) ?? true {
                        throw fail(
                            "\(conversation.id) was closed at journal #\(close.seq), right after the handoff at "
                                + "#\(handoff.record.seq) and before any agent accepted, replied or resolved it: the team "
                                + "never had a chance (close a handed-off conversation when the agent resolves it, or when "
                                + "the user leaves — verify sees a user leave only with --drive)", [handoff.record, close])
                    }
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
        if judged == 0 {
            throw CaseSkip(reason: "no session ended during the run (nothing was resolved or closed, and no user came back)")
        }
    }

    static let nextContactIsNew = ConsumerCase(
        "CON-009", .must, rule: .nextContact, "The user's next contact opened a new conversation, with the bot in charge"
    ) { evidence in
        let conversations = try opened(evidence)
        var judged = 0
        for conversation in conversations {
            guard let end = conversation.close ?? conversation.resolved else { continue }
            if let reopen = conversation.reopens.first(where: { $0.seq > end.seq }) {
                throw fail(
                    "the user's next contact got \(conversation.id) back (journal #\(reopen.seq)), the conversation that ended "
                        + "at #\(end.seq): the open reused an earlier Idempotency-Key; use a new key per contact",
                    [end, reopen])
            }
            // A retry under a key posted before the end (a late original, or its retry) is not new mirroring.
            let keysBefore = Set(conversation.posts.filter { $0.record.seq < end.seq }.compactMap(\.key))
            let late = conversation.posts.filter {
                $0.record.seq > end.seq && $0.author == .user && !$0.deduplicated && !($0.key.map(keysBefore.contains) ?? false)
            }
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
        if judged == 0 {
            throw CaseSkip(
                reason: "the run has no next contact: after a session ended, the same user never came back (let the user "
                    + "return once in the run)")
        }
    }

    static let forgedWebhooksRefused = ConsumerCase(
        "CON-012", .must, rule: .webhookDelivery,
        "The connector refused forged and stale webhook deliveries and did not act on them"
    ) { evidence in
        let probes = evidence.trace.probes
        if probes.isEmpty {
            if evidence.trace.webhookAttempts.isEmpty && evidence.trace.polledFeed {
                throw CaseNotApplicable(reason: "the connector reads the event feed and has no webhook receiver to forge deliveries to")
            }
            throw CaseSkip(
                reason: "the mock sent no forged delivery: start it with handoff mock --probe-webhooks (and subscribe a webhook)")
        }
        for probe in probes where probe.succeeded {
            let kind = probe.webhook?.probe ?? "forged"
            let what =
                kind == "stale-timestamp"
                ? "a delivery signed correctly but timestamped 10 minutes ago (a replay): check X-Handoff-Timestamp is recent"
                : "a delivery with a wrong signature: check the HMAC before anything else"
            throw fail(
                "the receiver at \(probe.webhook?.url ?? probe.path) answered HTTP \(probe.status ?? 0) to \(what) "
                    + "(journal #\(probe.seq)); answer 401 and drop it", [probe])
        }
        for probe in probes {
            guard let id = probe.conversationId, let conversation = evidence.trace.conversations.first(where: { $0.id == id }) else {
                continue
            }
            let realEnd = conversation.resolved?.seq ?? Int.max
            // By time, not seq: a receiver that closes inside its handler closes before its answer is journaled.
            if let close = conversation.closes.first(where: { $0.time >= probe.time && $0.seq < realEnd }) {
                throw fail(
                    "\(id): the connector closed the conversation at journal #\(close.seq) after the forged "
                        + "'\(probe.webhook?.event ?? "conversation.resolved")' probe at #\(probe.seq), before any agent "
                        + "resolved it: it acted on a delivery it should have refused", [probe, close])
            }
        }
    }
}
