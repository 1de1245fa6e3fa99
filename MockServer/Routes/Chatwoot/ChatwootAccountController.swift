import Foundation
import HandoffContract
import Hummingbird

/// Profile, teams, team members, agents, inboxes and account webhooks of the Chatwoot face.
struct ChatwootAccountController {
    let store: SupportStore
    /// `--allow-remote-webhooks`: otherwise account webhooks, like neutral ones, may only call loopback hosts.
    let allowRemoteWebhooks: Bool

    struct TeamFields: Decodable {
        var name: String?
        var description: String?
    }

    struct TeamBody: Decodable {
        var team: TeamFields?
        var name: String?
        var description: String?
        var fields: TeamFields { team ?? TeamFields(name: name, description: description) }
    }

    struct MembersBody: Decodable {
        var user_ids: [Int64]?
    }

    struct WebhookFields: Decodable {
        var url: String?
        var name: String?
        var subscriptions: [String]?
    }

    struct WebhookBody: Decodable {
        var webhook: WebhookFields?
        var url: String?
        var name: String?
        var subscriptions: [String]?
        var fields: WebhookFields { webhook ?? WebhookFields(url: url, name: name, subscriptions: subscriptions) }
    }

    func register(
        profile: RouterGroup<MockRequestContext>, account group: RouterGroup<MockRequestContext>, _ routes: RouteRecorder, base: String
    ) {
        routes.on(profile, base: "/api/v1", .get, "profile", showProfile)
        routes.on(group, base: base, .get, "teams", teams)
        routes.on(group, base: base, .post, "teams", createTeam)
        routes.on(group, base: base, .get, "teams/:id", team)
        routes.on(group, base: base, .get, "teams/:id/team_members", members)
        routes.on(group, base: base, .post, "teams/:id/team_members", addMembers)
        routes.on(group, base: base, .get, "agents", agents)
        routes.on(group, base: base, .get, "inboxes", inboxes)
        routes.on(group, base: base, .get, "inboxes/:id", inbox)
        routes.on(group, base: base, .get, "webhooks", webhooks)
        routes.on(group, base: base, .post, "webhooks", createWebhook)
        routes.on(group, base: base, .patch, "webhooks/:id", updateWebhook)
        routes.on(group, base: base, .put, "webhooks/:id", updateWebhook)
        routes.on(group, base: base, .delete, "webhooks/:id", deleteWebhook)
    }

    @Sendable func showProfile(_ request: Request, context: MockRequestContext) async throws -> Response {
        let user = try context.requireUser()
        return try ChatwootJSON.response(try store.profile(try context.requireWorkspace(), userId: user.id))
    }

    @Sendable func teams(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return try ChatwootJSON.response(try store.chatwootTeams(try context.requireWorkspace()))
    }

    @Sendable func createTeam(_ request: Request, context: MockRequestContext) async throws -> Response {
        try context.requireAdmin()
        let body = try await JSONIO.decode(TeamBody.self, from: request, context: context)
        guard let name = body.fields.name, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ChatwootError.invalid("Name can't be blank", attributes: ["name"])
        }
        return try await ChatwootJSON.response(
            try store.createChatwootTeam(try context.requireWorkspace(), name: name, description: body.fields.description))
    }

    @Sendable func team(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return try ChatwootJSON.response(try store.chatwootTeam(try context.requireWorkspace(), id: try context.number()))
    }

    @Sendable func members(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return try ChatwootJSON.response(try store.teamMembers(try context.requireWorkspace(), teamId: try context.number()))
    }

    @Sendable func addMembers(_ request: Request, context: MockRequestContext) async throws -> Response {
        try context.requireAdmin()
        let body = try await JSONIO.decode(MembersBody.self, from: request, context: context)
        return try await ChatwootJSON.response(
            try store.addTeamMembers(try context.requireWorkspace(), teamId: try context.number(), userIds: body.user_ids ?? []))
    }

    @Sendable func agents(_ request: Request, context: MockRequestContext) async throws -> Response {
        _ = try context.requireUser()
        return try ChatwootJSON.response(try store.chatwootAgents(try context.requireWorkspace()))
    }

    @Sendable func inboxes(_ request: Request, context: MockRequestContext) async throws -> Response {
        let admin = try context.requireUser().role == "administrator"
        return try ChatwootJSON.response(try store.inboxes(try context.requireWorkspace(), admin: admin))
    }

    @Sendable func inbox(_ request: Request, context: MockRequestContext) async throws -> Response {
        let principal = try context.principal()
        let admin: Bool
        if case .user(_, let role) = principal { admin = role == "administrator" } else { admin = false }
        return try ChatwootJSON.response(try store.inbox(try context.requireWorkspace(), id: try context.number(), admin: admin))
    }

    @Sendable func webhooks(_ request: Request, context: MockRequestContext) async throws -> Response {
        try context.requireAdmin()
        return try ChatwootJSON.response(try store.chatwootWebhooks(try context.requireWorkspace()))
    }

    @Sendable func createWebhook(_ request: Request, context: MockRequestContext) async throws -> Response {
        try context.requireAdmin()
        let fields = try await JSONIO.decode(WebhookBody.self, from: request, context: context).fields
        guard let url = fields.url else { throw ChatwootError.invalid("Url is invalid", attributes: ["url"]) }
        try checkReachable(url)
        return try await ChatwootJSON.response(
            try store.createChatwootWebhook(
                try context.requireWorkspace(), url: url, name: fields.name, subscriptions: fields.subscriptions ?? []))
    }

    @Sendable func updateWebhook(_ request: Request, context: MockRequestContext) async throws -> Response {
        try context.requireAdmin()
        let fields = try await JSONIO.decode(WebhookBody.self, from: request, context: context).fields
        if let url = fields.url { try checkReachable(url) }
        return try await ChatwootJSON.response(
            try store.updateChatwootWebhook(
                try context.requireWorkspace(), id: try context.number(), url: fields.url, name: fields.name,
                subscriptions: fields.subscriptions))
    }

    @Sendable func deleteWebhook(_ request: Request, context: MockRequestContext) async throws -> Response {
        try context.requireAdmin()
        try await store.deleteChatwootWebhook(try context.requireWorkspace(), id: try context.number())
        return ChatwootJSON.empty
    }

    /// The neutral face's ``WebhookURLPolicy``, answered in Chatwoot's validation shape.
    private func checkReachable(_ url: String) throws {
        do {
            try WebhookURLPolicy.validate(url, allowRemote: allowRemoteWebhooks)
        } catch let error as APIError {
            let reason = error.detail.hasPrefix("url: ") ? String(error.detail.dropFirst(5)) : error.detail
            throw ChatwootError.invalid("Url \(reason)", attributes: ["url"])
        }
    }
}
