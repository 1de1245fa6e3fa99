import Foundation
import HandoffClient
import HandoffContract
import MockServer
import Testing

@Suite("Persistence")
struct PersistenceTests {
    @Test("everything acknowledged survives a graceful restart on the same file")
    func restart() async throws {
        let path = temporaryDatabase()
        var conversationId = ""
        try await withServer(path: path) { server in
            let (_, conversation) = try await server.conversation("persist")
            conversationId = conversation.id
            for index in 1...5 { _ = try await server.support.post(.init(author: .user, text: "m\(index)"), to: conversation.id) }
            _ = try await server.support.transfer(conversation.id, to: .name("Technical Support"))
            _ = try await server.desk.accept(conversation.id, agentId: nil)
        }
        try await withServer(path: path) { server in
            let conversation = try await server.support.conversation(id: conversationId)
            #expect(conversation.state == .assigned)
            let messages = try await server.support.messages(in: conversationId, after: nil, limit: nil)
            #expect(messages.map(\.text) == (1...5).map { "m\($0)" })
            #expect(try await server.support.events(after: nil, waitSeconds: 0).items.count == 1)
            #expect(try await server.support.teams().count == 3, "the seed is not applied twice")
            #expect(try server.store.integrityCheck() == "ok")
        }
    }

    @Test("every 2xx-acknowledged write survives kill -9 of the handoff process")
    func killNine() async throws {
        let path = temporaryDatabase()
        let first = MockProcess(arguments: ["mock", "--port", "0", "--db", path])
        try await first.start()
        let support = NeutralSupportClient(baseURL: first.url, token: "dev-token")
        let user = try await support.ensureUser(.init(externalId: "kill-9"))
        let conversation = try await support.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
        var acknowledged: [String] = []
        for index in 1...40 {
            let message = try await support.post(.init(author: .user, text: "k\(index)", clientMessageId: "k\(index)"), to: conversation.id)
            acknowledged.append(message.text)
        }
        first.kill(SIGKILL)
        _ = try await first.exitStatus()

        let second = MockProcess(arguments: ["mock", "--port", "0", "--db", path])
        try await second.start()
        let again = NeutralSupportClient(baseURL: second.url, token: "dev-token")
        let stored = try await again.messages(in: conversation.id, after: nil, limit: 500)
        #expect(stored.map(\.text) == acknowledged)
        let retried = try await again.post(.init(author: .user, text: "k40", clientMessageId: "k40"), to: conversation.id)
        #expect(retried.seq == 40)
        second.kill(SIGTERM)
        #expect(try await second.exitStatus() == 0)
        #expect(try SupportStore(path: path).integrityCheck() == "ok")
    }
}
