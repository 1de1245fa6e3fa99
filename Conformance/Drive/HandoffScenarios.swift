import Foundation
import HandoffClient
import HandoffContract
import HandoffRouting

/// DRV-001…003: one user asks for a human, talks with the agent, and gets the bot back.
extension DriveScenarios {
    /// DRV-001: the conversation reaches a team (the rules' team with rules), and the support side holds the
    /// transcript in the order the user lived it.
    func userAsksForHuman(_ journey: inout Journey?) async throws {
        let handoff = try await handOff(Self.freshSender("ada"))
        journey = Journey(sender: handoff.sender, userId: handoff.user.id, conversationId: handoff.conversation.id)
        try await checkRoutedTeam(handoff.conversation)
        var problem: String?
        let ordered = try await poll(timeout) { () async throws -> Bool? in
            problem = TranscriptCheck.problem(lived: handoff.turns, support: try await support.messages(handoff.conversation.id))
            return problem == nil ? true : nil
        }
        if ordered == nil, let problem {
            throw CaseFailure(
                "\(handoff.conversation.id) (user '\(handoff.sender)'): \(problem)",
                exchanges: evidence(
                    handoff.sender,
                    [("GET", "/users/\(handoff.sender)/received"), ("GET", "/v1/conversations/\(handoff.conversation.id)/messages")]))
        }
    }

    /// With rules: the conversation's team is the one the rules pick for its context (or one the ask offers).
    func checkRoutedTeam(_ conversation: Conversation) async throws {
        guard let router else { return }
        let teams = try await support.teams()
        let evidence = [log.last("GET", "/v1/conversations"), log.last("GET", "/v1/teams")].compactMap { $0 }
        guard let team = teams.first(where: { $0.id == conversation.teamId }) else {
            throw CaseFailure(
                "\(conversation.id) is with team \(conversation.teamId ?? "nil"), which GET /v1/teams does not list",
                exchanges: evidence)
        }
        let decision = router.decide(context: conversation.context)
        func leadsTo(_ routing: RoutingTeam) -> Bool { router.rules.teamNames(for: team).contains(routing.name) }
        let went = "\(conversation.id) went to '\(team.name)' (\(team.id))"
        switch decision.outcome {
        case .team(let routing):
            guard leadsTo(routing) else {
                throw CaseFailure(
                    "\(went), but the rules pick '\(routing.name)' (\(routing.supportTeamDescription)) for its context: "
                        + decision.summary, exchanges: evidence)
            }
        case .ask(let prompt):
            let offered = prompt.options.map(\.team) + (router.askSession().giveUpTeam.map { [$0] } ?? [])
            guard offered.contains(where: leadsTo) else {
                throw CaseFailure(
                    "\(went), but the rules ask the user to pick (\(decision.summary)) and none of the choices leads there",
                    exchanges: evidence)
            }
        case .bot:
            throw CaseFailure(
                "\(went), but the rules keep a conversation with this context with the bot: \(decision.summary)", exchanges: evidence)
        }
    }

    /// DRV-002: the agent's reply reaches the user; what the user says meanwhile reaches the support side, and
    /// the bot stays silent on both sides.
    func agentAndUserTalk(_ journey: inout Journey?) async throws {
        let current = try await continuing(&journey)
        let (sender, id) = (current.sender, current.conversationId)
        _ = try await support.desk.accept(id, agentId: nil)
        let reply = "Hello, this is Bea from Billing (ref \(Self.tag())). I can see the double charge."
        let replied = try await support.desk.reply(id, text: reply)
        let replyEvidence = evidence(sender, [("POST", "/mock/v1/conversations/\(id)/reply"), ("GET", "/users/\(sender)/received")])
        var received: [ReceivedMessage] = []
        let got = try await poll(timeout) { () async throws -> ReceivedMessage? in
            received = try await channel.received(sender)
            return received.first { TranscriptCheck.normal($0.text) == reply }
        }
        guard let got else {
            throw CaseFailure(
                "the agent replied '\(reply)' (\(replied.id) in \(id)), but within \(timeout) it never reached the user "
                    + "'\(sender)'; \(Self.describe(received))", exchanges: replyEvidence)
        }
        guard got.fromAgent else {
            throw CaseFailure(
                "the agent's reply '\(reply)' reached the user marked as from '\(got.from)', not from the agent: the user "
                    + "cannot tell that a human is talking", exchanges: replyEvidence)
        }

        let mark = try await channel.received(sender).count
        let answers = try await channel.say(Say.stillThere, as: sender)
        var messages: [Message] = []
        let mirrored = try await poll(timeout) { () async throws -> Message? in
            messages = try await support.messages(id)
            return messages.first {
                $0.seq > replied.seq && $0.author == .user && TranscriptCheck.normal($0.text) == Say.stillThere
            }
        }
        try await Task.sleep(for: settle)
        let later = try await channel.received(sender)
        let spokenToUser = answers + (mark <= later.count ? Array(later[mark...]) : []).filter(\.fromBot)
        let talkEvidence = evidence(sender, [("GET", "/users/\(sender)/received"), ("GET", "/v1/conversations/\(id)/messages")])
        if let answer = spokenToUser.first {
            throw CaseFailure(
                "while the agent had \(id), the user said '\(Say.stillThere)' and the bot answered '\(answer.text)': once a "
                    + "human has the conversation the bot must stay silent", exchanges: talkEvidence)
        }
        guard mirrored != nil else {
            throw CaseFailure(
                "while the agent had \(id), the user said '\(Say.stillThere)', but within \(timeout) it never reached the "
                    + "support side as the user's message: the agent cannot see what the user says (after the agent's "
                    + "reply \(id) holds \(TranscriptCheck.summary(messages.filter { $0.seq > replied.seq })))",
                exchanges: talkEvidence)
        }
        messages = try await support.messages(id)
        if let spoken = messages.first(where: { $0.seq > replied.seq && $0.author == .bot && $0.visibility == .public }) {
            throw CaseFailure(
                "while the agent had \(id), the bot wrote in public on the support side: \(spoken.shown); once a human has "
                    + "the conversation the bot must stay silent (an internal note is allowed)", exchanges: talkEvidence)
        }
    }

    /// DRV-003: after the agent resolves, the conversation is closed on the support side and the bot answers
    /// the user again.
    func resolveGivesUserBack(_ journey: inout Journey?) async throws {
        let current = try await continuing(&journey)
        let (sender, id) = (current.sender, current.conversationId)
        _ = try await support.desk.resolve(id)
        journey?.resolved = true
        var state = ConversationState.resolved
        let closed = try await poll(timeout) { () async throws -> Bool? in
            state = try await support.conversation(id).state
            return state == .closed ? true : nil
        }
        guard closed != nil else {
            throw CaseFailure(
                "the agent resolved \(id), but within \(timeout) it was still '\(state.rawValue)' on the support side: the "
                    + "connector never closed it (POST /v1/conversations/\(id)/close) when the bot took the user back, so "
                    + "the session stays open there (OpenCUI's close bug)",
                exchanges: evidence(sender, [("POST", "/mock/v1/conversations/\(id)/resolve"), ("GET", "/v1/conversations/\(id)")]))
        }
        let mark = try await channel.received(sender).count
        let answers = try await channel.say(Say.hi, as: sender)
        if answers.contains(where: \.fromBot) { return }
        var received: [ReceivedMessage] = []
        let answered = try await poll(timeout) { () async throws -> ReceivedMessage? in
            received = try await channel.received(sender)
            return mark <= received.count ? received[mark...].first(where: \.fromBot) : nil
        }
        guard answered != nil else {
            throw CaseFailure(
                "after the agent resolved \(id), the user said '\(Say.hi)' and within \(timeout) the bot did not answer: the "
                    + "bot never took the user back; \(Self.describe(received))",
                exchanges: evidence(sender, [("GET", "/users/\(sender)/received")]))
        }
    }
}
