import AsyncHTTPClient
import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1
import Testing

@Suite("Concurrency")
struct ConcurrencyTests {
    static let clients = 64
    static let conversations = 4
    static let messagesPerClient = 8

    @Test(
        "64 concurrent clients mirror into shared conversations: order strictly increasing, raced retries stored once, no deadlock",
        .timeLimit(.minutes(1)))
    func sharedConversations() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 2 * Self.clients
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            try await run(client)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func run(_ client: HTTPClient) async throws {
        try await withServer { server in
            var conversationIds: [String] = []
            for index in 0..<Self.conversations { conversationIds.append(try await server.conversation("shared-\(index)").1.id) }
            let ids = conversationIds
            let clock = ContinuousClock()
            let started = clock.now
            let sent = try await withThrowingTaskGroup(of: [Message].self) { group in
                for number in 0..<Self.clients {
                    group.addTask {
                        let http = HTTPTransport(baseURL: server.url, token: "dev-token", timeout: 20, client: client)
                        let conversation = ids[number % ids.count]
                        let path = "/v1/conversations/\(conversation)/messages"
                        var mine: [Message] = []
                        for index in 0..<Self.messagesPerClient {
                            let body = #"{"author":"user","text":"c\#(number) #\#(index)","clientMessageId":"c\#(number)-\#(index)"}"#
                            // The retry races the first attempt, with the same key.
                            async let first = http.send(.POST, path, text: body)
                            async let retry = http.send(.POST, path, text: body)
                            let (a, b) = try await (first, retry)
                            #expect([a.status, b.status].compactMap { $0 }.sorted() == [200, 201], "c\(number)-\(index)")
                            let message = try HTTPTransport.decoder.decode(Message.self, from: Data(a.responseBody.utf8))
                            let again = try HTTPTransport.decoder.decode(Message.self, from: Data(b.responseBody.utf8))
                            #expect(message.id == again.id && message.seq == again.seq)
                            mine.append(message)
                        }
                        #expect(zip(mine, mine.dropFirst()).allSatisfy { $0.seq < $1.seq }, "client \(number): its messages keep its order")
                        return mine
                    }
                }
                var all: [Message] = []
                for try await messages in group { all += messages }
                return all
            }
            let elapsed = started.duration(to: clock.now)
            #expect(elapsed < .seconds(30), "took \(elapsed)")
            #expect(sent.count == Self.clients * Self.messagesPerClient)

            let perConversation = Self.clients / Self.conversations * Self.messagesPerClient
            for id in ids {
                let stored = try await server.support.messages(in: id, after: nil, limit: 500)
                #expect(stored.count == perConversation)
                #expect(stored.map(\.seq) == Array(1...perConversation), "\(id): strictly increasing, gapless")
                let keys = stored.compactMap(\.clientMessageId)
                #expect(Set(keys).count == perConversation, "\(id): no duplicates")
                let acknowledged = sent.filter { $0.conversationId == id }
                #expect(Set(acknowledged.map(\.id)) == Set(stored.map(\.id)), "\(id): what was acknowledged is what is stored")
            }
        }
    }
}
