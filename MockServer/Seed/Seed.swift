import Foundation
import GRDB
import HandoffContract
import Yams

/// What a seed file holds: workspaces with their tokens, teams and agents.
///
/// ```yaml
/// workspaces:
///   - name: default
///     tokens: [dev-token]
///     teams:
///       - name: Billing
///         description: Invoices, refunds, plans
///         online: true          # optional, default true
///         agents:
///           - { name: Bea Billing, email: bea@example.com }
///         persona:              # optional: a scripted agent (see ``Persona``)
///           acceptAfter: 2
///           replies: ["Hi {user}, {agent} from {team} here."]
/// ```
public struct Seed: Sendable, Codable {
    /// One agent.
    public struct AgentSeed: Sendable, Codable {
        /// Display name.
        public var name: String
        /// Email address.
        public var email: String?
    }

    /// One team.
    public struct TeamSeed: Sendable, Codable {
        /// Unique name in the workspace.
        public var name: String
        /// What the team handles.
        public var description: String?
        /// Whether it takes conversations; default true.
        public var online: Bool?
        /// Its agents.
        public var agents: [AgentSeed]?
        /// A scripted agent that accepts, replies and resolves on its own (for CI with nobody at the desk).
        public var persona: Persona?
    }

    /// An agent bot connected to an inbox (its conversations start `pending`).
    public struct AgentBotSeed: Sendable, Codable {
        /// Display name.
        public var name: String
        /// Its `api_access_token` on the Chatwoot face.
        public var token: String?
        /// Where Chatwoot's bot events go (loopback only unless --allow-remote-webhooks).
        public var outgoingUrl: String?
    }

    /// One Chatwoot API inbox.
    public struct InboxSeed: Sendable, Codable {
        /// Display name.
        public var name: String
        /// The inbox's active agent bot, if any.
        public var agentBot: AgentBotSeed?
    }

    /// A user access token of an agent (Chatwoot face).
    public struct AgentTokenSeed: Sendable, Codable {
        /// The agent's name, as in `teams[].agents[].name`.
        public var agent: String
        /// The token.
        public var token: String
    }

    /// One workspace (a Chatwoot account).
    public struct WorkspaceSeed: Sendable, Codable {
        /// Unique name.
        public var name: String
        /// Bearer tokens bound to it; on the Chatwoot face they are the administrator's user tokens.
        public var tokens: [String]
        /// Its teams.
        public var teams: [TeamSeed]?
        /// Chatwoot API inboxes.
        public var inboxes: [InboxSeed]?
        /// Agents' user tokens for the Chatwoot face.
        public var agentTokens: [AgentTokenSeed]?
        /// The administrator's name (default `Administrator`).
        public var admin: AgentSeed?
    }

    /// The workspaces to create.
    public var workspaces: [WorkspaceSeed]

    /// Parses a seed from YAML, with the line of the problem in the error.
    public static func parse(yaml: String) throws -> Seed {
        let seed: Seed
        do {
            seed = try YAMLDecoder().decode(Seed.self, from: yaml)
        } catch let error as DecodingError {
            throw SeedError.invalid(describe(error))
        } catch {
            throw SeedError.invalid("\(error)")
        }
        for (w, workspace) in seed.workspaces.enumerated() {
            for (t, team) in (workspace.teams ?? []).enumerated() {
                if let problem = team.persona?.problem() {
                    throw SeedError.invalid(".workspaces[\(w)].teams[\(t)].persona.\(problem.field): \(problem.reason)")
                }
            }
        }
        return seed
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// The default seed: workspace `default`, token `dev-token`, three teams with agents.
    public static let defaultSeed = Seed(workspaces: [
        .init(
            name: "default", tokens: ["dev-token"],
            teams: [
                .init(
                    name: "General Support", description: "Anything that is not billing or technical", online: true,
                    agents: [.init(name: "Gina General", email: "gina@support.example")]),
                .init(
                    name: "Billing", description: "Invoices, refunds, plans and payments", online: true,
                    agents: [
                        .init(name: "Bea Billing", email: "bea@support.example"),
                        .init(name: "Bob Billing", email: "bob@support.example"),
                    ]),
                .init(
                    name: "Technical Support", description: "Bugs, outages, integrations", online: true,
                    agents: [.init(name: "Theo Tech", email: "theo@support.example")]),
            ],
            inboxes: [.init(name: "API Inbox", agentBot: .init(name: "HandoffKit Bot", token: "bot-token", outgoingUrl: nil))],
            agentTokens: [.init(agent: "Bea Billing", token: "agent-token")],
            admin: .init(name: "Ada Admin", email: "admin@support.example"))
    ])
}

/// A seed that cannot be used.
public enum SeedError: Error, Sendable, CustomStringConvertible {
    /// The YAML does not have the seed's shape.
    case invalid(String)

    /// What is wrong.
    public var description: String {
        switch self {
        case .invalid(let reason): "invalid seed: \(reason)"
        }
    }
}

extension SupportStore {
    /// Applies a seed: each workspace that does not exist yet is created with its tokens, teams
    /// and agents; existing workspaces are left as they are, so restarts never duplicate.
    /// Returns the names of the workspaces created.
    @discardableResult
    public func apply(_ seed: Seed) async throws -> [String] {
        // Credentials read before the seed (an administrator agent it adds) are read again.
        defer { tokenCache.withLock { $0.removeAll() } }
        var created: [String] = []
        for workspaceSeed in seed.workspaces {
            if try workspace(named: workspaceSeed.name) != nil { continue }
            guard let first = workspaceSeed.tokens.first else {
                throw SeedError.invalid("workspace '\(workspaceSeed.name)' needs at least one token")
            }
            let workspace = try await createWorkspace(name: workspaceSeed.name, token: first)
            for token in workspaceSeed.tokens.dropFirst() { try await addToken(token, to: workspace) }
            let admin = workspaceSeed.admin ?? Seed.AgentSeed(name: "Administrator", email: nil)
            try await addUser(workspace, name: admin.name, email: admin.email, role: "administrator")
            for teamSeed in workspaceSeed.teams ?? [] {
                let team = try await createTeam(
                    workspace, name: teamSeed.name, description: teamSeed.description, online: teamSeed.online ?? true)
                for agent in teamSeed.agents ?? [] {
                    _ = try await addAgent(workspace, teamId: team.id, name: agent.name, email: agent.email)
                }
                if let persona = teamSeed.persona {
                    do {
                        try await setPersona(workspace, teamId: team.id, persona)
                    } catch let error as PersonaError {
                        throw SeedError.invalid("workspace '\(workspaceSeed.name)', team '\(teamSeed.name)', persona.\(error)")
                    }
                }
            }
            for inbox in workspaceSeed.inboxes ?? [] {
                try await createInbox(
                    workspace, name: inbox.name, botName: inbox.agentBot?.name, botToken: inbox.agentBot?.token,
                    botURL: inbox.agentBot?.outgoingUrl)
            }
            for agentToken in workspaceSeed.agentTokens ?? [] {
                try await addAgentToken(workspace, agentName: agentToken.agent, token: agentToken.token)
            }
            created.append(workspaceSeed.name)
        }
        return created
    }
}

extension SupportStore {
    /// Lines that tell a Chatwoot connector what to use: account and inbox ids and the tokens of the seed.
    public func chatwootSummary(_ seed: Seed) throws -> [String] {
        var lines: [String] = []
        for workspaceSeed in seed.workspaces {
            guard let workspace = try workspace(named: workspaceSeed.name) else { continue }
            let inboxes = try read { db in
                try Row.fetchAll(db.cached("SELECT id, name FROM inboxes WHERE workspace_id = ? ORDER BY id"), arguments: [workspace.id])
                    .map { (Int64($0["id"] as Int64), String(Rows.text($0, "name"))) }
            }
            let inboxText = inboxes.map { "inbox \($0.0) (\($0.1))" }.joined(separator: ", ")
            var line = "chatwoot: account \(workspace.id)\(inboxText.isEmpty ? "" : ", " + inboxText); api_access_token "
            line += workspaceSeed.tokens.map { "\($0) (administrator)" }.joined(separator: ", ")
            for inbox in workspaceSeed.inboxes ?? [] {
                if let token = inbox.agentBot?.token { line += ", \(token) (agent bot of \(inbox.name))" }
            }
            for agentToken in workspaceSeed.agentTokens ?? [] { line += ", \(agentToken.token) (agent \(agentToken.agent))" }
            lines.append(line)
        }
        return lines
    }
}
