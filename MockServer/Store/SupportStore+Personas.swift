import Foundation
import GRDB
import HandoffContract

/// A conversation a persona may act on, with what its templates need.
struct PersonaWork: Sendable {
    var workspace: Workspace
    var conversationId: String
    var number: Int
    var state: ConversationState
    var teamId: String
    var teamName: String
    var assigneeId: String?
    var persona: Persona
    var userName: String
}

/// A persona that cannot be used, naming the member at fault.
public struct PersonaError: Error, Sendable, CustomStringConvertible {
    /// The member, e.g. `acceptAfter`.
    public var field: String
    /// What is wrong with it.
    public var reason: String
    /// One line for people.
    public var description: String { "\(field): \(reason)" }
}

extension SupportStore {
    /// Gives a team a scripted agent, or takes it away with nil. The persona's agent must be one of the team's.
    @discardableResult
    public func setPersona(_ workspace: Workspace, teamId: String, _ persona: Persona?) async throws -> Team {
        if let problem = persona?.problem() { throw PersonaError(field: problem.field, reason: problem.reason) }
        let team = try await write { [self] db in
            guard let team = try self.team(db, workspace, .id(teamId)) else {
                throw ContractError.notFound(resource: "team", id: teamId)
            }
            if let name = persona?.agent {
                let agents = try Row.fetchAll(
                    db.cached("SELECT name FROM agents WHERE team_id = ?"), arguments: [EntityKind.team.number(from: team.id)]
                ).map { Rows.text($0, "name") }
                guard agents.contains(name) else {
                    throw PersonaError(
                        field: "agent",
                        reason: "'\(name)' is not an agent of \(team.name) (its agents: \(agents.joined(separator: ", ")))")
                }
            }
            try db.cached("UPDATE teams SET persona = ? WHERE id = ?").execute(arguments: [
                persona.map(Rows.json), EntityKind.team.number(from: team.id),
            ])
            ChangeLog.record("team", team.id, "updated")
            return team
        }
        signal.fire(workspace.id)
        return team
    }

    /// A team's scripted agent, if it has one.
    public func persona(_ workspace: Workspace, teamId: String) throws -> Persona? {
        try read { db in
            guard let team = try self.team(db, workspace, .id(teamId)) else {
                throw ContractError.notFound(resource: "team", id: teamId)
            }
            let text = try String.fetchOne(
                db.cached("SELECT persona FROM teams WHERE id = ?"), arguments: [EntityKind.team.number(from: team.id)])
            return text.map { Rows.decode(Persona?.self, $0, default: nil) } ?? nil
        }
    }

    /// Every team with a persona, per workspace (team id → persona).
    public func personas(_ workspace: Workspace) throws -> [String: Persona] {
        try read { db in
            var found: [String: Persona] = [:]
            for row in try Row.fetchAll(
                db.cached("SELECT id, persona FROM teams WHERE workspace_id = ? AND persona IS NOT NULL"), arguments: [workspace.id])
            {
                if let persona = Rows.decode(Persona?.self, row["persona"], default: nil) {
                    found[EntityKind.team.id(row["id"])] = persona
                }
            }
            return found
        }
    }

    /// The conversations waiting in, or held by, a team with a persona. Teams first (`CROSS JOIN` keeps SQLite from
    /// walking every conversation in id order instead): the scripted agents ask after every acknowledged write, and a
    /// walk over all conversations made each write dearer as the store grew (whole flows 313 → 247 a second over three
    /// 6 s runs on one file).
    static let personaWorkSQL: StaticString = """
        SELECT c.id, c.number, c.state, c.team_id, c.assignee_id, t.name AS team_name, t.persona,
            w.id AS workspace_id, w.name AS workspace_name, u.name AS user_name, u.external_id
        FROM teams t
        CROSS JOIN conversations c ON c.team_id = t.id AND c.state IN ('queued', 'assigned')
        JOIN workspaces w ON w.id = t.workspace_id
        JOIN users u ON u.id = c.user_id
        WHERE t.persona IS NOT NULL
        ORDER BY c.id
        """

    /// The conversations waiting in, or held by, a team with a persona, in every workspace.
    func personaWork() throws -> [PersonaWork] {
        try read { db in
            try Row.fetchAll(db.cached(Self.personaWorkSQL)).compactMap { row in
                guard let persona = Rows.decode(Persona?.self, row["persona"], default: nil),
                    let state = ConversationState(rawValue: row["state"])
                else { return nil }
                let assignee: Int64? = row["assignee_id"]
                return PersonaWork(
                    workspace: Workspace(id: row["workspace_id"], name: row["workspace_name"]),
                    conversationId: EntityKind.conversation.id(row["id"]), number: row["number"], state: state,
                    teamId: EntityKind.team.id(row["team_id"]), teamName: Rows.text(row, "team_name"),
                    assigneeId: assignee.map(EntityKind.agent.id), persona: persona,
                    userName: Rows.optionalText(row, "user_name") ?? Rows.text(row, "external_id"))
            }
        }
    }

    /// The text of the conversation's last public user message, or "".
    func lastUserMessage(conversationId: String) throws -> String {
        try read { db in
            try Row.fetchOne(
                db.cached(
                    """
                    SELECT text FROM messages WHERE conversation_id = ? AND author = 'user' AND visibility = 'public'
                    ORDER BY seq DESC LIMIT 1
                    """), arguments: [EntityKind.conversation.number(from: conversationId)]
            ).map { Rows.text($0, "text") } ?? ""
        }
    }

    /// How many public messages an agent wrote in a conversation.
    func replies(by agentId: String, conversationId: String) throws -> Int {
        try read { db in
            try Int.fetchOne(
                db.cached(
                    "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND agent_id = ? AND author = 'agent' AND visibility = 'public'"
                ),
                arguments: [EntityKind.conversation.number(from: conversationId), EntityKind.agent.number(from: agentId)]) ?? 0
        }
    }
}
