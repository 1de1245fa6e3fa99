import GRDB
import Logging
import Synchronization

/// A write refused because the database's disk is full: every face answers 507 (nothing was stored, the
/// mock recovers by itself once there is room), and the log says so once, with the file's path.
final class DiskFullReport: Sendable {
    /// What the answer says.
    static let detail = "The database's disk is full: nothing was stored. Free some space and retry; the mock recovers by itself."

    private let path: String?
    private let reported = Mutex(false)

    init(path: String?) {
        self.path = path
    }

    /// True for SQLite's "database or disk is full".
    static func isDiskFull(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_FULL
    }

    /// Logs the first time only.
    func report(_ logger: Logger) {
        let first = reported.withLock { reported in
            defer { reported = true }
            return !reported
        }
        if first {
            logger.error(
                "the database's disk is full; writes answer 507 until there is room", metadata: ["path": "\(path ?? "(in memory)")"])
        }
    }
}
