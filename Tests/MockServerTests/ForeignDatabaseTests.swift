import Foundation
import GRDB
import Testing

@testable import MockServer

/// `--db` on a file that is not the mock's is refused before anything touches it.
@Suite("Foreign database files")
struct ForeignDatabaseTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("another application's SQLite file is refused, byte for byte unchanged, no -wal or -shm beside it")
    func foreignFileUntouched() throws {
        let path = try Self.folder().appendingPathComponent("notes.db").path
        let other = try DatabaseQueue(path: path)
        try other.write { db in
            try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')")
        }
        try other.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: ForeignDatabaseError.self) { _ = try SupportStore(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("a file that is not SQLite is refused and unchanged; the mock's own file is marked and opens again")
    func garbageAndOwnFile() async throws {
        let folder = try Self.folder()
        let garbage = folder.appendingPathComponent("garbage.db").path
        try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: garbage))
        do {
            _ = try SupportStore(path: garbage)
            Issue.record("a file that is not SQLite was opened")
        } catch let error as ForeignDatabaseError {
            #expect(error.description.contains("not a SQLite database"))
        }
        #expect(try String(contentsOfFile: garbage, encoding: .utf8) == "not a database at all")

        let own = folder.appendingPathComponent("mock.sqlite").path
        do {
            let store = try SupportStore(path: own)
            try await store.apply(.defaultSeed)
        }
        let id = try await DatabaseQueue(path: own).read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        #expect(id == DatabaseFileCheck.applicationId)
        let reopened = try SupportStore(path: own)
        #expect(try !reopened.isEmpty())
    }
}
