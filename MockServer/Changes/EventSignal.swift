import ServiceLifecycle
import Synchronization

/// Wakes waiters when events are committed, per workspace, without losing a wake-up: a waiter
/// reads the generation before it looks for events, then waits only if nothing fired since.
public final class EventSignal: Sendable {
    private struct State {
        var closed = false
        var generation: [Int64: UInt64] = [:]
        var waiters: [Int64: [Int: CheckedContinuation<Void, Never>]] = [:]
        var nextWaiter = 0
    }
    private let state = Mutex(State())

    /// Key that is fired for every workspace (used by the webhook dispatcher).
    public static let anyWorkspace: Int64 = 0

    /// Creates a signal.
    public init() {}

    /// The current generation for a workspace; pass it to ``wait(workspace:since:timeout:)``.
    public func generation(_ workspace: Int64) -> UInt64 {
        state.withLock { $0.generation[workspace, default: 0] }
    }

    /// Wakes every waiter of `workspace` and of ``anyWorkspace``.
    public func fire(_ workspace: Int64) {
        let woken = state.withLock { state in
            var woken: [CheckedContinuation<Void, Never>] = []
            for key in Set([workspace, Self.anyWorkspace]) {
                state.generation[key, default: 0] &+= 1
                woken += state.waiters.removeValue(forKey: key)?.values ?? [:].values
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    /// Wakes every waiter now and every later one at once: the server is stopping, so long-polls answer with what
    /// they have instead of holding the shutdown for up to their whole wait.
    public func close() {
        let woken = state.withLock { state in
            state.closed = true
            let waiting = state.waiters.values.flatMap(\.values)
            state.waiters.removeAll()
            return waiting
        }
        for continuation in woken { continuation.resume() }
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Runs `body` (a long-poll) so that the server's graceful shutdown closes the signal and ends it early.
    public func untilShutdown<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        try await withGracefulShutdownHandler(operation: body, onGracefulShutdown: { self.close() })
    }

    /// Returns when `workspace` fires after `since`, or after `timeout`, whichever comes first (at once once closed).
    public func wait(workspace: Int64, since: UInt64, timeout: Duration) async {
        let ticket: Int? = state.withLock { state in
            guard !state.closed, state.generation[workspace, default: 0] == since else { return nil }
            state.nextWaiter += 1
            return state.nextWaiter
        }
        guard let ticket else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    guard !state.closed, state.generation[workspace, default: 0] == since else { return false }
                    state.waiters[workspace, default: [:]][ticket] = continuation
                    return true
                }
                guard registered else { return continuation.resume() }
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.release(workspace: workspace, ticket: ticket)
                }
            }
        } onCancel: {
            release(workspace: workspace, ticket: ticket)
        }
    }

    private func release(workspace: Int64, ticket: Int) {
        let continuation = state.withLock { $0.waiters[workspace]?.removeValue(forKey: ticket) }
        continuation?.resume()
    }
}
