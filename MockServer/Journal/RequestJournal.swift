import Synchronization

/// Every request on either face, every webhook delivery attempt and every scripted-agent action, per
/// workspace, newest last — what `GET /mock/v1/journal` shows and `handoff verify` reads.
///
/// **Kept in memory, not in SQLite, and so not persisted**: a restart starts an empty journal. The
/// journal is a record of *this run* for the developer and the verifier, not part of the support
/// system's state; an append is one lock and one array write, with no disk I/O and no write
/// transaction competing with the API's own (SQLite has one writer), so it stays off the hot path.
///
/// Bounded: each workspace keeps at most ``capacity`` entries (default 10,000); when full, the
/// oldest is dropped and counted in ``Page/dropped``. Sequence numbers keep counting, so a reader
/// can tell that it missed entries.
public final class RequestJournal: Sendable {
    /// Entries kept per workspace when no other capacity is given.
    public static let defaultCapacity = 10_000

    /// The most entries kept per workspace.
    public let capacity: Int

    private struct Ring {
        var entries: [JournalEntry] = []
        /// Index of the oldest entry once the ring is full.
        var head = 0
        var nextSeq: Int64 = 1
        var dropped = 0

        mutating func append(_ entry: JournalEntry, capacity: Int) -> Int64 {
            var entry = entry
            entry.seq = nextSeq
            nextSeq += 1
            if entries.count < capacity {
                entries.append(entry)
            } else {
                entries[head] = entry
                head = (head + 1) % capacity
                dropped += 1
            }
            return entry.seq
        }

        /// Visits the entries oldest first until `body` returns false.
        func visit(_ body: (JournalEntry) -> Bool) {
            for index in 0..<entries.count where !body(entries[(head + index) % entries.count]) { return }
        }
    }

    private let rings = Mutex<[Int64: Ring]>([:])

    /// Creates an empty journal keeping at most `capacity` entries per workspace (at least 1).
    public init(capacity: Int = RequestJournal.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Appends an entry to a workspace's journal and returns the sequence number it got.
    @discardableResult
    public func append(_ entry: JournalEntry, workspace: Int64) -> Int64 {
        let capacity = capacity
        return rings.withLock { $0[workspace, default: Ring()].append(entry, capacity: capacity) }
    }

    /// A slice of a workspace's journal.
    public struct Page: Sendable, Hashable {
        /// The matching entries, oldest first.
        public var entries: [JournalEntry]
        /// Entries dropped from this workspace's journal since it started (or was cleared) because it was full.
        public var dropped: Int
        /// Entries held now.
        public var held: Int
        /// The sequence number the next entry will get.
        public var nextSeq: Int64
    }

    /// The entries of a workspace that match `filter`, oldest first, at most `limit` of them.
    public func entries(workspace: Int64, matching filter: JournalFilter = .init(), limit: Int = .max) -> Page {
        rings.withLock { rings in
            guard let ring = rings[workspace] else { return Page(entries: [], dropped: 0, held: 0, nextSeq: 1) }
            var found: [JournalEntry] = []
            ring.visit { entry in
                if filter.matches(entry) { found.append(entry) }
                return found.count < limit
            }
            return Page(entries: found, dropped: ring.dropped, held: ring.entries.count, nextSeq: ring.nextSeq)
        }
    }

    /// How many of a workspace's entries match `filter`.
    public func count(workspace: Int64, matching filter: JournalFilter) -> Int {
        rings.withLock { rings in
            var count = 0
            rings[workspace]?.visit { entry in
                if filter.matches(entry) { count += 1 }
                return true
            }
            return count
        }
    }

    /// How many entries were dropped from a workspace's journal because it was full.
    public func dropped(workspace: Int64) -> Int {
        rings.withLock { $0[workspace]?.dropped ?? 0 }
    }

    /// Forgets a workspace's entries and its dropped count; sequence numbers keep counting.
    public func clear(workspace: Int64) {
        rings.withLock { rings in
            let next = rings[workspace]?.nextSeq ?? 1
            rings[workspace] = Ring(nextSeq: next)
        }
    }
}
