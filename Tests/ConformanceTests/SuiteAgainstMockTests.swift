import Conformance
import Foundation
import HandoffContract
import HandoffDemo
import Logging
import MockServer
import Testing

/// A clean mock on a free port for one test; `probes` sends each webhook subscription the forged
/// deliveries of `handoff mock --probe-webhooks`.
func withMock(defects: Set<Defect> = [], probes: Bool = false, _ body: (RunningMock) async throws -> Void) async throws {
    let store = try SupportStore(path: nil, defects: defects)
    try await store.apply(.defaultSeed)
    var config = MockConfiguration(port: 0, webhookRetry: .init(baseDelay: 0.1, maxAttempts: 4, timeout: 5))
    config.probeWebhooks = probes
    let mock = try await RunningMock.start(config: config, store: store, logger: quietLogger)
    do {
        try await body(mock)
    } catch {
        await mock.stop()
        throw error
    }
    await mock.stop()
}

let quietLogger: Logger = {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
}()

@Suite("The suite against the mock")
struct SuiteAgainstMockTests {
    @Test("the catalogue has stable, unique ids and at least 60 cases covering every contract rule")
    func catalogue() {
        let ids = Catalogue.all.map(\.id)
        #expect(ids.count >= 60)
        #expect(Set(ids).count == ids.count)
        let pattern = /^(USR|CNV|MSG|TEAM|XFER|EVT|CLOSE|ERR|SEC)-\d{3}$/
        #expect(ids.allSatisfy { $0.wholeMatch(of: pattern) != nil })
        #expect(Set(Catalogue.all.map(\.rule)) == Set(ContractRule.allCases))
    }

    @Test("every MUST and SHOULD case passes against the mock, none skipped")
    func allPass() async throws {
        try await withMock { mock in
            let summary = try await SuiteRunner(
                binding: NeutralBinding(target: mock.url, token: "dev-token"), options: .init(caseTimeout: .seconds(60)),
                logger: quietLogger
            ).run(Catalogue.all)
            let failed = summary.results.filter { $0.outcome.label != "PASS" }.map { "\($0.testCase.id): \(ConsoleReport.line($0))" }
            #expect(failed.isEmpty, "\(failed)")
            #expect(summary.conforms)
            #expect(summary.closingLine == "CONFORMS: \(Catalogue.all.count) passed, 0 failed, 0 not run")
        }
    }

    @Test("without an agent side, agent cases do not run (with a reason, never passed) and the run is INCOMPLETE")
    func skipsWithoutDesk() async throws {
        try await withMock { mock in
            let binding = NeutralBinding(target: mock.url, token: "dev-token", useMockDesk: false)
            let summary = try await SuiteRunner(binding: binding, options: .init(only: ["EVT-00*", "XFER-006"]), logger: quietLogger)
                .run(Catalogue.all)
            #expect(!summary.results.isEmpty)
            for result in summary.results {
                if case .skipped(let reason) = result.outcome {
                    #expect(reason.contains("agent side"))
                } else {
                    Issue.record("\(result.testCase.id) was \(result.outcome.label), want SKIP")
                }
            }
            #expect(summary.verdict == .incomplete && !summary.conforms)
            #expect(summary.verdict.exitCode == 3)
        }
    }

    @Test("an expected failure counts as XFAIL, and an expected failure that passes is reported as XPASS")
    func expectedFailures() async throws {
        try await withMock(defects: [.botSpeaksAfterTransfer]) { mock in
            let binding = NeutralBinding(target: mock.url, token: "dev-token")
            let options = SuiteOptions(
                only: ["XFER-009", "USR-002"], expectedFailures: ["XFER-009": "known gap", "USR-002": "stale entry"])
            let summary = try await SuiteRunner(binding: binding, options: options, logger: quietLogger).run(Catalogue.all)
            let outcomes = Dictionary(uniqueKeysWithValues: summary.results.map { ($0.testCase.id, $0.outcome.label) })
            #expect(outcomes == ["XFER-009": "XFAIL", "USR-002": "XPASS"])
            #expect(summary.conforms)
            #expect(summary.unexpectedPasses.map(\.testCase.id) == ["USR-002"])
        }
    }

    @Test("a broken rule fails its case with the exchange that broke it, and reports say so")
    func failureReports() async throws {
        try await withMock(defects: [.botSpeaksAfterTransfer]) { mock in
            let binding = NeutralBinding(target: mock.url, token: "dev-token")
            let summary = try await SuiteRunner(binding: binding, options: .init(only: ["XFER-009"]), logger: quietLogger)
                .run(Catalogue.all)
            #expect(!summary.conforms)
            #expect(summary.closingLine == "FAILS: 0 passed, 1 failed, 0 not run")
            guard case .failed(let message, let exchanges) = summary.results.first?.outcome else {
                Issue.record("XFER-009 did not fail")
                return
            }
            #expect(message.contains("succeeded"))
            #expect(exchanges.contains { $0.method == "POST" && $0.path.hasSuffix("/messages") && $0.status == 201 })
            let markdown = MarkdownReport.render(summary)
            #expect(markdown.contains("**FAILS**"))
            #expect(markdown.contains("### XFER-009"))
            #expect(markdown.contains("I'm still here"))
            let junit = JUnitReport.render(summary)
            #expect(junit.contains(#"failures="1""#))
            #expect(junit.contains("<failure message=\"[MUST]"))
            let json = try JSONSerialization.jsonObject(with: try JSONReport.render(summary)) as? [String: Any]
            #expect(json?["conforms"] as? Bool == false)
            #expect(json?["failed"] as? Int == 1)
        }
    }

    @Test("globs select cases; expected-failure files parse and reject lines without a reason")
    func options() throws {
        let options = SuiteOptions(only: ["XFER-*", "usr-00?"], skip: ["XFER-01*"])
        #expect(options.selects("XFER-004") && options.waiver("XFER-004") == nil)
        #expect(
            options.selects("XFER-012") && options.waiver("XFER-012") == "XFER-01*", "a skipped case is selected, to be listed as waived")
        #expect(options.selects("USR-002"))
        #expect(!options.selects("USR-0021"))
        #expect(!options.selects("EVT-001"))
        let parsed = try ExpectedFailureFile.parse("# gaps\nXFER-006: cannot take teams offline\nEVT-012 no retries  # vendor bug\n\n")
        #expect(parsed == ["XFER-006": "cannot take teams offline", "EVT-012": "no retries"])
        #expect(throws: ExpectedFailureError.self) { try ExpectedFailureFile.parse("OK-1: fine\nXFER-006\n") }
    }
}
