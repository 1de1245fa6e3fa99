import Foundation
import GRDB
import Testing

@testable import MockServer

/// Group commit: many writes share a transaction, yet each stands or falls on its own.
@Suite("Group commit")
struct GroupCommitTests {
    struct Refused: Error {}

    @Test("200 concurrent writes, every fifth failing after it wrote: only the others are stored, each as answered")
    func failuresAreIsolated() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("group-commit-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pool = try DatabasePool(path: path)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)") }
        let commit = GroupCommit(writer: pool)
        let answers = await withTaskGroup(of: (Int, Int64?).self) { group in
            for index in 0..<200 {
                group.addTask {
                    let id = try? await commit.write { db -> Int64 in
                        try db.execute(sql: "INSERT INTO t (v) VALUES (?)", arguments: ["v\(index)"])
                        if index % 5 == 0 { throw Refused() }  // its insert must be rolled back
                        return db.lastInsertedRowID
                    }
                    return (index, id)
                }
            }
            var answers: [Int: Int64?] = [:]
            for await (index, id) in group { answers[index] = id }
            return answers
        }
        let stored = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, v FROM t").reduce(into: [Int64: String]()) { $0[$1["id"]] = $1["v"] }
        }
        #expect(stored.count == 160)
        for (index, id) in answers {
            if index % 5 == 0 {
                #expect(id == nil, "write \(index) failed yet was answered")
                #expect(!stored.values.contains("v\(index)"), "write \(index) failed yet is stored")
            } else {
                #expect(id.flatMap { stored[$0] } == "v\(index)", "write \(index) was answered but is not stored as such")
            }
        }
        #expect(try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }
}
