import Conformance
import Foundation
import HandoffClient
import HandoffContract
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
        try store.apply(.defaultSeed)
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

    /// Plays the handoff against any neutral target whose agent side is the mock's control API.
    public func play(baseURL: String, token: String) async throws -> Outcome {
        let start = clock.now
        let support = NeutralSupportClient(baseURL: baseURL, token: token)
        let desk = MockAgentDesk(baseURL: baseURL, token: token)
        func step(_ who: String, _ text: String) {
            let elapsed = clock.now - start
            let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            let time = String(ms)
            emit(String(repeating: " ", count: max(0, 6 - time.count)) + time + " ms  "
                + who + String(repeating: " ", count: max(0, 6 - who.count)) + " " + text)
        }

        let user = try await support.ensureUser(.init(externalId: "demo-user-ada", name: "Ada Lovelace", email: "ada@example.com"))
        let again = try await support.ensureUser(.init(externalId: "demo-user-ada", name: "Ada Lovelace"))
        step("bot", "ensured user \(user.id) (externalId demo-user-ada); asking again returned \(again.id)")

        let context = ConversationContext(intent: "billing.refund", intents: ["billing.refund"], slots: ["invoice": "INV-2041"])
        let conversation = try await support.openConversation(userId: user.id, context: context, idempotencyKey: "demo-open-1")
        step("bot", "opened \(conversation.id) in state '\(conversation.state.rawValue)' with intent billing.refund")

        let transcript: [(MessageAuthor, String)] = [
            (.user, "Hi, I was charged twice for my subscription."),
            (.bot, "Sorry about that! What is the invoice number?"),
            (.user, "INV-2041"),
            (.bot, "Thanks. I'm handing you to our Billing team, they can refund it."),
        ]
        for (index, (author, text)) in transcript.enumerated() {
            let message = try await support.post(
                .init(author: author, text: text, clientMessageId: "demo-\(index)"), to: conversation.id)
            step(author.rawValue, "#\(message.seq) \(text)")
        }
        let retried = try await support.post(
            .init(author: .user, text: transcript[0].1, clientMessageId: "demo-0"), to: conversation.id)
        step("bot", "retried message demo-0 → still #\(retried.seq) (no duplicate)")

        let teams = try await support.teams()
        step("bot", "teams: " + teams.map { "\($0.name)\($0.availability.available ? "" : " (unavailable)")" }.joined(separator: ", "))
        let outcome = try await support.transfer(conversation.id, to: .name("Billing"))
        guard case .transferred(let queued, let team) = outcome else {
            throw DemoError.unexpected("transfer to Billing was not accepted: \(outcome)")
        }
        let history = try await support.messages(in: conversation.id, after: nil, limit: nil)
        step("bot", "transferred to \(team.name) (\(team.id)); state '\(queued.state.rawValue)'; team sees \(history.count) messages")

        do {
            _ = try await support.post(.init(author: .bot, text: "Anything else?"), to: conversation.id)
            throw DemoError.unexpected("the mock let the bot speak after the transfer")
        } catch let error as ClientError where error.code == "bot_silenced" {
            step("bot", "a public bot message now is refused: \(error.exchange.status ?? 0) bot_silenced")
        }
        _ = try await support.post(
            .init(author: .bot, text: "Customer verified by email.", visibility: .internal), to: conversation.id)
        step("bot", "internal note for the agent accepted")

        var cursor: String? = nil
        while true {
            let page = try await support.events(after: cursor, waitSeconds: 0)
            if page.items.isEmpty { break }
            cursor = page.next
        }
        var received: [EventType] = []
        func drainEvents(expecting count: Int) async throws {
            var got = 0
            while got < count {
                let page = try await support.events(after: cursor, waitSeconds: 5)
                if page.items.isEmpty { throw DemoError.unexpected("no event arrived within 5 s") }
                for event in page.items where event.conversationId == conversation.id {
                    received.append(event.type)
                    let detail = event.message.map { ": \"\($0.text)\"" } ?? event.agent.map { ": \($0.name)" } ?? ""
                    step("event", "\(event.type.rawValue) (\(event.id))\(detail)")
                }
                got += page.items.filter { $0.conversationId == conversation.id }.count
                cursor = page.next
            }
        }

        let assigned = try await desk.accept(conversation.id, agentId: nil)
        step("agent", "accepted; state '\(assigned.state.rawValue)', assignee \(assigned.assigneeId ?? "-")")
        try await drainEvents(expecting: 1)
        _ = try await desk.note(conversation.id, text: "Duplicate charge confirmed in Stripe.")
        step("agent", "internal note (not sent to the bot)")
        _ = try await desk.reply(conversation.id, text: "Hi Ada, I've refunded the duplicate charge. Anything else?")
        step("agent", "replied in public")
        try await drainEvents(expecting: 1)
        let resolved = try await desk.resolve(conversation.id)
        step("agent", "resolved; state '\(resolved.state.rawValue)'")
        try await drainEvents(expecting: 1)

        let closed = try await support.close(conversation.id)
        let closedAgain = try await support.close(conversation.id)
        step("bot", "closed the session; state '\(closed.state.rawValue)' (closing again: '\(closedAgain.state.rawValue)')")
        do {
            _ = try await support.post(.init(author: .user, text: "hello?"), to: conversation.id)
            throw DemoError.unexpected("the mock accepted a message on a closed conversation")
        } catch let error as ClientError where error.code == "conversation_closed" {
            step("bot", "a message on the closed conversation is refused: conversation_closed")
        }

        let next = try await support.openConversation(
            userId: user.id, context: .init(), idempotencyKey: "demo-open-2")
        _ = try await support.post(.init(author: .user, text: "Hi again!"), to: next.id)
        step("user", "next contact: new conversation \(next.id) in state '\(next.state.rawValue)' — back with the bot")

        return Outcome(
            events: received, finalState: closed.state, nextState: next.state, historyAtTransfer: history.count)
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
