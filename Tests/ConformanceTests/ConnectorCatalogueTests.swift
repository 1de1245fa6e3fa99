import Conformance
import Foundation
import MockServer
import Testing

/// One broken copy of the example connector, as `examples/connectors/defects.json` lists it.
struct ConnectorDefect: Decodable, Sendable, CustomStringConvertible {
    /// The `--defect` value.
    var defect: String
    /// `journal` (a one-shot run, then verify) or `drive` (verify --drive plays the users).
    var mode: String
    /// Extra arguments for the connector.
    var args: [String]
    /// The case it must fail.
    var expect: String
    /// The bug in one line.
    var bug: String
    /// A fragment of the failure message, when the manifest pins one.
    var message: String?

    var description: String { "\(defect) → \(expect)" }

    /// Every defect in the manifest.
    static let all: [ConnectorDefect] = {
        let url = packageRoot.appendingPathComponent("examples/connectors/defects.json")
        guard let data = try? Data(contentsOf: url), let list = try? JSONDecoder().decode([ConnectorDefect].self, from: data) else {
            return []
        }
        return list
    }()
}

/// The connector side's proof that every verdict can fail: each broken copy of the example connector must
/// fail its case, and the correct one must conform run after run.
@Suite("the connector catalogue: every CON case killed by a broken example connector")
struct ConnectorCatalogueTests {
    @Test("the manifest lists at least one defect per CON case, each with a known case id")
    func manifest() {
        let ids = Set(ConsumerCatalogue.all.map(\.id))
        let journal = ConnectorDefect.all.filter { $0.mode == "journal" }
        #expect(!journal.isEmpty, "examples/connectors/defects.json is missing or unreadable")
        #expect(Set(journal.map(\.expect)) == ids, "CON cases without a defect: \(ids.subtracting(journal.map(\.expect)).sorted())")
        #expect(Set(ConnectorDefect.all.map(\.defect)).count == ConnectorDefect.all.count, "defect names are unique")
        let drive = ConnectorDefect.all.filter { $0.mode == "drive" }
        let scenarios = Set(DriveCatalogue.all.map(\.id))
        #expect(Set(drive.map(\.expect)) == scenarios, "DRV cases without a defect: \(scenarios.subtracting(drive.map(\.expect)).sorted())")
        let coverage = try? String(contentsOf: packageRoot.appendingPathComponent("Conformance/CONNECTOR-COVERAGE.md"), encoding: .utf8)
        for defect in ConnectorDefect.all {
            #expect(coverage?.contains("`\(defect.defect)`") == true, "CONNECTOR-COVERAGE.md does not list \(defect.defect)")
        }
    }

    @Test(
        "each journal-mode defect fails its case, and the run FAILS", .timeLimit(.minutes(2)),
        arguments: ConnectorDefect.all.filter { $0.mode == "journal" })
    func defectFails(_ defect: ConnectorDefect) async throws {
        try await withMock(probes: true) { mock in
            let run = try await runConnector(
                "handoff_connector.py", mock: mock.url, arguments: ["--defect", defect.defect] + defect.args)
            let outcome = try await verify(mock, .init(rules: try exampleRules()))
            let message = outcome.failures[defect.expect]
            #expect(message != nil, "\(defect.defect) did not fail \(defect.expect): \(outcome.failures) \(outcome.notRun)\n\(run.output)")
            if let fragment = defect.message { #expect(message?.contains(fragment) == true, "\(message ?? "")") }
            let level = ConsumerCatalogue.all.first { $0.id == defect.expect }?.level
            if level == .must { #expect(outcome.summary.verdict == .fails) }
        }
    }

    @Test("the correct connector conforms 20 times in a row, each on a fresh mock", .timeLimit(.minutes(5)))
    func correctConnectorTwentyTimes() async throws {
        for run in 1...20 {
            try await withMock(probes: true) { mock in
                let output = try await runExampleConnector(mock)
                let outcome = try await verify(mock, .init(rules: try exampleRules()))
                #expect(outcome.summary.verdict == .conforms, "run \(run): \(outcome.failures) \(outcome.notRun)\n\(output)")
            }
        }
    }
}
