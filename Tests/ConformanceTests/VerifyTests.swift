import Conformance
import Foundation
import HandoffClient
import HandoffContract
import HandoffRouting
import MockServer
import Testing

/// The package root (for `examples/`).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs an example connector (Python 3, standard library) against a mock, off the cooperative pool.
func runConnector(_ script: String, mock: String, arguments: [String] = []) async throws -> (status: Int32, output: String) {
    try await blocking {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", packageRoot.appendingPathComponent("examples/connectors/\(script)").path, "--mock", mock]
            + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The routing rules of `examples/routing.yaml`.
func exampleRules() throws -> RoutingRules {
    try RulesLoader.load(contentsOfFile: packageRoot.appendingPathComponent("examples/routing.yaml").path)
}

@Suite("handoff verify: a connector's own handoff flow, from the journal")
struct VerifyTests {
    static func verify(_ mock: RunningMock, _ options: VerifyOptions = .init()) async throws -> ConsumerVerifier.Outcome {
        try await ConsumerVerifier(target: mock.url, token: "dev-token", options: options).run()
    }

    static func failures(_ outcome: ConsumerVerifier.Outcome) -> [String: String] {
        var failures: [String: String] = [:]
        for result in outcome.summary.results {
            if case .failed(let message, _) = result.outcome { failures[result.testCase.id] = message }
        }
        return failures
    }

    @Test("the example connector passes every case, routing included")
    func goodConnectorPasses() async throws {
        try await withMock { mock in
            let (status, output) = try await runConnector("handoff_connector.py", mock: mock.url)
            #expect(status == 0, "\(output)")
            #expect(output.contains("connector: done"))
            let outcome = try await Self.verify(mock, .init(workspace: "default", rules: try exampleRules()))
            #expect(Self.failures(outcome).isEmpty, "\(Self.failures(outcome))")
            #expect(outcome.summary.closingLine == "10 passed, 0 failed, 0 skipped")
            #expect(outcome.summary.conforms)
        }
    }

    @Test("the copy with OpenCUI's close bug fails CON-008, and only it, saying which conversation was left open")
    func closeBugFails() async throws {
        try await withMock { mock in
            let (status, output) = try await runConnector("handoff_connector_close_bug.py", mock: mock.url)
            #expect(status == 0, "the buggy connector's run itself looks fine: \(output)")
            let outcome = try await Self.verify(mock, .init(rules: try exampleRules()))
            let failures = Self.failures(outcome)
            #expect(Array(failures.keys) == ["CON-008"])
            let message = try #require(failures["CON-008"])
            #expect(message.contains("cnv_1") && message.contains("never closed"))
            #expect(message.contains("still 'resolved'") && message.contains("OpenCUI's close bug"))
            #expect(outcome.summary.closingLine == "9 passed, 1 failed, 0 skipped")
            #expect(!outcome.summary.conforms)
        }
    }

    @Test("the command: exit 0 for the good connector, exit 1 for the close bug, the same closing line and reports")
    func command() async throws {
        try await withMock { mock in
            let rules = packageRoot.appendingPathComponent("examples/routing.yaml").path
            _ = try await runConnector("handoff_connector.py", mock: mock.url)
            let good = try await runHandoff(["verify", "--target", mock.url, "--rules", rules, "--workspace", "default"])
            #expect(good.status == 0, "\(good.output)")
            #expect(good.output.split(separator: "\n").last == "10 passed, 0 failed, 0 skipped")

            let since = try await JournalReader(target: mock.url, token: "dev-token").journal().records.last?.seq ?? 0
            _ = try await runConnector("handoff_connector_close_bug.py", mock: mock.url)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString)").path
            let bad = try await runHandoff([
                "verify", "--target", mock.url, "--rules", rules, "--since", String(since), "--junit", "\(folder)/j.xml",
                "--json", "\(folder)/r.json", "--report", "\(folder)/r.md",
            ])
            #expect(bad.status == 1)
            #expect(bad.output.contains("FAIL  CON-008"))
            #expect(bad.output.split(separator: "\n").last == "9 passed, 1 failed, 0 skipped")
            let markdown = try String(contentsOfFile: "\(folder)/r.md", encoding: .utf8)
            #expect(markdown.contains("# HandoffKit connector verification report") && markdown.contains("OpenCUI's close bug"))
            let junit = try String(contentsOfFile: "\(folder)/j.xml", encoding: .utf8)
            #expect(junit.contains(#"<testsuites name="handoff verify""#) && junit.contains("<failure"))
            #expect(FileManager.default.fileExists(atPath: "\(folder)/r.json"))

            let wrong = try await runHandoff(["verify", "--target", mock.url, "--workspace", "other"])
            #expect(wrong.status == 2)
        }
    }

    @Test("the CI loop: scripted agents from examples/ci-seed.yaml play the human on a fast clock; the connector passes")
    func ciLoop() async throws {
        let yaml = try String(contentsOf: packageRoot.appendingPathComponent("examples/ci-seed.yaml"), encoding: .utf8)
        let store = try SupportStore(path: nil)
        try store.apply(try Seed.parse(yaml: yaml))
        // Four times faster, not fifty: the scripted agent must not resolve before the connector's next
        // message reaches the mock, even on a loaded two-core machine.
        let mock = try await RunningMock.start(
            config: .init(port: 0, personaClock: AcceleratedClock(factor: 4)), store: store, logger: quietLogger)
        do {
            let (status, output) = try await runConnector("handoff_connector.py", mock: mock.url, arguments: ["--agent", "none"])
            #expect(status == 0, "\(output)")
            #expect(output.contains("agent says to the user: 'I have refunded the duplicate charge; it shows in 3-5 days.'"))
            let outcome = try await Self.verify(mock, .init(rules: try exampleRules()))
            #expect(Self.failures(outcome).isEmpty, "\(Self.failures(outcome))")
            #expect(outcome.summary.closingLine == "10 passed, 0 failed, 0 skipped")
            #expect(
                outcome.trace.records.filter { $0.kind == "persona" }.map(\.summary).first?.hasPrefix("scripted agent Bea Billing") == true)
        } catch {
            await mock.stop()
            throw error
        }
        await mock.stop()
    }

    /// Chatwoot-face calls with an `api_access_token`.
    struct Chatwoot {
        let transport: HTTPTransport
        let token: String
        init(_ mock: RunningMock, token: String) {
            transport = HTTPTransport(baseURL: mock.url + "/api/v1/accounts/1", token: nil)
            self.token = token
        }
        @discardableResult
        func post(_ path: String, _ body: String) async throws -> [String: Any] {
            let exchange = try await transport.send(.POST, path, body: Array(body.utf8), headers: [("api_access_token", token)])
            try #require(exchange.status == 200, "POST \(path) → \(exchange.status ?? 0): \(exchange.responseBody)")
            return (try JSONSerialization.jsonObject(with: Data(exchange.responseBody.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// A Chatwoot connector's handoff: contact, conversation, incoming and outgoing messages, team assignment,
    /// `toggle_status open`; an agent accepts and replies; the bot ends the session (with its close, or without).
    static func chatwootHandoff(_ mock: RunningMock, botCloses: Bool) async throws {
        let admin = Chatwoot(mock, token: "dev-token")
        let bot = Chatwoot(mock, token: "bot-token")
        let contact = try await admin.post("/contacts", #"{"inbox_id":1,"name":"Ada","identifier":"cw-verify"}"#)
        let sourceId = try #require(((contact["payload"] as? [String: Any])?["contact_inbox"] as? [String: Any])?["source_id"] as? String)
        let number = try #require(try await bot.post("/conversations", #"{"source_id":"\#(sourceId)"}"#)["id"] as? Int)
        try await bot.post("/conversations/\(number)/messages", #"{"content":"I need a refund","message_type":"incoming","echo_id":"e1"}"#)
        try await bot.post(
            "/conversations/\(number)/messages", #"{"content":"Let me get Billing","message_type":"outgoing","echo_id":"e2"}"#)
        try await bot.post("/conversations/\(number)/assignments", #"{"team_id":2}"#)
        try await bot.post("/conversations/\(number)/toggle_status", #"{"status":"open"}"#)
        let desk = MockAgentDesk(baseURL: mock.url, token: "dev-token")
        _ = try await desk.accept("cnv_\(number)", agentId: nil)
        _ = try await desk.reply("cnv_\(number)", text: "Refunded")
        if botCloses { try await bot.post("/conversations/\(number)/toggle_status", #"{"status":"resolved"}"#) }
        try await bot.post("/conversations", #"{"source_id":"\#(sourceId)"}"#)
    }

    @Test("a Chatwoot connector is read the same way; without the bot's toggle_status resolved it fails CON-008")
    func chatwootFace() async throws {
        try await withMock { mock in
            try await Self.chatwootHandoff(mock, botCloses: true)
            let outcome = try await Self.verify(mock, .init(rules: try exampleRules()))
            #expect(Self.failures(outcome).isEmpty, "\(Self.failures(outcome))")
            let skipped = outcome.summary.results.filter { if case .skipped = $0.outcome { true } else { false } }.map(\.testCase.id)
            // This scripted connector subscribes no webhook, so only CON-007 (webhooks acknowledged) has nothing to judge.
            #expect(outcome.summary.passed == 9 && skipped == ["CON-007"], "passed \(outcome.summary.passed), skipped \(skipped)")
        }
        try await withMock { mock in
            try await Self.chatwootHandoff(mock, botCloses: false)
            let failures = Self.failures(try await Self.verify(mock))
            #expect(Array(failures.keys) == ["CON-008"])
            #expect(failures["CON-008"]?.contains("toggle_status {\"status\":\"resolved\"} from the bot") == true, "\(failures)")
        }
    }

    @Test("nothing to judge is a skip, never a pass")
    func emptyJournalSkips() async throws {
        try await withMock { mock in
            let outcome = try await Self.verify(mock)
            #expect(outcome.summary.passed == 0 && outcome.summary.failed == 0)
            #expect(outcome.summary.skipped == ConsumerCatalogue.all.count)
        }
    }

    /// A connector's misbehaviour, played in Swift, and the case it must fail.
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

    static let misbehaviours: [Misbehaviour] = [
        Misbehaviour(
            caseId: "CON-001", what: "a conversation for a user the connector never created or looked up",
            expected: "never created or looked up"
        ) {
            mock, support, _ in
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
        Misbehaviour(caseId: "CON-003", what: "a retry without clientMessageId", expected: "a retry without clientMessageId") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            for _ in 0..<2 { _ = try await support.post(.init(author: .user, text: "I was charged twice"), to: conversation.id) }
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
            let reader = JournalReader(target: mock.url, token: "dev-token")
            for _ in 0..<200 {
                if try await reader.journal().records.contains(where: { $0.kind == "webhook" }) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
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
        Misbehaviour(caseId: "CON-010", what: "messages without a clientMessageId", expected: "had no clientMessageId") {
            _, support, _ in
            let (_, conversation) = try await start(support)
            _ = try await support.post(.init(author: .user, text: "hello"), to: conversation.id)
            return VerifyOptions()
        },
    ]

    @Test("every case can fail: a misbehaving connector fails it with a message that says what it did", arguments: misbehaviours)
    func everyCaseCanFail(_ misbehaviour: Misbehaviour) async throws {
        try await withMock { mock in
            let support = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
            let desk = MockAgentDesk(baseURL: mock.url, token: "dev-token")
            let options = try await misbehaviour.play(mock, support, desk)
            let outcome = try await Self.verify(mock, options)
            let message = Self.failures(outcome)[misbehaviour.caseId]
            #expect(message != nil, "\(misbehaviour.caseId) did not fail: \(Self.failures(outcome))")
            #expect(message?.contains(misbehaviour.expected) == true, "\(message ?? "")")
        }
    }

    @Test("every case has a stable CON id and a rule")
    func catalogue() {
        let ids = ConsumerCatalogue.all.map(\.id)
        #expect(ids == (1...ids.count).map { String(format: "CON-%03d", $0) })
        #expect(Set(Self.misbehaviours.map(\.caseId)) == Set(ids))
    }
}
