import ArgumentParser
import Foundation
import HandoffContract
import HandoffRouting

/// `handoff route`: explain which team a conversation goes to under a rules file, or check the file.
struct RouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Explain which support team a conversation goes to under a routing rules file, or check the file.",
        discussion: """
            Dynamic rules on attributes and slots decide first, in file order. Then the most recent unfinished intent that matches a pattern decides; an intent that matches nothing is skipped. An exact pattern beats a wildcard and more segments beat fewer: `billing.*` takes billing.refund and billing.refund.partial, never billing itself nor billingx.y. When nothing decides, the fallback does: ask the user to pick, a team, or stay with the bot.

            A rules file (a complete one is examples/routing.yaml):

              teams:
                - name: Billing          # support team: the same name, or
                  intents:               #   supportTeam: NAME / supportTeamId: ID
                    - billing.*
                    - payments.refund
                - name: Technical Support
                  intents: [tech.*, billing.invoice.download]
              rules:                     # tests: equals, notEquals, exists, in
                - when: { attribute: vip, equals: true }
                  team: Billing
              fallback: ask              # ask | bot | {team: NAME}
              ask:
                choices:
                  - label: Billing
                    team: Billing
                    synonyms: [invoice, facturación]
                  - { label: Technical problem, team: Technical Support }
              availability:
                alternates: { Billing: [Technical Support] }

            Examples:

              handoff route --rules examples/routing.yaml --check
              handoff route --rules examples/routing.yaml \\
                --intent smalltalk.hi --intent billing.refund
              handoff route --rules examples/routing.yaml \\
                --attr vip=true --slot order_id='"A-17"' --json
              handoff route --rules examples/routing.yaml \\
                --intent billing.refund --unavailable Billing
              printf 'hmm\\ninvoice\\n' | handoff route --rules examples/routing.yaml --interactive
              handoff route --rules examples/routing.yaml --check --target http://127.0.0.1:3000

            The first --intent is the most recent. Values of --attr and --slot are JSON when they parse (true, 3, "x") and text otherwise.

            --interactive plays the ask flow when the decision is to ask: it prints the question and the numbered choices as the bot sends them, reads one answer per line from standard input (a number, a label, a synonym, a cancel word or anything else), says how each is understood, and ends with the team it leads to. With --json the exchange goes to standard error and the final decision, with every reply, to standard output.

            --check --target URL also looks every team of the file up on a live support system: the neutral API (GET /v1/teams, --token) or, with --binding chatwoot --account-id N, Chatwoot (GET /api/v1/accounts/N/teams, --token an administrator's access token).

            Exit codes: 0 decided (or the file is fine); 1 the file has errors, or a team does not exist on the target; 3 --interactive: standard input ended before the exchange finished; 64 usage; 66 the rules file cannot be read; 69 the target cannot be reached; 76 the target answered, but not with its teams.
            """)

    @Option(help: ArgumentHelp("The routing rules file (YAML).", valueName: "file"))
    var rules: String

    @Flag(help: "Only check the rules file: print every problem as FILE:LINE: severity: message; exit 1 on errors.")
    var check = false

    @Option(
        name: .customLong("intent"),
        help: ArgumentHelp("An unfinished intent; repeat for several, the most recent first.", valueName: "name"))
    var intents: [String] = []

    @Option(
        name: .customLong("attr"), help: ArgumentHelp("A conversation attribute.", valueName: "key=value"),
        transform: RouteCommand.keyValue)
    var attributes: [KeyValue] = []

    @Option(
        name: .customLong("slot"), help: ArgumentHelp("A filled slot.", valueName: "key=value"),
        transform: RouteCommand.keyValue)
    var slots: [KeyValue] = []

    @Option(
        name: .customLong("unavailable"),
        help: ArgumentHelp(
            "A team that cannot take the conversation (the file's or the support side's name); shows the reroute.",
            valueName: "team"))
    var unavailable: [String] = []

    @Flag(help: "When the decision is to ask, play the question: read the user's answers from standard input.")
    var interactive = false

    @Flag(help: "Print the decision as JSON.")
    var json = false

    @Option(
        help: ArgumentHelp(
            "With --check: also look the file's teams up on this support system, e.g. http://127.0.0.1:3000.",
            valueName: "url"))
    var target: String?

    @Option(help: "With --target: neutral (the HandoffKit Support API) or chatwoot (Chatwoot's Application API).")
    var binding: RouteBinding = .neutral

    @Option(help: "With --target: the neutral bearer token, or a Chatwoot administrator's access token.")
    var token = "dev-token"

    @OptionGroup(title: "Chatwoot binding (with --target; only --account-id applies)")
    var chatwoot: ChatwootOptions

    func validate() throws {
        if check && !(intents.isEmpty && attributes.isEmpty && slots.isEmpty && unavailable.isEmpty) {
            throw ValidationError("--check only validates the file; drop --intent, --attr, --slot and --unavailable.")
        }
        if check && interactive { throw ValidationError("--interactive plays a decision; drop --check.") }
        try validateTarget()
    }

    private func validateTarget() throws {
        let targetFlags = binding != .neutral || token != "dev-token" || chatwoot.anyGiven
        guard let target else {
            if targetFlags {
                throw ValidationError("--binding, --token and --account-id apply to --check --target URL only.")
            }
            return
        }
        guard check else { throw ValidationError("--target applies to --check only.") }
        guard let url = URL(string: target), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--target must be an http(s) URL, e.g. http://127.0.0.1:3000 (got '\(target)').")
        }
        switch binding {
        case .neutral:
            guard !chatwoot.anyGiven else { throw ValidationError("--account-id applies to --binding chatwoot only.") }
        case .chatwoot:
            guard let account = chatwoot.accountId, account > 0 else {
                throw ValidationError("--binding chatwoot needs --account-id N (the Chatwoot account).")
            }
            let others = [
                chatwoot.inboxId != nil, chatwoot.botToken != nil, chatwoot.agentToken != nil,
                chatwoot.otherAccountId != nil, chatwoot.otherInboxId != nil,
            ]
            guard !others.contains(true) else {
                throw ValidationError(
                    "handoff route reads only the account's teams: give --account-id and --token; "
                        + "--inbox-id, --bot-token, --agent-token and --other-… do not apply.")
            }
        }
    }

    func run() async throws {
        let text: String
        do {
            text = try String(contentsOfFile: rules, encoding: .utf8)
        } catch {
            throw RuntimeFailure(
                message: "cannot read the rules file '\(rules)': \(error.localizedDescription)", code: 66
            ).exit()
        }
        let report = RulesLoader.check(yaml: text)
        if check {
            try await checkFile(report)
            return
        }
        for finding in report.findings { warn(finding.formatted(file: rules)) }
        guard let loaded = report.rules else {
            warn("\(rules) has errors; fix them first (handoff route --rules \(rules) --check).")
            throw ExitCode.failure
        }
        let router = Router(rules: loaded)
        let down = try unavailableTeams(loaded)
        let first = router.decide(
            unfinishedIntents: intents, attributes: KeyValue.dictionary(attributes), slots: KeyValue.dictionary(slots))
        let decision = router.reroute(first, unavailable: down)
        guard interactive, case .ask = decision.outcome else {
            if interactive { warn("nothing to ask: \(decision.summary)") }
            try printDecision(decision, replies: nil)
            return
        }
        try play(decision, router: router, unavailable: down)
    }

    /// The routing teams `--unavailable` names: a file's team, or every team a support-side name backs.
    private func unavailableTeams(_ loaded: RoutingRules) throws -> Set<String> {
        var down: Set<String> = []
        for name in unavailable {
            if loaded.team(named: name) != nil {
                down.insert(name)
                continue
            }
            // A support-side team name stands for every routing team it backs.
            let support = Team(id: "", name: name, description: nil, availability: .of(online: false, agentCount: 0))
            let backed = loaded.teamNames(for: support)
            guard !backed.isEmpty else {
                warn(
                    "Error: --unavailable \(name): no team of \(rules) has that name or support team; teams: "
                        + loaded.teams.map(\.name).joined(separator: ", "))
                throw ExitCode.validationFailure
            }
            down.formUnion(backed)
        }
        return down
    }

    /// Plays the ask exchange on standard input; under `--json` the exchange goes to standard error.
    private func play(_ decision: Decision, router: Router, unavailable: Set<String>) throws {
        let show: (String) -> Void = { line in self.json ? warn(line) : say(line) }
        let handle = json ? FileHandle.standardError : FileHandle.standardOutput
        let player = RouteAskPlayer(
            router: router, unavailable: unavailable, show: show,
            read: RouteAskPlayer.standardInput(show: show, promptTo: handle))
        switch player.play(after: decision) {
        case .decided(let final, let replies):
            try printDecision(final, replies: replies)
        case .inputEnded(let replies):
            let read = replies.isEmpty ? "no answer was read" : "\(replies.count) answer(s) read, none final"
            throw RuntimeFailure(
                message: "standard input ended before the question was answered (\(read)); no team was chosen",
                code: RouteAskPlayer.inputEndedCode
            ).exit()
        }
    }

    private static func keyValue(_ text: String) throws -> KeyValue {
        do {
            return try KeyValue(parsing: text)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Prints a decision as text, or as JSON under `--json`.
    private func printDecision(_ decision: Decision, replies: [RouteReply]?) throws {
        if json {
            say(try RouteDecisionJSON(decision, replies: replies).text())
            return
        }
        switch decision.outcome {
        case .team(let team): say("team: \(team.name) (support team \(team.supportTeamDescription))")
        case .ask(let prompt):
            say("ask:")
            for line in prompt.text.split(separator: "\n", omittingEmptySubsequences: false) { say("  \(line)") }
        case .bot: say("bot: no handoff; the conversation stays with the bot")
        }
        say("why: \(decision.summary)")
        say("considered:")
        for step in decision.considered { say("  - \(step)") }
    }
}
