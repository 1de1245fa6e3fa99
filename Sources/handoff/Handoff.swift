import ArgumentParser
import Conformance

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
        version: Handoff.versionLine,
        subcommands: [MockCommand.self, ConformCommand.self, VerifyCommand.self, RouteCommand.self, DemoCommand.self])

    /// This build of `handoff`.
    static let version = "0.9.0"
    /// The version of the neutral Support API contract it speaks (the OpenAPI document's `info.version`).
    static let contractVersion = "1.0.0"
    /// What `handoff --version` prints.
    static let versionLine =
        "handoff \(version) (contract \(contractVersion); conform suite \(Catalogue.version); verify \(ConsumerVerifier.version))"
}

/// A failure at run time (not a usage error): one line on standard error and an exit code of its own, never the
/// usage text. Codes follow sysexits: 65 bad data (a seed or a database file), 66 a file that cannot be read,
/// 68 a host to listen on that is not this machine's, 69 a port already in use or a target that cannot be reached,
/// 76 a target that answers but not as the protocol says, 77 a port that needs privileges. `handoff route
/// --interactive` exits 3 when its input ends before the question is answered.
struct RuntimeFailure: Error {
    let message: String
    let code: Int32

    /// Writes the line and exits.
    func exit() -> ExitCode {
        warn("handoff: \(message)")
        return ExitCode(code)
    }
}
