import Foundation
import HandoffClient
import Testing

@testable import MockServer

/// A database that cannot grow (SQLite's page limit stands in for a full disk): every face answers 507 in
/// its own shape, nothing acknowledged is lost, and the mock recovers by itself once there is room.
@Suite("Disk full")
struct DiskFullTests {
    @Test("507 on both faces while the database cannot grow; everything acknowledged before is kept; writes resume after")
    func diskFull() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("diskfull-\(UUID().uuidString)")
        try await withServer(path: folder.appendingPathComponent("mock.sqlite").path) { server in
            let (_, conversation) = try await server.conversation("full")
            let pages = try await server.store.write { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
            try await server.store.write { db in try db.execute(sql: "PRAGMA max_page_count = \(pages + 20)") }
            var acknowledged: [String] = []
            var full: HTTPExchange?
            for index in 0..<5_000 {
                let text = String(repeating: "x", count: 2_000) + "-\(index)"
                let body = #"{"author":"user","text":"\#(text)","clientMessageId":"m-\#(index)"}"#
                let exchange = try await server.http().send(
                    .POST, "/v1/conversations/\(conversation.id)/messages", body: Array(body.utf8))
                if exchange.status == 201 || exchange.status == 200 {
                    acknowledged.append("m-\(index)")
                    continue
                }
                full = exchange
                break
            }
            let answer = try #require(full, "the page limit never filled the database")
            #expect(answer.status == 507, "\(answer.responseBody)")
            #expect(json(answer)["code"] as? String == "disk_full")
            let chatwoot = HTTPTransport(baseURL: server.url + "/api/v1/accounts/1", token: nil)
            let large = String(repeating: "y", count: 100_000)
            let contact = try await chatwoot.send(
                .POST, "/conversations/\(conversation.number)/messages",
                body: Array(#"{"content":"\#(large)","message_type":"outgoing"}"#.utf8), headers: [("api_access_token", "dev-token")])
            #expect(
                contact.status == 507 && (json(contact)["error"] as? String)?.contains("disk is full") == true, "\(contact.responseBody)")

            try await server.store.write { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
            #expect(!acknowledged.isEmpty && acknowledged.count < 200)
            let messages = try await server.support.messages(in: conversation.id, after: nil, limit: 200)
            let kept = Set(messages.compactMap(\.clientMessageId))
            #expect(Set(acknowledged).isSubset(of: kept), "acknowledged but lost: \(Set(acknowledged).subtracting(kept).sorted())")
            let again = try await server.http().send(
                .POST, "/v1/conversations/\(conversation.id)/messages", body: Array(#"{"author":"user","text":"room again"}"#.utf8))
            #expect(again.status == 201, "\(again.responseBody)")
        }
        try? FileManager.default.removeItem(at: folder)
    }
}
