import Foundation
import GRDB
import Testing

@testable import MockServer

/// A Chatwoot event going to several webhooks stores its rendered body once, and each webhook gets it whole.
@Suite("Shared delivery payloads")
struct SharedPayloadTests {
    @Test("three Chatwoot webhooks: one stored body per event; each of the three receives the same bytes")
    func oneBodyPerEvent() async throws {
        let receiver = try await WebhookReceiver.start()
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withServer(path: path) { server in
            let admin = ChatwootFaceTests.Chatwoot(server, token: "dev-token")
            for index in 0..<3 {
                let (status, _) = try await admin.call(
                    .POST, "/webhooks",
                    #"{"webhook":{"url":"\#(receiver.url)?hook=\#(index)","subscriptions":["conversation_created","message_created"]}}"#)
                #expect(status == 200)
            }
            let contact = try await ChatwootFaceTests.contact(admin, identifier: "shared-payload")
            let bot = ChatwootFaceTests.Chatwoot(server, token: "bot-token")
            let (created, body) = try await bot.call(.POST, "/conversations", #"{"source_id":"\#(contact.sourceId)"}"#)
            #expect(created == 200)
            let number = try #require((body as? [String: Any])?["id"] as? Int)
            let (posted, _) = try await bot.call(
                .POST, "/conversations/\(number)/messages", #"{"content":"hello","message_type":"incoming"}"#)
            #expect(posted == 200)

            let deliveries = await receiver.waitFor(6)
            #expect(deliveries.count == 6)
            var bodiesByEvent: [String: Set<[UInt8]>] = [:]
            for delivery in deliveries {
                let object = try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
                bodiesByEvent[object?["event"] as? String ?? "?", default: []].insert(delivery.body)
            }
            // One body per event, the same bytes for all three webhooks.
            #expect(bodiesByEvent.mapValues(\.count) == ["conversation_created": 1, "message_created": 1])

            let counts = try server.store.read { db in
                (
                    shared: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE payload_id IS NOT NULL") ?? 0,
                    inline: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE payload IS NOT NULL") ?? 0,
                    bodies: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery_payloads") ?? 0
                )
            }
            #expect(counts.bodies == 2)
            #expect(counts.shared == 6)
            #expect(counts.inline == 0)
        }
    }
}
