import ArgumentParser

/// `handoff`: test the handoff of a chatbot conversation to a human support team.
@main
struct Handoff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handoff",
        abstract: "Test the handoff of a chatbot conversation to a human support team.",
        discussion: """
            Start with `handoff demo` to see one handoff played end to end, then `handoff mock` to run
            the mock support server for your own bot (http://127.0.0.1:3000, token dev-token).
            """,
        subcommands: [MockCommand.self, ConformCommand.self, RouteCommand.self, DemoCommand.self])
}
