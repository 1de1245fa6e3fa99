import Foundation
import HandoffClient
import HandoffContract
import Logging
import MockServer
import NIOHTTP1

/// A real mock server on a free loopback port, with the default seed, for one test.
struct TestServer {
    let mock: RunningMock
    var url: String { mock.url }
    var store: SupportStore { mock.store }

    static func start(
        path: String? = nil, retry: WebhookRetryPolicy = .init(baseDelay: 0.1, maxAttempts: 3, timeout: 5),
        rateLimit: Int? = nil
    ) async throws -> TestServer {
        let store = try SupportStore(path: path)
        try await store.apply(.defaultSeed)
        var logger = Logger(label: "test.mock")
        logger.logLevel = .critical
        let mock = try await RunningMock.start(
            config: .init(port: 0, webhookRetry: retry, chatwootCapturePath: chatwootCaptureFile(), rateLimit: rateLimit),
            store: store, logger: logger)
        return TestServer(mock: mock)
    }

    func stop() async { await mock.stop() }

    var support: NeutralSupportClient { NeutralSupportClient(baseURL: url, token: "dev-token") }
    var desk: MockAgentDesk { MockAgentDesk(baseURL: url, token: "dev-token") }
    func http(token: String? = "dev-token") -> HTTPTransport { HTTPTransport(baseURL: url, token: token) }

    /// A fresh user and conversation in state `bot`.
    func conversation(_ label: String = UUID().uuidString) async throws -> (User, Conversation) {
        let user = try await support.ensureUser(.init(externalId: "user-\(label)"))
        let conversation = try await support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
        return (user, conversation)
    }
}

/// Runs `body` against a fresh server and always stops it.
func withServer(
    path: String? = nil, retry: WebhookRetryPolicy = .init(baseDelay: 0.1, maxAttempts: 3, timeout: 5),
    rateLimit: Int? = nil, _ body: (TestServer) async throws -> Void
) async throws {
    let server = try await TestServer.start(path: path, retry: retry, rateLimit: rateLimit)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

/// The parsed JSON object of a response body.
func json(_ exchange: HTTPExchange) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(exchange.responseBody.utf8))) as? [String: Any] ?? [:]
}

/// A temporary file path for a database.
func temporaryDatabase() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("handoff-test-\(UUID().uuidString).sqlite").path
}

/// A store on a fresh temporary database file; `remove()` deletes the file and its `-wal` and `-shm` companions.
struct TemporaryStore {
    let path: String
    let store: SupportStore

    init() throws {
        path = temporaryDatabase()
        store = try SupportStore(path: path)
    }

    func remove() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

extension HTTPTransport {
    /// Sends a JSON text body as-is.
    func send(
        _ method: HTTPMethod, _ path: String, text: String, headers: [(String, String)] = []
    ) async throws
        -> HTTPExchange
    {
        try await send(method, path, body: Array(text.utf8), headers: headers)
    }
}

/// Where a test server records its Chatwoot-face responses: `.build/chatwoot-capture/` of this package,
/// read after `swift test` by `scripts/chatwoot-fidelity.py` against Chatwoot's official OpenAPI document.
func chatwootCaptureFile() -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/chatwoot-capture/\(UUID().uuidString).jsonl").path
}
