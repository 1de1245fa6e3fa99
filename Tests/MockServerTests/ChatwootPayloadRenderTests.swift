import Foundation
import GRDB
import HandoffContract
import Testing

@testable import MockServer

/// A Chatwoot event is queued with what it is about, and its body is rendered when it is first sent, out of the write.
@Suite("Chatwoot payloads rendered when sent")
struct ChatwootPayloadRenderTests {
    @Test("the write stores a recipe and no body; the first send renders and stores it, and later sends reuse those bytes")
    func renderedWhenSent() async throws {
        // The store alone: no dispatcher runs, so the test decides when a delivery is "sent".
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let workspace = try await store.createWorkspace(name: "render", token: "render-token")
        for index in 0..<2 {
            _ = try await store.createChatwootWebhook(
                workspace, url: "http://127.0.0.1:9/hook-\(index)", name: nil, subscriptions: ["message_created"])
        }
        let user = try await store.ensureUser(workspace, NewUser(externalId: "render-user")).user
        let conversation = try await store.openConversation(workspace, userId: user.id, context: .init(), idempotencyKey: nil)
            .conversation
        _ = try await store.post(workspace, conversationId: conversation.id, NewMessage(author: .user, text: "hello there"))

        // What the write left: one shared payload with its recipe and no body, and a delivery to each webhook.
        let queued = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT body, recipe FROM delivery_payloads")
        }
        #expect(queued.count == 1)
        #expect((queued.first?["body"] as String?) == "")
        #expect((queued.first?["recipe"] as String?)?.contains("message_id") == true)

        let later = Date().timeIntervalSince1970 + 1
        let (due, _) = try store.dueDeliveries(now: later, limit: 10, perWorkspace: 10)
        #expect(due.count == 2)
        #expect(due.allSatisfy { $0.recipe != nil && $0.body.isEmpty })
        // Only the first is sent in this pass: the second comes in a later one.
        let first = try #require(try await store.renderChatwootPayloads([due[0]]).first)
        let body = try #require(JSONValueParser.parse(first.body))
        guard case .object(let object) = body else {
            Issue.record("the body is not a JSON object: \(body)")
            return
        }
        #expect(object["event"] == .string("message_created"))
        #expect(object["content"] == .string("hello there"))
        #expect(object["message_type"] == .string("incoming"))
        let stored = try store.read { db in try Row.fetchOne(db, sql: "SELECT body, recipe FROM delivery_payloads")! }
        #expect((stored["body"] as String) == String(decoding: first.body, as: UTF8.self))
        #expect((stored["recipe"] as String?) == nil)

        // A later write changes the conversation; the second subscription still gets the stored bytes, as does a retry.
        _ = try await store.post(workspace, conversationId: conversation.id, NewMessage(author: .user, text: "and more"))
        try await store.recordAttempt(delivery: first.id, delivered: false, status: 500, error: nil, retryAt: later - 10)
        let (again, _) = try store.dueDeliveries(now: later, limit: 10, perWorkspace: 10)
        let firstEvent = again.filter { $0.payloadId == first.payloadId }
        #expect(firstEvent.count == 2)
        #expect(firstEvent.allSatisfy { $0.recipe == nil && $0.body == first.body })
    }

    @Test("a delivery whose message is gone renders to an empty body and is not stored")
    func vanished() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        let workspace = try await store.createWorkspace(name: "vanish", token: "vanish-token")
        _ = try await store.createChatwootWebhook(
            workspace, url: "http://127.0.0.1:9/hook", name: nil, subscriptions: ["message_created"])
        let user = try await store.ensureUser(workspace, NewUser(externalId: "vanish-user")).user
        let conversation = try await store.openConversation(workspace, userId: user.id, context: .init(), idempotencyKey: nil)
            .conversation
        let message = try await store.post(workspace, conversationId: conversation.id, NewMessage(author: .user, text: "gone"))
            .message
        let number = try #require(EntityKind.message.number(from: message.id))
        try await store.write { db in try db.execute(sql: "DELETE FROM messages WHERE id = ?", arguments: [number]) }
        let (due, _) = try store.dueDeliveries(now: Date().timeIntervalSince1970 + 1, limit: 10, perWorkspace: 10)
        let rendered = try await store.renderChatwootPayloads(due)
        #expect(rendered.count == 1)
        #expect(rendered.first?.body.isEmpty == true)
        #expect(rendered.first?.payloadId != nil)
        #expect(rendered.first?.recipe == nil)
        // Nothing was stored: the payload still waits with its recipe.
        let payload = try store.read { db in try Row.fetchOne(db, sql: "SELECT body, recipe FROM delivery_payloads")! }
        #expect((payload["body"] as String) == "")
        #expect((payload["recipe"] as String?) != nil)

        // An unreadable recipe is nothing to render either: the delivery comes with no body and no recipe.
        try await store.write { db in try db.execute(sql: "UPDATE delivery_payloads SET recipe = 'not json'") }
        let (unreadable, _) = try store.dueDeliveries(now: Date().timeIntervalSince1970 + 1, limit: 10, perWorkspace: 10)
        #expect(unreadable.count == 1)
        #expect(unreadable.first?.recipe == nil && unreadable.first?.body.isEmpty == true)
    }
}
