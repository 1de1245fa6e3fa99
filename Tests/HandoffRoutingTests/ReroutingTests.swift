import HandoffContract
import HandoffRouting
import Testing

@Suite("Availability policy")
struct ReroutingTests {
    static let yaml = """
        teams:
          - name: Billing
            intents: [billing.*]
          - name: Tech
            intents: [tech.*]
          - name: General
            intents: [faq.*]
        fallback: ask
        ask:
          choices:
            - { label: Billing, team: Billing }
            - { label: Tech, team: Tech }
            - { label: General, team: General }
        availability:
          alternates:
            Billing: [Tech, General]
            Tech: [General]
        """

    @Test("an available team is kept", arguments: [Set<String>(), Set(["Tech"])])
    func available(unavailable: Set<String>) throws {
        let router = try router(Self.yaml)
        let decision = router.decide(unfinishedIntents: ["billing.refund"])
        #expect(router.reroute(decision, unavailable: unavailable) == decision)
    }

    @Test(
        "alternates in order, skipping those also unavailable",
        arguments: [
            (Set(["Billing"]), "Tech"), (Set(["Billing", "Tech"]), "General"),
        ])
    func alternates(unavailable: Set<String>, expected: String) throws {
        let router = try router(Self.yaml)
        let rerouted = router.reroute(router.decide(unfinishedIntents: ["billing.refund"]), unavailable: unavailable)
        #expect(outcomeName(rerouted) == expected)
        #expect(rerouted.reason == .alternate(unavailable: "Billing", team: expected))
        #expect(rerouted.summary.contains("alternate '\(expected)' is next"))
    }

    @Test("with no alternate left, otherwise (by default the fallback): ask without the unavailable teams")
    func otherwiseAsk() throws {
        let router = try router(Self.yaml)
        let rerouted = router.reroute(
            router.decide(unfinishedIntents: ["billing.refund"]), unavailable: ["Billing", "Tech", "General"])
        #expect(rerouted.outcome == .bot)
        let partly = router.reroute(router.decide(unfinishedIntents: ["tech.x"]), unavailable: ["Tech", "General"])
        guard case .ask(let prompt) = partly.outcome else {
            Issue.record("expected ask: \(partly.summary)")
            return
        }
        #expect(prompt.text.hasSuffix("\n1. Billing"))
        #expect(partly.reason == .otherwise(unavailable: "Tech", policy: .ask))
    }

    @Test("otherwise a team, or the bot when that team is unavailable too")
    func otherwiseTeam() throws {
        let router = try router(
            """
            teams:
              - name: Billing
                intents: [billing.*]
              - name: General
                intents: [faq.*]
            fallback: bot
            availability:
              otherwise: { team: General }
            """)
        let decision = router.decide(unfinishedIntents: ["billing.x"])
        #expect(outcomeName(router.reroute(decision, unavailable: ["Billing"])) == "General")
        #expect(router.reroute(decision, unavailable: ["Billing", "General"]).outcome == .bot)
        #expect(router.decide(unfinishedIntents: ["nothing"]).outcome == .bot)
    }

    @Test("an ask decision loses the unavailable choices, renumbered")
    func askFiltered() throws {
        let router = try router(Self.yaml)
        let decision = router.decide(unfinishedIntents: [])
        let rerouted = router.reroute(decision, unavailable: ["Billing"])
        guard case .ask(let prompt) = rerouted.outcome else {
            Issue.record("expected ask")
            return
        }
        #expect(prompt.choices == [Choice(value: "1", label: "Tech"), Choice(value: "2", label: "General")])
        #expect(router.reroute(decision, unavailable: ["Billing", "Tech", "General"]).outcome == .bot)
        var session = router.askSession(excluding: ["Billing"])
        #expect(session.start() == prompt)
    }

    @Test("alternates are followed depth first, each team once")
    func depthFirst() throws {
        let router = try router(
            """
            teams:
              - name: A
                intents: [a.*]
              - name: B
                intents: [b.*]
              - name: C
                intents: [c.*]
              - name: D
                intents: [d.*]
            fallback: bot
            availability:
              alternates: { A: [B, C], B: [D, A] }
            """)
        let first = router.decide(unfinishedIntents: ["a.x"])
        let cases: [(Set<String>, String)] = [
            (["A"], "B"), (["A", "B"], "D"), (["A", "B", "D"], "C"), (["A", "B", "C", "D"], "bot"), (["A", "C"], "B"),
        ]
        for (unavailable, expected) in cases {
            #expect(outcomeName(router.reroute(first, unavailable: unavailable)) == expected, "\(unavailable.sorted())")
        }
        let viaB = router.reroute(first, unavailable: ["A", "B"])
        #expect(viaB.reason == .alternate(unavailable: "A", team: "D"))
        #expect(
            Array(viaB.considered.suffix(5)) == [
                "team 'A' cannot take the conversation", "alternates of 'A', in order: 'B', 'C'",
                "alternate 'B' cannot take it either", "alternates of 'B', in order: 'D', 'A'", "alternate 'D' is next",
            ])
    }

    @Test(
        "a client rerouting its first decision with every team that failed so far walks the alternates, then otherwise")
    func oneAtATime() throws {
        let router = try router(Self.yaml)
        let first = router.decide(unfinishedIntents: ["billing.refund"])
        var failed: Set<String> = []
        var current = first
        var visited: [String] = []
        while let team = current.team {
            visited.append(team.name)
            failed.insert(team.name)
            current = router.reroute(first, unavailable: failed)
        }
        #expect(visited == ["Billing", "Tech", "General"])
        #expect(current.outcome == .bot)
    }
}

@Suite("Support-side teams")
struct SupportTeamTests {
    @Test("the routing teams that stand for one support team, by id or by name ignoring case")
    func teamNames() throws {
        let rules = try loadRules(
            """
            teams:
              - name: General
                intents: [faq.*]
              - name: VIP desk
                supportTeam: general
              - name: Tech
                supportTeamId: team_3
                intents: [tech.*]
            rules:
              - { when: { attribute: vip, equals: true }, team: VIP desk }
            fallback: bot
            """)
        let offline = TeamAvailability.of(online: false, agentCount: 1)
        #expect(
            rules.teamNames(for: Team(id: "team_1", name: "General", description: nil, availability: offline))
                == ["General", "VIP desk"])
        #expect(
            rules.teamNames(for: Team(id: "team_3", name: "Technical Support", description: nil, availability: offline))
                == ["Tech"])
        #expect(
            rules.teamNames(for: Team(id: "team_9", name: "Sales", description: nil, availability: offline)).isEmpty)
    }
}
