import Hummingbird
import Logging
import ServiceLifecycle

/// A small HTTP server the suite runs on loopback (its webhook receiver, the Rasa callback listener): started,
/// its bound port known, and stopped.
struct LoopbackServer: Sendable {
    /// The port it listens on.
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts `router` on `host` and `port` (0: a free one). Throws the server's own error, or says it stopped at
    /// once, when it never listened (a port in use, say).
    static func start(router: Router<BasicRequestContext>, host: String, port: Int, logger: Logger) async throws -> LoopbackServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? port)
                continuation.finish()
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { continuation.finish() }  // a server that fails to start must not leave the wait below hanging
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else {
            try await task.value
            throw LoopbackServerError.stoppedAtOnce
        }
        return LoopbackServer(port: bound, group: group, task: task)
    }

    /// Stops it and waits until it has.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// A loopback server that ended before it listened, without an error of its own.
enum LoopbackServerError: Error, CustomStringConvertible {
    case stoppedAtOnce
    var description: String { "the server stopped at once" }
}
