import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// The suite's own webhook receiver on a loopback port. It records every delivery and can be
/// told to fail the first deliveries that mention a conversation (to prove retries).
public final class WebhookSink: Sendable {
    private struct State {
        var received: [ReceivedWebhook] = []
        var failures: [String: Int] = [:]
    }
    private let state = Mutex(State())
    /// The URL to subscribe.
    public let url: String
    /// The secret the suite subscribes with.
    public let secret: String
    private let server: LoopbackServer

    private init(url: String, secret: String, server: LoopbackServer) {
        self.url = url
        self.secret = secret
        self.server = server
    }

    /// Starts a receiver on 127.0.0.1 and a free port.
    public static func start(secret: String, logger: Logger) async throws -> WebhookSink {
        let box = Mutex<WebhookSink?>(nil)
        let router = Router()
        router.post("hooks") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 4 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let sink = box.withLock { $0 }
            let status = sink?.record(headers: headers, body: Array(buffer: body)) ?? 200
            return Response(status: .init(code: status))
        }
        let server = try await LoopbackServer.start(router: router, host: "127.0.0.1", port: 0, logger: logger)
        let sink = WebhookSink(url: "http://127.0.0.1:\(server.port)/hooks", secret: secret, server: server)
        box.withLock { $0 = sink }
        return sink
    }

    /// Makes the next `count` deliveries whose body mentions `marker` fail with 503.
    public func failNext(_ count: Int, mentioning marker: String) {
        state.withLock { $0.failures[marker] = count }
    }

    private func record(headers: [String: String], body: [UInt8]) -> Int {
        let text = String(decoding: body, as: UTF8.self)
        return state.withLock { state in
            var status = 200
            for (marker, remaining) in state.failures where remaining > 0 && text.contains(marker) {
                state.failures[marker] = remaining - 1
                status = 503
            }
            state.received.append(
                ReceivedWebhook(headers: headers, body: body, answeredStatus: status, receivedAt: .now))
            return status
        }
    }

    /// Every delivery so far.
    public var received: [ReceivedWebhook] { state.withLock { $0.received } }

    /// Stops the receiver.
    public func stop() async {
        await server.stop()
    }
}
