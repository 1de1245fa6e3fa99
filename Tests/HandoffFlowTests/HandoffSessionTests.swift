import Foundation
import HandoffClient
import HandoffContract
import HandoffFlow
import HandoffRouting
import Logging
import MockServer
import Synchronization
import Testing

/// A user channel that remembers what the bot told the user.
final class RecordingChannel: UserChannel {
    let lines = Mutex<[(String, [Choice])]>([])
    func send(_ text: String, choices: [Choice]) async { lines.withLock { $0.append((text, choices)) } }
    var texts: [String] { lines.withLock { $0.map(\.0) } }
    var lastChoices: [Choice] { lines.withLock { $0.last?.1 ?? [] } }
}

let rulesYAML = """
    teams:
      - name: Billing
        intents: [billing.*]
      - name: Technical Support
        intents: [tech.*]
      - name: General Support
        intents: [account.*]
    fallback: ask
    ask:
      choices:
        - { label: Billing, team: Billing, synonyms: [facturación] }
        - { label: Technical problem, team: Technical Support }
    availability:
      alternates: { Billing: [General Support] }
    """

func withMock(faults: FaultPlan = .init(), _ body: (RunningMock) async throws -> Void) async throws {
    let store = try SupportStore(path: nil)
    try await store.apply(.defaultSeed)
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let mock = try await RunningMock.start(config: .init(port: 0, faults: faults), store: store, logger: logger)
    do {
        try await body(mock)
    } catch {
        await mock.stop()
        throw error
    }
    await mock.stop()
}

@Suite("The hand-off flow against the mock")
struct HandoffSessionTests {
    let router = Router(rules: try! RulesLoader.load(yaml: rulesYAML))

    @Test("routes by intent, mirrors once, relays the agent, closes on resolve; the next contact starts with the bot")
    func wholeFlow() async throws {
        try await withMock { mock in
            let support = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
            let desk = MockAgentDesk(baseURL: mock.url, token: "dev-token")
            let channel = RecordingChannel()
            let session = HandoffSession(support: support, router: router, channel: channel, sessionId: "s-1")
            try await session.begin(
                user: .init(externalId: "flow-1", name: "Ada"), context: .init(intent: "billing.refund", intents: ["billing.refund"]),
                transcript: [.init(author: .user, text: "charged twice"), .init(author: .bot, text: "let me help")])
            let outcome = try await session.handOff()
            guard case .transferred(let team, "Billing", []) = outcome else { Issue.record("\(outcome)"); return }
            #expect(team.name == "Billing")
            #expect(try await session.userSaid("hello?") == .forwardedToHumans)
            let conversation = try #require(await session.conversation)
            _ = try await desk.accept(conversation.id, agentId: nil)
            _ = try await desk.reply(conversation.id, text: "Refunded.")
            _ = try await desk.resolve(conversation.id)
            for _ in 0..<5 where await session.phase != .closed { try await session.pollEvents(waitSeconds: 2) }
            #expect(await session.phase == .closed)
            #expect(channel.texts.contains("Refunded."))
            #expect(try await support.conversation(id: conversation.id).state == .closed)
            let texts = try await support.messages(in: conversation.id, after: nil, limit: nil).map(\.text)
            #expect(texts == ["charged twice", "let me help", "hello?", "Refunded."])

            try await session.begin(user: .init(externalId: "flow-1"), context: .init(), transcript: [])
            let next = try #require(await session.conversation)
            #expect(next.id != conversation.id && next.state == .bot)
        }
    }

    @Test("an unavailable team follows the availability policy and the user is told")
    func unavailable() async throws {
        try await withMock { mock in
            let support = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
            let billing = try #require(try await support.teams().first { $0.name == "Billing" })
            _ = try await MockAgentDesk(baseURL: mock.url, token: "dev-token").setTeamOnline(billing.id, online: false)
            let channel = RecordingChannel()
            let session = HandoffSession(support: support, router: router, channel: channel, sessionId: "s-2")
            try await session.begin(
                user: .init(externalId: "flow-2"), context: .init(intent: "billing.refund", intents: ["billing.refund"]), transcript: [])
            let outcome = try await session.handOff()
            guard case .transferred(let team, "General Support", ["Billing"]) = outcome else { Issue.record("\(outcome)"); return }
            #expect(team.name == "General Support")
            #expect(channel.texts.contains { $0.contains("Billing team can't take") })
        }
    }

    @Test("with no intent the user is asked; a reply by synonym, accents folded, transfers")
    func ask() async throws {
        try await withMock { mock in
            let support = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
            let channel = RecordingChannel()
            let session = HandoffSession(support: support, router: router, channel: channel, sessionId: "s-3")
            try await session.begin(user: .init(externalId: "flow-3"), context: .init(), transcript: [])
            guard case .asking(let prompt) = try await session.handOff() else { Issue.record("not asked"); return }
            #expect(prompt.choices.count == 2)
            #expect(channel.lastChoices.map(\.label) == ["Billing", "Technical problem"])
            let turn = try await session.userSaid("FACTURACION")
            guard case .answeredAsk(.transferred(let team, _, _)) = turn else { Issue.record("\(turn)"); return }
            #expect(team.name == "Billing")
        }
    }

    @Test("under injected 429s and 503s, retries finish the flow and nothing is duplicated")
    func faults() async throws {
        try await withMock(faults: .init(errorRate: 0.2, throttleRate: 0.2, retryAfterSeconds: 0, seed: 42)) { mock in
            let raw = HTTPTransport(baseURL: mock.url, token: "dev-token")
            var statuses: [Int] = []
            var retryAfter: [String] = []
            for _ in 0..<30 {
                let exchange = try await raw.send(.GET, "/v1/teams")
                statuses.append(exchange.status ?? 0)
                if exchange.status == 429 { retryAfter.append(exchange.headers["retry-after"] ?? "") }
            }
            #expect(statuses.contains(429) && statuses.contains(503) && statuses.contains(200), "\(statuses)")
            #expect(retryAfter.allSatisfy { $0 == "0" })
            let transport = HTTPTransport(baseURL: mock.url, token: "dev-token").retrying(.init(maxAttempts: 12, baseDelay: 0.01, seed: 7))
            let support = NeutralSupportClient(transport: transport)
            let session = HandoffSession(support: support, router: router, channel: RecordingChannel(), sessionId: "s-4")
            let transcript = (1...12).map { NewMessage(author: $0.isMultiple(of: 2) ? .bot : .user, text: "m\($0)") }
            try await session.begin(
                user: .init(externalId: "flow-4"), context: .init(intent: "tech.crash", intents: ["tech.crash"]), transcript: transcript)
            guard case .transferred(let team, _, _) = try await session.handOff() else { Issue.record("not transferred"); return }
            #expect(team.name == "Technical Support")
            let conversation = try #require(await session.conversation)
            let stored = try await support.messages(in: conversation.id, after: nil, limit: nil)
            #expect(stored.map(\.text) == transcript.map(\.text))
            let plain = NeutralSupportClient(
                transport: HTTPTransport(baseURL: mock.url, token: "dev-token").retrying(.init(maxAttempts: 20, baseDelay: 0.01)))
            #expect(try await plain.conversations(userId: conversation.userId, state: nil).count == 1)
        }
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("honours Retry-After, caps it, and backs off exponentially with jitter otherwise")
    func delays() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 0.1, maxDelay: 2)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "1", jitter: 0.5) == 1)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "30", jitter: 0.5) == 2)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, jitter: 1) == 0.1)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, jitter: 1) == 0.4)
        #expect(policy.delay(afterAttempt: 10, retryAfter: nil, jitter: 1) == 2)
        #expect(RetryPolicy.isRetryable(status: 429) && RetryPolicy.isRetryable(status: 503) && RetryPolicy.isRetryable(status: nil))
        #expect(!RetryPolicy.isRetryable(status: 409) && !RetryPolicy.isRetryable(status: 404))
    }
}

@Suite("The hand-off flow over the Chatwoot binding")
struct ChatwootFlowTests {
    @Test("routes, hands off with assignments + toggle_status, forwards the user, closes; the neutral face sees it all")
    func chatwootFlow() async throws {
        try await withMock { mock in
            let account = ChatwootAccount(baseURL: mock.url, accountId: 1, inboxId: 1, userToken: "dev-token", botToken: "bot-token")
            let support = ChatwootSupportClient(account: account)
            let router = Router(rules: try RulesLoader.load(yaml: rulesYAML))
            let session = HandoffSession(support: support, router: router, channel: RecordingChannel(), sessionId: "cw-1")
            try await session.begin(
                user: .init(externalId: "cw-flow-1", name: "Ada"), context: .init(intent: "tech.crash", intents: ["tech.crash"]),
                transcript: [.init(author: .user, text: "the app crashes"), .init(author: .bot, text: "sorry!")])
            let started = try #require(await session.conversation)
            #expect(started.state == .bot)
            guard case .transferred(let team, "Technical Support", []) = try await session.handOff() else {
                Issue.record("not transferred")
                return
            }
            #expect(try await support.conversation(id: started.id).state == .queued)
            #expect(try await session.userSaid("still there?") == .forwardedToHumans)
            try await session.close()

            let neutral = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
            let user = try #require(try await neutral.findUser(externalId: "cw-flow-1"))
            let conversation = try #require(try await neutral.conversations(userId: user.id, state: nil).first)
            #expect(conversation.teamId == "team_\(team.id)")
            #expect(conversation.number == Int(started.id))
            #expect(
                try await neutral.messages(in: conversation.id, after: nil, limit: nil).map(\.text) == [
                    "the app crashes", "sorry!", "still there?",
                ])
            // The binding's close (the handoff_closed_at marker, then resolved) is a close on every face.
            #expect(conversation.state == .closed)
        }
    }
}
