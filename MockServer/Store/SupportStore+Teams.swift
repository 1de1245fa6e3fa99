import GRDB
import HandoffContract

extension SupportStore {
    static let teamColumns = """
        t.id, t.name, t.description, t.online,
        (SELECT COUNT(*) FROM agents a WHERE a.team_id = t.id AND a.role = 'agent') AS agent_count
        """

    /// Creates a team; names are unique per workspace, case-insensitively.
    public func createTeam(
        _ workspace: Workspace, name: String, description: String?, online: Bool = true
    ) async throws -> Team {
        try await write { [self] db in
            if try self.team(db, workspace, .name(name)) != nil {
                throw StoreError.alreadyExists(resource: "team", name: name)
            }
            try db.cached("INSERT INTO teams (workspace_id, name, description, online) VALUES (?, ?, ?, ?)").execute(arguments: [
                workspace.id, name, description, online,
            ])
            let id = EntityKind.team.id(db.lastInsertedRowID)
            ChangeLog.record("team", id, "created")
            return try self.team(db, workspace, .id(id))!
        }
    }

    /// Adds an agent to a team.
    public func addAgent(_ workspace: Workspace, teamId: String, name: String, email: String?) async throws -> Agent {
        try await write { [self] db in
            guard let team = try self.team(db, workspace, .id(teamId)) else {
                throw ContractError.notFound(resource: "team", id: teamId)
            }
            let id = try AgentRecord.insert(
                db, workspaceId: workspace.id, teamId: EntityKind.team.number(from: team.id), name: name, email: email)
            return Agent(id: EntityKind.agent.id(id), name: name, email: email, teamId: team.id)
        }
    }

    /// The workspace's teams, by id.
    public func teams(_ workspace: Workspace) throws -> [Team] {
        boundary.teams(try referenceTeams(workspace))
    }

    /// The workspace's teams as stored.
    func referenceTeams(_ workspace: Workspace) throws -> [Team] {
        try read { db in try self.teams(db, workspace) }
    }

    func teams(_ db: Database, _ workspace: Workspace) throws -> [Team] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT \(Self.teamColumns) FROM teams t WHERE t.workspace_id = ? ORDER BY t.id"),
            arguments: [workspace.id]
        ).map(Rows.team)
    }

    /// One team by id or name, or `notFound`.
    public func team(_ workspace: Workspace, _ reference: TeamReference) throws -> Team {
        let found = try read { db in try self.team(db, workspace, reference) }.map(boundary.reported)
        guard let found else {
            switch reference {
            case .id(let id): throw ContractError.notFound(resource: "team", id: id)
            case .name(let name): throw ContractError.notFound(resource: "team", id: name)
            }
        }
        return found
    }

    func team(_ db: Database, _ workspace: Workspace, _ reference: TeamReference) throws -> Team? {
        switch reference {
        case .id(let id):
            guard let number = EntityKind.team.number(from: id) else { return nil }
            return try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.teamColumns) FROM teams t WHERE t.id = ? AND t.workspace_id = ?"),
                arguments: [number, workspace.id]
            ).map(Rows.team)
        case .name(let name):
            return try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT \(Self.teamColumns) FROM teams t WHERE t.workspace_id = ? AND t.name = ? COLLATE NOCASE"),
                arguments: [workspace.id, name]
            ).map(Rows.team)
        }
    }

    /// Takes a team offline (transfers to it get `team_unavailable`) or brings it back.
    public func setTeamOnline(_ workspace: Workspace, teamId: String, online: Bool) async throws -> Team {
        try await write { [self] db in
            guard let team = try self.team(db, workspace, .id(teamId)) else {
                throw ContractError.notFound(resource: "team", id: teamId)
            }
            try db.cached("UPDATE teams SET online = ? WHERE id = ?").execute(arguments: [online, EntityKind.team.number(from: team.id)])
            ChangeLog.record("team", team.id, "updated")
            return try self.team(db, workspace, .id(teamId))!
        }
    }

    /// The workspace's agents, optionally of one team.
    public func agents(_ workspace: Workspace, teamId: String? = nil) throws -> [Agent] {
        try read { db in
            if let teamId {
                guard let number = EntityKind.team.number(from: teamId) else { return [] }
                return try Row.fetchAll(
                    db.cached("SELECT * FROM agents WHERE workspace_id = ? AND team_id = ? ORDER BY id"),
                    arguments: [workspace.id, number]
                ).map(Rows.agent)
            }
            return try Row.fetchAll(
                db.cached("SELECT * FROM agents WHERE workspace_id = ? ORDER BY id"), arguments: [workspace.id]
            ).map(Rows.agent)
        }
    }

    func agent(_ db: Database, _ workspace: Workspace, id: String) throws -> Agent? {
        guard let number = EntityKind.agent.number(from: id) else { return nil }
        return try Row.fetchOne(db.cached("SELECT * FROM agents WHERE id = ? AND workspace_id = ?"), arguments: [number, workspace.id])
            .map(Rows.agent)
    }
}
