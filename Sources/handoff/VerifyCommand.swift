import ArgumentParser
import Conformance
import Foundation
import HandoffRouting

extension DriveChannel: ExpressibleByArgument {}

/// `handoff verify`: check a connector's own handoff flow from the mock's journal, and drive it as its users would.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a connector's handoff flow from the client's side, from the mock's request journal.",
        discussion: """
            Run your connector's handoff against `handoff mock`, then point `handoff verify` at the same mock.
            It reads the workspace's request journal (GET /mock/v1/journal) and checks what the connector did:

              CON-001  the user was created or found before its conversation
              CON-002  the transcript was mirrored before the transfer, one message at a time, in order,
                       with the user's own words (not pasted into one message)
              CON-003  mirrored messages were never duplicated, retries included
              CON-004  every transfer was accepted (a team that exists, a valid body) and completed
              CON-005  the transfer went to the team the routing rules pick (needs --rules)
              CON-006  no public bot message after the transfer (a refused attempt counts)
              CON-007  webhooks were acknowledged with a 2xx in time
              CON-008  the bot's close ended the conversation on the support side, never before an agent acted
              CON-009  the user's next contact opened a new conversation
              CON-010  mirrored messages carry a clientMessageId or Idempotency-Key (SHOULD)
              CON-011  when the team was unavailable, the user was told the truth
              CON-012  forged and stale webhook deliveries were refused (needs handoff mock --probe-webhooks)

            Three verdicts, each with its exit code:
              CONFORMS    0  every MUST case ran and passed
              FAILS       1  a MUST case failed
              INCOMPLETE  3  none failed, but a MUST case had nothing to judge: each is listed with why and
                             what to do ("give --rules", "start the mock with --probe-webhooks"); nothing is
                             certified. An empty journal is INCOMPLETE.
            A case waived with --skip is listed as waived; one that cannot apply to the connector (CON-010 on
            Chatwoot, which has no message key) is not applicable. Exit 2: verify could not start.

            The CI loop:
                       handoff mock --in-memory --probe-webhooks &
                       python3 examples/connectors/handoff_connector.py --mock http://127.0.0.1:3000
                       python3 examples/connectors/handoff_connector.py --mock http://127.0.0.1:3000 --unavailable
                       handoff verify --target http://127.0.0.1:3000 --rules examples/routing.yaml

            Driver mode (--drive URL): the suite also plays the connector's end users on the bot's side of its
            channel, plays the agent on the mock, and judges what reached the support system and what the user
            saw (DRV-001…DRV-007), then judges the journal of that run:
                       handoff mock --in-memory --probe-webhooks &
                       python3 examples/connectors/handoff_connector.py --serve 127.0.0.1:5005 &
                       handoff verify --target http://127.0.0.1:3000 --rules examples/routing.yaml \\
                         --drive http://127.0.0.1:5005
            --channel handoff (default): our driver protocol (POST /users/{sender}/messages {"text"},
            POST /users/{sender}/leave, GET /users/{sender}/received); --channel rasa: Rasa's REST channel
            (POST /webhooks/rest/webhook) with later messages POSTed to --callback, as Rasa's callback channel.
            The protocol and each scenario: docs/driver-protocol.md in the repository.

            The journal lives in memory: verify before restarting the mock; DELETE /mock/v1/journal (or
            --since SEQ) to look at one run only. Verify's own reads are not journaled.
            """)

    @Option(help: "Base URL of the mock the connector ran against, e.g. http://127.0.0.1:3000.")
    var target: String

    @Option(help: "Bearer token of the workspace the connector used.")
    var token = "dev-token"

    @Option(help: "The workspace the token must belong to (a guard against reading the wrong journal).")
    var workspace: String?

    @Option(help: "Routing rules file: the transfer must go to the team these rules pick (CON-005).")
    var rules: String?

    @Option(help: "Read only journal entries after this seq.")
    var since = 0

    @Option(help: "Milliseconds within which the connector must acknowledge a webhook.")
    var ackWithin = 2000

    @Option(name: .customLong("only"), help: "Run only cases whose id matches this glob (repeatable), e.g. 'CON-00[1-3]'.")
    var only: [String] = []

    @Option(
        name: .customLong("skip"),
        help: "Waive cases whose id matches this glob (repeatable): they do not run and every report lists them as waived.")
    var skip: [String] = []

    @Option(help: "Drive the connector: its channel's base URL on loopback (the suite plays its end users).")
    var drive: String?

    @Option(help: "With --drive: handoff (our driver protocol) or rasa (Rasa's REST channel with a callback URL).")
    var channel: DriveChannel = .handoff

    @Option(help: "With --channel rasa: the callback URL the suite serves for the connector's later messages.")
    var callback = DriveOptions.defaultCallback

    @Option(
        help: """
            With --drive: seconds to wait for what the user or the support side should see. One HTTP call \
            waits one second more, and at least 15 s.
            """)
    var driveTimeout = 10

    @OptionGroup var reports: ReportOptions

    func validate() throws {
        guard let url = URL(string: target), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--target must be an http(s) URL, e.g. http://127.0.0.1:3000 (got '\(target)').")
        }
        guard since >= 0 else { throw ValidationError("--since must not be negative.") }
        guard ackWithin >= 1 else { throw ValidationError("--ack-within must be at least 1 millisecond.") }
        guard driveTimeout >= 1 else { throw ValidationError("--drive-timeout must be at least 1 second.") }
        if let drive {
            do {
                try DriveOptions(driver: drive, channel: channel, callback: callback).validate()
            } catch {
                throw ValidationError("\(error)")
            }
        } else if channel != .handoff || callback != DriveOptions.defaultCallback {
            throw ValidationError("--channel and --callback apply to --drive only.")
        }
    }

    func run() async throws {
        var routing: RoutingRules?
        if let rules {
            do {
                routing = try RulesLoader.load(contentsOfFile: rules)
            } catch {
                throw ValidationError("\(rules): \(error)")
            }
        }
        let options = VerifyOptions(
            workspace: workspace, rules: routing, since: since, ackWithin: .milliseconds(ackWithin), only: only, skip: skip,
            drive: drive.map {
                DriveOptions(driver: $0, channel: channel, callback: callback, rules: routing, timeout: .seconds(driveTimeout))
            })
        say("handoff verify \(ConsumerVerifier.version): the connector's handoff flow, from the journal of \(target)")
        let outcome: ConsumerVerifier.Outcome
        do {
            outcome = try await ConsumerVerifier(target: target, token: token, options: options).run { say(ConsoleReport.line($0)) }
        } catch let error as VerifyError {
            warn("handoff verify: \(error)")
            throw ExitCode(2)
        }
        for note in outcome.notes { say("note: \(note)") }
        say(ConsoleReport.summary(outcome.summary))
        let written = try reports.files.write(outcome.summary)
        if !written.isEmpty { warn("reports: " + written.joined(separator: ", ")) }
        if outcome.summary.verdict != .conforms { throw ExitCode(outcome.summary.verdict.exitCode) }
    }
}
