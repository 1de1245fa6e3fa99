import Foundation
import Testing

/// `handoff route` as a process: the ask flow played on piped standard input, and the rules file's
/// teams checked against a real mock on loopback.
@Suite("handoff route as a process")
struct RouteCommandTests {
    /// A rules file whose fallback is `ask`, with three choices and a give-up team.
    static let askRules = """
        teams:
          - name: Billing
            intents: [billing.*]
          - name: Technical Support
            intents: [tech.*]
          - name: General Support
            intents: [faq.*]
        fallback: ask
        ask:
          maxReasks: 2
          giveUp: { team: General Support }
          choices:
            - { label: Billing, team: Billing, synonyms: [invoice] }
            - { label: Technical problem, team: Technical Support }
            - { label: Something else, team: General Support }
        availability:
          alternates: { Billing: [General Support] }
        """

    static let question = """
        Which team can help you best? Reply with a number or a name.
        1. Billing
        2. Technical problem
        3. Something else
        """

    /// Writes `text` to a new temporary file and returns its path.
    static func file(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("route-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Runs `handoff` to its end with `input` piped to its standard input.
    static func run(
        _ arguments: [String], input: String = ""
    ) async throws -> (
        status: Int32, output: String, errors: String
    ) {
        try await blocking { () throws -> (Int32, String, String) in
            let process = Process()
            process.executableURL = MockProcess.executable
            process.arguments = arguments
            let stdin = Pipe()
            let output = Pipe()
            let errors = Pipe()
            process.standardInput = stdin
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
            let out = output.fileHandleForReading.readDataToEndOfFile()
            let err = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (
                process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self)
            )
        }
    }

    @Test("--interactive prints the question as the bot asks it, re-asks, then takes a synonym to its team")
    func interactiveChoice() async throws {
        let rules = try Self.file(Self.askRules)
        let result = try await Self.run(["route", "--rules", rules, "--interactive"], input: "hmm\n9\ninvoice\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.output.hasPrefix(Self.question + "\n> hmm\n"), "\(result.output)")
        #expect(result.output.contains("→ re-ask (question 2 of 3): 'hmm' is no choice's number, label or synonym"))
        #expect(result.output.contains("Sorry, I did not catch that.\n" + Self.question))
        #expect(result.output.contains("→ re-ask (question 3 of 3): no choice has number 9"))
        #expect(result.output.contains("→ chosen: choice 1 'Billing' by synonym 'invoice': team 'Billing'"))
        #expect(result.output.contains("\nteam: Billing (support team 'Billing')\n"), "\(result.output)")
        #expect(result.errors.isEmpty, "\(result.errors)")
    }

    @Test("--interactive: a number picks its choice, a cancel word returns to the bot, used-up re-asks give up")
    func interactiveSteps() async throws {
        let rules = try Self.file(Self.askRules)
        let number = try await Self.run(["route", "--rules", rules, "--interactive"], input: "2\n")
        #expect(number.status == 0 && number.output.contains("→ chosen: choice 2 'Technical problem' by number"))
        #expect(number.output.contains("team: Technical Support"), "\(number.output)")

        let cancel = try await Self.run(["route", "--rules", rules, "--interactive"], input: "Cancel!\n")
        #expect(cancel.status == 0 && cancel.output.contains("→ cancelled: 'Cancel!' is a cancel word"))
        #expect(cancel.output.contains("\nbot: no handoff"), "\(cancel.output)")

        let giveUp = try await Self.run(["route", "--rules", rules, "--interactive"], input: "a\nb\nc\nd\n")
        #expect(giveUp.status == 0, "\(giveUp)")
        #expect(giveUp.output.contains("→ gave up after 3 questions ('c' is no choice's number"))
        #expect(giveUp.output.contains("team: General Support"), "\(giveUp.output)")
        #expect(!giveUp.output.contains("> d"), "the fourth line is never read: \(giveUp.output)")
    }

    @Test("--interactive: standard input ending before an answer is one line and exit 3, never the usage text")
    func interactiveEndOfInput() async throws {
        let rules = try Self.file(Self.askRules)
        for input in ["", "hmm\n"] {
            let result = try await Self.run(["route", "--rules", rules, "--interactive"], input: input)
            #expect(result.status == 3, "\(result)")
            #expect(result.errors.hasPrefix("handoff: standard input ended before the question was answered"))
            #expect(result.errors.split(separator: "\n").count == 1 && !result.errors.contains("Usage"))
            #expect(!result.output.contains("team:"))
        }
    }

    @Test("--interactive --json --unavailable: the exchange on stderr, the choices without the team, the decision as JSON")
    func interactiveJSON() async throws {
        let rules = try Self.file(Self.askRules)
        let result = try await Self.run(
            ["route", "--rules", rules, "--interactive", "--json", "--unavailable", "Billing"], input: "1\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.errors.hasPrefix("Which team can help you best? Reply with a number or a name.\n1. Technical problem\n"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
        #expect(json["outcome"] as? String == "team")
        #expect((json["team"] as? [String: Any])?["name"] as? String == "Technical Support")
        let replies = try #require(json["replies"] as? [[String: Any]])
        #expect(replies.count == 1 && replies[0]["step"] as? String == "chosen" && replies[0]["text"] as? String == "1")
    }

    @Test("--interactive when a team decides: nothing is read, the decision is printed, the reroute shown")
    func interactiveNothingToAsk() async throws {
        let rules = try Self.file(Self.askRules)
        let result = try await Self.run(
            ["route", "--rules", rules, "--interactive", "--intent", "billing.refund", "--unavailable", "Billing"],
            input: "2\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.output.hasPrefix("team: General Support"), "\(result.output)")
        #expect(!result.output.contains("Which team"))
    }

    @Test("--check --target: each team the mock lacks is one FILE:LINE error line; exit 1; a clean file exits 0")
    func checkAgainstNeutralMock() async throws {
        let mock = MockProcess(arguments: ["mock", "--port", "0", "--in-memory"])
        try await mock.start()
        defer { mock.kill(SIGTERM) }
        let broken = try Self.file(
            """
            teams:
              - name: Billing
                intents: [billing.*]
              - name: Sales
                intents: [sales.*]
              - name: VIP desk
                supportTeam: general support
                intents: [vip.*]
              - name: Legacy
                supportTeamId: team_99
                intents: [legacy.*]
            fallback: { team: Sales }
            """)
        let result = try await Self.run(["route", "--rules", broken, "--check", "--target", mock.url])
        #expect(result.status == 1, "\(result)")
        let errors = result.output.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 2, "\(result.output)")
        let there = "(teams there: General Support, Billing, Technical Support)"
        #expect(errors.first == "\(broken):4: error: team \"Sales\" does not exist on \(mock.url) \(there)")
        #expect(errors.last == "\(broken):9: error: team id \"team_99\" does not exist on \(mock.url) \(there)")
        #expect(result.output.hasSuffix("\(broken): 2 errors, 0 warnings\n"))

        let clean = try Self.file(Self.askRules)
        let fine = try await Self.run(["route", "--rules", clean, "--check", "--target", mock.url])
        #expect(fine.status == 0 && fine.output.hasSuffix("\(clean): 0 errors, 0 warnings\n"), "\(fine)")

        let wrongToken = try await Self.run(
            ["route", "--rules", clean, "--check", "--target", mock.url, "--token", "no-such-token"])
        #expect(wrongToken.status == 76 && wrongToken.errors.contains("401"), "\(wrongToken)")
        #expect(!wrongToken.errors.contains("Usage"))
    }

    @Test("--check --target --binding chatwoot reads the account's teams on the mock's Chatwoot face")
    func checkAgainstChatwootFace() async throws {
        let mock = MockProcess(arguments: ["mock", "--port", "0", "--in-memory"])
        try await mock.start()
        defer { mock.kill(SIGTERM) }
        let rules = try Self.file(
            "teams:\n  - name: Billing\n    intents: [billing.*]\n  - name: Sales\n    intents: [sales.*]\nfallback: bot\n")
        let result = try await Self.run([
            "route", "--rules", rules, "--check", "--target", mock.url, "--binding", "chatwoot", "--account-id", "1",
        ])
        #expect(result.status == 1, "\(result)")
        let errors = result.output.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 1, "\(result.output)")
        #expect(errors.first?.hasPrefix("\(rules):4: error: team \"Sales\" does not exist on \(mock.url) (teams there: ") == true)
        #expect(errors.first?.lowercased().contains("billing") == true)

        let noAccount = try await Self.run(["route", "--rules", rules, "--check", "--target", mock.url, "--binding", "chatwoot"])
        #expect(noAccount.status == 64 && noAccount.errors.contains("--account-id"), "\(noAccount)")
    }

    @Test("runtime failures of route: an unreachable target (69) and an unreadable rules file (66), one line each")
    func runtimeFailures() async throws {
        let rules = try Self.file(Self.askRules)
        let unreachable = try await Self.run(["route", "--rules", rules, "--check", "--target", "http://127.0.0.1:9"])
        #expect(unreachable.status == 69, "\(unreachable)")
        #expect(unreachable.errors == "handoff: cannot reach http://127.0.0.1:9: connection refused\n", "\(unreachable)")
        #expect(unreachable.errors.split(separator: "\n").count == 1 && !unreachable.errors.contains("Usage"))

        let missing = try await Self.run(["route", "--rules", "/no/such/rules.yaml"])
        #expect(missing.status == 66 && missing.errors.hasPrefix("handoff: cannot read the rules file"), "\(missing)")

        let misplaced = try await Self.run(["route", "--rules", rules, "--target", "http://127.0.0.1:9"])
        #expect(misplaced.status == 64, "--target without --check is a usage error: \(misplaced)")
    }

    @Test("handoff mock: a seed that cannot be applied (65) and a host that is not this machine's (68), one line each")
    func mockStartFailures() async throws {
        let seed = try Self.file(
            "workspaces:\n  - name: a\n    tokens: [t]\n    teams:\n      - { name: X }\n      - { name: X }\n")
        let duplicate = try await Self.run(["mock", "--port", "0", "--in-memory", "--seed", seed])
        #expect(duplicate.status == 65 && duplicate.errors.hasPrefix("handoff: cannot apply the seed \(seed)"), "\(duplicate)")
        #expect(duplicate.errors.split(separator: "\n").count == 1 && !duplicate.errors.contains("Usage"))
        // 192.0.2.1 is a documentation address: binding it fails on this machine, nothing is sent.
        let foreign = try await Self.run(["mock", "--port", "0", "--in-memory", "--host", "192.0.2.1"])
        #expect(foreign.status == 68 && foreign.errors.hasPrefix("handoff: cannot listen on 192.0.2.1"), "\(foreign)")
        #expect(!foreign.errors.contains("Usage"))
    }

    @Test("--defect is checked by the parser, and the completion script lists every defect")
    func defectValues() async throws {
        let unknown = try await Self.run(["mock", "--defect", "no-such-defect", "--in-memory", "--port", "0"])
        #expect(unknown.status == 64 && unknown.errors.contains("drop-choices"), "\(unknown)")
        let bash = try await Self.run(["--generate-completion-script", "bash"])
        #expect(bash.status == 0 && bash.output.contains("drop-choices") && bash.output.contains("reorder-messages"))
        #expect(bash.output.contains("chatwoot"), "route --binding values are listed too")
    }
}
