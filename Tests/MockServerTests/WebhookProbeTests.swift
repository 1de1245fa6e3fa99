import Crypto
import Foundation
import HandoffClient
import HandoffContract
import Hummingbird
import Logging
import MockServer
import NIOHTTP1
import ServiceLifecycle
import Testing

/// `handoff mock --probe-webhooks`: each subscription gets two forged deliveries (a wrong signature, a stale
/// timestamp) after its first real delivery about a conversation, once, journaled as `probe`, never stored.
@Suite("Webhook probes (--probe-webhooks)")
struct WebhookProbeTests {
    /// A mock with the default seed, probes on or off.
    static func start(probes: Bool) async throws -> TestServer {
        let store = try SupportStore(path: nil)
        try await store.apply(.defaultSeed)
        var logger = Logger(label: "test.mock")
        logger.logLevel = .critical
        let mock = try await RunningMock.start(
            config: .init(port: 0, webhookRetry: .init(baseDelay: 0.1, maxAttempts: 3, timeout: 5), probeWebhooks: probes),
            store: store, logger: logger)
        return TestServer(mock: mock)
    }

    /// `sha256=<hex>` of `"<timestamp>.<body>"` with `secret`.
    static func signature(_ timestamp: String, _ body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: WebhookSignature.signedPayload(timestamp: timestamp, body: body), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The journal's entries of one kind, polled until there are at least `count` (or two seconds passed).
    static func journal(_ server: TestServer, kind: String, atLeast count: Int) async throws -> [[String: Any]] {
        var entries: [[String: Any]] = []
        for _ in 0..<100 {
            let response = try await server.http().send(.GET, "/mock/v1/journal?limit=1000&kind=\(kind)")
            #expect(response.status == 200, "\(response.responseBody)")
            entries = json(response)["data"] as? [[String: Any]] ?? []
            if entries.count >= count { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return entries
    }

    /// Transfer, accept, reply, resolve: three neutral events (assigned, message.created, resolved).
    static func runThrough(_ server: TestServer, _ label: String) async throws -> Conversation {
        let (_, conversation) = try await server.conversation(label)
        _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
        _ = try await server.desk.accept(conversation.id, agentId: nil)
        _ = try await server.desk.reply(conversation.id, text: "on it")
        _ = try await server.desk.resolve(conversation.id)
        return conversation
    }

    @Test(
        "a neutral subscription gets one pair of probes after its first real delivery; a verifying receiver refuses both and the journal says so"
    )
    func neutralPair() async throws {
        let secret = "s3cret"
        let receiver = try await WebhookReceiver.verifying(secret: secret)
        let server = try await Self.start(probes: true)
        do {
            let subscription = try await server.support.subscribeWebhook(url: receiver.url, secret: secret)
            let first = try await Self.runThrough(server, "probe-1-\(UUID().uuidString)")
            _ = await receiver.waitFor(5)
            _ = try await Self.runThrough(server, "probe-2-\(UUID().uuidString)")
            _ = await receiver.waitFor(8)
            try await Task.sleep(for: .milliseconds(500))
            let received = await receiver.log.deliveries
            #expect(received.count == 8, "six real deliveries and one pair of probes, no second pair")

            let isProbe = { (delivery: WebhookReceiver.Delivery) in
                delivery.headers["x-handoff-delivery"]?.hasPrefix("dlv_probe_") == true
            }
            let probes = received.filter(isProbe)
            let real = received.filter { !isProbe($0) }
            try #require(probes.count == 2)
            #expect(real.count == 6)
            #expect(received.first.map(isProbe) == false, "the probes come after the first real delivery")
            #expect(real.allSatisfy { $0.status == 200 }, "real deliveries are signed with the secret and fresh")
            #expect(real.allSatisfy { $0.headers["x-handoff-delivery"]?.hasPrefix("dlv_") == true })

            let now = Int(Date().timeIntervalSince1970)
            let bad = try #require(
                probes.first { $0.headers["x-handoff-signature"] != Self.signature($0.timestamp, $0.body, secret: secret) })
            let stale = try #require(
                probes.first { $0.headers["x-handoff-signature"] == Self.signature($0.timestamp, $0.body, secret: secret) })
            #expect(bad.headers["x-handoff-delivery"] != stale.headers["x-handoff-delivery"])
            #expect(bad.headers["x-handoff-signature"]?.hasPrefix("sha256=") == true)
            #expect(abs(now - (Int(bad.timestamp) ?? 0)) < 60, "the bad signature carries a fresh timestamp")
            #expect(now - (Int(stale.timestamp) ?? now) >= 300, "the stale probe is at least 300 s old")
            #expect(bad.status == 401 && stale.status == 401)
            #expect(bad.body == stale.body, "both probes forge the same event")
            for probe in probes {
                #expect(probe.headers["x-handoff-event"] == "conversation.resolved")
                #expect(probe.headers["content-type"] == "application/json")
                let event = try #require(try JSONSerialization.jsonObject(with: Data(probe.body)) as? [String: Any])
                #expect(event["type"] as? String == "conversation.resolved")
                #expect(event["conversationId"] as? String == first.id)
                #expect((event["id"] as? String)?.hasPrefix("evt_probe_") == true)
                #expect(event["message"] == nil)
                #expect(event["userId"] as? String == first.userId)
            }

            let journaled = try await Self.journal(server, kind: "probe", atLeast: 2)
            #expect(journaled.count == 2)
            let attempts = journaled.compactMap { $0["webhook"] as? [String: Any] }
            #expect(Set(attempts.compactMap { $0["probe"] as? String }) == ["bad-signature", "stale-timestamp"])
            #expect(
                Set(attempts.compactMap { $0["deliveryId"] as? String })
                    == Set(probes.compactMap { $0.headers["x-handoff-delivery"] }))
            for (entry, attempt) in zip(journaled, attempts) {
                #expect(entry["kind"] as? String == "probe")
                #expect(entry["face"] as? String == "neutral")
                #expect(entry["method"] as? String == "POST" && entry["path"] as? String == "/hook")
                #expect(entry["status"] as? Int == 401)
                #expect(entry["conversationId"] as? String == first.id)
                #expect(attempt["outcome"] as? String == "refused")
                #expect(attempt["event"] as? String == "conversation.resolved")
                #expect(attempt["webhookId"] as? String == subscription.id)
                #expect(attempt["url"] as? String == receiver.url && attempt["attempt"] as? Int == 1)
                let summary = entry["summary"] as? String ?? ""
                #expect(summary.hasPrefix("probe \(attempt["probe"] as? String ?? "?") conversation.resolved dlv_probe_"))
                #expect(summary.hasSuffix("→ HTTP 401: refused"), "\(summary)")
            }

            let hooks = try await Self.journal(server, kind: "webhook", atLeast: 6)
            #expect(hooks.count == 6)
            #expect(hooks.allSatisfy { ($0["webhook"] as? [String: Any])?["outcome"] as? String == "delivered" })
            #expect(hooks.allSatisfy { ($0["webhook"] as? [String: Any])?["probe"] == nil })

            let rows = json(try await server.http().send(.GET, "/mock/v1/deliveries"))["data"] as? [[String: Any]] ?? []
            #expect(rows.count == 6, "probes are never stored as deliveries")
            #expect(rows.allSatisfy { ($0["id"] as? String)?.contains("probe") == false })
        } catch {
            await server.stop()
            await receiver.stop()
            throw error
        }
        await server.stop()
        await receiver.stop()
    }

    @Test("a Chatwoot account webhook gets Chatwoot-shaped probes; a receiver that takes them is journaled as accepted")
    func chatwootAccepted() async throws {
        let receiver = try await WebhookReceiver.start()
        let server = try await Self.start(probes: true)
        do {
            let admin = ChatwootFaceTests.Chatwoot(server, token: "dev-token")
            let (status, created) = try await admin.call(
                .POST, "/webhooks", #"{"webhook":{"url":"\#(receiver.url)","subscriptions":["message_created"]}}"#)
            #expect(status == 200)
            let webhook = ((created as? [String: Any])?["payload"] as? [String: Any])?["webhook"] as? [String: Any]
            let secret = try #require(webhook?["secret"] as? String)
            let contact = try await ChatwootFaceTests.contact(admin)
            let (_, conversation) = try await admin.call(.POST, "/conversations", #"{"inbox_id":1,"contact_id":\#(contact.id)}"#)
            let number = try #require((conversation as? [String: Any])?["id"] as? Int)
            _ = try await admin.call(.POST, "/conversations/\(number)/messages", #"{"content":"hello","message_type":"incoming"}"#)
            _ = await receiver.waitFor(3)
            _ = try await admin.call(.POST, "/conversations/\(number)/messages", #"{"content":"again","message_type":"incoming"}"#)
            _ = await receiver.waitFor(4)
            try await Task.sleep(for: .milliseconds(500))
            let received = await receiver.log.deliveries
            #expect(received.count == 4, "two real deliveries and one pair of probes")

            let bodies = received.map { (try? JSONSerialization.jsonObject(with: Data($0.body))) as? [String: Any] ?? [:] }
            let probeIndices = bodies.indices.filter { bodies[$0]["event"] as? String == "conversation_resolved" }
            try #require(probeIndices.count == 2)
            #expect(probeIndices.first ?? 0 > 0, "the probes come after the first real delivery")
            let now = Int(Date().timeIntervalSince1970)
            var signedRight = 0
            for index in probeIndices {
                let probe = received[index]
                let body = bodies[index]
                #expect((body["conversation"] as? [String: Any])?["status"] as? String == "resolved")
                #expect(body["content"] as? String == "hello", "forged from the first real delivery")
                let id = probe.headers["x-chatwoot-delivery"] ?? ""
                #expect(id.count == 36 && id.split(separator: "-").count == 5, "a UUID-like delivery id: \(id)")
                #expect(probe.headers["x-handoff-delivery"] == nil)
                let timestamp = try #require(probe.headers["x-chatwoot-timestamp"])
                if probe.headers["x-chatwoot-signature"] == Self.signature(timestamp, probe.body, secret: secret) {
                    signedRight += 1
                    #expect(now - (Int(timestamp) ?? now) >= 300)
                } else {
                    #expect(abs(now - (Int(timestamp) ?? 0)) < 60)
                }
            }
            #expect(signedRight == 1, "one probe has a wrong signature, the other a stale timestamp")

            let journaled = try await Self.journal(server, kind: "probe", atLeast: 2)
            #expect(journaled.count == 2)
            for entry in journaled {
                let attempt = entry["webhook"] as? [String: Any]
                #expect(entry["face"] as? String == "chatwoot" && entry["status"] as? Int == 200)
                #expect(attempt?["outcome"] as? String == "accepted" && attempt?["event"] as? String == "conversation.resolved")
                #expect((entry["summary"] as? String)?.hasSuffix("→ HTTP 200: accepted") == true)
            }
            let hooks = try await Self.journal(server, kind: "webhook", atLeast: 2)
            #expect(hooks.count == 2)
        } catch {
            await server.stop()
            await receiver.stop()
            throw error
        }
        await server.stop()
        await receiver.stop()
    }

    @Test("without --probe-webhooks no probe is sent or journaled")
    func offByDefault() async throws {
        #expect(MockConfiguration().probeWebhooks == false)
        let receiver = try await WebhookReceiver.start()
        try await withServer { server in
            _ = try await server.support.subscribeWebhook(url: receiver.url, secret: "s3cret")
            _ = try await Self.runThrough(server, "plain-\(UUID().uuidString)")
            _ = await receiver.waitFor(3)
            try await Task.sleep(for: .milliseconds(500))
            let received = await receiver.log.deliveries
            #expect(received.count == 3)
            #expect(received.allSatisfy { $0.headers["x-handoff-delivery"]?.hasPrefix("dlv_probe_") == false })
            #expect(received.allSatisfy { $0.headers["x-handoff-delivery"]?.hasPrefix("dlv_") == true })
            let hooks = try await Self.journal(server, kind: "webhook", atLeast: 3)
            #expect(hooks.count == 3)
            let probes = try await Self.journal(server, kind: "probe", atLeast: 0)
            #expect(probes.isEmpty)
        }
        await receiver.stop()
    }
}

extension WebhookReceiver {
    /// A receiver that checks our signature headers as a correct connector does: 401 for a signature that does
    /// not verify with `secret` or a timestamp more than 300 s off, 200 otherwise.
    static func verifying(secret: String) async throws -> WebhookReceiver {
        try await start { headers, body in
            let timestamp = headers["x-handoff-timestamp"] ?? ""
            let fresh = Int(timestamp).map { abs(Int(Date().timeIntervalSince1970) - $0) <= 300 } ?? false
            let signed = headers["x-handoff-signature"] == WebhookProbeTests.signature(timestamp, body, secret: secret)
            return signed && fresh ? 200 : 401
        }
    }
}

extension WebhookReceiver.Delivery {
    /// The delivery's `X-Handoff-Timestamp`.
    var timestamp: String { headers["x-handoff-timestamp"] ?? "" }
}
