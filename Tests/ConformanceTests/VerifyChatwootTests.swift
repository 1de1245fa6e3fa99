import Conformance
import Foundation
import HandoffClient
import MockServer
import Testing

/// `handoff verify` on a connector written from Chatwoot's docs: contacts, conversations, incoming and
/// outgoing messages, custom attributes, the team assignment and the bot's `toggle_status`.
@Suite("handoff verify on the Chatwoot face")
struct VerifyChatwootTests {
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

    /// What a Chatwoot connector may get wrong.
    struct Mistakes: Sendable {
        var team = 2
        var botCloses = true
        var opens = true
        var userTurnsOutgoing = false
    }

    /// A Chatwoot connector's handoff: contact, conversation with the intent in its custom attributes, incoming
    /// and outgoing messages, team assignment, `toggle_status open`; an agent accepts and replies; the bot
    /// ends the session (with its close, or without), and the user comes back.
    static func handoff(_ mock: RunningMock, _ mistakes: Mistakes = .init()) async throws {
        let admin = Chatwoot(mock, token: "dev-token")
        let bot = Chatwoot(mock, token: "bot-token")
        let contact = try await admin.post("/contacts", #"{"inbox_id":1,"name":"Ada","identifier":"cw-verify"}"#)
        let sourceId = try #require(((contact["payload"] as? [String: Any])?["contact_inbox"] as? [String: Any])?["source_id"] as? String)
        let number = try #require(try await bot.post("/conversations", #"{"source_id":"\#(sourceId)"}"#)["id"] as? Int)
        try await bot.post("/conversations/\(number)/custom_attributes", #"{"custom_attributes":{"intent":"billing.refund"}}"#)
        let userType = mistakes.userTurnsOutgoing ? "outgoing" : "incoming"
        try await bot.post(
            "/conversations/\(number)/messages", #"{"content":"I need a refund","message_type":"\#(userType)","echo_id":"e1"}"#)
        try await bot.post(
            "/conversations/\(number)/messages", #"{"content":"Let me get Billing","message_type":"outgoing","echo_id":"e2"}"#)
        try await bot.post("/conversations/\(number)/assignments", #"{"team_id":\#(mistakes.team)}"#)
        if mistakes.opens { try await bot.post("/conversations/\(number)/toggle_status", #"{"status":"open"}"#) }
        let desk = MockAgentDesk(baseURL: mock.url, token: "dev-token")
        if mistakes.opens {
            _ = try await desk.accept("cnv_\(number)", agentId: nil)
            _ = try await desk.reply("cnv_\(number)", text: "Refunded")
        }
        if mistakes.botCloses { try await bot.post("/conversations/\(number)/toggle_status", #"{"status":"resolved"}"#) }
        try await bot.post("/conversations", #"{"source_id":"\#(sourceId)"}"#)
    }

    @Test("a correct Chatwoot connector fails nothing; CON-010 is not applicable (Chatwoot has no message key)")
    func correctConnector() async throws {
        try await withMock { mock in
            try await Self.handoff(mock)
            let outcome = try await verify(mock, .init(rules: try exampleRules()))
            #expect(outcome.failures.isEmpty, "\(outcome.failures)")
            #expect(outcome.labels["CON-010"] == "N/A")
            #expect(outcome.labels["CON-005"] == "PASS", "the intent is read from custom_attributes")
            // This scripted connector has no webhook receiver and no unavailable team: those cases had nothing to judge.
            #expect(Set(outcome.notRun.keys) == ["CON-007", "CON-011", "CON-012"], "\(outcome.notRun)")
            #expect(outcome.summary.verdict == .incomplete)
        }
    }

    @Test("the bot never resolves: CON-008")
    func closeBug() async throws {
        try await withMock { mock in
            try await Self.handoff(mock, .init(botCloses: false))
            let outcome = try await verify(mock)
            #expect(Array(outcome.failures.keys) == ["CON-008"])
            #expect(outcome.failures["CON-008"]?.contains("toggle_status {\"status\":\"resolved\"} from the bot") == true)
        }
    }

    @Test("a billing intent in custom_attributes assigned to Technical Support: CON-005")
    func wrongTeam() async throws {
        try await withMock { mock in
            try await Self.handoff(mock, .init(team: 3))
            let outcome = try await verify(mock, .init(rules: try exampleRules()))
            #expect(outcome.failures["CON-005"]?.contains("intent 'billing.refund'") == true, "\(outcome.failures)")
        }
    }

    @Test("a team assigned but never toggled open stays pending where agents do not look: CON-004")
    func neverOpened() async throws {
        try await withMock { mock in
            try await Self.handoff(mock, .init(opens: false))
            let outcome = try await verify(mock, .init(rules: try exampleRules()))
            #expect(outcome.failures["CON-004"]?.contains("stays pending") == true, "\(outcome.failures)")
        }
    }

    @Test("the user's turns posted as outgoing: CON-002 finds no user message")
    func userTurnsOutgoing() async throws {
        try await withMock { mock in
            try await Self.handoff(mock, .init(userTurnsOutgoing: true))
            let outcome = try await verify(mock, .init(rules: try exampleRules()))
            #expect(outcome.failures["CON-002"]?.contains("message_type incoming") == true, "\(outcome.failures)")
        }
    }
}
