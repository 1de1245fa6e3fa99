import Foundation
import HandoffClient
import Testing

/// SIGTERM stops the mock within 5 s whatever it is doing: long-polls waiting for events, a webhook receiver that
/// never answers, clients that send half a request or never read.
@Suite("Shutdown under load")
struct ShutdownTests {
    @Test("SIGTERM ends the process within 5 s with long-polls, a hanging receiver and silent clients in flight")
    func sigtermWhileBusy() async throws {
        let mock = MockProcess(arguments: ["mock", "--port", "0", "--in-memory"])
        try await mock.start()
        let port = try #require(URL(string: mock.url)?.port)
        let http = HTTPTransport(baseURL: mock.url, token: "dev-token")

        // A receiver that accepts and never answers (its backlog takes the connection), subscribed to every event.
        let hanging = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(hanging) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(hanging, pointer, length) == 0 && listen(hanging, 16) == 0 && getsockname(hanging, pointer, &length) == 0
            }
        }
        try #require(bound)
        let receiverPort = Int(UInt16(bigEndian: address.sin_port))
        let subscribed = try await http.send(
            .POST, "/v1/webhooks", text: #"{"url":"http://127.0.0.1:\#(receiverPort)/hook","secret":"s"}"#)
        #expect(subscribed.status == 201, "\(subscribed.responseBody)")

        // Something to deliver: an agent's reply in a handed-off conversation.
        let support = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
        let user = try await support.ensureUser(.init(externalId: "shutdown-\(UUID().uuidString)"))
        let conversation = try await support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
        _ = try await support.transfer(conversation.id, to: .name("Billing"))
        let desk = MockAgentDesk(baseURL: mock.url, token: "dev-token")
        _ = try await desk.accept(conversation.id, agentId: nil)

        // Long-polls waiting, and clients that stop halfway or never read.
        var waiting: [Task<Void, Never>] = []
        for _ in 0..<4 {
            waiting.append(Task { _ = try? await http.send(.GET, "/v1/events?after=1000000&wait=30", text: "") })
            waiting.append(
                Task { _ = try? await rawHTTPHeld(port: port, "POST /v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\n", timeout: 20) })
        }
        try await Task.sleep(for: .milliseconds(500))

        let started = ContinuousClock.now
        mock.kill(SIGTERM)
        let status = try await mock.exitStatus()
        let took = ContinuousClock.now - started
        #expect(took < .seconds(5), "SIGTERM took \(took) to stop the mock")
        #expect(status == 0)
        for task in waiting { task.cancel() }
    }
}
