import Crypto
import Foundation
import HandoffClient
import HandoffContract
import NIOHTTP1
import Testing

@testable import MockServer

@Suite("Webhooks over HTTP")
struct WebhookTests {
    struct Created: Decodable {
        var id: String
        var secret: String
    }

    @Test("deliveries are signed with HMAC-SHA256, retried after a failure with a stable delivery id")
    func signedAndRetried() async throws {
        let receiver = try await WebhookReceiver.start(failFirst: 1)
        try await withServer { server in
            let created: Created = try await server.http().call(
                .POST, "/v1/webhooks", body: ["url": receiver.url, "secret": "s3cret"])
            #expect(created.secret == "s3cret")
            let (_, conversation) = try await server.conversation()
            _ = try await server.support.post(.init(author: .user, text: "not for the bot"), to: conversation.id)
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            _ = try await server.desk.accept(conversation.id, agentId: nil)

            let deliveries = await receiver.waitFor(2)
            try #require(deliveries.count >= 2)
            #expect(deliveries[0].status == 500 && deliveries[1].status == 200)
            let id0 = deliveries[0].headers["x-handoff-delivery"]
            #expect(id0 != nil && id0 == deliveries[1].headers["x-handoff-delivery"])
            for delivery in deliveries {
                let timestamp = try #require(delivery.headers["x-handoff-timestamp"])
                let mac = HMAC<SHA256>.authenticationCode(
                    for: WebhookSignature.signedPayload(timestamp: timestamp, body: delivery.body),
                    using: SymmetricKey(data: Data("s3cret".utf8)))
                let expected = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
                #expect(delivery.headers["x-handoff-signature"] == expected)
                #expect(delivery.headers["x-handoff-event"] == "conversation.assigned")
            }
            let event = try JSONDecoder.iso.decode(SupportEvent.self, from: Data(deliveries[1].body))
            #expect(event.type == .conversationAssigned && event.conversationId == conversation.id)

            try await Task.sleep(for: .milliseconds(300))
            #expect(await receiver.log.deliveries.count == 2)
            let list = try await server.http().send(.GET, "/mock/v1/deliveries")
            let rows = try #require(json(list)["data"] as? [[String: Any]])
            #expect(rows.first?["status"] as? String == "delivered")
            #expect(rows.first?["attempts"] as? Int == 2)
        }
        await receiver.stop()
    }

    @Test("a receiver that stays down ends as failed, and replay delivers it")
    func failedThenReplayed() async throws {
        let receiver = try await WebhookReceiver.start(failFirst: 3)
        try await withServer { server in
            let _: Created = try await server.http().call(.POST, "/v1/webhooks", body: ["url": receiver.url])
            let (_, conversation) = try await server.conversation()
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            _ = try await server.desk.accept(conversation.id, agentId: nil)
            _ = await receiver.waitFor(3)
            var failedId: String?
            for _ in 0..<100 where failedId == nil {
                let failed = try await server.http().send(.GET, "/mock/v1/deliveries?status=failed")
                failedId = (json(failed)["data"] as? [[String: Any]])?.first?["id"] as? String
                try await Task.sleep(for: .milliseconds(20))
            }
            let id = try #require(failedId)
            let replay = try await server.http().send(.POST, "/mock/v1/deliveries/\(id)/replay", text: "")
            #expect(replay.status == 202)
            let deliveries = await receiver.waitFor(4)
            #expect(deliveries.count == 4 && deliveries[3].status == 200)
        }
        await receiver.stop()
    }

    @Test(
        "a receiver that is down (connection refused) is retried with backoff, ends failed, and once up a replay delivers every event exactly once per delivery id"
    )
    func downThenUp() async throws {
        // A port nobody listens on: learn a free one, then close it.
        let probe = try await WebhookReceiver.start()
        let port = try #require(URLComponents(string: probe.url)?.port)
        await probe.stop()
        let url = "http://127.0.0.1:\(port)/hook"
        let retry = WebhookRetryPolicy(baseDelay: 0.1, maxAttempts: 4, timeout: 5)
        try await withServer(retry: retry) { server in
            let _: Created = try await server.http().call(.POST, "/v1/webhooks", body: ["url": url])
            let started = Date()
            for _ in 0..<3 {
                let (_, conversation) = try await server.conversation()
                _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
                _ = try await server.desk.accept(conversation.id, agentId: nil)
                _ = try await server.desk.reply(conversation.id, text: "on it")
                _ = try await server.desk.resolve(conversation.id)
            }
            let events = 9
            var failed: [[String: Any]] = []
            for _ in 0..<250 where failed.count < events {
                try await Task.sleep(for: .milliseconds(40))
                failed =
                    json(try await server.http().send(.GET, "/mock/v1/deliveries?status=failed"))["data"]
                    as? [[String: Any]] ?? []
            }
            try #require(failed.count == events, "every delivery ends failed while the receiver is down")
            // Four attempts with 0.1 + 0.2 + 0.4 s between them: not all at once.
            #expect(Date().timeIntervalSince(started) >= 0.7)
            for row in failed {
                #expect(row["attempts"] as? Int == 4)
                #expect(row["lastStatus"] == nil, "no HTTP status from a closed port")
                #expect((row["lastError"] as? String)?.isEmpty == false)
            }

            let receiver = try await WebhookReceiver.start(port: port)
            try #require(receiver.url == url, "the receiver came up on the port that was down")
            let ids = failed.compactMap { $0["id"] as? String }
            for id in ids {
                let replay = try await server.http().send(.POST, "/mock/v1/deliveries/\(id)/replay", text: "")
                #expect(replay.status == 202)
            }
            _ = await receiver.waitFor(events)
            try await Task.sleep(for: .milliseconds(500))
            let received = await receiver.log.deliveries
            let byDelivery = Dictionary(grouping: received, by: { $0.headers["x-handoff-delivery"] ?? "" })
            #expect(Set(byDelivery.keys) == Set(ids))
            #expect(byDelivery.values.allSatisfy { $0.count == 1 }, "each delivery id arrives exactly once")
            let eventIds = try received.map { try JSONDecoder.iso.decode(SupportEvent.self, from: Data($0.body)).id }
            #expect(Set(eventIds).count == events && eventIds.count == events, "every event arrived, once")
            // The receiver answers before the mock records the attempt: poll the record.
            var delivered: [[String: Any]] = []
            for _ in 0..<100 where delivered.count < events {
                delivered =
                    json(try await server.http().send(.GET, "/mock/v1/deliveries?status=delivered"))["data"]
                    as? [[String: Any]] ?? []
                if delivered.count < events { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(delivered.count == events)
            #expect(delivered.allSatisfy { $0["attempts"] as? Int == 5 })
            await receiver.stop()
        }
    }

    @Test("webhook URLs must be http(s) on loopback by default")
    func urlPolicy() async throws {
        try await withServer { server in
            let refused = [
                "ftp://127.0.0.1/x", "not a url", "http://192.0.2.1/hook", "http://127.evil.example/hook",
                "http://127.0.0.1.example/hook", "hTTps://127.0*", "http://127.0.0.256/x", "http://127.00.0.1/x",
                "http://127.0.0.1:0/hook", "http://127.0.0.1:99999/hook", "http://127.0.0.1/a b", "http://127.0.0.1/a\\r\\nX: y",
                "http://127.0.0.1/" + String(repeating: "a", count: 2_100),
            ]
            for url in refused {
                let response = try await server.http().send(.POST, "/v1/webhooks", text: #"{"url":"\#(url)"}"#)
                #expect(response.status == 422, "\(url)")
                #expect(json(response)["field"] as? String == "url")
            }
            for url in [
                "http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://127.1.2.3/hook", "HTTP://127.0.0.1/",
                "http://127.0.0.1:65535/hook", "http://[::1]:8080/hook",
            ] {
                let response = try await server.http().send(.POST, "/v1/webhooks", text: #"{"url":"\#(url)"}"#)
                #expect(response.status == 201, "\(url)")
            }
            // The Chatwoot face keeps the same rule, in Chatwoot's validation shape, on create and on update.
            let chatwoot = HTTPTransport(baseURL: server.url + "/api/v1/accounts/1", token: nil)
            let headers = [("api_access_token", "dev-token")]
            let bad = try await chatwoot.send(
                .POST, "/webhooks", body: Array(#"{"url":"http://127.0.0.1:0/x","subscriptions":["message_created"]}"#.utf8),
                headers: headers)
            #expect(bad.status == 422 && bad.responseBody.contains("port must be between 1 and 65535"), "\(bad.responseBody)")
            let good = try await chatwoot.send(
                .POST, "/webhooks", body: Array(#"{"url":"http://127.0.0.1:9/x","subscriptions":["message_created"]}"#.utf8),
                headers: headers)
            #expect(good.status == 200, "\(good.responseBody)")
            let id = try #require((json(good)["payload"] as? [String: Any]).flatMap { ($0["webhook"] as? [String: Any])?["id"] as? Int })
            let update = try await chatwoot.send(
                .PATCH, "/webhooks/\(id)", body: Array(#"{"url":"http://127.0.0.1/a b"}"#.utf8), headers: headers)
            #expect(update.status == 422, "\(update.responseBody)")
        }
    }
}

extension JSONDecoder {
    static let iso: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// Deliveries stay where they were sent.
@Suite("Webhook redirects")
struct WebhookRedirectTests {
    @Test("a receiver that answers 307 gets a failed, retried attempt with its status; the Location is never requested")
    func redirectsAreNotFollowed() async throws {
        try await withServer { server in
            let target = try await WebhookReceiver.start()
            let redirecting = try await WebhookReceiver.start(redirectTo: target.url)
            let _: [String: String] = try await server.http().call(
                .POST, "/v1/webhooks", body: ["url": redirecting.url, "secret": "s3cret"])
            let (_, conversation) = try await server.conversation("redirect")
            _ = try await server.support.post(.init(author: .user, text: "help", clientMessageId: "r-1"), to: conversation.id)
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            _ = try await server.desk.accept(conversation.id, agentId: nil)
            let attempts = await redirecting.waitFor(2)
            #expect(attempts.count >= 2, "the 307 is a failure, retried")
            try await Task.sleep(for: .milliseconds(300))
            #expect(await target.waitFor(1, seconds: 0.5).isEmpty, "the Location was requested")
            let journal = try await server.http().send(.GET, "/mock/v1/journal?kind=webhook")
            #expect(journal.responseBody.contains(#""status":307"#) && journal.responseBody.contains(#""outcome":"retrying""#))
            await redirecting.stop()
            await target.stop()
        }
    }

    @Test("the loopback rule holds at delivery time: a stored URL on another host is refused, not called")
    func addressCheckedAtDelivery() {
        #expect(DeliveryAddressCheck.refusal("http://127.0.0.1:9/x", allowRemote: false) == nil)
        #expect(DeliveryAddressCheck.refusal("http://localhost:9/x", allowRemote: false) == nil)
        #expect(DeliveryAddressCheck.refusal("http://169.254.169.254/latest", allowRemote: false)?.contains("not loopback") == true)
        #expect(DeliveryAddressCheck.refusal("http://10.1.2.3/x", allowRemote: false)?.contains("not loopback") == true)
        #expect(DeliveryAddressCheck.refusal("http://10.1.2.3/x", allowRemote: true) == nil)
    }
}

/// One workspace's dead receivers cannot stall another workspace's deliveries.
@Suite("Webhook fairness")
struct WebhookFairnessTests {
    @Test("with 100 hanging receivers in workspace B, workspace A's delivery arrives within 1.5 s of its event")
    func hangingReceiversDelayOnlyThemselves() async throws {
        try await withServer(retry: .init(baseDelay: 0.1, maxAttempts: 3, timeout: 5)) { server in
            let hanging = try await WebhookReceiver.start(hang: true)
            let token = "b-token-\(UUID().uuidString)"
            let made = try await server.http(token: nil).send(
                .POST, "/mock/v1/workspaces", body: Array(#"{"name":"b-\#(UUID().uuidString.prefix(8))","token":"\#(token)"}"#.utf8))
            #expect(made.status == 201)
            let b = server.http(token: token)
            for index in 0..<100 {
                let hook = try await b.send(.POST, "/v1/webhooks", body: Array(#"{"url":"\#(hanging.url)?n=\#(index)","secret":"s"}"#.utf8))
                #expect(hook.status == 201)
            }
            let teams = try await b.send(.POST, "/mock/v1/teams", body: Array(#"{"name":"Help"}"#.utf8))
            #expect(teams.status == 201, "\(teams.responseBody)")
            let teamId = try #require((json(teams)["team"] as? [String: Any])?["id"] as? String)
            let agent = try await b.send(.POST, "/mock/v1/teams/\(teamId)/agents", body: Array(#"{"name":"Bo"}"#.utf8))
            #expect(agent.status == 201, "\(agent.responseBody)")
            let bSupport = NeutralSupportClient(baseURL: server.url, token: token)
            let bDesk = MockAgentDesk(baseURL: server.url, token: token)
            for index in 0..<3 {
                let user = try await bSupport.ensureUser(.init(externalId: "b-\(index)"))
                let conversation = try await bSupport.openConversation(userId: user.id, context: .init(), idempotencyKey: nil)
                _ = try await bSupport.transfer(conversation.id, to: .name("Help"))
                _ = try await bDesk.accept(conversation.id, agentId: nil)
            }
            _ = await hanging.waitFor(16, seconds: 5)  // B's receivers now hold their slots

            let receiver = try await WebhookReceiver.start()
            let hook = try await server.http().send(.POST, "/v1/webhooks", body: Array(#"{"url":"\#(receiver.url)","secret":"s"}"#.utf8))
            #expect(hook.status == 201)
            let (_, conversation) = try await server.conversation("fair")
            _ = try await server.support.transfer(conversation.id, to: .name("Billing"))
            let started = ContinuousClock.now
            _ = try await server.desk.accept(conversation.id, agentId: nil)
            let delivered = await receiver.waitFor(1, seconds: 10)
            let elapsed = ContinuousClock.now - started
            #expect(!delivered.isEmpty)
            #expect(elapsed < .milliseconds(1_500), "A's delivery took \(elapsed) behind B's hanging receivers")
            await receiver.stop()
            await hanging.stop()
        }
    }
}
