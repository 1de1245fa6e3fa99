import Crypto
import Foundation
import GRDB
import HandoffContract

extension SupportStore {
    /// SHA-256 of a token, hex: tokens are stored and looked up only by hash.
    /// Runs on every authenticated request, so the hex is written by hand: `String(format:)` per
    /// byte cost about 15% of a request's CPU.
    static func hash(token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(2 * SHA256.byteCount)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Creates a workspace with one token.
    public func createWorkspace(name: String, token: String) async throws -> Workspace {
        try await write { [self] db in
            if try Row.fetchOne(db.cached("SELECT id FROM workspaces WHERE name = ?"), arguments: [name]) != nil {
                throw StoreError.alreadyExists(resource: "workspace", name: name)
            }
            try db.cached("INSERT INTO workspaces (name, created_at) VALUES (?, ?)").execute(arguments: [name, now()])
            let workspace = Workspace(id: db.lastInsertedRowID, name: name)
            try Self.insertToken(db, workspace: workspace.id, token: token, now: now())
            return workspace
        }
    }

    /// Adds another token to a workspace.
    public func addToken(_ token: String, to workspace: Workspace) async throws {
        try await write { [self] db in try Self.insertToken(db, workspace: workspace.id, token: token, now: now()) }
    }

    /// Stores a token's digest for a workspace: a plain API token, or (Chatwoot face) a user's or a bot's
    /// access token. A token already known anywhere is `alreadyExists`, never a raw SQLite error.
    static func insertToken(
        _ db: Database, workspace: Int64, token: String, now: Double, kind: String? = nil, agentId: Int64? = nil,
        botId: Int64? = nil
    ) throws {
        let hash = Self.hash(token: token)
        if try Row.fetchOne(db.cached("SELECT 1 FROM tokens WHERE token_hash = ?"), arguments: [hash]) != nil {
            throw StoreError.alreadyExists(resource: "token", name: "(that token)")
        }
        try db.cached(
            "INSERT INTO tokens (token_hash, workspace_id, label, created_at, kind, agent_id, bot_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [hash, workspace, kind ?? "token", now, kind ?? "user", agentId, botId])
    }

    /// The workspace a bearer token belongs to, or nil. The token is hashed first, so the lookup
    /// compares fixed-size digests and never the secret itself.
    public func workspace(forToken token: String) throws -> Workspace? {
        try credentials(forToken: token)?.workspace
    }

    /// Who a token is, on every face: its workspace, its Chatwoot principal and its role; nil for an unknown
    /// token. Kept after the first lookup (a token never changes workspace or role).
    public func credentials(forToken token: String) throws -> Credentials? {
        let hash = Self.hash(token: token)
        if let cached = tokenCache.withLock({ Self.constantTimeLookup(hash, in: $0) }) { return cached }
        guard let (workspace, principal) = try chatwootPrincipal(forHash: hash) else { return nil }
        let found = Credentials(workspace: workspace, principal: principal, role: TokenRole(principal))
        tokenCache.withLock { $0.append((hash, found)) }
        return found
    }

    /// The entry whose token digest equals `hash`, comparing against every known digest, each
    /// byte by byte with no early exit: the time taken does not depend on how much of a guess matches.
    static func constantTimeLookup(_ hash: String, in known: [(hash: String, credentials: Credentials)]) -> Credentials? {
        var found: Credentials?
        for entry in known where constantTimeEquals(entry.hash, hash) { found = entry.credentials }
        return found
    }

    /// Equality of two strings in time that depends on their lengths only, not on where they differ.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a.utf8, b.utf8) { difference |= x ^ y }
        return difference == 0
    }

    /// A workspace by name.
    public func workspace(named name: String) throws -> Workspace? {
        try read { db in
            try Row.fetchOne(db.cached("SELECT id, name FROM workspaces WHERE name = ?"), arguments: [name])
                .map { Workspace(id: $0["id"], name: $0["name"]) }
        }
    }

    /// All workspaces.
    public func workspaces() throws -> [Workspace] {
        try read { db in
            try Row.fetchAll(db.cached("SELECT id, name FROM workspaces ORDER BY id"))
                .map { Workspace(id: $0["id"], name: $0["name"]) }
        }
    }

    /// Forgets the workspace's users, conversations, messages, events and deliveries; keeps its
    /// tokens, teams, agents and webhook subscriptions.
    public func reset(_ workspace: Workspace) async throws {
        try await write { db in
            try db.cached("DELETE FROM events WHERE workspace_id = ?").execute(arguments: [workspace.id])
            try db.cached("DELETE FROM users WHERE workspace_id = ?").execute(arguments: [workspace.id])
            try db.cached("UPDATE workspaces SET next_conversation_number = 1, event_seq = 0 WHERE id = ?").execute(arguments: [
                workspace.id
            ])
        }
    }
}
