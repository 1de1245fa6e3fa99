import Conformance
import Foundation
import HandoffClient
import HandoffContract
import HandoffFlow
import HandoffRouting
import Logging
import MockServer

/// One handoff played end to end through the neutral API against an in-process mock, told as a
/// timeline: user → conversation → mirrored messages → transfer → agent events → resolve →
/// close → the next contact starts with the bot again.
public struct HandoffDemo: Sendable {
    /// Where each timeline line goes.
    public let emit: @Sendable (String) -> Void
    let clock = ContinuousClock()

    /// Creates a demo that writes its timeline to `emit`.
    public init(emit: @escaping @Sendable (String) -> Void) {
        self.emit = emit
    }

    /// What the demo saw, for callers that check it.
    public struct Outcome: Sendable {
        /// Events the bot received from the feed, in order.
        public var events: [EventType]
        /// The state the first conversation ended in.
        public var finalState: ConversationState
        /// The state of the conversation opened for the next contact.
        public var nextState: ConversationState
        /// Messages the team saw when it got the conversation.
        public var historyAtTransfer: Int
    }

    /// What the demo's conformance run gave.
    public struct Certification: Sendable {
        /// The run.
        public var summary: RunSummary
        /// The report files written.
        public var reports: [String]
    }

    /// Starts an in-memory mock on a free loopback port with the default seed, runs the conformance
    /// suite against it (reports into `reportsFolder`), then plays the handoff.
    public func run(logger: Logger, reportsFolder: String) async throws -> (Certification, Outcome) {
        let store = try SupportStore(path: nil)
        try await store.apply(.defaultSeed)
        let mock = try await RunningMock.start(config: .init(port: 0), store: store, logger: logger)
        emit("mock listening on \(mock.url) (in-memory, default seed, token dev-token)")
        do {
            let certification = try await certify(baseURL: mock.url, token: "dev-token", reportsFolder: reportsFolder, logger: logger)
            emit("")
            emit("One routed handoff, end to end:")
            let outcome = try await play(baseURL: mock.url, token: "dev-token")
            await mock.stop()
            return (certification, outcome)
        } catch {
            await mock.stop()
            throw error
        }
    }

    /// Runs the whole suite against a neutral target and writes the three reports.
    public func certify(baseURL: String, token: String, reportsFolder: String, logger: Logger) async throws -> Certification {
        emit("Conformance suite \(Catalogue.version) against the mock (\(Catalogue.all.count) cases):")
        let summary = try await SuiteRunner(
            binding: NeutralBinding(target: baseURL, token: token), options: .init(), logger: logger
        ).run(Catalogue.all)
        for line in ConsoleReport.summary(summary).split(separator: "\n", omittingEmptySubsequences: false) { emit(String(line)) }
        let folder = reportsFolder.hasSuffix("/") ? String(reportsFolder.dropLast()) : reportsFolder
        let reports = try ReportFiles(
            junit: "\(folder)/junit.xml", json: "\(folder)/results.json", markdown: "\(folder)/report.md"
        ).write(summary)
        emit("reports: " + reports.joined(separator: ", "))
        return Certification(summary: summary, reports: reports)
    }

    /// Plays one routed handoff against any neutral target whose agent side is the mock's control API,
    /// with the reference routing client (``HandoffSession``) and the demo's routing rules.
    public func play(baseURL: String, token: String) async throws -> Outcome {
        let start = clock.now
        let timeline = Timeline(emit: emit, start: start, clock: clock)
        let support = NeutralSupportClient(baseURL: baseURL, token: token)
        let desk = MockAgentDesk(baseURL: baseURL, token: token)
        let router = Router(rules: try RulesLoader.load(yaml: DemoRules.yaml, file: "demo rules"))
        let session = HandoffSession(support: support, router: router, channel: timeline, sessionId: "demo-\(UUID().uuidString)")

        let context = ConversationContext(
            intent: "billing.refund", intents: ["billing.refund", "account.login"], slots: ["invoice": "INV-2041"])
        let transcript: [NewMessage] = [
            .init(author: .user, text: "Hi, I was charged twice for my subscription.", clientMessageId: "demo-ada-1"),
            .init(author: .bot, text: "Sorry about that! What is the invoice number?", clientMessageId: "demo-ada-2"),
            .init(author: .user, text: "INV-2041", clientMessageId: "demo-ada-3"),
        ]
        try await session.begin(
            user: .init(externalId: "demo-user-ada", name: "Ada Lovelace", email: "ada@example.com"), context: context,
            transcript: transcript)
        let conversation = try unwrap(await session.conversation)
        let user = try unwrap(await session.user)
        timeline.step("bot", "user \(user.id) (externalId demo-user-ada), conversation \(conversation.id) in state 'bot'")
        for message in transcript { timeline.step(message.author.rawValue, message.text) }
        let retried = try await support.post(
            .init(author: .user, text: transcript[0].text, clientMessageId: "demo-ada-1"),
            to: conversation.id)
        let history = try await support.messages(in: conversation.id, after: nil, limit: nil)
        timeline.step(
            "bot",
            "mirrored \(history.count) messages with client ids (a retry of #1 answered #\(retried.seq) again: \(history.count == 3 && retried.seq == 1 ? "no duplicate" : "DUPLICATE"))"
        )

        let decision = router.decide(context: context)
        timeline.step("route", decision.summary)
        let outcome = try await session.handOff()
        guard case .transferred(let team, _, _) = outcome else { throw DemoError.unexpected("not transferred: \(outcome)") }
        let queued = try await support.conversation(id: conversation.id)
        timeline.step(
            "bot", "transferred to \(team.name) (\(team.id)); state '\(queued.state.rawValue)'; the team sees \(history.count) messages")

        do {
            _ = try await support.post(.init(author: .bot, text: "Anything else?"), to: conversation.id)
            throw DemoError.unexpected("the mock let the bot speak after the transfer")
        } catch let error as ClientError where error.code == "bot_silenced" {
            timeline.step(
                "bot", "a public bot message now is refused: \(error.exchange.status ?? 0) bot_silenced (internal notes still pass)")
        }
        _ = try await session.userSaid("Are you there?")
        timeline.step("user", "Are you there? (mirrored to the team; the bot stays silent)")

        var received: [EventType] = []
        func drain(until type: EventType) async throws {
            for _ in 0..<10 {
                let events = try await session.pollEvents(waitSeconds: 3)
                for event in events {
                    received.append(event.type)
                    timeline.step("event", "\(event.type.rawValue) (\(event.id))")
                }
                if events.contains(where: { $0.type == type }) { return }
            }
            throw DemoError.unexpected("no \(type.rawValue) event arrived")
        }
        let assigned = try await desk.accept(conversation.id, agentId: nil)
        timeline.step("agent", "accepted; state '\(assigned.state.rawValue)', assignee \(assigned.assigneeId ?? "-")")
        try await drain(until: .conversationAssigned)
        _ = try await desk.note(conversation.id, text: "Duplicate charge confirmed in Stripe.")
        timeline.step("agent", "internal note (never sent to the bot)")
        _ = try await desk.reply(conversation.id, text: "Hi Ada, I've refunded the duplicate charge. Anything else?")
        timeline.step("agent", "replied in public")
        try await drain(until: .messageCreated)
        let resolved = try await desk.resolve(conversation.id)
        timeline.step("agent", "resolved; state '\(resolved.state.rawValue)'")
        try await drain(until: .conversationResolved)
        let closed = try await support.conversation(id: conversation.id)
        timeline.step("bot", "the session closed itself on resolve; support side '\(closed.state.rawValue)'")
        do {
            _ = try await support.post(.init(author: .user, text: "hello?"), to: conversation.id)
            throw DemoError.unexpected("the mock accepted a message on a closed conversation")
        } catch let error as ClientError where error.code == "conversation_closed" {
            timeline.step("bot", "a message on the closed conversation is refused: conversation_closed")
        }

        try await session.begin(
            user: .init(externalId: "demo-user-ada"), context: .init(), transcript: [.init(author: .user, text: "Hi again!")])
        let next = try unwrap(await session.conversation)
        timeline.step("user", "next contact: new conversation \(next.id) in state '\(next.state.rawValue)' — back with the bot")

        return Outcome(events: received, finalState: closed.state, nextState: next.state, historyAtTransfer: history.count)
    }

    private func unwrap<T>(_ value: T?) throws -> T {
        guard let value else { throw DemoError.unexpected("the session lost its state") }
        return value
    }
}

/// The demo's timeline, and its user channel: what the bot tells the user shows as `to user`.
struct Timeline: UserChannel {
    let emit: @Sendable (String) -> Void
    let start: ContinuousClock.Instant
    let clock: ContinuousClock

    func step(_ who: String, _ text: String) {
        let elapsed = clock.now - start
        let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let time = String(ms)
        emit(
            String(repeating: " ", count: max(0, 6 - time.count)) + time + " ms  "
                + who + String(repeating: " ", count: max(0, 7 - who.count)) + " " + text)
    }

    func send(_ text: String, choices: [Choice]) async {
        step("to user", text + (choices.isEmpty ? "" : " [" + choices.map(\.label).joined(separator: " | ") + "]"))
    }
}

/// The demo met something the contract does not allow.
public enum DemoError: Error, CustomStringConvertible {
    /// What happened instead.
    case unexpected(String)

    /// The reason.
    public var description: String {
        switch self {
        case .unexpected(let reason): "demo failed: \(reason)"
        }
    }
}
