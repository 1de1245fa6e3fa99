import Conformance
import Foundation
import HandoffClient
import HandoffContract
import HandoffTesting
import MockServer
import Testing

/// The example a Swift connector author copies: the mock in process, the bot on the neutral API,
/// the human agent played by the helpers.
@Suite("HandoffTesting: the mock embedded in a Swift test")
struct HandoffTestingTests {
    @Test("a handoff to Billing end to end: the agent accepts and replies, the bot reads it, resolve, close")
    func handoffToBilling() async throws {
        try await withHandoffMock { mock in
            // What the default seed made.
            #expect(mock.tokens.neutral == "dev-token")
            #expect(mock.tokens.chatwootBot == "bot-token")
            #expect(mock.tokens.chatwootAgent == "agent-token")
            #expect(mock.chatwoot.accountId == 1)
            #expect(mock.chatwoot.inboxId == 1)

            // The bot: a user, a conversation, the history so far. (Your connector does this part.)
            let support = mock.support
            let user = try await support.ensureUser(.init(externalId: "user-42", name: "Ada Lovelace"))
            let conversation = try await support.openConversation(
                userId: user.id, context: .init(intent: "billing.refund"), idempotencyKey: "open-user-42")
            #expect(conversation.state == .bot)
            // Mirrored messages carry a clientMessageId, so a retry cannot store them twice (verify checks it).
            _ = try await support.post(
                .init(author: .user, text: "I was charged twice", clientMessageId: "m1"), to: conversation.id)
            _ = try await support.post(
                .init(author: .bot, text: "Let me get you a person.", clientMessageId: "m2"), to: conversation.id)

            // The hand-off to Billing.
            let outcome = try await support.transfer(conversation.id, to: .name("Billing"))
            guard case .transferred(let queued, let team) = outcome else {
                Issue.record("Billing did not take the conversation: \(outcome)")
                return
            }
            #expect(queued.state == .queued)
            #expect(team.name == "Billing")

            // The agent, played by the helpers.
            let assigned = try await mock.accept(conversation.id)
            #expect(assigned.state == .assigned)
            #expect(assigned.assigneeId != nil)
            _ = try await mock.note(conversation.id, "Refund the duplicate charge")
            _ = try await mock.reply(conversation.id, "Hi Ada, I have refunded the second charge.")

            // The bot hears the reply on the events feed (or its webhook) and reads the public messages.
            let events = try await Self.events(support, until: .messageCreated, in: conversation.id)
            #expect(events.last?.message?.text == "Hi Ada, I have refunded the second charge.")
            #expect(events.contains { $0.type == .conversationAssigned })
            let messages = try await support.messages(in: conversation.id, after: nil, limit: nil)
            #expect(messages.last?.author == .agent)
            #expect(messages.last?.text == "Hi Ada, I have refunded the second charge.")

            // The agent is done; the bot hears it and closes the session.
            #expect(try await mock.resolve(conversation.id).state == .resolved)
            let resolved = try await Self.events(support, until: .conversationResolved, in: conversation.id)
            #expect(resolved.last?.conversationId == conversation.id)
            #expect(try await support.close(conversation.id).state == .closed)

            // The journal has every request; verify judges the bot's part and finds no fault in it.
            let journal = try await mock.journal()
            #expect(journal.contains { $0.method == "POST" && $0.path.hasSuffix("/transfer") && $0.status == 200 })
            let verdict = try await mock.verify(.init(workspace: "default"))
            let failures = verdict.summary.results.filter { if case .failed = $0.outcome { true } else { false } }
            #expect(failures.isEmpty, "\(failures.map(\.testCase.id))")
            #expect(verdict.summary.passed > 0)
        }
    }

    @Test("the mock is stopped after the closure, and also when the closure throws: its port refuses connections")
    func stoppedAfterTheClosure() async throws {
        let url = try await withHandoffMock { mock in
            let health = try await HTTPTransport(baseURL: mock.url, token: nil).send(.GET, "/health")
            #expect(health.status == 200)
            return mock.url
        }
        await #expect(throws: ClientError.self) {
            _ = try await HTTPTransport(baseURL: url, token: nil, timeout: 2).send(.GET, "/health")
        }

        struct Boom: Error {}
        var thrownURL: String?
        await #expect(throws: Boom.self) {
            try await withHandoffMock { mock in
                thrownURL = mock.url
                throw Boom()
            }
        }
        let second = try #require(thrownURL)
        await #expect(throws: ClientError.self) {
            _ = try await HTTPTransport(baseURL: second, token: nil, timeout: 2).send(.GET, "/health")
        }
    }

    @Test("a custom seed in a temporary file: its tokens and ids, an offline team, the file deleted afterwards")
    func customSeedInTemporaryFile() async throws {
        let seed = try Seed.parse(
            yaml: """
                workspaces:
                  - name: acme
                    tokens: [acme-token]
                    teams:
                      - name: Billing
                        online: false
                        agents: [{ name: Bea Billing }]
                """)
        let path = try await withHandoffMock(.init(database: .temporaryFile, seed: seed)) { mock in
            #expect(mock.workspace == "acme")
            #expect(mock.tokens.neutral == "acme-token")
            #expect(mock.tokens.chatwootBot == nil)
            #expect(mock.chatwoot.inboxId == nil)
            #expect(mock.chatwootAccount == nil)
            let path = try #require(mock.server.store.path)
            #expect(FileManager.default.fileExists(atPath: path))

            let user = try await mock.support.ensureUser(.init(externalId: "u1"))
            let conversation = try await mock.support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
            let outcome = try await mock.support.transfer(conversation.id, to: .name("Billing"))
            guard case .teamUnavailable(let team, _) = outcome else {
                Issue.record("an offline team took the conversation: \(outcome)")
                return path
            }
            #expect(team.name == "Billing")
            return path
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// Reads the events feed as a bot would, until an event of `type` for the conversation arrives
    /// (long-polls of at most 5 s, 30 s in all); returns that conversation's events so far.
    static func events(
        _ support: NeutralSupportClient, until type: EventType, in conversationId: String
    ) async throws -> [SupportEvent] {
        var cursor: String?
        var seen: [SupportEvent] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let page = try await support.events(after: cursor, waitSeconds: 5)
            seen += page.items.filter { $0.conversationId == conversationId }
            if seen.contains(where: { $0.type == type }) { return seen }
            if let last = page.items.last { cursor = String(last.seq) }
        }
        Issue.record("no \(type.rawValue) event for \(conversationId) within 30 s")
        return seen
    }
}
