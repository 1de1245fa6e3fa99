import Foundation
import HandoffClient
import HandoffContract

/// The mock as the driver reads and plays it: users, conversations and messages over the neutral API,
/// the agent over the control API, and the journal for how a conversation was opened.
struct SupportSide: Sendable {
    let transport: HTTPTransport
    let desk: MockAgentDesk

    init(target: String, token: String, callSeconds: Int64, log: DriveLog) {
        transport = HTTPTransport(baseURL: target, token: token, timeout: callSeconds, observer: { log.record($0) })
        desk = MockAgentDesk(transport: transport)
    }

    /// Marks the driver's own reads so the journal keeps only what the connector did.
    private var read: [(String, String)] { [JournalReader.readHeader] }

    private struct List<Item: Decodable>: Decodable {
        var data: [Item]
        var next: String?
    }

    /// The user the connector made for `externalId`, if any.
    func user(externalId: String) async throws -> User? {
        let list: List<User> = try await transport.call(.GET, "/v1/users?externalId=\(externalId)", headers: read)
        return list.data.first { $0.externalId == externalId }
    }

    /// Users whose `externalId` starts with `prefix` (reads at most 20 pages of 500).
    func users(externalIdPrefix prefix: String) async throws -> [User] {
        var found: [User] = []
        var cursor = "0"
        for _ in 0..<20 {
            let page: List<User> = try await transport.call(.GET, "/v1/users?limit=500&after=\(cursor)", headers: read)
            found += page.data.filter { $0.externalId.hasPrefix(prefix) }
            guard let next = page.next, page.data.count == 500 else { break }
            cursor = next
        }
        return found
    }

    /// A user's conversations, oldest first.
    func conversations(userId: String) async throws -> [Conversation] {
        let list: List<Conversation> = try await transport.call(
            .GET, "/v1/conversations?limit=500&userId=\(userId)", headers: read)
        return list.data.sorted { $0.number < $1.number }
    }

    /// A conversation now.
    func conversation(_ id: String) async throws -> Conversation {
        try await transport.call(.GET, "/v1/conversations/\(id)", headers: read)
    }

    /// A conversation's messages in order (at most 10 pages of 500).
    func messages(_ conversationId: String) async throws -> [Message] {
        var messages: [Message] = []
        for _ in 0..<10 {
            let page: List<Message> = try await transport.call(
                .GET, "/v1/conversations/\(conversationId)/messages?after=\(messages.last?.seq ?? 0)&limit=500", headers: read)
            messages += page.data
            if page.data.count < 500 { break }
        }
        return messages
    }

    /// The workspace's teams.
    func teams() async throws -> [Team] {
        let list: List<Team> = try await transport.call(.GET, "/v1/teams", headers: read)
        return list.data
    }

    /// The state the conversation was opened in, as the journal recorded the opening answer, and the entry.
    func openingState(_ conversationId: String) async throws -> (state: String?, record: JournalRecord)? {
        let exchange = try await transport.send(
            .GET, "/mock/v1/journal?conversationId=\(conversationId)&method=POST&path=/v1/conversations&limit=5",
            headers: read)
        try HTTPTransport.check(exchange)
        let page = try JournalReader.decoder.decode(JournalPageRecord.self, from: Data(exchange.responseBody.utf8))
        guard let opened = page.data.first(where: { $0.ids("conversation", ["created"]).contains(conversationId) }) else {
            return nil
        }
        return (opened.answered("state"), opened)
    }

    /// Takes a team offline or brings it back.
    func setOnline(_ teamId: String, _ online: Bool) async throws {
        _ = try await desk.setTeamOnline(teamId, online: online)
    }
}

/// Waits: polls every 100 ms until `probe` gives a value or `timeout` passes (then nil).
func poll<T: Sendable>(_ timeout: Duration, _ probe: () async throws -> T?) async throws -> T? {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await probe() { return value }
        if ContinuousClock.now >= deadline { return nil }
        try await Task.sleep(for: .milliseconds(100))
    }
}

extension Conversation {
    /// True once humans have it: queued for a team or assigned to an agent.
    var handedOff: Bool { (state == .queued || state == .assigned) && teamId != nil }
}

extension Message {
    /// `msg_4 (seq 4, bot): 'Hello'`.
    var shown: String { "\(id) (seq \(seq), \(author.rawValue)): '\(DriverCalls.cut(text, 80))'" }
}
