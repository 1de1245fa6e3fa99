import Dispatch
import GRDB
import Synchronization

/// Group commit for every durable write of the mock: writes that arrive while a transaction is running
/// are done together in the next one, each in its own savepoint, so that one `COMMIT` (one WAL
/// append, one pass over the pages they share) serves many requests.
///
/// Each write still succeeds or fails on its own: an error rolls back its savepoint only. No caller
/// hears of success before the transaction that holds its write has committed; if the commit fails,
/// every write in it fails. Waiting callers suspend; they do not hold a thread of the cooperative pool.
final class GroupCommit: Sendable {
    /// One queued write: `run` does it inside the shared transaction (and returns its own error, if any),
    /// `finish` answers its caller.
    private struct Job: Sendable {
        let run: @Sendable (Database) -> (any Error)?
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let queue = Mutex(Queue())
    private let thread = DispatchQueue(label: "handoff.group-commit")

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Does `body` in the next shared transaction and returns its value once that has committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        // The request's change log: this write records into a log of its own, kept only once it has committed.
        let requestLog = ChangeLog.current
        let writeLog = requestLog.map { _ in ChangeLog() }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Mutex<Result<T, any Error>?>(nil)
            let job = Job(
                run: { db in
                    do {
                        var value: T?
                        try ChangeLog.$current.withValue(writeLog) {
                            try db.inSavepoint {
                                value = try body(db)
                                return .commit
                            }
                        }
                        outcome.withLock { $0 = value.map { .success($0) } }
                        return nil
                    } catch {
                        outcome.withLock { $0 = .failure(error) }
                        return error
                    }
                },
                finish: { commitError in
                    if let commitError {
                        // The whole transaction failed: its cause, not the aborted commit, is the answer.
                        continuation.resume(throwing: commitError)
                    } else if let result = outcome.withLock({ $0 }) {
                        if case .success = result, let requestLog, let writeLog { requestLog.absorb(writeLog) }
                        continuation.resume(with: result)
                    } else {
                        continuation.resume(throwing: GroupCommitError.noResult)
                    }
                })
            let lead = queue.withLock { state -> Bool in
                state.jobs.append(job)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if lead { thread.async { self.drain() } }
        }
    }

    /// Runs queued writes, a transaction per batch, until the queue is empty.
    private func drain() {
        while true {
            let jobs = queue.withLock { state -> [Job] in
                let jobs = state.jobs
                state.jobs.removeAll(keepingCapacity: true)
                if jobs.isEmpty { state.draining = false }
                return jobs
            }
            if jobs.isEmpty { return }
            let failures = Mutex<[any Error]>([])
            do {
                try writer.write { db in
                    for job in jobs {
                        if let error = job.run(db) { failures.withLock { $0.append(error) } }
                    }
                }
                for job in jobs { job.finish(nil) }
            } catch {
                // A full disk aborts the whole transaction (SQLite rolls it back), so the commit fails with
                // SQLITE_ABORT: answer every write with the cause instead.
                let cause = failures.withLock { $0 }.first { ($0 as? DatabaseError)?.resultCode == .SQLITE_FULL } ?? error
                for job in jobs { job.finish(cause) }
            }
        }
    }
}

/// A grouped write that neither returned nor threw (cannot happen; answered rather than trapped on).
enum GroupCommitError: Error {
    case noResult
}
