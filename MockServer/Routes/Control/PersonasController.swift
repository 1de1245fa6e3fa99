import HandoffContract
import Hummingbird

/// `/mock/v1/teams/:id/persona`: a team's scripted agent — set, read, remove.
struct PersonasController {
    let store: SupportStore

    struct TeamPersona: Encodable {
        var teamId: String
        var persona: Persona?
        /// One line for people, e.g. `accepts after 2 s, 2 replies every 3 s, then resolves`.
        var summary: String?
    }

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/mock/v1", .put, "teams/:id/persona", set)
        routes.on(group, base: "/mock/v1", .get, "teams/:id/persona", get)
        routes.on(group, base: "/mock/v1", .delete, "teams/:id/persona", remove)
    }

    @Sendable func set(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let persona = try await JSONIO.decode(Persona.self, from: request, context: context)
        do {
            let team = try store.setPersona(workspace, teamId: context.id(), persona)
            return try JSONIO.response(TeamPersona(teamId: team.id, persona: persona, summary: persona.summary))
        } catch let error as PersonaError {
            throw APIError.invalidField(error.field, error.reason)
        }
    }

    @Sendable func get(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        guard let persona = try store.persona(workspace, teamId: context.id()) else {
            throw APIError(.notFound, code: "not_found", detail: "Team '\(context.id())' has no scripted agent.")
        }
        return try JSONIO.response(TeamPersona(teamId: context.id(), persona: persona, summary: persona.summary))
    }

    @Sendable func remove(_ request: Request, context: MockRequestContext) async throws -> Response {
        try store.setPersona(try context.requireWorkspace(), teamId: context.id(), nil)
        return Response(status: .noContent)
    }
}
