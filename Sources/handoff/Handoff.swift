import ArgumentParser

/// `handoff`: test the handoff of a chatbot conversation to a human support team.
@main
struct Handoff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handoff",
        abstract: "Test the handoff of a chatbot conversation to a human support team.",
        discussion: """
            Start with `handoff demo`: it certifies an in-process mock and plays one handoff end to end.

            Then run `handoff mock` and point your bot at http://127.0.0.1:3000 (neutral API, token dev-token; \
            Chatwoot API under /api/v1, account 1, inbox 1, api_access_token bot-token for the bot).
            Certify a target with `handoff conform --target URL`; check a connector's own handoff flow with \
            `handoff verify --target URL`; explain a routing decision with `handoff route`.
            """,
        subcommands: [MockCommand.self, ConformCommand.self, VerifyCommand.self, RouteCommand.self, DemoCommand.self])
}
