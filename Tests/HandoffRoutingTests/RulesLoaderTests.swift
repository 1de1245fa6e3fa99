import HandoffContract
import HandoffRouting
import Testing

@Suite("RulesLoader")
struct RulesLoaderTests {
    struct Problem: Sendable, Hashable, CustomStringConvertible {
        var kind: RulesFinding.Kind
        var line: Int
        var description: String { "\(kind.rawValue)@\(line)" }
    }

    struct LoaderCase: Sendable, CustomTestStringConvertible {
        var kind: RulesFinding.Kind
        var line: Int
        var yaml: String
        var message: String = ""
        var testDescription: String { "\(kind.rawValue) at line \(line)" }
    }

    /// Each file has exactly one problem, at the line given.
    @Test(arguments: [
        LoaderCase(
            kind: .syntax, line: 3,
            yaml: """
                teams:
                  - name: Billing
                \tintents: [billing.*]
                """, message: "not YAML"),
        // Yams reports a repeated key at its first occurrence.
        LoaderCase(
            kind: .syntax, line: 2,
            yaml: """
                teams:
                  - name: Billing
                    name: Tech
                """, message: "'name' appears twice"),
        LoaderCase(kind: .missingKey, line: 1, yaml: "", message: "empty"),
        LoaderCase(
            kind: .unknownKey, line: 3,
            yaml: """
                teams:
                  - name: Billing
                    intent: [billing.*]
                  - name: Tech
                    intents: [tech.*]
                fallback: { team: Billing }
                """, message: "did you mean 'intents'?"),
        LoaderCase(
            kind: .unknownKey, line: 5,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                fallback: { team: Billing }
                fallbak: ask
                """, message: "did you mean 'fallback'?"),
        LoaderCase(
            kind: .missingKey, line: 2,
            yaml: """
                teams:
                  - intents: [billing.*]
                  - name: Tech
                    intents: [tech.*]
                fallback: { team: Tech }
                """, message: "a team needs 'name'"),
        LoaderCase(
            kind: .invalidValue, line: 6,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                fallback: { team: Billing }
                ask:
                  maxReasks: many
                """, message: "ask.maxReasks must be a whole number"),
        LoaderCase(
            kind: .invalidValue, line: 4,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                fallback: Billing
                """, message: "write {team: Billing}"),
        LoaderCase(
            kind: .invalidPattern, line: 5,
            yaml: """
                teams:
                  - name: Billing
                    intents:
                      - billing.*
                      - bill*
                fallback: { team: Billing }
                """, message: "never part of one"),
        LoaderCase(
            kind: .unknownTeam, line: 5,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                fallback:
                  team: Biling
                """, message: "fallback names team 'Biling', which no team declares; did you mean 'Billing'?"),
        LoaderCase(
            kind: .unknownTeam, line: 6,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                rules:
                  - when: { attribute: vip, equals: true }
                    team: VIP
                fallback: { team: Billing }
                """, message: "rule 1 (line 5) names team 'VIP'"),
        LoaderCase(
            kind: .unknownTeam, line: 7,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                fallback: ask
                ask:
                  choices:
                    - { label: Sales, team: Sales }
                """, message: "choice 'Sales' names team 'Sales'"),
        LoaderCase(
            kind: .unknownTeam, line: 6,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                availability:
                  alternates:
                    Billing: [General]
                fallback: bot
                """, message: "the alternates of 'Billing' names team 'General'"),
        LoaderCase(
            kind: .duplicateTeam, line: 4,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                  - name: billing
                    intents: [payments.*]
                fallback: { team: Billing }
                """, message: "first as 'Billing' at line 2"),
        LoaderCase(
            kind: .duplicatePattern, line: 7,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                  - name: Tech
                    intents:
                      - tech.*
                      - billing.*
                fallback: { team: Tech }
                """, message: "'billing.*' already routes to team 'Billing' (line 3)"),
        LoaderCase(
            kind: .repeatedPattern, line: 5,
            yaml: """
                teams:
                  - name: Billing
                    intents:
                      - billing.*
                      - billing.*
                fallback: { team: Billing }
                """, message: "listed twice in team 'Billing' (first at line 4)"),
        LoaderCase(
            kind: .shadowedPattern, line: 6,
            yaml: """
                teams:
                  - name: Billing
                    intents:
                      - billing.*
                      - payments.card
                      - billing.refund
                fallback: { team: Billing }
                """, message: "'billing.refund' is shadowed by 'billing.*' (line 4)"),
        LoaderCase(
            kind: .shadowedRule, line: 9,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                  - name: Tech
                    intents: [tech.*]
                rules:
                  - when: { attribute: plan, in: [gold, silver] }
                    team: Billing
                  - when: [{ attribute: plan, equals: gold }, { slot: order, exists: true }]
                    team: Tech
                fallback: { team: Tech }
                """, message: "rule 2 (line 9) can never apply: rule 1 (line 7) comes first"),
        LoaderCase(
            kind: .emptyTeam, line: 4,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                  - name: Sales
                fallback: { team: Billing }
                """, message: "team 'Sales' has no intents"),
        LoaderCase(
            kind: .choiceWithoutTeam, line: 8,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                fallback: ask
                ask:
                  choices:
                    - { label: Billing, team: Billing }
                    - label: Sales
                      synonyms: [buy]
                """, message: "choice 'Sales' names no team"),
        LoaderCase(
            kind: .ambiguousReply, line: 11,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                  - name: Tech
                    intents: [tech.*]
                fallback: ask
                ask:
                  choices:
                    - { label: Billing, team: Billing, synonyms: [help] }
                    - label: Tech
                      synonyms: [Help!]
                      team: Tech
                """, message: "reply 'Help!' picks both choice 'Billing' (line 9) and choice 'Tech'"),
        LoaderCase(
            kind: .ambiguousReply, line: 7,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                fallback: ask
                ask:
                  choices:
                    - { label: Stop, team: Billing }
                """, message: "is also a cancel word"),
        LoaderCase(
            kind: .askWithoutChoices, line: 4,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                fallback: ask
                """, message: "fallback is 'ask', but ask.choices is empty"),
        LoaderCase(
            kind: .askWithoutChoices, line: 1,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                """, message: "no fallback is set, so it is 'ask'"),
        LoaderCase(
            kind: .askWithoutChoices, line: 6,
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                fallback: bot
                availability:
                  otherwise: ask
                """, message: "availability.otherwise is 'ask'"),
    ])
    func oneProblem(_ example: LoaderCase) {
        let report = RulesLoader.check(yaml: example.yaml)
        #expect(
            report.findings.map { Problem(kind: $0.kind, line: $0.line) } == [
                Problem(kind: example.kind, line: example.line)
            ])
        #expect(report.findings.first?.message.contains(example.message) == true, "\(report.findings)")
        #expect((report.rules == nil) == (example.kind.severity == .error))
    }

    @Test("every problem in one file is reported, in line order, with FILE:LINE: prefixes")
    func everyProblem() {
        let yaml = """
            version: 2
            teams:
              - name: Billing
                intents: [billing.*, "billing..x"]
              - name: Tech
                supportTeam: Technical Support
                supportTeamId: team_3
                intents:
                  - tech.*
                  - billing.*
              - name: Orphan
              - nme: Typo
            rules:
              - name: VIP
                when: { attribute: vip, equals: true, exists: true }
                team: Priority
              - when: []
                team: Tech
            fallback: ask
            ask:
              maxReasks: -1
              choices:
                - { label: Billing, team: Billing }
                - { label: "1", team: Tech }
            availability:
              alternates:
                Tech: [Tech, Nowhere]
              otherwise: later
            """
        let report = RulesLoader.check(yaml: yaml)
        let problems = report.findings.map { Problem(kind: $0.kind, line: $0.line) }
        #expect(
            problems == [
                Problem(kind: .invalidValue, line: 1),  // version 2
                Problem(kind: .invalidPattern, line: 4),  // billing..x
                Problem(kind: .invalidValue, line: 7),  // supportTeam and supportTeamId
                Problem(kind: .duplicatePattern, line: 10),  // billing.* again
                Problem(kind: .emptyTeam, line: 11),  // Orphan
                Problem(kind: .unknownKey, line: 12),  // nme
                Problem(kind: .missingKey, line: 12),  // …so no name
                Problem(kind: .invalidValue, line: 15),  // two tests in one condition
                Problem(kind: .unknownTeam, line: 16),  // Priority
                Problem(kind: .invalidValue, line: 17),  // when: []
                Problem(kind: .invalidValue, line: 21),  // maxReasks -1
                Problem(kind: .ambiguousReply, line: 24),  // "1" reads as choice 1
                Problem(kind: .invalidValue, line: 27),  // Tech is its own alternate
                Problem(kind: .unknownTeam, line: 27),  // Nowhere
                Problem(kind: .invalidValue, line: 28),  // otherwise: later
            ], "\(report.findings.map(\.description).joined(separator: "\n"))")
        #expect(report.rules == nil)
        #expect(report.errors.count == 14 && report.warnings.count == 1)
        let error = RulesError(findings: report.findings, file: "routing.yaml")
        #expect(error.description.hasPrefix("routing.yaml:1: error: version must be 1"))
        #expect(error.description.contains("routing.yaml:11: warning: team 'Orphan'"))
        #expect(throws: RulesError.self) { try RulesLoader.load(yaml: yaml) }
    }

    @Test("warnings alone do not stop a file from loading")
    func warningsOnly() throws {
        let yaml = """
            teams:
              - name: Billing
                intents: [billing.*, billing.refund]
              - name: Idle
            fallback: { team: Billing }
            """
        let report = RulesLoader.check(yaml: yaml)
        #expect(report.warnings.map(\.kind) == [.shadowedPattern, .emptyTeam])
        #expect(report.errors.isEmpty)
        let rules = try RulesLoader.load(yaml: yaml)
        #expect(rules.teams.map(\.name) == ["Billing", "Idle"])
    }

    @Test("a wildcard under a more general wildcard of another team is not shadowed, nor an exception carved out of it")
    func notShadowed() {
        let yaml = """
            teams:
              - name: Billing
                intents: [billing.*, billing.refund.partial.*]
              - name: Refunds
                intents: [billing.refund.*, billing.invoice]
            fallback: { team: Billing }
            """
        #expect(RulesLoader.check(yaml: yaml).findings.isEmpty)
    }

    @Test("the file's values reach the model")
    func model() throws {
        let rules = try loadRules(
            """
            version: 1
            teams:
              - name: Billing
                intents: [billing.*]
              - name: Tech
                supportTeamId: team_3
                intents: [tech.refund]
              - name: VIP desk
                supportTeam: General Support
            rules:
              - name: VIP
                when:
                  - { attribute: vip, equals: true }
                  - { attribute: plan, notEquals: free }
                  - { slot: tier, in: [1, 2.5, "gold"] }
                  - { slot: order, exists: false }
                team: VIP desk
            fallback: { team: Tech }
            ask:
              prompt: Pick one.
              retry: Hmm?
              maxReasks: 0
              cancelWords: [quit]
              giveUp: bot
              choices:
                - { label: Money, team: Billing, synonyms: [cash] }
            availability:
              alternates:
                Billing: [Tech, VIP desk]
              otherwise: bot
            """)
        #expect(rules.teams[1].supportTeam == .id("team_3"))
        #expect(rules.teams[2].supportTeam == .name("General Support"))
        #expect(rules.teams[0].patterns.map(\.text) == ["billing.*"])
        #expect(rules.teams[0].patterns[0].line == 4)
        #expect(rules.rules[0].line == 11)
        #expect(
            rules.rules[0].conditions == [
                Condition(source: .attribute, key: "vip", test: .equals(.bool(true))),
                Condition(source: .attribute, key: "plan", test: .notEquals(.string("free"))),
                Condition(source: .slot, key: "tier", test: .oneOf([.number(1), .number(2.5), .string("gold")])),
                Condition(source: .slot, key: "order", test: .exists(false)),
            ])
        #expect(rules.fallback == .team("Tech"))
        #expect(
            rules.ask
                == AskPolicy(
                    prompt: "Pick one.", retry: "Hmm?",
                    choices: [AskChoice(label: "Money", team: "Billing", synonyms: ["cash"], line: 26)], maxReasks: 0,
                    cancelWords: ["quit"], giveUp: .bot))
        #expect(
            rules.availability == AvailabilityPolicy(alternates: ["Billing": ["Tech", "VIP desk"]], otherwise: .bot))
    }

    @Test("defaults: fallback ask, two re-asks, the usual cancel words, give up to the fallback's team")
    func defaults() throws {
        let rules = try loadRules(
            """
            teams:
              - name: Billing
                intents: [billing.*]
            ask:
              choices: [{ label: Billing, team: Billing }]
            """)
        #expect(rules.fallback == .ask)
        #expect(rules.ask.maxReasks == 2)
        #expect(rules.ask.cancelWords == ["cancel", "stop", "nevermind", "never mind"])
        #expect(rules.ask.giveUp == .fallbackTeam)
        #expect(rules.availability == AvailabilityPolicy())
    }

    @Test("the example rules file for the demo is clean")
    func example() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let rules = try RulesLoader.load(contentsOfFile: "/\(path)/examples/routing.yaml")
        let text = try String(contentsOfFile: "/\(path)/examples/routing.yaml", encoding: .utf8)
        #expect(RulesLoader.check(yaml: text).findings.isEmpty)
        let seedTeams: Set = ["General Support", "Billing", "Technical Support"]
        for team in rules.teams {
            guard case .name(let name) = team.supportTeam else {
                Issue.record("\(team.name) names its support team by id")
                continue
            }
            #expect(seedTeams.contains(name))
        }
        let router = Router(rules: rules)
        #expect(outcomeName(router.decide(unfinishedIntents: ["billing.refund.partial"])) == "Billing")
        #expect(outcomeName(router.decide(unfinishedIntents: ["billing.invoice.download"])) == "Technical Support")
        #expect(
            outcomeName(router.decide(unfinishedIntents: ["smalltalk.greeting", "app.crash"])) == "Technical Support")
        #expect(
            outcomeName(router.decide(unfinishedIntents: ["billing.invoice"], attributes: ["vip": .bool(true)]))
                == "VIP desk")
        #expect(outcomeName(router.decide(unfinishedIntents: ["weather.today"])) == "ask")
    }

    @Test("an unreadable file is one finding")
    func unreadable() {
        #expect(throws: RulesError.self) { try RulesLoader.load(contentsOfFile: "/nonexistent/routing.yaml") }
    }
}

@Suite("RulesLoader edge cases")
struct RulesLoaderEdgeTests {
    @Test("an empty team: is a choice without a team")
    func emptyChoiceTeam() {
        let report = RulesLoader.check(
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                ask:
                  choices:
                    - label: Billing
                      team:
                """)
        #expect(report.findings.map(\.kind) == [.choiceWithoutTeam], "a broken choice is not also 'no choices'")
        #expect(report.findings.map(\.line) == [6])
    }

    @Test("a misspelt intents key is reported once, not also as an empty team")
    func misspeltIntents() {
        let report = RulesLoader.check(
            yaml: """
                teams:
                  - name: Billing
                    intnets: [billing.*]
                fallback: bot
                """)
        #expect(report.findings.map(\.kind) == [.unknownKey])
        #expect(report.findings.first?.message == "unknown key 'intnets' in a team; did you mean 'intents'?")
    }

    @Test(
        "rule shadowing follows implication between conditions",
        arguments: [
            ("{ attribute: vip, exists: true }", "{ attribute: vip, equals: true }", true),
            ("{ attribute: vip, equals: true }", "{ attribute: vip, exists: true }", false),
            ("{ attribute: plan, in: [gold, silver] }", "{ attribute: plan, in: [gold] }", true),
            ("{ attribute: plan, in: [gold] }", "{ attribute: plan, in: [gold, silver] }", false),
            ("{ attribute: plan, notEquals: free }", "{ attribute: plan, equals: gold }", true),
            ("{ attribute: plan, notEquals: free }", "{ attribute: plan, equals: free }", false),
            ("{ attribute: plan, notEquals: free }", "{ attribute: plan, in: [gold, silver] }", true),
            ("{ attribute: plan, exists: true }", "{ attribute: plan, notEquals: free }", true),
            ("{ attribute: plan, exists: false }", "{ attribute: plan, exists: false }", true),
            ("{ attribute: plan, equals: gold }", "{ slot: plan, equals: gold }", false),
            ("{ attribute: plan, equals: 1 }", "{ attribute: plan, equals: \"1\" }", false),
            ("{ attribute: plan, equals: gold }", "[{ attribute: plan, equals: gold }, { slot: x, exists: true }]", true),
            ("[{ attribute: plan, equals: gold }, { slot: x, exists: true }]", "{ attribute: plan, equals: gold }", false),
        ])
    func ruleShadowing(earlier: String, later: String, shadowed: Bool) {
        let report = RulesLoader.check(
            yaml: """
                teams:
                  - name: Billing
                    intents: [billing.*]
                rules:
                  - when: \(earlier)
                    team: Billing
                  - when: \(later)
                    team: Billing
                fallback: bot
                """)
        #expect(report.findings.map(\.kind) == (shadowed ? [.shadowedRule] : []))
        #expect(report.findings.map(\.line) == (shadowed ? [7] : []))
    }
}
