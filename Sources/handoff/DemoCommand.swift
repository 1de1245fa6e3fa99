import ArgumentParser
import HandoffDemo
import Logging

/// `handoff demo`: everything at once on the embedded defaults.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start an in-memory mock, certify it with the conformance suite, and play one handoff end to end.",
        discussion: """
            Nothing to set up: the mock runs in this process on a free loopback port with the built-in seed
            (workspace default, token dev-token, teams General Support, Billing and Technical Support).
            The suite's reports go to --reports (JUnit XML, JSON and a Markdown certificate).
            """)

    @Option(help: "Folder for the conformance reports.")
    var reports = "handoff-reports"

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        say("HandoffKit demo: one conversation handed from the bot to a human team and back.")
        let demo = HandoffDemo(emit: say)
        let (certification, outcome) = try await demo.run(logger: logging.logger("handoff.demo"), reportsFolder: reports)
        say("")
        say("suite: \(certification.summary.closingLine)")
        say(
            "done: \(outcome.historyAtTransfer) messages handed over, events \(outcome.events.map(\.rawValue).joined(separator: ", ")), "
                + "session \(outcome.finalState.rawValue), next contact starts in '\(outcome.nextState.rawValue)'.")
    }
}
