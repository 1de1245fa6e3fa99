import Dispatch
import Foundation
import HandoffContract
import Logging
import Synchronization
import Testing

@testable import MockServer

/// The write-ahead log of a file database stays bounded while readers never stop.
@Suite("Write-ahead log")
struct WALCheckpointTests {
    @Test("past its threshold the log is copied in and truncated to zero bytes while readers keep reading")
    func truncatedUnderReaders() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        let store = temporary.store
        try await store.apply(.defaultSeed)
        let workspace = try #require(try store.workspace(forToken: "dev-token"))
        let user = try await store.ensureUser(workspace, NewUser(externalId: "wal")).user
        let conversation = try await store.openConversation(workspace, userId: user.id, context: .init(), idempotencyKey: nil)
            .conversation

        // Readers on their own threads, a read every half millisecond each, until told to stop.
        let stop = Atomic<Bool>(false)
        let reads = Atomic<Int>(0)
        let readers = DispatchGroup()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: readers) {
                while !stop.load(ordering: .relaxed) {
                    _ = try? store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages") }
                    reads.add(1, ordering: .relaxed)
                    usleep(500)
                }
            }
        }
        let text = String(repeating: "x", count: 2_000)
        var posted = 0
        while (store.logSize() ?? 0) <= 2 << 20 && posted < 20_000 {
            _ = try await store.post(workspace, conversationId: conversation.id, NewMessage(author: .user, text: text))
            posted += 1
        }
        let before = store.logSize() ?? 0
        let readsBefore = reads.load(ordering: .relaxed)
        await WALCheckpointer(store: store, threshold: 1 << 20, logger: Logger(label: "test.wal")).checkpointIfLarge()
        let after = store.logSize() ?? -1
        try await Task.sleep(for: .milliseconds(50))
        stop.store(true, ordering: .relaxed)
        readers.wait()

        #expect(before > 1 << 20, "the log reached only \(before) bytes after \(posted) messages")
        #expect(after == 0, "the log is \(after) bytes after the checkpoint (was \(before))")
        #expect(reads.load(ordering: .relaxed) > readsBefore, "the readers stopped reading")
        let stored = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages") }
        #expect(stored == posted)
    }
}
