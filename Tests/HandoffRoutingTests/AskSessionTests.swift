import HandoffContract
import HandoffRouting
import Testing

@Suite("Ask flow")
struct AskSessionTests {
    @Test("the prompt is plain numbered text and structured choices")
    func prompt() throws {
        var session = try router().askSession()
        let prompt = session.start()
        #expect(
            prompt.text == """
                Which team can help you best? Reply with a number or a name.
                1. Billing
                2. Technical problem
                3. Something else
                """)
        #expect(
            prompt.choices == [
                Choice(value: "1", label: "Billing"), Choice(value: "2", label: "Technical problem"),
                Choice(value: "3", label: "Something else"),
            ])
        #expect(prompt.attempt == 1)
        #expect(session.state == .waiting(prompt))
    }

    @Test(
        "a reply picks by number, label or synonym, ignoring case, accents, whitespace and punctuation",
        arguments: [
            ("1", "Billing"), (" 2 ", "Tech"), ("2.", "Tech"), ("#2", "Tech"), ("3", "Priority"),
            ("Billing", "Billing"), ("billing", "Billing"), ("BILLING", "Billing"), ("  Billing!  ", "Billing"),
            ("Technical problem", "Tech"), ("technical    PROBLEM", "Tech"), ("something else?", "Priority"),
            ("invoice", "Billing"), ("Invoice.", "Billing"), ("bug", "Tech"), ("BUG", "Tech"),
            ("facturación", "Billing"), ("Facturacion", "Billing"), ("FACTURACIÓN", "Billing"),
            ("¿facturación?", "Billing"),
        ])
    func chosen(reply: String, team: String) throws {
        var session = try router().askSession()
        _ = session.start()
        #expect(session.reply(reply) == .chosen(try #require(try router().rules.team(named: team))))
        #expect(session.state == .finished(session.reply("anything")))
    }

    @Test(
        "a label with accents matches a reply without them", arguments: ["Facturación", "facturacion", "FACTURACION"])
    func accentedLabel(reply: String) throws {
        let router = try router(
            """
            teams:
              - name: Billing
                intents: [billing.*]
            ask:
              choices: [{ label: Facturación, team: Billing }]
            """)
        var session = router.askSession()
        _ = session.start()
        #expect(session.reply(reply) == .chosen(try #require(router.rules.team(named: "Billing"))))
    }

    @Test("replies that pick nothing re-ask at most maxReasks times, then give up to the fallback's team")
    func reaskBound() throws {
        let router = try router(
            """
            teams:
              - name: Billing
                intents: [billing.*]
              - name: General
                intents: [faq.*]
            fallback: { team: General }
            availability:
              otherwise: ask
            ask:
              retry: Sorry?
              choices: [{ label: Billing, team: Billing }]
            """)
        var session = router.askSession()
        _ = session.start()
        guard case .reask(let first) = session.reply("4") else {
            Issue.record("expected a re-ask")
            return
        }
        #expect(first.attempt == 2)
        #expect(first.text == "Sorry?\nWhich team can help you best? Reply with a number or a name.\n1. Billing")
        guard case .reask(let second) = session.reply("what?") else {
            Issue.record("expected a re-ask")
            return
        }
        #expect(second.attempt == 3)
        #expect(session.reasks == 2)
        #expect(session.reply("0") == .gaveUp(router.rules.team(named: "General")))
        #expect(
            session.reply("Billing") == .gaveUp(router.rules.team(named: "General")),
            "a finished exchange stays finished")
    }

    @Test("giving up goes back to the bot when the fallback is ask, or when giveUp is bot")
    func giveUpToBot() throws {
        var session = try router().askSession()
        _ = session.start()
        _ = session.reply("x")
        _ = session.reply("y")
        #expect(session.reply("z") == .gaveUp(nil))

        let explicit = try router(
            """
            teams:
              - name: Billing
                intents: [billing.*]
            fallback: { team: Billing }
            availability: { otherwise: ask }
            ask:
              maxReasks: 0
              giveUp: bot
              choices: [{ label: Billing, team: Billing }]
            """)
        var once = explicit.askSession()
        _ = once.start()
        #expect(once.reply("nope") == .gaveUp(nil))
    }

    @Test("an explicit giveUp team, unless it is unavailable")
    func giveUpTeam() throws {
        let router = try router(
            """
            teams:
              - name: Billing
                intents: [billing.*]
              - name: General
            ask:
              maxReasks: 0
              giveUp: { team: General }
              choices: [{ label: Billing, team: Billing }]
            """)
        var session = router.askSession()
        #expect(
            session.reply("?") == .gaveUp(router.rules.team(named: "General")), "a reply before start() starts first")
        var without = router.askSession(excluding: ["General"])
        #expect(without.reply("?") == .gaveUp(nil))
    }

    @Test("cancel words return to the bot", arguments: ["cancel", "Stop", "NEVERMIND", "never   mind", "Nevermind!"])
    func cancel(reply: String) throws {
        var session = try router().askSession()
        _ = session.start()
        #expect(session.reply(reply) == .cancelled)
        #expect(session.state == .finished(.cancelled))
    }

    @Test("cancel words come from the rules file when it sets them")
    func configuredCancel() throws {
        let router = try router(
            """
            teams:
              - name: Billing
                intents: [billing.*]
            ask:
              cancelWords: [Annuler, back]
              choices: [{ label: Billing, team: Billing }]
            """)
        var session = router.askSession()
        _ = session.start()
        #expect(
            session.reply("cancel")
                == .reask(
                    AskPrompt(
                        question:
                            "Sorry, I did not catch that.\nWhich team can help you best? Reply with a number or a name.",
                        options: router.prompt().options, attempt: 2)))
        #expect(session.reply("annulér") == .cancelled)
    }

    @Test("an empty reply is not understood")
    func emptyReply() throws {
        var session = try router().askSession()
        _ = session.start()
        #expect(!session.reply("   ").isFinal)
        #expect(!session.reply("?!").isFinal)
    }

    @Test("start() restarts the exchange")
    func restart() throws {
        var session = try router().askSession()
        _ = session.start()
        _ = session.reply("x")
        #expect(session.reasks == 1)
        let prompt = session.start()
        #expect(session.reasks == 0 && prompt.attempt == 1)
    }
}
