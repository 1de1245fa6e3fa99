import HandoffContract
import Hummingbird

/// `/mock/v1/teams`, `/mock/v1/agents`: seed teams and agents, and take a team offline.
struct TeamsControlController {
    let store: SupportStore

    struct AgentBody: Decodable {
        var name: String
        var email: String?
    }

    struct TeamBody: Decodable {
        var name: String
        var description: String?
        var online: Bool?
        var agents: [AgentBody]?
    }

    struct AvailabilityBody: Decodable {
        var online: Bool
    }

    struct CreatedTeam: Encodable {
        var team: Team
        var agents: [Agent]
    }

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/mock/v1", .post, "teams", createTeam)
        routes.on(group, base: "/mock/v1", .put, "teams/:id/availability", setAvailability)
        routes.on(group, base: "/mock/v1", .post, "teams/:id/agents", addAgent)
        routes.on(group, base: "/mock/v1", .get, "agents", agents)
    }

    @Sendable func createTeam(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let body = try await JSONIO.decode(TeamBody.self, from: request, context: context)
        let name = try JSONIO.requireText(body.name, field: "name", max: 128)
        for (index, agent) in (body.agents ?? []).enumerated() {
            _ = try JSONIO.requireText(agent.name, field: "agents[\(index)].name", max: 128)
        }
        let team = try await store.createTeam(workspace, name: name, description: body.description, online: body.online ?? true)
        var agents: [Agent] = []
        for agent in body.agents ?? [] {
            agents.append(try await store.addAgent(workspace, teamId: team.id, name: agent.name, email: agent.email))
        }
        return try JSONIO.response(
            CreatedTeam(team: try store.team(workspace, .id(team.id)), agents: agents), status: .created)
    }

    @Sendable func setAvailability(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let body = try await JSONIO.decode(AvailabilityBody.self, from: request, context: context)
        return try await JSONIO.response(try store.setTeamOnline(workspace, teamId: context.id(), online: body.online))
    }

    @Sendable func addAgent(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let body = try await JSONIO.decode(AgentBody.self, from: request, context: context)
        let name = try JSONIO.requireText(body.name, field: "name", max: 128)
        return try await JSONIO.response(
            try store.addAgent(workspace, teamId: context.id(), name: name, email: body.email), status: .created)
    }

    @Sendable func agents(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let teamId = request.uri.queryParameters.get("teamId").map { String($0) }
        return try JSONIO.response(ListResponse(data: try store.agents(workspace, teamId: teamId), next: nil))
    }
}
