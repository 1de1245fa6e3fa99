import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A loopback HTTP server that records webhook deliveries (header names in lower case) and fails the first `failFirst`
/// of them, or answers each with the status `answer` gives.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var headers: [String: String]
        var body: [UInt8]
        var status: Int
    }

    actor Log {
        var deliveries: [Delivery] = []
        var failFirst: Int
        let answer: (@Sendable ([String: String], [UInt8]) -> Int)?
        init(failFirst: Int, answer: (@Sendable ([String: String], [UInt8]) -> Int)?) {
            self.failFirst = failFirst
            self.answer = answer
        }
        func record(headers: [String: String], body: [UInt8]) -> Int {
            let status = answer?(headers, body) ?? (deliveries.count < failFirst ? 500 : 200)
            deliveries.append(Delivery(headers: headers, body: body, status: status))
            return status
        }
    }

    let log: Log
    let url: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(log: Log, url: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.log = log
        self.url = url
        self.group = group
        self.task = task
    }

    /// Starts a receiver on `port` (0: a free one); with `redirectTo`, it answers every delivery 307 to that URL.
    /// With `hang`, it does not answer in time (it waits 8 s on every delivery, past the mock's 5 s attempt timeout).
    static func start(
        failFirst: Int = 0, port: Int = 0, redirectTo: String? = nil, hang: Bool = false,
        answer: (@Sendable ([String: String], [UInt8]) -> Int)? = nil
    ) async throws -> WebhookReceiver {
        let log = Log(failFirst: failFirst, answer: answer)
        let router = Router()
        router.post("hook") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = await log.record(headers: headers, body: Array(buffer: body))
            if hang { try await Task.sleep(for: .seconds(8)) }
            if let redirectTo { return Response(status: .temporaryRedirect, headers: [.location: redirectTo]) }
            return Response(status: .init(code: status))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test.receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return WebhookReceiver(log: log, url: "http://127.0.0.1:\(port)/hook", group: group, task: task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Waits until at least `count` deliveries arrived, or `seconds` passed.
    func waitFor(_ count: Int, seconds: Double = 10) async -> [Delivery] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let deliveries = await log.deliveries
            if deliveries.count >= count { return deliveries }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await log.deliveries
    }
}
