import Conformance
import Foundation
import HandoffClient
import HandoffContract
import HandoffRouting
import MockServer
import Testing

/// The package root (for `examples/`).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs an example connector (Python 3, standard library) against a mock, off the cooperative pool.
func runConnector(_ script: String, mock: String, arguments: [String] = []) async throws -> (status: Int32, output: String) {
    try await blocking {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", packageRoot.appendingPathComponent("examples/connectors/\(script)").path, "--mock", mock]
            + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// The routing rules of `examples/routing.yaml`.
func exampleRules() throws -> RoutingRules {
    try RulesLoader.load(contentsOfFile: packageRoot.appendingPathComponent("examples/routing.yaml").path)
}

/// Runs `handoff verify` in process against a mock with the default token.
func verify(_ mock: RunningMock, _ options: VerifyOptions = .init()) async throws -> ConsumerVerifier.Outcome {
    try await ConsumerVerifier(target: mock.url, token: "dev-token", options: options).run()
}

extension ConsumerVerifier.Outcome {
    /// Failed cases and their messages.
    var failures: [String: String] {
        var failures: [String: String] = [:]
        for result in summary.results {
            if case .failed(let message, _) = result.outcome { failures[result.testCase.id] = message }
        }
        return failures
    }

    /// Cases that did not run, and why.
    var notRun: [String: String] {
        var notRun: [String: String] = [:]
        for result in summary.results {
            if case .skipped(let reason) = result.outcome { notRun[result.testCase.id] = reason }
        }
        return notRun
    }

    /// Each case's label (PASS, FAIL, SKIP, N/A, WAIVED).
    var labels: [String: String] {
        Dictionary(uniqueKeysWithValues: summary.results.map { ($0.testCase.id, $0.outcome.label) })
    }
}

/// The example connector's two runs that together exercise every journal case: the handoff (with the user's
/// next contact), and a handoff to a team that is unavailable.
func runExampleConnector(_ mock: RunningMock, defect: String? = nil, extra: [String] = []) async throws -> String {
    let defectArguments = defect.map { ["--defect", $0] } ?? []
    let first = try await runConnector("handoff_connector.py", mock: mock.url, arguments: defectArguments + extra)
    let second = try await runConnector("handoff_connector.py", mock: mock.url, arguments: defectArguments + extra + ["--unavailable"])
    return first.output + second.output
}

@Suite("handoff verify: three verdicts, judged only on evidence")
struct VerifyTests {
    @Test("the example connector CONFORMS: every case ran and passed, routing, the unavailable team and the probes included")
    func goodConnectorConforms() async throws {
        try await withMock(probes: true) { mock in
            let output = try await runExampleConnector(mock)
            #expect(output.contains("connector: done"), "\(output)")
            let outcome = try await verify(mock, .init(workspace: "default", rules: try exampleRules()))
            #expect(outcome.failures.isEmpty, "\(outcome.failures)")
            #expect(outcome.notRun.isEmpty, "\(outcome.notRun)")
            #expect(outcome.summary.verdict == .conforms)
            #expect(outcome.summary.closingLine == "CONFORMS: \(ConsumerCatalogue.all.count) passed, 0 failed, 0 not run")
            #expect(outcome.trace.probes.count == 4, "two probes for each of the two runs' webhook subscriptions")
        }
    }

    @Test("an empty journal (a connector that did nothing) is INCOMPLETE, every case not run, never CONFORMS")
    func emptyJournalIsIncomplete() async throws {
        try await withMock { mock in
            let outcome = try await verify(mock, .init(rules: try exampleRules()))
            #expect(outcome.summary.verdict == .incomplete)
            #expect(outcome.summary.passed == 0 && outcome.summary.failed == 0)
            #expect(outcome.summary.skipped == ConsumerCatalogue.all.count)
            #expect(outcome.notRun["CON-001"]?.contains("no conversation was opened") == true)
            #expect(outcome.summary.verdict.exitCode == 3)
        }
    }

    @Test("a connector that creates the user and the conversation and stops is INCOMPLETE: nothing after them was judged")
    func partialFlowIsIncomplete() async throws {
        try await withMock(probes: true) { mock in
            let support = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
            let user = try await support.ensureUser(.init(externalId: "partial"))
            _ = try await support.openConversation(userId: user.id, context: .init(intent: "billing.refund"), idempotencyKey: "k")
            let outcome = try await verify(mock, .init(rules: try exampleRules()))
            #expect(outcome.summary.verdict == .incomplete)
            #expect(outcome.labels["CON-001"] == "PASS")
            #expect(outcome.failures.isEmpty)
            #expect(outcome.notRun["CON-002"]?.contains("no conversation was handed to a team") == true)
        }
    }

    @Test("without --rules the routing case does not run and says what to do; --skip waives it and the run conforms")
    func rulesOrWaiver() async throws {
        try await withMock(probes: true) { mock in
            _ = try await runExampleConnector(mock)
            let bare = try await verify(mock)
            #expect(bare.summary.verdict == .incomplete)
            #expect(Array(bare.notRun.keys) == ["CON-005"])
            #expect(bare.notRun["CON-005"]?.contains("give --rules FILE") == true)
            let waived = try await verify(mock, .init(skip: ["CON-005"]))
            #expect(waived.labels["CON-005"] == "WAIVED")
            #expect(waived.summary.verdict == .conforms)
            #expect(waived.summary.closingLine.hasSuffix(", 1 waived"))
        }
    }

    @Test("verify's own reads are not journal entries: two verifications in a row read the same journal")
    func ownReadsNotJournaled() async throws {
        try await withMock { mock in
            _ = try await runConnector("handoff_connector.py", mock: mock.url)
            let first = try await verify(mock)
            let second = try await verify(mock)
            #expect(first.trace.records.count == second.trace.records.count)
            #expect(!second.trace.records.contains { $0.path == "/mock/v1/workspace" || $0.path == "/v1/teams" })
        }
    }

    @Test("the command: exit 0 CONFORMS, exit 1 FAILS naming the case, exit 3 INCOMPLETE, exit 2 when it cannot start; reports")
    func command() async throws {
        try await withMock(probes: true) { mock in
            let rules = packageRoot.appendingPathComponent("examples/routing.yaml").path
            let empty = try await runHandoff(["verify", "--target", mock.url, "--rules", rules])
            #expect(empty.status == 3, "\(empty.output)")
            #expect(empty.output.contains("INCOMPLETE: no MUST case failed, but these did not run"))

            _ = try await runExampleConnector(mock)
            let good = try await runHandoff(["verify", "--target", mock.url, "--rules", rules, "--workspace", "default"])
            #expect(good.status == 0, "\(good.output)")
            #expect(good.output.split(separator: "\n").last == "CONFORMS: 12 passed, 0 failed, 0 not run")

            let since = try await JournalReader(target: mock.url, token: "dev-token").journal().records.last?.seq ?? 0
            _ = try await runExampleConnector(mock, defect: "close-bug")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString)").path
            let bad = try await runHandoff([
                "verify", "--target", mock.url, "--rules", rules, "--since", String(since), "--junit", "\(folder)/j.xml",
                "--json", "\(folder)/r.json", "--report", "\(folder)/r.md",
            ])
            #expect(bad.status == 1)
            #expect(bad.output.contains("FAIL  CON-008"))
            #expect(bad.output.split(separator: "\n").last?.hasPrefix("FAILS: ") == true)
            let markdown = try String(contentsOfFile: "\(folder)/r.md", encoding: .utf8)
            #expect(markdown.contains("# HandoffKit connector verification report") && markdown.contains("OpenCUI's close bug"))
            #expect(markdown.contains("**FAILS**"))
            let junit = try String(contentsOfFile: "\(folder)/j.xml", encoding: .utf8)
            #expect(junit.contains(#"<testsuites name="handoff verify""#) && junit.contains("<failure"))
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/r.json"))) as? [String: Any]
            #expect(json?["verdict"] as? String == "FAILS")

            let wrong = try await runHandoff(["verify", "--target", mock.url, "--workspace", "other"])
            #expect(wrong.status == 2)
        }
    }

    @Test("the CI loop: scripted agents from examples/ci-seed.yaml play the human on a fast clock; the connector conforms")
    func ciLoop() async throws {
        let yaml = try String(contentsOf: packageRoot.appendingPathComponent("examples/ci-seed.yaml"), encoding: .utf8)
        let store = try SupportStore(path: nil)
        try await store.apply(try Seed.parse(yaml: yaml))
        // Four times faster, not fifty: the scripted agent must not resolve before the connector's next
        // message reaches the mock, even on a loaded two-core machine.
        var config = MockConfiguration(port: 0, personaClock: AcceleratedClock(factor: 4))
        config.probeWebhooks = true
        let mock = try await RunningMock.start(config: config, store: store, logger: quietLogger)
        do {
            let output = try await runExampleConnector(mock, extra: ["--agent", "none"])
            #expect(output.contains("agent says to the user: 'I have refunded the duplicate charge; it shows in 3-5 days.'"))
            let outcome = try await verify(mock, .init(rules: try exampleRules()))
            #expect(outcome.failures.isEmpty, "\(outcome.failures)")
            #expect(outcome.summary.verdict == .conforms, "\(outcome.notRun)")
            #expect(
                outcome.trace.records.filter { $0.kind == "persona" }.map(\.summary).first?.hasPrefix("scripted agent Bea Billing") == true)
        } catch {
            await mock.stop()
            throw error
        }
        await mock.stop()
    }

    @Test("driver mode, as a user runs it: the example connector served, verify --drive CONFORMS on every DRV and CON case")
    func driverModeConforms() async throws {
        try await withMock(probes: true) { mock in
            try await withServedConnector(mock: mock.url) { driver, output in
                let rules = packageRoot.appendingPathComponent("examples/routing.yaml").path
                let run = try await runHandoff(["verify", "--target", mock.url, "--rules", rules, "--drive", driver])
                #expect(run.status == 0, "\(run.output)\n\(output.current)")
                #expect(run.output.contains("PASS  DRV-007") && run.output.contains("PASS  CON-012"))
                let total = DriveCatalogue.all.count + ConsumerCatalogue.all.count
                #expect(run.output.split(separator: "\n").last == "CONFORMS: \(total) passed, 0 failed, 0 not run")
            }
        }
    }

    @Test("every case has a stable CON id and a rule")
    func catalogue() {
        let ids = ConsumerCatalogue.all.map(\.id)
        #expect(ids == (1...ids.count).map { String(format: "CON-%03d", $0) })
    }
}
