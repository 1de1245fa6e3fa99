import Foundation
import HandoffClient
import HandoffContract
import HandoffRouting

/// DRV-004, DRV-005, DRV-007: two users at once, a returning user, a user who leaves while queued.
extension DriveScenarios {
    /// DRV-004: two users hand off at the same time; each receives only their own agent's reply, and each
    /// support conversation holds only its own user's words.
    func twoUsersAtOnce() async throws {
        let (first, second) = (Self.freshSender("bea"), Self.freshSender("cal"))
        for sentence in [Say.hi, Say.billing, Say.human] {
            async let one = channel.say(sentence, as: first)
            async let two = channel.say(sentence, as: second)
            _ = try await (one, two)
        }
        async let firstHandoff = awaitHandoff(first)
        async let secondHandoff = awaitHandoff(second)
        let ((_, one), (_, two)) = try await (firstHandoff, secondHandoff)
        let users = [
            (first, one.id, "Hello \(first), your refund is on its way (ref \(Self.tag()))"),
            (second, two.id, "Hello \(second), your refund is on its way (ref \(Self.tag()))"),
        ]
        for (_, id, _) in users { _ = try await support.desk.accept(id, agentId: nil) }
        async let replyOne = support.desk.reply(users[0].1, text: users[0].2)
        async let replyTwo = support.desk.reply(users[1].1, text: users[1].2)
        _ = try await (replyOne, replyTwo)

        func has(_ list: [ReceivedMessage], _ text: String) -> Bool { list.contains { TranscriptCheck.normal($0.text) == text } }
        var lists: [[ReceivedMessage]] = [[], []]
        _ = try await poll(timeout) { () async throws -> Bool? in
            lists = [try await channel.received(first), try await channel.received(second)]
            return has(lists[0], users[0].2) && has(lists[1], users[1].2) ? true : nil
        }
        try await Task.sleep(for: settle)
        lists = [try await channel.received(first), try await channel.received(second)]
        // A crossing first: when one user got both replies, the other missing theirs is its consequence.
        for (index, (sender, _, _)) in users.enumerated() {
            let (other, otherId, otherReply) = users[1 - index]
            if has(lists[index], otherReply) {
                throw CaseFailure(
                    "the agent's reply to '\(other)' ('\(otherReply)', in \(otherId)) reached '\(sender)': one user "
                        + "received another user's message",
                    exchanges: evidence(sender, [("GET", "/users/\(sender)/received")]) + store.callbacks(mentioning: otherReply))
            }
        }
        for (index, (sender, id, reply)) in users.enumerated() where !has(lists[index], reply) {
            throw CaseFailure(
                "with two users at once, the agent's reply to '\(sender)' ('\(reply)', in \(id)) never reached them "
                    + "within \(timeout); \(Self.describe(lists[index]))",
                exchanges: evidence(sender, [("POST", "/mock/v1/conversations/\(id)/reply"), ("GET", "/users/\(sender)/received")]))
        }

        let words = users.map { user in "This is \(user.0), my order is \(Self.tag())" }
        async let sayOne = channel.say(words[0], as: first)
        async let sayTwo = channel.say(words[1], as: second)
        _ = try await (sayOne, sayTwo)
        var transcripts: [[Message]] = [[], []]
        func holds(_ messages: [Message], _ text: String) -> Bool {
            messages.contains { $0.author == .user && TranscriptCheck.normal($0.text) == text }
        }
        _ = try await poll(timeout) { () async throws -> Bool? in
            transcripts = [try await support.messages(one.id), try await support.messages(two.id)]
            return holds(transcripts[0], words[0]) && holds(transcripts[1], words[1]) ? true : nil
        }
        try await Task.sleep(for: settle)
        transcripts = [try await support.messages(one.id), try await support.messages(two.id)]
        for index in 0..<2 {
            let (sender, id, other, otherId) = (users[index].0, users[index].1, users[1 - index].0, users[1 - index].1)
            let proof = [log.last("GET", "/v1/conversations/\(id)/messages")].compactMap { $0 } + evidence(other)
            if let stray = transcripts[index].first(where: { $0.text.contains(words[1 - index]) }) {
                throw CaseFailure(
                    "'\(other)' said '\(words[1 - index])', and it landed in \(id), the conversation of '\(sender)' "
                        + "(\(stray.shown)): one user's words reached another user's agent", exchanges: proof)
            }
            if !holds(transcripts[index], words[index]) {
                throw CaseFailure(
                    "with two users at once, '\(sender)' said '\(words[index])', but within \(timeout) it never reached their "
                        + "conversation \(id) (\(otherId) is the other user's)", exchanges: proof + evidence(sender))
            }
            for sentence in [Say.hi, Say.billing, Say.human] {
                let counts = transcripts.map { $0.filter { $0.author == .user && TranscriptCheck.normal($0.text) == sentence }.count }
                if counts[index] == 0 && counts[1 - index] >= 2 {
                    throw CaseFailure(
                        "both users said '\(sentence)', but \(id) ('\(sender)') does not hold it and \(otherId) "
                            + "('\(other)') holds it \(counts[1 - index]) times: one user's words landed in the other's "
                            + "conversation",
                        exchanges: proof)
                }
            }
        }
    }

    /// DRV-005: after a handoff ends, the same sender asks for a human again: the same support-side user, a
    /// new conversation that started with the bot, now with a team.
    func returningUser(_ journey: inout Journey?) async throws {
        let first: Journey
        if let current = journey, current.resolved {
            first = current
        } else {
            var fresh = try await continuing(&journey)
            _ = try await support.desk.resolve(fresh.conversationId)
            fresh.resolved = true
            journey = fresh
            first = fresh
            _ = try await poll(timeout) { () async throws -> Bool? in
                try await support.conversation(fresh.conversationId).state == .closed ? true : nil
            }
        }
        let sender = first.sender
        _ = try await channel.say(Say.billing, as: sender)
        _ = try await channel.say(Say.human, as: sender)
        let (user, conversation): (User, Conversation)
        do {
            (user, conversation) = try await awaitHandoff(sender, excluding: [first.conversationId])
        } catch let failure as CaseFailure {
            try await secondUser(of: first)
            let earlier = try await support.conversation(first.conversationId)
            if earlier.handedOff {
                throw CaseFailure(
                    "the returning user '\(sender)' asked for a human again, and the connector handed the ended "
                        + "conversation \(earlier.id) to a team again (now '\(earlier.state.rawValue)') instead of opening a "
                        + "new one", exchanges: failure.exchanges)
            }
            throw CaseFailure("the returning user got no new handoff: \(failure.message)", exchanges: failure.exchanges)
        }
        guard user.id == first.userId else {
            throw CaseFailure(
                "the returning user '\(sender)' is \(user.id) on the support side now, but was \(first.userId): one "
                    + "externalId must keep one user", exchanges: evidence(sender, [("GET", "/v1/users")]))
        }
        try await secondUser(of: first)
        guard let opening = try await support.openingState(conversation.id) else {
            throw CaseFailure(
                "the journal holds no request that opened \(conversation.id), the returning user's new conversation, so "
                    + "its first state cannot be read (was the journal cleared or full?)",
                exchanges: [log.last("GET", "/mock/v1/journal")].compactMap { $0 })
        }
        guard opening.state == ConversationState.bot.rawValue else {
            throw CaseFailure(
                "\(conversation.id), the returning user's new conversation, was opened in state "
                    + "'\(opening.state ?? "unknown")' (journal #\(opening.record.seq)), not 'bot': the next contact must "
                    + "start with the bot", exchanges: [opening.record.exchange])
        }
    }

    /// Fails when a second support-side user carries the journey's sender as the start of its `externalId`.
    private func secondUser(of first: Journey) async throws {
        let others = try await support.users(externalIdPrefix: first.sender).filter { $0.id != first.userId }
        if let other = others.first {
            throw CaseFailure(
                "the returning user '\(first.sender)' got a second support-side user \(other.id) (externalId "
                    + "'\(other.externalId)') besides \(first.userId): the connector must find the user by externalId "
                    + "and reuse it", exchanges: evidence(first.sender, [("GET", "/v1/users")]))
        }
    }

    /// DRV-007: a user handed off and still queued leaves the chat; the conversation is closed on the support side.
    func userLeavesWhileQueued() async throws {
        guard channel.canLeave else { throw CaseNotApplicable(reason: "Rasa's channel has no 'user leaves' message") }
        let handoff = try await handOff(Self.freshSender("eve"))
        let (sender, id) = (handoff.sender, handoff.conversation.id)
        try await channel.leave(sender)
        var state = handoff.conversation.state
        let closed = try await poll(timeout) { () async throws -> Bool? in
            state = try await support.conversation(id).state
            return state == .closed ? true : nil
        }
        guard closed != nil else {
            throw CaseFailure(
                "the user '\(sender)' left while \(id) was queued, but within \(timeout) it was still "
                    + "'\(state.rawValue)' on the support side: the connector must close the conversation "
                    + "(POST /v1/conversations/\(id)/close) when the user leaves, or a team works a chat nobody is in",
                exchanges: evidence(sender, [("GET", "/v1/conversations/\(id)")]))
        }
    }
}
