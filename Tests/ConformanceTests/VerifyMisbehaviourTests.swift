import Conformance
import Foundation
import HandoffClient
import HandoffContract
import MockServer
import Testing

/// Connector behaviour played in Swift, where a precise timing or a precise mistake is easier to stage
/// than in a script: mistakes each case must catch, and correct retries no case may blame.
@Suite("handoff verify: misbehaviours it catches, and correct retries it does not blame")
struct VerifyMisbehaviourTests {
    /// A connector's misbehaviour and the case it must fail.
    struct Misbehaviour: Sendable, CustomStringConvertible {
        var caseId: String
        var what: String
        var expected: String
        var play: @Sendable (RunningMock, NeutralSupportClient, MockAgentDesk) async throws -> VerifyOptions
        var description: String { "\(caseId): \(what)" }
    }

    /// A user and a conversation about a billing refund, made the right way.
    static func start(_ support: NeutralSupportClient, intent: String = "billing.refund") async throws -> (User, Conversation) {
        let user = try await support.ensureUser(.init(externalId: "u-\(UUID().uuidString)"))
        let conversation = try await support.openConversation(
            userId: user.id, context: .init(intent: intent), idempotencyKey: UUID().uuidString)
        return (user, conversation)
    }

    static func say(_ support: NeutralSupportClient, _ conversation: Conversation, _ author: MessageAuthor, _ text: String) async throws {
        _ = try await support.post(.init(author: author, text: text, clientMessageId: UUID().uuidString), to: conversation.id)
    }

    /// Makes a team unavailable through the control API.
    static func offline(_ mock: RunningMock, _ team: String) async throws {
        let transport = HTTPTransport(baseURL: mock.url, token: "dev-token")
        let exchange = try await transport.send(.PUT, "/mock/v1/teams/\(team)/availability", body: Array(#"{"online":false}"#.utf8))
        try HTTPTransport.check(exchange)
    }

    static let misbehaviours: [Misbehaviour] = [
        Misbehaviour(
            caseId: "CON-001", what: "a conversation for a user the connector never created or looked up",
            expected: "never created or looked up"
        ) { mock, support, _ in
            let user = try await support.ensureUser(.init(externalId: "before-the-run"))
            let since = try await JournalReader(target: mock.url, token: "dev-token").journal().records.last?.seq ?? 0
            _ = try await support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            return VerifyOptions(since: since)
        },
        Misbehaviour(caseId: "CON-002", what: "a transfer before any message was mirrored", expected: "no message mirrored before it") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-002", what: "the whole transcript pasted into one message", expected: "pasted the whole transcript") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .bot, "User: I was charged twice\nBot: Let me get Billing")
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-002", what: "a transcript with no user message", expected: "none of the 2 messages") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .bot, "Hello! How can I help?")
            try await say(support, conversation, .bot, "Let me get Billing")
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-003", what: "a retry without clientMessageId", expected: "a retry without clientMessageId") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            for _ in 0..<2 { _ = try await support.post(.init(author: .user, text: "I was charged twice"), to: conversation.id) }
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-003", what: "a duplicate one message after its original", expected: "1 message(s) later without a key") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "I was charged twice")
            try await say(support, conversation, .bot, "Sorry to hear that")
            _ = try await support.post(.init(author: .user, text: "I was charged twice"), to: conversation.id)
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-004", what: "a transfer to a team that does not exist", expected: "which does not exist") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "help")
            _ = try? await support.transfer(conversation.id, to: .name("Refunds"))
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-004", what: "a transfer body the mock refuses as invalid", expected: "validation_failed") {
            mock, support, _ in
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "help")
            let transport = HTTPTransport(baseURL: mock.url, token: "dev-token")
            _ = try await transport.send(.POST, "/v1/conversations/\(conversation.id)/transfer", body: Array(#"{"team":"Billing"}"#.utf8))
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-005", what: "a billing question sent to Technical Support", expected: "the rules pick 'Billing'") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "refund please")
            _ = try await support.transfer(conversation.id, to: .name("Technical Support"))
            return VerifyOptions(rules: try exampleRules())
        },
        Misbehaviour(caseId: "CON-006", what: "the bot tries to talk after the transfer", expected: "refused with bot_silenced") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "help")
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            _ = try? await support.post(.init(author: .bot, text: "Still here!", clientMessageId: "late"), to: conversation.id)
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-007", what: "a webhook receiver that does not answer", expected: "did not answer") {
            mock, support, desk in
            _ = try await support.subscribeWebhook(url: "http://127.0.0.1:9/nobody-listens", secret: "s")
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "help")
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            _ = try await desk.accept(conversation.id, agentId: nil)
            try await waitForJournal(mock) { $0.kind == "webhook" }
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-008", what: "a new contact while the old conversation is left resolved", expected: "OpenCUI's close bug")
        {
            _, support, desk in
            let (user, conversation) = try await start(support)
            try await say(support, conversation, .user, "help")
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            _ = try await desk.accept(conversation.id, agentId: nil)
            _ = try await desk.resolve(conversation.id)
            _ = try await support.openConversation(userId: user.id, context: .init(), idempotencyKey: UUID().uuidString)
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-008", what: "the bot closes right after the transfer", expected: "before any agent accepted") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "help")
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            _ = try await support.close(conversation.id)
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-009", what: "the next contact mirrored into the closed conversation", expected: "kept mirroring") {
            _, support, desk in
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "help")
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            _ = try await desk.resolve(conversation.id)
            _ = try await support.close(conversation.id)
            _ = try? await support.post(.init(author: .user, text: "hi again", clientMessageId: "again"), to: conversation.id)
            return VerifyOptions()
        },
        Misbehaviour(
            caseId: "CON-009", what: "an Idempotency-Key reused for the next contact", expected: "reused an earlier Idempotency-Key"
        ) {
            _, support, desk in
            let user = try await support.ensureUser(.init(externalId: "reuse-key"))
            let conversation = try await support.openConversation(userId: user.id, context: .init(), idempotencyKey: "contact")
            try await say(support, conversation, .user, "help")
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            _ = try await desk.resolve(conversation.id)
            _ = try await support.close(conversation.id)
            _ = try await support.openConversation(userId: user.id, context: .init(), idempotencyKey: "contact")
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-010", what: "messages without a clientMessageId", expected: "had no clientMessageId") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            _ = try await support.post(.init(author: .user, text: "hello"), to: conversation.id)
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-011", what: "team_unavailable ignored, a human promised", expected: "no transfer succeeded") {
            mock, support, _ in
            try await offline(mock, "team_2")
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "I was charged twice")
            _ = try? await support.transfer(conversation.id, to: .name("Billing"))
            try await say(support, conversation, .bot, "A human agent will be with you shortly.")
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-011", what: "team_unavailable ignored in silence", expected: "the connector ignored it") {
            mock, support, _ in
            try await offline(mock, "team_2")
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "I was charged twice")
            _ = try? await support.transfer(conversation.id, to: .name("Billing"))
            return VerifyOptions()
        },
        Misbehaviour(caseId: "CON-012", what: "a receiver that accepts forged deliveries", expected: "wrong signature") {
            mock, support, desk in
            let sink = try await WebhookSink.start(secret: "s", logger: quietLogger)
            _ = try await support.subscribeWebhook(url: sink.url, secret: "s")
            let (_, conversation) = try await start(support)
            try await say(support, conversation, .user, "help")
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            _ = try await desk.accept(conversation.id, agentId: nil)
            try await waitForJournal(mock) { $0.kind == "probe" && $0.webhook?.probe == "bad-signature" }
            await sink.stop()
            return VerifyOptions()
        },
    ]

    @Test("every case can fail: a misbehaving connector fails it with a message that says what it did", arguments: misbehaviours)
    func everyCaseCanFail(_ misbehaviour: Misbehaviour) async throws {
        try await withMock(probes: true) { mock in
            let support = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
            let desk = MockAgentDesk(baseURL: mock.url, token: "dev-token")
            let options = try await misbehaviour.play(mock, support, desk)
            let outcome = try await verify(mock, options)
            let message = outcome.failures[misbehaviour.caseId]
            #expect(message != nil, "\(misbehaviour.caseId) did not fail: \(outcome.failures)")
            #expect(message?.contains(misbehaviour.expected) == true, "\(message ?? "")")
            // CON-010 is a SHOULD: its failure is a warning, not a failed run.
            if misbehaviour.caseId != "CON-010" { #expect(outcome.summary.verdict == .fails) }
        }
    }

    @Test("every case is shown able to fail here or by the connector catalogue")
    func coverage() throws {
        let killed = Set(Self.misbehaviours.map(\.caseId))
        #expect(killed == Set(ConsumerCatalogue.all.map(\.id)))
    }

    @Test("a post retried at once with the same clientMessageId, and its late original landing after the close, blame no case")
    func retriesAreNotConcurrencyNorMirroring() async throws {
        try await withMock { mock in
            let support = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
            let desk = MockAgentDesk(baseURL: mock.url, token: "dev-token")
            let (user, conversation) = try await Self.start(support)
            try await Self.say(support, conversation, .user, "Hi")
            // The answer to the first post is "lost": the same post goes again while the first is in flight.
            let message = NewMessage(author: .user, text: "I was charged twice", clientMessageId: "m-2")
            async let original = support.post(message, to: conversation.id)
            async let retry = support.post(message, to: conversation.id)
            _ = try await (original, retry)
            try await Self.say(support, conversation, .bot, "Let me get Billing")
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            _ = try await desk.accept(conversation.id, agentId: nil)
            _ = try await desk.resolve(conversation.id)
            _ = try await support.close(conversation.id)
            // The late original finally lands, after the close.
            _ = try? await support.post(message, to: conversation.id)
            _ = try await support.openConversation(userId: user.id, context: .init(), idempotencyKey: UUID().uuidString)
            let outcome = try await verify(mock, .init(rules: try exampleRules()))
            #expect(outcome.failures.isEmpty, "\(outcome.failures)")
            for id in ["CON-002", "CON-003", "CON-009"] { #expect(outcome.labels[id] == "PASS", "\(id)") }
        }
    }
}

/// Waits (up to 4 s) until the journal holds an entry that `matches`.
func waitForJournal(_ mock: RunningMock, _ matches: @Sendable (JournalRecord) -> Bool) async throws {
    let reader = JournalReader(target: mock.url, token: "dev-token")
    for _ in 0..<200 {
        if try await reader.journal().records.contains(where: matches) { return }
        try await Task.sleep(for: .milliseconds(20))
    }
}
