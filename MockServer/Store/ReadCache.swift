import Synchronization

/// Answers that only a write can change (the teams list, say), kept until the next write.
///
/// The store drops every entry after each write transaction, whatever it touched: simple, and right
/// by construction. A generation number keeps a read that raced a write from storing what it read
/// before the commit: a value is kept only if no write finished while it was being built.
public final class ReadCache: Sendable {
    /// What an entry is for: one workspace's answer to one question.
    public struct Key: Hashable, Sendable {
        /// The workspace's row id.
        public var workspace: Int64
        /// The question, e.g. `GET /v1/teams`.
        public var name: String

        /// Creates a key.
        public init(workspace: Int64, name: String) {
            self.workspace = workspace
            self.name = name
        }
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [Key: any Sendable] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty cache.
    public init() {}

    /// The kept value for `key`, or `build()`'s, kept unless a write finished meanwhile.
    public func value<Value: Sendable>(_ key: Key, build: () throws -> Value) rethrows -> Value {
        let (kept, generation) = state.withLock { ($0.entries[key] as? Value, $0.generation) }
        if let kept { return kept }
        let value = try build()
        state.withLock { if $0.generation == generation { $0.entries[key] = value } }
        return value
    }

    /// Drops every entry; the store calls it after each write.
    public func invalidate() {
        state.withLock {
            $0.generation &+= 1
            $0.entries.removeAll(keepingCapacity: true)
        }
    }
}
