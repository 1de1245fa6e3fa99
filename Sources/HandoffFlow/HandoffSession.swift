import HandoffContract
import HandoffRouting

/// The whole bot-side hand-off over any binding: ensure the user, open the conversation, mirror the
/// transcript (each message with a client id, so a retry never duplicates), decide the team with the
/// routing rules, transfer, handle the outcome (an unavailable team → the availability policy, and the
/// user is told), relay agent events to the user and user messages to the team while the bot stays
/// silent, close on `resolved`, and close the support side when the bot ends the session.
///
/// Retries of 429, 5xx and timeouts belong to the binding (``HTTPTransport/retrying(_:)``): every call
/// the session makes is idempotent, so a retried call has one effect.
public actor HandoffSession {
    let support: any SupportSystem
    let router: Router
    let channel: any UserChannel
    /// A stable id for this session; client ids and idempotency keys derive from it.
    public let sessionId: String

    /// Where the session stands.
    public private(set) var phase: SessionPhase = .idle
    /// The support-side user, once ensured.
    public private(set) var user: User?
    /// The support-side conversation, once opened.
    public private(set) var conversation: Conversation?
    private var context = ConversationContext()
    private var mirrored = 0
    private var opened = 0
    private var ask: AskSession?
    private var unavailable: Set<String> = []
    private var feedCursor: String?

    /// Creates a session; `sessionId` must be unique per user session and stable across retries.
    public init(support: any SupportSystem, router: Router, channel: any UserChannel, sessionId: String) {
        self.support = support
        self.router = router
        self.channel = channel
        self.sessionId = sessionId
    }

    /// Ensures the user, opens a conversation with the bot's context and mirrors the transcript so far.
    public func begin(user newUser: NewUser, context: ConversationContext, transcript: [NewMessage]) async throws {
        if feedCursor == nil { feedCursor = try await feedEnd() }
        let user = try await support.ensureUser(newUser)
        self.user = user
        self.context = context
        opened += 1
        conversation = try await support.openConversation(
            userId: user.id, context: context, idempotencyKey: "\(sessionId)-open-\(opened)")
        mirrored = 0
        phase = .withBot
        for message in transcript { try await mirror(message) }
    }

    /// Mirrors one more message of the bot's conversation (user or bot), once.
    public func mirror(_ message: NewMessage) async throws {
        guard let conversation else { throw HandoffFlowError.notStarted }
        mirrored += 1
        var message = message
        message.clientMessageId = message.clientMessageId ?? "\(sessionId)-c\(opened)-m\(mirrored)"
        _ = try await support.post(message, to: conversation.id)
    }

    /// Decides the team from the context and hands the conversation over.
    public func handOff() async throws -> HandoffOutcome {
        guard phase == .withBot else { throw HandoffFlowError.wrongPhase(phase) }
        return try await follow(router.decide(context: context))
    }

    /// Takes a decision to its end: transfer, or the next choice of the availability policy, or the question.
    private func follow(_ first: Decision) async throws -> HandoffOutcome {
        var decision = first
        for _ in 0...router.rules.teams.count {
            switch decision.outcome {
            case .bot:
                phase = .withBot
                if !unavailable.isEmpty {
                    await channel.send("Sorry, no support team can take your conversation right now.", choices: [])
                }
                return .stayedWithBot(reason: decision.summary)
            case .ask:
                var session = router.askSession(excluding: unavailable)
                let question = session.start()
                ask = session
                phase = .asking
                await channel.send(question.text, choices: question.choices)
                return .asking(question)
            case .team(let team):
                guard let conversation else { throw HandoffFlowError.notStarted }
                switch try await support.transfer(conversation.id, to: team.supportTeam) {
                case .transferred(let queued, let supportTeam):
                    self.conversation = queued
                    phase = .withHumans
                    ask = nil
                    await channel.send("I'm handing you over to our \(supportTeam.name) team. They'll be with you shortly.", choices: [])
                    return .transferred(team: supportTeam, routingTeam: team.name, unavailable: unavailable.sorted())
                case .teamUnavailable(let supportTeam, let reason):
                    // Every routing team backed by that support team is out, not only the one tried.
                    unavailable.insert(team.name)
                    unavailable.formUnion(router.rules.teamNames(for: supportTeam))
                    await channel.send("Our \(supportTeam.name) team can't take conversations right now (\(reason)).", choices: [])
                    decision = router.reroute(decision, unavailable: unavailable)
                }
            }
        }
        phase = .withBot
        return .stayedWithBot(reason: "every team the policy allows is unavailable")
    }

    /// A user message: mirrored to the team while with humans, an answer while asking, else for the bot.
    public func userSaid(_ text: String) async throws -> UserTurn {
        switch phase {
        case .withHumans:
            try await mirror(NewMessage(author: .user, text: text))
            return .forwardedToHumans
        case .asking:
            try await mirror(NewMessage(author: .user, text: text))
            guard var session = ask else { return .forBot }
            let step = session.reply(text)
            ask = session
            switch step {
            case .chosen(let team):
                return .answeredAsk(
                    try await follow(
                        Decision(outcome: .team(team), reason: .fallback(.ask), summary: "the user picked \(team.name)", considered: [])))
            case .reask(let prompt):
                await channel.send(prompt.text, choices: prompt.choices)
                return .answeredAsk(.asking(prompt))
            case .cancelled:
                phase = .withBot
                ask = nil
                await channel.send("OK, let's continue here.", choices: [])
                return .cancelledAsk
            case .gaveUp(let team?):
                return .answeredAsk(
                    try await follow(
                        Decision(
                            outcome: .team(team), reason: .fallback(.ask), summary: "no answer; giving up to \(team.name)", considered: []))
                )
            case .gaveUp(nil):
                phase = .withBot
                ask = nil
                return .answeredAsk(.stayedWithBot(reason: "the user did not pick a team"))
            }
        case .withBot, .idle, .closed:
            return .forBot
        }
    }

    /// Handles one event from the support side: agent messages go to the user; `resolved` ends the session.
    public func handle(_ event: SupportEvent) async throws {
        guard let conversation, event.conversationId == conversation.id else { return }
        switch event.type {
        case .conversationAssigned:
            if let agent = event.agent { await channel.send("\(agent.name) has joined the conversation.", choices: []) }
        case .messageCreated:
            if let message = event.message, message.author == .agent, message.visibility == .public {
                await channel.send(message.text, choices: message.choices ?? [])
            }
        case .conversationResolved:
            try await close()
        }
    }

    /// Reads the event feed (long-polling up to `waitSeconds`) and handles this conversation's events.
    @discardableResult
    public func pollEvents(waitSeconds: Int) async throws -> [SupportEvent] {
        let page = try await support.events(after: feedCursor, waitSeconds: waitSeconds)
        feedCursor = page.next ?? feedCursor
        let mine = page.items.filter { $0.conversationId == conversation?.id }
        for event in mine { try await handle(event) }
        return mine
    }

    /// Ends the session and closes the support-side conversation (idempotent). The next contact
    /// starts a new conversation with the bot through ``begin(user:context:transcript:)``.
    public func close() async throws {
        guard let conversation, phase != .closed else { return }
        self.conversation = try await support.close(conversation.id)
        phase = .closed
        ask = nil
        unavailable = []
    }

    /// Where the feed ends now; nil when the binding has no feed (Chatwoot: events come by webhook,
    /// and the caller hands them to ``handle(_:)``).
    private func feedEnd() async throws -> String? {
        do {
            return try await readToEnd()
        } catch {
            return nil
        }
    }

    private func readToEnd() async throws -> String? {
        var cursor: String? = nil
        for _ in 0..<100_000 {
            let page = try await support.events(after: cursor, waitSeconds: 0)
            if page.items.isEmpty { return page.next ?? cursor }
            cursor = page.next
        }
        return cursor
    }
}

/// A call made in the wrong order.
public enum HandoffFlowError: Error, Sendable, Equatable {
    /// `begin` has not run.
    case notStarted
    /// The session is not in a phase that allows this.
    case wrongPhase(SessionPhase)
}
