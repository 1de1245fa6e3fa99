import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1
import Testing

@Suite("Mirrored messages over HTTP")
struct MessagesTests {
    @Test("messages keep their order with gapless sequence numbers; after pages")
    func order() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            for index in 1...12 {
                let author: MessageAuthor = index.isMultiple(of: 2) ? .bot : .user
                let message = try await server.support.post(.init(author: author, text: "m\(index)"), to: conversation.id)
                #expect(message.seq == index)
            }
            let all = try await server.support.messages(in: conversation.id, after: nil, limit: nil)
            #expect(all.map(\.text) == (1...12).map { "m\($0)" })
            let tail = try await server.support.messages(in: conversation.id, after: 10, limit: nil)
            #expect(tail.map(\.seq) == [11, 12])
            let page = try await server.support.messages(in: conversation.id, after: 0, limit: 5)
            #expect(page.map(\.seq) == [1, 2, 3, 4, 5])
        }
    }

    @Test("a retried message (clientMessageId or Idempotency-Key) is stored once")
    func deduplicated() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            let path = "/v1/conversations/\(conversation.id)/messages"
            let body = #"{"author":"user","text":"hello","clientMessageId":"c-1"}"#
            let first = try await server.http().send(.POST, path, text: body)
            let again = try await server.http().send(.POST, path, text: body)
            #expect(first.status == 201)
            #expect(again.status == 200)
            #expect(json(first)["id"] as? String == json(again)["id"] as? String)

            let header = [("Idempotency-Key", "h-1")]
            let viaHeader = try await server.http().send(.POST, path, text: #"{"author":"bot","text":"hi"}"#, headers: header)
            let viaHeaderAgain = try await server.http().send(.POST, path, text: #"{"author":"bot","text":"hi"}"#, headers: header)
            #expect(viaHeader.status == 201 && viaHeaderAgain.status == 200)

            let reused = try await server.http().send(.POST, path, text: #"{"author":"user","text":"other","clientMessageId":"c-1"}"#)
            #expect(reused.status == 409)
            #expect(json(reused)["code"] as? String == "idempotency_key_reused")

            let all = try await server.support.messages(in: conversation.id, after: nil, limit: nil)
            #expect(all.map(\.text) == ["hello", "hi"])
        }
    }

    @Test("a blank Idempotency-Key header is 422 even when the body has a clientMessageId")
    func blankHeaderKey() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            let response = try await server.http().send(
                .POST, "/v1/conversations/\(conversation.id)/messages",
                text: #"{"author":"user","text":"x","clientMessageId":"c-1"}"#, headers: [("Idempotency-Key", " ")])
            #expect(response.status == 422)
            #expect(json(response)["field"] as? String == "Idempotency-Key")
            #expect(try await server.support.messages(in: conversation.id, after: nil, limit: nil).isEmpty)
        }
    }

    @Test("concurrent retries of one key still store one message")
    func concurrentRetries() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            let support = server.support
            try await withThrowingTaskGroup(of: Message.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await support.post(.init(author: .user, text: "once", clientMessageId: "same"), to: conversation.id)
                    }
                }
                var ids = Set<String>()
                for try await message in group { ids.insert(message.id) }
                #expect(ids.count == 1)
            }
            #expect(try await support.messages(in: conversation.id, after: nil, limit: nil).count == 1)
        }
    }

    @Test("agents can only post through the control API")
    func noAgentOnNeutral() async throws {
        try await withServer { server in
            let (_, conversation) = try await server.conversation()
            let response = try await server.http().send(
                .POST, "/v1/conversations/\(conversation.id)/messages", text: #"{"author":"agent","text":"x"}"#)
            #expect(response.status == 422)
            #expect(json(response)["field"] as? String == "author")
        }
    }
}
