import ArgumentParser
import Conformance
import Foundation
import HandoffDemo
import Logging

/// `handoff conform`: certify a support system or connector against the contract.
struct ConformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Run the conformance suite against a target and report which contract rules it keeps.",
        discussion: """
            Each case has a stable id (USR-001, XFER-004…), a level (MUST, SHOULD, MAY)
            and a profile (core, events, errors, security, chatwoot). Cases run
            concurrently, each on a fresh user and conversation. Three verdicts:
              CONFORMS    (exit 0) every MUST case that applies ran and passed
              FAILS       (exit 1) a MUST case failed
              INCOMPLETE  (exit 3) none failed, but a MUST case did not run (each is
                          listed with why and what to do); nothing is certified
            SHOULD failures are warnings. A case that cannot apply to the binding by
            design (Chatwoot has no event feed) is "not applicable" and does not make
            the run incomplete; a case waived with --skip is listed as waived.

            Against the mock:
              handoff mock --port 3000 &
              handoff conform --target http://127.0.0.1:3000
            Only transfers:   handoff conform --target URL --only 'XFER-*'
            Reports for CI:   handoff conform --target URL --junit out/junit.xml \\
                                --report out/report.md
            Known gaps:       handoff conform --target URL --expect-fail gaps.txt
                              (one 'CASE-ID: reason' per line)

            Cases that need an agent side (accept, reply, resolve) use the mock's
            control API when the target has it; without one they do not run (the
            run is then INCOMPLETE). Webhook cases start a receiver on 127.0.0.1 and subscribe it.

            Against Chatwoot (or the mock's Chatwoot face):
              handoff conform --binding chatwoot --target https://chat.example.com \\
                --account-id 1 --inbox-id 5 --token ADMIN_TOKEN \\
                --bot-token BOT_TOKEN --agent-token AGENT_TOKEN
            --token is an administrator's access token (contacts, reads, teams,
            webhooks), --bot-token the agent bot's (conversations, bot messages, the
            handoff, the close), --agent-token an agent's (role agent, member of the
            inbox) for the human side. Prepare the account: an API inbox with the
            agent bot connected (new conversations start pending), two teams or more
            with auto-assignment off (or transfers read back as assigned), and for
            webhook cases a server allowed to call 127.0.0.1
            (SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true). The chatwoot profile (CW-…)
            checks Chatwoot's own shapes; the event-feed and neutral-HTTP cases are
            not applicable (Chatwoot has neither); the shipped list of Chatwoot's by-design
            gaps counts as expected failures unless --expect-fail names another file
            or 'none'.
            """)

    @Option(help: "Base URL of the target, e.g. http://127.0.0.1:3000.")
    var target: String?

    @Option(help: "How to talk to the target: neutral (the HandoffKit Support API) or chatwoot (Chatwoot's Application API).")
    var binding = "neutral"

    @Option(help: "Token of the target workspace: the neutral bearer token, or a Chatwoot administrator's access token.")
    var token = "dev-token"

    @Option(help: "Token of a second workspace, for isolation cases (made on the mock when omitted; Chatwoot: a second account's token).")
    var otherToken: String?

    @OptionGroup(title: "Chatwoot binding")
    var chatwoot: ChatwootOptions

    @Option(help: "Agent side: auto (the mock's control API when present) or none (skip agent cases).")
    var agentDesk = "auto"

    @Option(name: .customLong("only"), help: "Run only cases whose id matches this glob (repeatable), e.g. 'EVT-*'.")
    var only: [String] = []

    @Option(
        name: .customLong("skip"),
        help: "Waive cases whose id matches this glob (repeatable): they do not run and every report lists them as waived.")
    var skip: [String] = []

    @Flag(help: "List the cases and exit.")
    var list = false

    @Option(
        help:
            "Expected-failure file: one 'CASE-ID: reason' per line; such failures count as XFAIL. 'none' for no list (default with --binding chatwoot: the shipped list of Chatwoot's by-design gaps)."
    )
    var expectFail: String?

    @OptionGroup var reports: ReportOptions

    @Option(help: "Cases run at once.")
    var concurrency = 8

    @Option(help: "Seconds allowed for one case.")
    var timeout = 20

    @Option(help: "Instead of one target, run the suite against in-process mocks with each defect on, and write the coverage table here.")
    var defectMatrix: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if list || defectMatrix != nil { return }
        guard let target else { throw ValidationError("--target URL is required (or use --list).") }
        guard let url = URL(string: target), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--target must be an http(s) URL, e.g. http://127.0.0.1:3000 (got '\(target)').")
        }
        switch binding {
        case "neutral":
            guard !chatwoot.anyGiven else {
                throw ValidationError(
                    "--account-id, --inbox-id, --bot-token, --agent-token and --other-… apply to --binding chatwoot only.")
            }
        case "chatwoot": try chatwoot.validate(otherToken: otherToken)
        default: throw ValidationError("--binding must be 'neutral' or 'chatwoot' (got '\(binding)').")
        }
        guard ["auto", "none"].contains(agentDesk) else { throw ValidationError("--agent-desk must be auto or none.") }
        guard concurrency >= 1, timeout >= 1 else { throw ValidationError("--concurrency and --timeout must be at least 1.") }
    }

    func run() async throws {
        if list {
            say(CatalogueListing.render(Catalogue.complete.filter { SuiteOptions(only: only, skip: skip).selects($0.id) }))
            return
        }
        if let defectMatrix {
            let result = try await DefectMatrix(logger: logging.logger("handoff.matrix")).run(progress: say)
            try DefectMatrix.coverage(result).write(toFile: defectMatrix, atomically: true, encoding: .utf8)
            say("MUST cases not killed: \(result.survivingMustCases.isEmpty ? "none" : result.survivingMustCases.joined(separator: ", "))")
            say(
                "defects that killed nothing: \(result.harmlessDefects.isEmpty ? "none" : result.harmlessDefects.map(\.rawValue).joined(separator: ", "))"
            )
            say("coverage written to \(defectMatrix)")
            if !result.survivingMustCases.isEmpty || !result.baselineFailures.isEmpty { throw ExitCode(1) }
            return
        }
        let binding: any ConformanceBinding =
            self.binding == "chatwoot"
            ? chatwoot.binding(target: target!, token: token, otherToken: otherToken, agentDesk: agentDesk == "auto")
            : NeutralBinding(target: target!, token: token, otherToken: otherToken, useMockDesk: agentDesk == "auto")
        var expected: [String: String] = [:]
        var shipped = false
        switch expectFail {
        case "none"?: break
        case let path?:
            do {
                expected = try ExpectedFailureFile.parse(String(contentsOfFile: path, encoding: .utf8))
            } catch {
                throw ValidationError("\(path): \(error)")
            }
        case nil where binding is ChatwootBinding:
            expected = try ChatwootBinding.shippedExpectedFailures()
            shipped = true
        case nil: break
        }
        let options = SuiteOptions(
            only: only, skip: skip, expectedFailures: expected, concurrency: concurrency, caseTimeout: .seconds(timeout))
        say("handoff conform \(Catalogue.version): \(binding.name) binding against \(binding.target)")
        if shipped {
            say(
                "expected failures: the shipped list of Chatwoot's by-design gaps (\(expected.count) cases; --expect-fail none shows them as failures)"
            )
        }
        let summary = try await SuiteRunner(binding: binding, options: options, logger: logging.logger("handoff.conform"))
            .run(Catalogue.cases(for: binding)) { say(ConsoleReport.line($0)) }
        say(ConsoleReport.summary(summary))
        let written = try reports.files.write(summary)
        if !written.isEmpty { warn("reports: " + written.joined(separator: ", ")) }
        if summary.verdict != .conforms { throw ExitCode(summary.verdict.exitCode) }
    }
}
