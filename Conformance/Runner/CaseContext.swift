import Foundation
import HandoffClient
import HandoffContract
import Synchronization

/// Keeps the HTTP exchanges of one case, so a failure can show the ones that broke it.
final class ExchangeLog: Sendable {
    private let exchanges = Mutex<[HTTPExchange]>([])

    func record(_ exchange: HTTPExchange) {
        exchanges.withLock { log in
            log.append(exchange)
            if log.count > 50 { log.removeFirst(log.count - 50) }
        }
    }

    var all: [HTTPExchange] { exchanges.withLock { $0 } }
}

/// Everything a case may use: the target through its binding, the agent side, raw HTTP, another
/// workspace and the suite's webhook receiver, plus helpers that make a fresh user and conversation.
public struct CaseContext: Sendable {
    /// The case's id, used to label what it creates.
    public let caseId: String
    /// The contract binding.
    public let support: any SupportSystem
    let deskBinding: (any AgentDesk)?
    let rawBinding: HTTPTransport?
    let otherBinding: (any SupportSystem, HTTPTransport)?
    let sink: WebhookSink?
    let webhookSecret: String?
    let binding: any ConformanceBinding
    /// Where the event feed stood when the run began.
    public let feedStart: String?
    let log: ExchangeLog

    /// The agent side.
    public var desk: any AgentDesk {
        get throws {
            guard let deskBinding else { throw CaseSkip(reason: "the target has no agent side the suite can drive") }
            return deskBinding
        }
    }

    /// Raw HTTP on Chatwoot's Application API with the binding's tokens.
    public var chatwoot: ChatwootAccess {
        get throws {
            guard let chatwoot = binding as? ChatwootBinding else {
                throw CaseSkip(reason: "needs Chatwoot's Application API; the \(binding.name) binding has none")
            }
            return chatwoot.access(observer: { log.record($0) })
        }
    }

    /// The secret webhook deliveries are signed with (the subscription's, as the target returned it).
    public var signingSecret: String {
        get throws {
            let sink = try webhooks
            return webhookSecret ?? sink.secret
        }
    }

    /// Raw HTTP with the token.
    public var raw: HTTPTransport {
        get throws {
            guard let rawBinding else { throw CaseSkip(reason: "the binding has no raw neutral HTTP") }
            return rawBinding
        }
    }

    /// Raw HTTP without any token.
    public var anonymous: HTTPTransport {
        get throws {
            var transport = try raw
            transport.token = nil
            return transport
        }
    }

    /// A binding and raw HTTP on another workspace.
    public var other: (support: any SupportSystem, raw: HTTPTransport) {
        get throws {
            guard let otherBinding else { throw CaseSkip(reason: "no second workspace (pass --other-token)") }
            return otherBinding
        }
    }

    /// The webhook receiver, subscribed to the target.
    public var webhooks: WebhookSink {
        get throws {
            guard let sink else { throw CaseSkip(reason: "webhooks are not subscribed for this run") }
            return sink
        }
    }

    /// A new user, labelled with the case id.
    public func freshUser() async throws -> User {
        try await support.ensureUser(
            .init(externalId: "conform-\(caseId)-\(UUID().uuidString.prefix(12))", name: "Conformance \(caseId)"))
    }

    /// A new user with a new conversation in state `bot`.
    public func freshConversation(context: ConversationContext = .init()) async throws -> (User, Conversation) {
        let user = try await freshUser()
        let conversation = try await support.openConversation(userId: user.id, context: context, idempotencyKey: nil)
        return (user, conversation)
    }

    /// An available team, preferring one other than `except`.
    public func availableTeam(except: String? = nil) async throws -> Team {
        let teams = try await support.teams().filter(\.availability.available)
        guard let team = teams.first(where: { $0.id != except }) ?? teams.first else {
            throw CaseFailure("no team is available to take a conversation")
        }
        return team
    }

    /// A new conversation with `messages` mirrored and then transferred to an available team.
    public func handedOff(messages: [NewMessage] = []) async throws -> (User, Conversation, Team) {
        let (user, conversation) = try await freshConversation()
        for message in messages { _ = try await support.post(message, to: conversation.id) }
        let team = try await availableTeam()
        switch try await support.transfer(conversation.id, to: .id(team.id)) {
        case .transferred(let queued, _): return (user, queued, team)
        case .teamUnavailable(_, let reason): throw CaseFailure("transfer to available team \(team.name) refused: \(reason)")
        }
    }

    /// Feed events about one conversation, read from the start of the run; waits until `until` holds.
    public func feedEvents(
        for conversationId: String, timeout: Duration = .seconds(5), until: ([SupportEvent]) -> Bool
    ) async throws -> [SupportEvent] {
        let deadline = ContinuousClock.now + timeout
        var cursor = feedStart
        var mine: [SupportEvent] = []
        while true {
            let left = deadline - ContinuousClock.now
            let wait = max(0, min(2, Int(left.components.seconds)))
            let page = try await support.events(after: cursor, waitSeconds: mine.isEmpty || !until(mine) ? wait : 0)
            mine += page.items.filter { $0.conversationId == conversationId }
            if page.next != nil { cursor = page.next }
            if until(mine) { return mine }
            if ContinuousClock.now >= deadline { return mine }
            if page.items.isEmpty && wait == 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
    }

    /// Webhook deliveries about one conversation, read the binding's way; waits until `until` holds.
    public func webhookDeliveries(
        for conversationId: String, timeout: Duration = .seconds(5), until: ([WebhookReading]) -> Bool
    ) async throws -> [WebhookReading] {
        let sink = try webhooks
        let secret = try signingSecret
        let deadline = ContinuousClock.now + timeout
        while true {
            let mine = sink.received.map { binding.read($0, secret: secret) }
                .filter { $0.conversationId == conversationId }
            if until(mine) || ContinuousClock.now >= deadline { return mine }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Raw webhook deliveries about one conversation, with the binding's reading.
    public func rawDeliveries(for conversationId: String) throws -> [(ReceivedWebhook, WebhookReading)] {
        let sink = try webhooks
        let secret = try signingSecret
        return sink.received.map { ($0, binding.read($0, secret: secret)) }
            .filter { $0.1.conversationId == conversationId }
    }
}
