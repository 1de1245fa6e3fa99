import Foundation
import GRDB
import HandoffContract
import Logging
import Synchronization

/// The mock's one state: every face reads and writes it through these intent-named methods.
///
/// Backed by SQLite through GRDB: a WAL-mode file (`synchronous=NORMAL`, so a commit survives
/// `kill -9`) or an in-memory database for throwaway runs. Every query is indexed and scoped to
/// one workspace; nothing grows with the size of the store per request.
public final class SupportStore: Sendable {
    /// The database. Private: code reads through ``read(_:)`` and writes through ``write(_:)``, never through GRDB's
    /// own async `read`, which can deadlock the cooperative pool (see ``read(_:)``).
    private let db: any DatabaseWriter
    /// Every read passes it, so that the write-ahead log can be started over under steady reads (``WALCheckpointer``).
    let readGate = ReadGate()
    /// Woken after every commit that adds events; long-polls and the webhook dispatcher wait on it.
    public let signal = EventSignal()
    /// Counts the deliveries queued since start, so the dispatcher only looks at the queue when it has grown.
    let deliveriesQueued = Atomic<UInt64>(0)
    /// Known token digests (SHA-256, hex) and their workspaces, filled on first use and compared in
    /// constant time; tokens never change workspace and the token itself is never kept.
    let tokenCache = Mutex<[(hash: String, credentials: Credentials)]>([])
    /// Every durable write, in shared transactions (group commit).
    let groupCommit: GroupCommit
    /// Encoded answers kept between writes (the teams list); dropped after every write.
    public let readCache = ReadCache()
    /// Rules broken on purpose (`--defect`); empty in normal use.
    public var defects: Set<Defect> { boundary.defects }
    /// Where the defects wrap the reference rules.
    let boundary: DefectBoundary
    /// Every request, webhook attempt and scripted-agent action per workspace, in memory (not persisted).
    public let journal: RequestJournal
    /// The database file; nil in memory.
    public let path: String?

    /// How long a connection waits for a lock another connection holds before it fails with `SQLITE_BUSY`.
    static let busyTimeoutMilliseconds = 5_000

    /// Opens (creating if needed) the database at `path`, or an in-memory one when `path` is nil,
    /// and runs the migrations. `defects` make the mock break rules on purpose (for the suite's proof);
    /// `journalCapacity` bounds each workspace's request journal (default 10,000 entries).
    public init(path: String?, defects: Set<Defect> = [], journalCapacity: Int = RequestJournal.defaultCapacity) throws {
        self.boundary = DefectBoundary(defects: defects)
        self.path = path
        self.journal = RequestJournal(capacity: journalCapacity)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Double(Self.busyTimeoutMilliseconds) / 1000)
        configuration.prepareDatabase { db in
            if !db.configuration.readonly {
                try db.cached("PRAGMA synchronous = NORMAL").execute()
            }
            // Reads of a large file through the OS page cache, without a pread and a copy per page:
            // with 1M messages a page of 50 read 50 scattered pages (list p99 ×4.7 from 10k rows).
            try db.cached("PRAGMA mmap_size = 268435456").execute()
        }
        if let path {
            try DatabaseFileCheck.check(path)
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let pool = try DatabasePool(path: path, configuration: configuration)
            db = pool
        } else {
            db = try DatabaseQueue(configuration: configuration)
        }
        groupCommit = GroupCommit(writer: db)
        try Schema.migrator.migrate(db)
        if path != nil {
            try db.write { db in try db.execute(sql: "PRAGMA application_id = \(DatabaseFileCheck.applicationId)") }
        }
    }

    /// True when nothing has been stored yet (no workspace), so a seed should be applied.
    public func isEmpty() throws -> Bool {
        try read { db in try Int.fetchOne(db.cached("SELECT COUNT(*) FROM workspaces")) ?? 0 } == 0
    }

    /// Runs SQLite's own integrity check; `ok` when the file is sound.
    public func integrityCheck() throws -> String {
        try read { db in try String.fetchOne(db.cached("PRAGMA integrity_check")) ?? "unknown" }
    }

    /// Does `body` in a write transaction shared with the writes that arrive meanwhile (``GroupCommit``: each in its
    /// own savepoint, one commit for all) and returns its value once that transaction has committed. The caller
    /// suspends while it waits; no thread is held. Every durable write of the mock goes through here.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        // After the transaction (committed or rolled back): nothing kept may outlive a write.
        defer { readCache.invalidate() }
        return try await groupCommit.write(body)
    }

    /// Like ``write(_:)``, but leaves ``readCache`` alone: for a message, which no kept answer (the teams list)
    /// depends on. A write that changes teams or agents must use ``write(_:)``.
    func groupedWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await groupCommit.write(body)
    }

    /// Reads on the caller's thread, holding a reader only while `body` runs. Async code reads through here rather
    /// than GRDB's async `read`, which keeps its reader across a suspension: with both kinds in use, every reader
    /// can be held by a suspended task while every thread of the cooperative pool waits in a synchronous read for
    /// one, and nothing moves again (seen: 6 of 16 concurrent message posts never answered).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        readGate.enter()
        defer { readGate.leave() }
        return try db.read(body)
    }

    /// Runs `body` on the writer, outside any transaction, at a moment when no read is under way: reads wait at
    /// ``readGate`` meanwhile. Nil when reads were still under way after `patience`, or for an in-memory database
    /// (which has no log). For a checkpoint that must start the write-ahead log over (``WALCheckpointer``).
    func betweenReads<T>(patience: Duration, _ body: (Database) throws -> T) throws -> T? {
        guard path != nil, let pool = db as? DatabasePool else { return nil }
        return try pool.writeWithoutTransaction { db in
            // The writer first (writes then wait in line), then the readers: no read waits on a write.
            guard readGate.close(waitingAtMost: patience) else { return nil }
            defer { readGate.open() }
            return try body(db)
        }
    }

    func now() -> Double { Date().timeIntervalSince1970 }
}
