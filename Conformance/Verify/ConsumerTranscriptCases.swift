import HandoffContract

/// The cases about what the connector mirrored: the user first, the transcript, duplicates, retry keys.
extension ConsumerCatalogue {
    static let userFirst = ConsumerCase(
        "CON-001", .must, rule: .idempotentUser, "The user was created or found before its conversation was opened"
    ) { evidence in
        var judged = 0
        for conversation in try opened(evidence) where conversation.created {
            guard let opened = conversation.opened, let userId = conversation.userId ?? conversation.final?.userId else { continue }
            judged += 1
            guard let sighting = evidence.trace.userSightings[userId], sighting.seq < opened.seq else {
                throw fail(
                    "\(conversation.id) was opened for \(userId) at journal #\(opened.seq), but the connector never created or "
                        + "looked up \(userId) before (no POST /v1/users, GET /v1/users?externalId= or Chatwoot contact call "
                        + "answering it): a user must exist on the support side before its conversation", [opened])
            }
        }
        if judged == 0 { throw CaseSkip(reason: "no conversation was created during the run (only repeats of earlier opens)") }
    }

    /// Labels that start the lines of a transcript pasted into one message (`User: Hi`).
    static let speakerLabels: Set<String> = [
        "user", "bot", "customer", "assistant", "agent", "visitor", "client", "human", "me", "system", "contact",
    ]

    /// True when a message's text is several turns pasted together (two or more lines that start with a speaker label).
    static func isPastedTranscript(_ text: String) -> Bool {
        let labelled = text.split(whereSeparator: \.isNewline).filter { line in
            guard let colon = line.firstIndex(of: ":") else { return false }
            let label = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            return speakerLabels.contains(label)
        }
        return labelled.count >= 2
    }

    static let mirroredBeforeTransfer = ConsumerCase(
        "CON-002", .must, rule: .historyVisible,
        "The transcript was mirrored before the transfer, one message at a time, in order, with the user's own words"
    ) { evidence in
        for conversation in try transferred(evidence) {
            guard let first = conversation.transfers.first else { continue }
            let before = conversation.posts.filter { $0.record.seq < first.record.seq && $0.createdId != nil }
            if before.isEmpty {
                throw fail(
                    "\(conversation.id) was handed over at journal #\(first.record.seq) with no message mirrored before it: "
                        + "the team gets an empty conversation instead of the history", [first.record])
            }
            if let pasted = before.first(where: { isPastedTranscript($0.text ?? "") }) {
                throw fail(
                    "\(conversation.id): journal #\(pasted.record.seq) pasted the whole transcript into one \(pasted.author.rawValue) "
                        + "message ('\(pasted.text ?? "")'); mirror each turn as its own message with its author, so the "
                        + "agent sees who said what", [pasted.record])
            }
            if !before.contains(where: { $0.author == .user && $0.visibility == .public }) {
                throw fail(
                    "\(conversation.id): none of the \(before.count) messages mirrored before the handoff at journal "
                        + "#\(first.record.seq) is the user's (every one was posted as the bot's"
                        + "\(conversation.chatwoot ? ": on Chatwoot the user's turns are message_type incoming" : "")); "
                        + "the agent cannot read what the user asked", before.map(\.record))
            }
            let created = conversation.posts.filter { $0.record.succeeded && $0.createdId != nil }
            for (earlier, later) in zip(created, created.dropFirst())
            where later.record.time < earlier.record.end && (later.key == nil || later.key != earlier.key) {
                throw fail(
                    "\(conversation.id): journal #\(later.record.seq) was sent before #\(earlier.record.seq) was answered — "
                        + "mirrored messages were posted concurrently, so their order on the support side is a race; "
                        + "post them one after the other", [earlier.record, later.record])
            }
            let seqs = created.compactMap(\.seq)
            if seqs != seqs.sorted() {
                throw fail(
                    "\(conversation.id): the messages' seq went \(seqs) in the order the connector sent them",
                    created.map(\.record))
            }
        }
    }

    static let noDuplicates = ConsumerCase(
        "CON-003", .must, rule: .idempotentRetry, "Mirrored messages were never duplicated, retries included"
    ) { evidence in
        var judged = 0
        for conversation in try opened(evidence) {
            let created = conversation.posts.filter { $0.createdId != nil }
            if created.isEmpty { continue }
            judged += 1
            for (index, later) in created.enumerated() {
                guard let text = later.text, !text.isEmpty else { continue }
                for earlier in created[..<index].reversed()
                where earlier.author == later.author && earlier.visibility == later.visibility && earlier.text == text {
                    // A repeat is a duplicate when nothing could tell it from a retry: it had no key, the same key
                    // (a face that does not deduplicate), or a new key right after the original.
                    let between = created[created.firstIndex { $0.record.seq == earlier.record.seq }! + 1..<index]
                    // Under a new key, only a repeat with nothing in between reads as a retry (a user may say "yes" twice).
                    guard later.key == nil || later.key == earlier.key || between.isEmpty else { continue }
                    let hint: String
                    if later.key == nil {
                        hint =
                            between.isEmpty
                            ? "a retry without clientMessageId (or Idempotency-Key) stored the message twice"
                            : "it was sent again \(between.count) message(s) later without a key, so the mock stored it twice"
                    } else if later.key == earlier.key {
                        hint = "it was sent twice with the same key (\(later.key!)), and this face stores every post"
                    } else {
                        hint = "it was sent again under a new key (\(later.key!)), so the mock could not tell it was a retry"
                    }
                    throw fail(
                        "\(conversation.id): \(later.createdId!) repeats \(earlier.createdId!) (\(later.author.rawValue): "
                            + "'\(text)') — \(hint)", [earlier.record, later.record])
                }
            }
        }
        if judged == 0 { throw CaseSkip(reason: "no message was mirrored during the run") }
    }

    static let retrySafeMessages = ConsumerCase(
        "CON-010", .should, rule: .idempotentRetry,
        "Mirrored messages carry a clientMessageId or an Idempotency-Key, so a retry cannot duplicate them"
    ) { evidence in
        let conversations = try opened(evidence)
        let neutral = conversations.filter { !$0.chatwoot }
        if neutral.isEmpty {
            throw CaseNotApplicable(
                reason: "Chatwoot's API has no idempotency key for messages (echo_id is only echoed back): a Chatwoot "
                    + "connector makes retries safe by reading the conversation's messages before it posts again (CON-003 "
                    + "judges the result)")
        }
        var judged = 0
        for conversation in neutral where !conversation.posts.isEmpty {
            judged += 1
            let bare = conversation.posts.filter { $0.key == nil }
            if let first = bare.first {
                throw fail(
                    "\(conversation.id): \(bare.count) of \(conversation.posts.count) mirrored messages had no "
                        + "clientMessageId or Idempotency-Key (first: journal #\(first.record.seq)); a retry of such a "
                        + "message after a lost answer stores it twice", [first.record])
            }
        }
        if judged == 0 { throw CaseSkip(reason: "no message was mirrored during the run") }
    }
}
