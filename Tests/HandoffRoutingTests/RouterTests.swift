import HandoffContract
import HandoffRouting
import Testing

@Suite("Router.decide")
struct RouterTests {
    struct RouteCase: Sendable, CustomTestStringConvertible {
        var name: String
        var intents: [String]
        var attributes: [String: JSONValue] = [:]
        var slots: [String: JSONValue] = [:]
        /// A team name, `ask` or `bot`.
        var expected: String
        /// The winning pattern's text, or `rule N` for a dynamic rule; nil for the fallback.
        var winner: String?
        var testDescription: String { name }
    }

    @Test(arguments: [
        RouteCase(
            name: "exact beats wildcard", intents: ["billing.refund"], expected: "Refunds", winner: "billing.refund"),
        RouteCase(
            name: "longer wildcard beats shorter", intents: ["billing.refund.full"], expected: "Refunds",
            winner: "billing.refund.*"),
        RouteCase(
            name: "longest of three wildcards", intents: ["billing.refund.partial.late"], expected: "Partial refunds",
            winner: "billing.refund.partial.*"),
        RouteCase(
            name: "a wildcard does not match its own prefix", intents: ["billing.refund.partial"], expected: "Refunds",
            winner: "billing.refund.*"),
        RouteCase(
            name: "shorter wildcard still takes the rest", intents: ["billing.invoice"], expected: "Billing",
            winner: "billing.*"),
        RouteCase(name: "billing.* does not match billing", intents: ["billing"], expected: "ask"),
        RouteCase(name: "billing.* does not match billingx.y", intents: ["billingx.y"], expected: "ask"),
        RouteCase(
            name: "segment boundary: me.a.Pay does not match me.a.PayLater", intents: ["me.a.PayLater"], expected: "ask"
        ),
        RouteCase(
            name: "segment boundary: me.a.Pay matches itself", intents: ["me.a.Pay"], expected: "Billing",
            winner: "me.a.Pay"),
        RouteCase(name: "an exact pattern does not match longer intents", intents: ["me.a.Pay.later"], expected: "ask"),
        RouteCase(name: "intents are case-sensitive", intents: ["Billing.refund"], expected: "ask"),
        RouteCase(name: "an empty segment matches nothing", intents: ["billing..refund"], expected: "ask"),
        RouteCase(
            name: "the most recent intent wins", intents: ["tech.login", "billing.refund"], expected: "Tech",
            winner: "tech.*"),
        RouteCase(
            name: "the most recent intent wins, other order", intents: ["billing.refund", "tech.login"],
            expected: "Refunds",
            winner: "billing.refund"),
        RouteCase(
            name: "a most recent intent that matches nothing is skipped", intents: ["smalltalk.hi", "app.crash"],
            expected: "Tech", winner: "app.crash"),
        RouteCase(
            name: "several unmatched intents are skipped", intents: ["smalltalk.hi", "billing", "me.a.Pay"],
            expected: "Billing", winner: "me.a.Pay"),
        RouteCase(name: "no intent: fallback", intents: [], expected: "ask"),
        RouteCase(name: "no intent matches: fallback", intents: ["smalltalk.hi", "weather.today"], expected: "ask"),
        RouteCase(
            name: "dynamic rules come before intents", intents: ["tech.login"], attributes: ["vip": .bool(true)],
            expected: "Priority", winner: "rule 1"),
        RouteCase(
            name: "a rule with no intent at all", intents: [], attributes: ["vip": .bool(true)], expected: "Priority",
            winner: "rule 1"),
        RouteCase(
            name: "values compare as JSON: \"true\" is not true", intents: ["tech.login"],
            attributes: ["vip": .string("true")],
            expected: "Tech", winner: "tech.*"),
        RouteCase(
            name: "vip false: the rule does not apply", intents: ["tech.login"], attributes: ["vip": .bool(false)],
            expected: "Tech", winner: "tech.*"),
        RouteCase(
            name: "all conditions of a rule hold", intents: ["tech.login"], attributes: ["channel": .string("phone")],
            slots: ["order_id": .number(42)], expected: "Refunds", winner: "rule 2"),
        RouteCase(
            name: "one condition of a rule fails", intents: ["tech.login"], attributes: ["channel": .string("chat")],
            slots: ["order_id": .number(42)], expected: "Tech", winner: "tech.*"),
        RouteCase(
            name: "a null slot does not exist", intents: ["tech.login"], attributes: ["channel": .string("phone")],
            slots: ["order_id": .null], expected: "Tech", winner: "tech.*"),
        RouteCase(
            name: "rules in file order: the first that applies wins", intents: ["tech.login"],
            attributes: ["vip": .bool(true), "channel": .string("email")], slots: ["order_id": .string("A1")],
            expected: "Priority", winner: "rule 1"),
    ])
    func decide(_ example: RouteCase) throws {
        let decision = try router().decide(
            unfinishedIntents: example.intents, attributes: example.attributes, slots: example.slots)
        #expect(outcomeName(decision) == example.expected, "\(decision.summary)")
        switch decision.reason {
        case .intent(_, _, let pattern, _): #expect(example.winner == pattern.text)
        case .rule(let index, _): #expect(example.winner == "rule \(index + 1)")
        case .fallback(.ask): #expect(example.winner == nil)
        default: Issue.record("unexpected reason \(decision.reason)")
        }
    }

    @Test("the explanation names the winner, what it beat, and every step considered")
    func explanation() throws {
        let decision = try router().decide(
            unfinishedIntents: ["smalltalk.hi", "billing.refund"], attributes: ["vip": .bool(false)])
        #expect(
            decision.reason
                == .intent(
                    intent: "billing.refund", position: 1,
                    pattern: try IntentPattern(parsing: "billing.refund", line: 5),
                    team: "Refunds"))
        #expect(decision.summary.contains("'billing.refund'"))
        #expect(decision.summary.contains("exact beats wildcard 'billing.*' of team 'Billing'"))
        #expect(decision.summary.contains("'smalltalk.hi' matched no pattern"))
        #expect(decision.considered.count == 4)
        #expect(decision.considered[0].hasPrefix("rule 1 'VIP' (line 14): does not apply — attribute 'vip' is false"))
        #expect(decision.considered[1].hasPrefix("rule 2 'Order by phone or email' (line 17): does not apply"))
        #expect(decision.considered[2] == "intent 'smalltalk.hi' (#1, most recent): no pattern matches")
        #expect(
            decision.considered[3]
                == "intent 'billing.refund' (#2): matches 'billing.refund' → Refunds (exact, line 5), "
                + "'billing.*' → Billing (wildcard, 1 segment, line 3); 'billing.refund' wins")
    }

    @Test("longer beats shorter is explained")
    func longerExplained() throws {
        let decision = try router().decide(unfinishedIntents: ["billing.refund.x"])
        #expect(
            decision.summary.contains("2 segments beat the shorter 'billing.*' of team 'Billing'"),
            "\(decision.summary)")
    }

    @Test("the transfer names the support-side team by name or id")
    func supportTeam() throws {
        let router = try router()
        #expect(router.decide(unfinishedIntents: ["tech.x"]).team?.supportTeam == .id("team_3"))
        #expect(router.decide(unfinishedIntents: ["billing.x"]).team?.supportTeam == .name("Billing"))
        #expect(
            router.decide(unfinishedIntents: [], attributes: ["vip": .bool(true)]).team?.supportTeam
                == .name("General Support"))
    }

    @Test("fallback ask gives the prompt with numbered choices")
    func fallbackAsk() throws {
        let decision = try router().decide(unfinishedIntents: ["nothing.here"])
        guard case .ask(let prompt) = decision.outcome else {
            Issue.record("expected ask, got \(decision.outcome)")
            return
        }
        #expect(prompt.options.map(\.label) == ["Billing", "Technical problem", "Something else"])
        #expect(decision.reason == .fallback(.ask))
        #expect(decision.summary.contains("no unfinished intent matched a pattern"))
    }

    @Test(
        "fallback to a team, and to the bot",
        arguments: [
            ("{ team: Tech }", "Tech"), ("bot", "bot"), ("ask", "ask"),
        ])
    func fallbackPolicies(fallback: String, expected: String) throws {
        let yaml = """
            teams:
              - name: Billing
                intents: [billing.*]
              - name: Tech
                intents: [tech.*]
            fallback: \(fallback)
            ask:
              choices: [{ label: Billing, team: Billing }]
            """
        let router = try router(yaml)
        #expect(outcomeName(router.decide(unfinishedIntents: ["weather.today"])) == expected)
        #expect(outcomeName(router.decide(unfinishedIntents: [])) == expected)
        #expect(outcomeName(router.decide(unfinishedIntents: ["billing.refund"])) == "Billing")
    }

    @Test("decide(context:) puts the current intent in front of the unfinished ones")
    func context() throws {
        let router = try router()
        let context = ConversationContext(
            intent: "tech.login", intents: ["billing.refund"], slots: [:], attributes: [:])
        #expect(outcomeName(router.decide(context: context)) == "Tech")
        let same = ConversationContext(intent: "billing.refund", intents: ["billing.refund", "tech.login"])
        #expect(outcomeName(router.decide(context: same)) == "Refunds")
        #expect(
            outcomeName(router.decide(context: ConversationContext(attributes: ["vip": .bool(true)]))) == "Priority")
    }

    @Test(
        "rules built in code: equal patterns go to the team first in the file; undeclared names are support-side names")
    func codeBuiltRules() throws {
        let rules = RoutingRules(
            teams: [
                RoutingTeam(name: "A", patterns: [try IntentPattern(parsing: "x.*")]),
                RoutingTeam(name: "B", patterns: [try IntentPattern(parsing: "x.*")]),
            ],
            rules: [
                DynamicRule(conditions: [Condition(source: .slot, key: "k", test: .exists(true))], team: "Nowhere")
            ],
            fallback: .team("Elsewhere"))
        let router = Router(rules: rules)
        #expect(outcomeName(router.decide(unfinishedIntents: ["x.y"])) == "A")
        #expect(router.decide(unfinishedIntents: ["x.y"]).summary.contains("comes later in the file"))
        #expect(router.decide(unfinishedIntents: [], slots: ["k": .string("v")]).team?.supportTeam == .name("Nowhere"))
        #expect(router.decide(unfinishedIntents: []).team == RoutingTeam(name: "Elsewhere"))
    }
}
