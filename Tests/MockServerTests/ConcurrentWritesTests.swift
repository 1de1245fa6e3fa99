import AsyncHTTPClient
import Foundation
import HandoffClient
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Many clients writing and reading at once, on both faces and a file database (where readers and the writer are
/// separate connections): every request is answered. A write that answers after reading through GRDB's async `read`
/// once left 6 of 16 concurrent Chatwoot posts unanswered for good.
@Suite("Concurrent writes on both faces")
struct ConcurrentWritesTests {
    /// Clients at once: more than the database's readers and the machine's cores together.
    static let clients = 48

    @Test("48 clients creating contacts, conversations and messages on Chatwoot's face while others read: all answered")
    func everyoneAnswered() async throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: Self.clients)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = client.shutdown() }
        // The mock runs as its own process: a stall inside it must not stall this test's clients and their timeouts.
        let mock = MockProcess(arguments: ["mock", "--port", "0", "--db", path])
        try await mock.start()
        defer {
            mock.kill(SIGKILL)
            _ = mock.wait()
        }
        let account = mock.url + "/api/v1/accounts/1"
        let admin = HTTPTransport(baseURL: account, token: nil, timeout: 15, client: client)
        let bot = HTTPTransport(baseURL: account, token: nil, timeout: 15, client: client)
        let neutral = HTTPTransport(baseURL: mock.url, token: "dev-token", timeout: 15, client: client)
        let started = ContinuousClock.now
        let statuses = await withTaskGroup(of: [Int].self) { group in
            for index in 0..<Self.clients {
                group.addTask {
                    // A request that is never answered ends in the transport's timeout: counted as status 0.
                    (try? await Self.oneClient(index, admin: admin, bot: bot, neutral: neutral)) ?? [0]
                }
            }
            return await group.reduce(into: [Int]()) { $0 += $1 }
        }
        let elapsed = ContinuousClock.now - started
        #expect(statuses.count == Self.clients * 6, "\(statuses.filter { $0 == 0 }.count) clients had a request unanswered")
        #expect(statuses.allSatisfy { $0 == 200 }, "statuses other than 200: \(statuses.filter { $0 != 200 })")
        #expect(elapsed < .seconds(15), "took \(elapsed)")
    }

    /// A connector's round: a contact, its conversation, two messages, then reads on both faces. The statuses.
    static func oneClient(_ index: Int, admin: HTTPTransport, bot: HTTPTransport, neutral: HTTPTransport) async throws -> [Int] {
        let adminToken = [("api_access_token", "dev-token")]
        let botToken = [("api_access_token", "bot-token")]
        var statuses: [Int] = []
        let contact = try await admin.send(
            .POST, "/contacts", text: #"{"inbox_id":1,"name":"C\#(index)","identifier":"concurrent-\#(index)"}"#, headers: adminToken)
        statuses.append(contact.status ?? 0)
        let payload = json(contact)["payload"] as? [String: Any]
        let contactId = (payload?["contact"] as? [String: Any])?["id"] as? Int ?? 0
        let created = try await bot.send(.POST, "/conversations", text: #"{"inbox_id":1,"contact_id":\#(contactId)}"#, headers: botToken)
        statuses.append(created.status ?? 0)
        let number = json(created)["id"] as? Int ?? 0
        for text in ["hello", "I need a human"] {
            let posted = try await bot.send(
                .POST, "/conversations/\(number)/messages", text: #"{"content":"\#(text)","message_type":"incoming"}"#,
                headers: botToken)
            statuses.append(posted.status ?? 0)
        }
        statuses.append(try await admin.send(.GET, "/conversations/\(number)", body: nil, headers: adminToken).status ?? 0)
        statuses.append(try await neutral.send(.GET, "/v1/teams", body: nil).status ?? 0)
        return statuses
    }
}
