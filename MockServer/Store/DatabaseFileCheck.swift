import Foundation
import GRDB

/// Marks the mock's SQLite files and refuses someone else's before anything is written to it: opening a
/// file for writing would switch it to WAL mode and add a migrations table.
enum DatabaseFileCheck {
    /// `PRAGMA application_id` of the mock's files: "HDKT".
    static let applicationId: Int32 = 0x4844_4B54

    /// The tables an earlier mock, from before files were marked, left in its file.
    static let ownTables: Set<String> = ["grdb_migrations", "workspaces", "conversations", "messages"]

    /// Throws ``ForeignDatabaseError`` when `path` holds a SQLite database that is not the mock's (or is not
    /// a SQLite database at all); a missing or empty file, or one of ours, passes. Reads only.
    static func check(_ path: String) throws {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = attributes?[.size] as? NSNumber, size.intValue > 0 else { return }
        var configuration = Configuration()
        configuration.readonly = true
        let (id, tables): (Int32, [String])
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            (id, tables) = try queue.read { db in
                (
                    try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
                    try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                )
            }
            try queue.close()
        } catch {
            throw ForeignDatabaseError(path: path, reason: "it is not a SQLite database (\(error))")
        }
        if id == applicationId || tables.isEmpty { return }
        if id == 0 && ownTables.isSubset(of: Set(tables)) { return }  // written by a mock before files were marked
        let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
        throw ForeignDatabaseError(
            path: path,
            reason: id == 0
                ? "it belongs to another application (tables \(shown))"
                : "it belongs to another application (application_id \(id), tables \(shown))")
    }
}

/// `--db` names a file that is not the mock's; nothing was written to it.
public struct ForeignDatabaseError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// Why it is refused.
    public var reason: String
    /// One line for people.
    public var description: String {
        "\(path) is not a HandoffKit mock database: \(reason). It was left untouched; give --db a new file or one the mock made."
    }
}
