import ArgumentParser
import HandoffDemo
import Logging

/// `handoff demo`: everything at once on the embedded defaults.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start an in-memory mock on a free port and play one handoff end to end, printing a timeline.")

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        say("HandoffKit demo: one conversation handed from the bot to a human team and back.")
        let demo = HandoffDemo(emit: say)
        let outcome = try await demo.run(logger: logging.logger("handoff.demo"))
        say("")
        say(
            "done: \(outcome.historyAtTransfer) messages handed over, events \(outcome.events.map(\.rawValue).joined(separator: ", ")), "
                + "session \(outcome.finalState.rawValue), next contact starts in '\(outcome.nextState.rawValue)'.")
    }
}
