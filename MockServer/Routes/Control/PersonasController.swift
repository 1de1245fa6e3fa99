import HandoffContract
import Hummingbird

/// `/mock/v1/teams/:id/persona`: a team's scripted agent — set (`PUT` a persona), remove (`PUT null`), read.
///
/// Every team has this sub-resource: a team without a scripted agent reads as `persona: null` (200), so
/// the resource exists exactly as long as its team does.
struct PersonasController {
    let store: SupportStore

    struct TeamPersona: Encodable {
        var teamId: String
        /// Nil (`null` in JSON) when the team has no scripted agent.
        var persona: Persona?
        /// One line for people, e.g. `accepts after 2 s, 2 replies every 3 s, then resolves`.
        var summary: String

        enum CodingKeys: String, CodingKey { case teamId, persona, summary }

        /// Writes `persona` as `null` rather than leaving it out, so that "none" reads as such.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(teamId, forKey: .teamId)
            try container.encode(persona, forKey: .persona)
            try container.encode(summary, forKey: .summary)
        }
    }

    func register(_ group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(group, base: "/mock/v1", .put, "teams/:id/persona", set)
        routes.on(group, base: "/mock/v1", .get, "teams/:id/persona", get)
    }

    @Sendable func set(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let persona = try await JSONIO.decode(Persona?.self, from: request, context: context)
        do {
            let team = try await store.setPersona(workspace, teamId: context.id(), persona)
            return try JSONIO.response(TeamPersona(teamId: team.id, persona: persona, summary: Self.summary(persona)))
        } catch let error as PersonaError {
            throw APIError.invalidField(error.field, error.reason)
        }
    }

    @Sendable func get(_ request: Request, context: MockRequestContext) async throws -> Response {
        let workspace = try context.requireWorkspace()
        let persona = try store.persona(workspace, teamId: context.id())
        return try JSONIO.response(TeamPersona(teamId: context.id(), persona: persona, summary: Self.summary(persona)))
    }

    static func summary(_ persona: Persona?) -> String {
        persona?.summary ?? "no scripted agent: a person at the desk (or the control API) plays the agent"
    }
}
