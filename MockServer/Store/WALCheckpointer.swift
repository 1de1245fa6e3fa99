import Dispatch
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Keeps the write-ahead log of a file database from growing without bound.
///
/// SQLite copies the log back into the database after every thousand pages or so (a passive checkpoint), but it can
/// start the log over only at a moment when no reader still uses an older snapshot. Under a steady mix of reads and
/// writes that moment may not come: in a soak run the log reached 4 GB in three minutes beside a 1.4 GB database
/// (a slow read of the dispatcher's was always under way then; that read is bounded now).
/// So every ``interval``, when the log has passed ``threshold`` bytes, this makes that moment: it holds new reads at
/// the store's ``ReadGate``, waits for the reads under way (at most ``SupportStore/checkpointPatience``, else it tries
/// again at the next look), then runs a `TRUNCATE` checkpoint, which copies the log in and truncates it to zero
/// bytes. Writes and reads wait meanwhile. Off the cooperative pool; nothing to do for an in-memory database.
struct WALCheckpointer: Service {
    let store: SupportStore
    /// Time between two looks at the log's size.
    var interval: Duration = .seconds(2)
    /// The log's size past which it is truncated.
    var threshold: Int = 64 << 20
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                await checkpointIfLarge()
            }
        }
    }

    /// Truncates the log when it is past the threshold; logs what it did, and a failure (retried next time).
    func checkpointIfLarge() async {
        guard let size = store.logSize(), size > threshold else { return }
        do {
            guard let frames = try await store.truncateLog() else {
                logger.notice("write-ahead log not truncated: reads still under way (tried again later)")
                return
            }
            logger.debug("write-ahead log truncated", metadata: ["bytes": "\(size)", "frames": "\(frames.walFrameCount)"])
        } catch {
            logger.notice("write-ahead log not truncated (tried again later)", metadata: ["error": "\(error)"])
        }
    }
}

extension SupportStore {
    /// The size in bytes of the database's write-ahead log; nil in memory or when there is none.
    func logSize() -> Int? {
        guard let path else { return nil }
        return (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int
    }

    /// How long a truncating checkpoint waits for the reads under way to finish (new reads and every write wait
    /// meanwhile) before it gives up until the next look.
    static let checkpointPatience = Duration.milliseconds(100)

    /// Copies the write-ahead log into the database and truncates it (`PRAGMA wal_checkpoint(TRUNCATE)`), on a
    /// background queue, at a moment without reads (``ReadGate``). Nil for an in-memory database, or when reads were
    /// still under way after ``checkpointPatience``.
    func truncateLog() async throws -> (walFrameCount: Int, checkpointedFrameCount: Int)? {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(
                    with: Result {
                        try self.betweenReads(patience: Self.checkpointPatience) { db in
                            // No reader is left to wait for; a busy timeout would only stall the writes behind it.
                            try db.execute(sql: "PRAGMA busy_timeout = 100")
                            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds)") }
                            return try db.checkpoint(.truncate)
                        }
                    })
            }
        }
    }
}
