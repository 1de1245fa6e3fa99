import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A mock server running in this process, for the demo and for tests: it listens on a real
/// loopback port and is stopped with ``stop()``.
public final class RunningMock: Sendable {
    /// The base URL, e.g. `http://127.0.0.1:53122`.
    public let url: String
    /// The bound port.
    public let port: Int
    /// The store it serves.
    public let store: SupportStore
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(url: String, port: Int, store: SupportStore, group: ServiceGroup, task: Task<Void, any Error>) {
        self.url = url
        self.port = port
        self.store = store
        self.group = group
        self.task = task
    }

    /// Starts the mock and returns once it accepts connections.
    public static func start(config: MockConfiguration, store: SupportStore, logger: Logger) async throws -> RunningMock {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(config: config, store: store, logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw CancellationError()
        }
        return RunningMock(url: "http://\(config.host):\(port)", port: port, store: store, group: group, task: task)
    }

    /// Shuts the server down gracefully and waits for it.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
