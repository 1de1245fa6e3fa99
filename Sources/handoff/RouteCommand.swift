import ArgumentParser
import Foundation
import HandoffContract
import HandoffRouting

/// `handoff route`: explain which team a conversation goes to under a rules file, or check the file.
struct RouteCommand: ParsableCommand {
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

            The first --intent is the most recent. Values of --attr and --slot are JSON when they parse (true, 3, "x") and text otherwise.
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

    @Flag(help: "Print the decision as JSON.")
    var json = false

    func validate() throws {
        if check && !(intents.isEmpty && attributes.isEmpty && slots.isEmpty && unavailable.isEmpty) {
            throw ValidationError("--check only validates the file; drop --intent, --attr, --slot and --unavailable.")
        }
    }

    func run() throws {
        let text: String
        do {
            text = try String(contentsOfFile: rules, encoding: .utf8)
        } catch {
            warn("Error: cannot read the rules file '\(rules)': \(error.localizedDescription)")
            throw ExitCode.failure
        }
        let report = RulesLoader.check(yaml: text)
        if check {
            for finding in report.findings { say(finding.formatted(file: rules)) }
            let errors = report.errors.count
            let warnings = report.warnings.count
            let counts = [(errors, "error"), (warnings, "warning")].map { $0 == 1 ? "1 \($1)" : "\($0) \($1)s" }
            say("\(rules): \(counts.joined(separator: ", "))")
            if errors > 0 { throw ExitCode.failure }
            return
        }
        for finding in report.findings { warn(finding.formatted(file: rules)) }
        guard let loaded = report.rules else {
            warn("\(rules) has errors; fix them first (handoff route --rules \(rules) --check).")
            throw ExitCode.failure
        }
        let router = Router(rules: loaded)
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
        let first = router.decide(
            unfinishedIntents: intents, attributes: KeyValue.dictionary(attributes), slots: KeyValue.dictionary(slots))
        let decision = router.reroute(first, unavailable: down)
        if json {
            try printJSON(decision)
        } else {
            printText(decision)
        }
    }

    private static func keyValue(_ text: String) throws -> KeyValue {
        do {
            return try KeyValue(parsing: text)
        } catch {
            throw ValidationError(error.description)
        }
    }

    private func printText(_ decision: Decision) {
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

    private func printJSON(_ decision: Decision) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(DecisionJSON(decision))
        say(String(decoding: data, as: UTF8.self))
    }
}

/// The `--json` shape of a decision: `outcome` is `team`, `ask` or `bot`.
private struct DecisionJSON: Encodable {
    struct TeamJSON: Encodable {
        var name: String
        var supportTeamName: String?
        var supportTeamId: String?
    }

    struct PromptJSON: Encodable {
        var text: String
        var choices: [Choice]
    }

    var outcome: String
    var team: TeamJSON?
    var prompt: PromptJSON?
    var reason: String
    var summary: String
    var considered: [String]

    init(_ decision: Decision) {
        switch decision.outcome {
        case .team(let team):
            outcome = "team"
            switch team.supportTeam {
            case .name(let name): self.team = TeamJSON(name: team.name, supportTeamName: name)
            case .id(let id): self.team = TeamJSON(name: team.name, supportTeamId: id)
            }
        case .ask(let prompt):
            outcome = "ask"
            self.prompt = PromptJSON(text: prompt.text, choices: prompt.choices)
        case .bot:
            outcome = "bot"
        }
        switch decision.reason {
        case .rule: reason = "rule"
        case .intent: reason = "intent"
        case .fallback: reason = "fallback"
        case .alternate: reason = "alternate"
        case .otherwise: reason = "otherwise"
        }
        summary = decision.summary
        considered = decision.considered
    }
}
