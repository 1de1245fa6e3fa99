import Foundation
import HandoffContract
import Hummingbird

/// What the agent desk reads: `/mock/v1/desk` (teams with their queues and personas, conversations by
/// state), `/mock/v1/desk/conversations/:id` (the whole transcript, internal notes included), and
/// `/mock/v1/changes` (long-poll: returns when anything in the workspace changed, on either face).
/// These reads are not journaled.
struct DeskController {
    let store: SupportStore

    struct DeskTeam: Encodable {
        var id: String
        var name: String
        var description: String?
        var availability: TeamAvailability
        var agents: [Agent]
        var persona: Persona?
        var personaSummary: String?
        var queued: Int
        var assigned: Int
    }

    struct Overview: Encodable {
        var workspace: Workspace
        /// Pass it to `/mock/v1/changes?since=` to wait for the next change.
        var generation: String
        var teams: [DeskTeam]
        var conversations: [DeskConversation]
    }

    struct Thread: Encodable {
        var conversation: Conversation
        var user: User
        var teamName: String?
        var assigneeName: String?
        var messages: [DeskMessage]
        var generation: String
    }

    struct Changes: Encodable {
        /// The workspace's change counter now; it moves on every write (and restarts with the mock).
        var generation: String
        /// True when it moved since `since`.
        var changed: Bool
    }

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/mock/v1", .get, "desk", overview)
        routes.on(group, base: "/mock/v1", .get, "desk/conversations/:id", thread)
        routes.on(group, base: "/mock/v1", .get, "changes", changes)
    }

    @Sendable func overview(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let generation = store.signal.generation(workspace.id)
        let counts = try store.deskCounts(workspace)
        let personas = try store.personas(workspace)
        let agents = try store.agents(workspace)
        let teams = try store.teams(workspace).map { team in
            DeskTeam(
                id: team.id, name: team.name, description: team.description, availability: team.availability,
                agents: agents.filter { $0.teamId == team.id }, persona: personas[team.id],
                personaSummary: personas[team.id]?.summary, queued: counts[team.id]?["queued"] ?? 0,
                assigned: counts[team.id]?["assigned"] ?? 0)
        }
        return try JSONIO.response(
            Overview(
                workspace: workspace, generation: String(generation), teams: teams,
                conversations: try store.deskConversations(workspace)))
    }

    @Sendable func thread(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let generation = store.signal.generation(workspace.id)
        let conversation = try store.conversation(workspace, id: context.id())
        let user = try store.user(workspace, id: conversation.userId)
        let teamName = try conversation.teamId.map { try store.team(workspace, .id($0)).name }
        let assigneeName = try store.agents(workspace).first { $0.id == conversation.assigneeId }?.name
        return try JSONIO.response(
            Thread(
                conversation: conversation, user: user, teamName: teamName, assigneeName: assigneeName,
                messages: try store.deskMessages(workspace, conversationId: conversation.id), generation: String(generation)))
    }

    @Sendable func changes(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let wait = try JSONIO.intParameter(request, context, "wait", default: 0, range: 0...30)
        var since: UInt64?
        if let text = request.uri.queryParameters.get("since") {
            guard let value = UInt64(text) else {
                throw APIError.badParameter("since", "must be a generation returned by this endpoint or /mock/v1/desk")
            }
            since = value
        }
        let current = store.signal.generation(workspace.id)
        guard let since, since == current, wait > 0 else {
            return try JSONIO.response(Changes(generation: String(current), changed: since != current))
        }
        let signal = store.signal
        await signal.untilShutdown { await signal.wait(workspace: workspace.id, since: since, timeout: .seconds(wait)) }
        let after = store.signal.generation(workspace.id)
        return try JSONIO.response(Changes(generation: String(after), changed: after != since))
    }
}
