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
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(url: String, secret: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.url = url
        self.secret = secret
        self.group = group
        self.task = task
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
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { continuation.finish() }  // a server that fails to start must not leave the wait below hanging
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        let sink = WebhookSink(url: "http://127.0.0.1:\(port)/hooks", secret: secret, group: group, task: task)
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
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
