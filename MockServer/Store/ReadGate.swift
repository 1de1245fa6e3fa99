import Foundation
import Synchronization

/// Lets the write-ahead log be started over under a steady stream of reads.
///
/// SQLite can truncate its log only at a moment when no reader holds an older snapshot; with reads always under way
/// that moment may never come by itself. Every read of the store passes this gate: ``close(waitingAtMost:)`` stops
/// new reads from starting, waits for the ones under way (each is one request's query), and gives the checkpoint its
/// moment; ``open()`` lets the waiting reads go. A read waits only while the gate is closed, which is bounded by the
/// checkpoint's own patience. (The gate cannot help against one long read: the soak's log grew to 4.8 GB with it in
/// place while the dispatcher's look at what was due took 6.6 s; that look is now bounded, see `dueDeliveries`.)
final class ReadGate: Sendable {
    private struct State {
        var readers = 0
        var closed = false
    }
    private let state = Mutex(State())

    /// Counts a read in; waits while the gate is closed.
    func enter() {
        while true {
            let entered = state.withLock { state -> Bool in
                if state.closed { return false }
                state.readers += 1
                return true
            }
            if entered { return }
            usleep(200)
        }
    }

    /// Counts a read out.
    func leave() {
        state.withLock { $0.readers -= 1 }
    }

    /// Stops new reads and waits until none is under way; false (and the gate open again) when reads are still
    /// under way after `patience`.
    func close(waitingAtMost patience: Duration) -> Bool {
        state.withLock { $0.closed = true }
        let deadline = ContinuousClock.now + patience
        while state.withLock({ $0.readers }) > 0 {
            if ContinuousClock.now >= deadline {
                open()
                return false
            }
            usleep(100)
        }
        return true
    }

    /// Lets reads start again.
    func open() {
        state.withLock { $0.closed = false }
    }
}
