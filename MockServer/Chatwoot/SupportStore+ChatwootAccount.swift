import Foundation
import GRDB
import HandoffContract

extension SupportStore {
    /// The workspace and principal of a token digest, read from the database.
    func chatwootPrincipal(forHash hash: String) throws -> (Workspace, ChatwootPrincipal)? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db.cached(
                        """
                        SELECT t.kind, t.agent_id, t.bot_id, w.id, w.name FROM tokens t JOIN workspaces w ON w.id = t.workspace_id
                        WHERE t.token_hash = ?
                        """), arguments: [hash])
            else { return nil }
            let workspace = Workspace(id: row["id"], name: row["name"])
            if let bot: Int64 = row["bot_id"] { return (workspace, .bot(id: bot)) }
            if let agentId: Int64 = row["agent_id"],
                let role = try String.fetchOne(db.cached("SELECT role FROM agents WHERE id = ?"), arguments: [agentId])
            {
                return (workspace, .user(id: agentId, role: role))
            }
            let admin = try Int64.fetchOne(
                db.cached("SELECT id FROM agents WHERE workspace_id = ? AND role = 'administrator' ORDER BY id LIMIT 1"),
                arguments: [workspace.id])
            return (workspace, .user(id: admin ?? 0, role: "administrator"))
        }
    }

    /// `GET /api/v1/profile`.
    func profile(_ workspace: Workspace, userId: Int64) throws -> [String: JSONValue] {
        try read { db in
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            guard let row = try views.agentRow(userId) else { throw ChatwootError.notFound }
            var object = views.agent(row)
            object["account_id"] = .int(workspace.id)
            object["display_name"] = object["name"]
            object["accounts"] = .array([
                .object(["id": .int(workspace.id), "name": .string(workspace.name), "role": object["role"] ?? "agent", "status": "active"])
            ])
            object["message_signature"] = .null
            object["ui_settings"] = .object([:])
            return object
        }
    }

    /// `GET agents`.
    func chatwootAgents(_ workspace: Workspace) throws -> JSONValue {
        try read { db in
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            return .array(
                try Row.fetchAll(db.cached("SELECT * FROM agents WHERE workspace_id = ? ORDER BY id"), arguments: [workspace.id])
                    .map { .object(views.agent($0)) })
        }
    }

    /// `GET teams`.
    func chatwootTeams(_ workspace: Workspace) throws -> JSONValue {
        try read { db in
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            return .array(
                try Row.fetchAll(db.cached("SELECT * FROM teams WHERE workspace_id = ? ORDER BY id"), arguments: [workspace.id])
                    .map { .object(views.team($0)) })
        }
    }

    /// `GET teams/{id}`.
    func chatwootTeam(_ workspace: Workspace, id: Int64) throws -> JSONValue {
        try read { db in
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            guard let row = try views.teamRow(id) else { throw ChatwootError.notFound }
            return .object(views.team(row))
        }
    }

    /// `POST teams`: names are stored as given and shown downcased; a taken name is 422.
    func createChatwootTeam(_ workspace: Workspace, name: String, description: String?) async throws -> JSONValue {
        do {
            let team = try await createTeam(workspace, name: name.lowercased(), description: description)
            return try chatwootTeam(workspace, id: EntityKind.team.number(from: team.id)!)
        } catch StoreError.alreadyExists {
            throw ChatwootError.invalid("Name has already been taken", attributes: ["name"])
        }
    }

    /// `GET teams/{id}/team_members`.
    func teamMembers(_ workspace: Workspace, teamId: Int64) throws -> JSONValue {
        try read { db in
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            guard try views.teamRow(teamId) != nil else { throw ChatwootError.notFound }
            return .array(
                try Row.fetchAll(db.cached("SELECT * FROM agents WHERE team_id = ? ORDER BY id"), arguments: [teamId])
                    .map { .object(views.agent($0)) })
        }
    }

    /// `POST teams/{id}/team_members`: adds the users (an agent here belongs to one team, so they move);
    /// returns the ones newly added. Ids outside the account are 401 `Invalid User IDs`.
    func addTeamMembers(_ workspace: Workspace, teamId: Int64, userIds: [Int64]) async throws -> JSONValue {
        try await write { [self] db in
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            guard try views.teamRow(teamId) != nil else { throw ChatwootError.notFound }
            var added: [JSONValue] = []
            for id in userIds {
                guard let row = try views.agentRow(id) else { throw ChatwootError(.unauthorized, ["error": "Invalid User IDs"]) }
                if (row["team_id"] as Int64?) == teamId { continue }
                try db.cached("UPDATE agents SET team_id = ? WHERE id = ?").execute(arguments: [teamId, id])
                ChangeLog.record("agent", EntityKind.agent.id(id), "updated")
                added.append(.object(views.agent(try views.agentRow(id)!)))
            }
            return .array(added)
        }
    }

    // MARK: account webhooks

    static let allowedWebhookEvents: Set<String> = [
        "conversation_status_changed", "conversation_updated", "conversation_created", "contact_created", "contact_updated",
        "message_created", "message_updated", "webwidget_triggered", "inbox_created", "inbox_updated",
        "conversation_typing_on", "conversation_typing_off",
    ]

    func webhookJSON(_ row: Row, workspace: Workspace) -> JSONValue {
        .object([
            "id": .int(row["id"] as Int64), "name": .string(Rows.optionalText(row, "name")), "url": .string(Rows.text(row, "url")),
            "account_id": .int(workspace.id),
            "subscriptions": Rows.value(row["subscriptions"], default: .array([])),
            "secret": .string(Rows.text(row, "secret")),
        ])
    }

    private func validateWebhook(_ db: Database, _ workspace: Workspace, url: String, subscriptions: [String], except id: Int64?) throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
            throw ChatwootError.invalid("Url is invalid", attributes: ["url"])
        }
        guard !subscriptions.isEmpty, Set(subscriptions).isSubset(of: Self.allowedWebhookEvents) else {
            throw ChatwootError.invalid("Subscriptions Invalid events", attributes: ["subscriptions"])
        }
        if try Row.fetchOne(
            db.cached("SELECT 1 FROM webhooks WHERE workspace_id = ? AND kind = 'chatwoot' AND url = ? AND id != ?"),
            arguments: [workspace.id, url, id ?? 0]) != nil
        {
            throw ChatwootError.invalid("Url has already been taken", attributes: ["url"])
        }
    }

    /// `POST webhooks`.
    func createChatwootWebhook(_ workspace: Workspace, url: String, name: String?, subscriptions: [String]) async throws -> JSONValue {
        try await write { [self] db in
            try validateWebhook(db, workspace, url: url, subscriptions: subscriptions, except: nil)
            let id = try WebhookRecord.insert(
                db,
                .init(
                    workspaceId: workspace.id, kind: .chatwoot, url: url, secret: Self.newSecret(), name: name,
                    subscriptions: subscriptions), at: now())
            let row = try Row.fetchOne(db.cached("SELECT * FROM webhooks WHERE id = ?"), arguments: [id])!
            return .object(["payload": .object(["webhook": webhookJSON(row, workspace: workspace)])])
        }
    }

    /// `GET webhooks`.
    func chatwootWebhooks(_ workspace: Workspace) throws -> JSONValue {
        try read { db in
            let rows = try Row.fetchAll(
                db.cached("SELECT * FROM webhooks WHERE workspace_id = ? AND kind = 'chatwoot' ORDER BY id"), arguments: [workspace.id])
            return .object(["payload": .object(["webhooks": .array(rows.map { webhookJSON($0, workspace: workspace) })])])
        }
    }

    /// `PATCH webhooks/{id}`.
    func updateChatwootWebhook(
        _ workspace: Workspace, id: Int64, url: String?, name: String?, subscriptions: [String]?
    ) async throws
        -> JSONValue
    {
        try await write { [self] db in
            guard
                let row = try Row.fetchOne(
                    db.cached("SELECT * FROM webhooks WHERE id = ? AND workspace_id = ? AND kind = 'chatwoot'"),
                    arguments: [id, workspace.id])
            else { throw ChatwootError.notFound }
            let newURL = url ?? Rows.text(row, "url")
            let newSubscriptions = subscriptions ?? Rows.decode([String].self, row["subscriptions"], default: [])
            try validateWebhook(db, workspace, url: newURL, subscriptions: newSubscriptions, except: id)
            try db.cached("UPDATE webhooks SET url = ?, name = COALESCE(?, name), subscriptions = ? WHERE id = ?").execute(arguments: [
                newURL, name, Rows.json(newSubscriptions), id,
            ])
            ChangeLog.record("webhook", EntityKind.webhook.id(id), "updated")
            let updated = try Row.fetchOne(db.cached("SELECT * FROM webhooks WHERE id = ?"), arguments: [id])!
            return .object(["payload": .object(["webhook": webhookJSON(updated, workspace: workspace)])])
        }
    }

    /// `DELETE webhooks/{id}`.
    func deleteChatwootWebhook(_ workspace: Workspace, id: Int64) async throws {
        try await write { db in
            try db.cached("DELETE FROM webhooks WHERE id = ? AND workspace_id = ? AND kind = 'chatwoot'").execute(arguments: [
                id, workspace.id,
            ])
            if db.changesCount == 0 { throw ChatwootError.notFound }
            ChangeLog.record("webhook", EntityKind.webhook.id(id), "deleted")
        }
    }

    static func newSecret() -> String {
        (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    // MARK: seed

    /// Creates an API inbox, optionally with an active agent bot whose token is `botToken`.
    @discardableResult
    func createInbox(_ workspace: Workspace, name: String, botName: String?, botToken: String?, botURL: String?) async throws -> Int64 {
        try await write { [self] db in
            var botId: Int64?
            if let botName {
                try db.cached("INSERT INTO agent_bots (workspace_id, name, outgoing_url, secret) VALUES (?, ?, ?, ?)").execute(arguments: [
                    workspace.id, botName, botURL, Self.newSecret(),
                ])
                botId = db.lastInsertedRowID
                if let botToken {
                    try Self.insertToken(db, workspace: workspace.id, token: botToken, now: now(), kind: "bot", botId: botId)
                }
            }
            try db.cached("INSERT INTO inboxes (workspace_id, name, identifier, secret, bot_id) VALUES (?, ?, ?, ?, ?)").execute(
                arguments: [workspace.id, name, Self.newSecret().prefix(24).description, Self.newSecret(), botId])
            let inboxId = db.lastInsertedRowID
            if let botId, let botURL {
                let secret = try String.fetchOne(db.cached("SELECT secret FROM agent_bots WHERE id = ?"), arguments: [botId]) ?? ""
                _ = try WebhookRecord.insert(
                    db,
                    .init(
                        workspaceId: workspace.id, kind: .chatwootBot, url: botURL, secret: secret, name: botName, inboxId: inboxId),
                    at: now())
            }
            return inboxId
        }
    }

    /// Adds a user without a team (an administrator, say); its token is bound with ``addAgentToken(_:agentName:token:)``.
    func addUser(_ workspace: Workspace, name: String, email: String?, role: String) async throws {
        try await write { db in
            _ = try AgentRecord.insert(db, workspaceId: workspace.id, teamId: nil, name: name, email: email, role: role)
        }
    }

    /// Binds an existing agent to a user access token.
    func addAgentToken(_ workspace: Workspace, agentName: String, token: String) async throws {
        try await write { [self] db in
            guard
                let id = try Int64.fetchOne(
                    db.cached("SELECT id FROM agents WHERE workspace_id = ? AND name = ?"), arguments: [workspace.id, agentName])
            else { throw SeedError.invalid("agent token for '\(agentName)': no such agent") }
            try Self.insertToken(db, workspace: workspace.id, token: token, now: now(), kind: "user", agentId: id)
        }
    }
}
