import Foundation
import HandoffDemo
import MockServer
import Synchronization
import Testing

/// Runs the built `handoff` with arguments off the cooperative pool; returns exit status and standard output.
func runHandoff(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    try await blocking { try runHandoffBlocking(arguments) }
}

private func runHandoffBlocking(_ arguments: [String]) throws -> (status: Int32, output: String) {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var executable = URL(fileURLWithPath: ".build/debug/handoff")
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("handoff")
        if FileManager.default.isExecutableFile(atPath: candidate.path) {
            executable = candidate
            break
        }
        directory = directory.deletingLastPathComponent()
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite("handoff conform and handoff demo as commands")
struct CommandLineTests {
    @Test("conform prints a line per case and closes with 'CONFORMS: N passed, N failed, N not run'; exit 0")
    func conformsExitZero() async throws {
        try await withMock { mock in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conform-\(UUID().uuidString)").path
            let (status, output) = try await runHandoff([
                "conform", "--target", mock.url, "--only", "XFER-*", "--junit", "\(folder)/j.xml", "--report", "\(folder)/r.md",
                "--json", "\(folder)/r.json",
            ])
            #expect(status == 0)
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines.last == "CONFORMS: 15 passed, 0 failed, 0 not run")
            #expect(lines.filter { $0.hasPrefix("PASS ") }.count == 15)
            for file in ["j.xml", "r.md", "r.json"] {
                #expect(FileManager.default.fileExists(atPath: "\(folder)/\(file)"), "\(file)")
            }
        }
    }

    @Test("conform exits 1 when a MUST case fails, and the certificate shows the exchange")
    func failsExitOne() async throws {
        try await withMock(defects: [.unavailableTeamSucceeds]) { mock in
            let report = FileManager.default.temporaryDirectory.appendingPathComponent("conform-\(UUID().uuidString).md").path
            let (status, output) = try await runHandoff(["conform", "--target", mock.url, "--only", "XFER-006", "--report", report])
            #expect(status == 1)
            #expect(output.hasSuffix("FAILS: 0 passed, 1 failed, 0 not run\n"))
            let certificate = try String(contentsOfFile: report, encoding: .utf8)
            #expect(certificate.contains("silent success"))
            #expect(certificate.contains("/transfer"))
        }
    }

    @Test("--list shows the catalogue; --list-defects shows the defects")
    func listings() async throws {
        let (status, output) = try await runHandoff(["conform", "--list", "--only", "CLOSE-*"])
        #expect(status == 0)
        #expect(output.contains("CLOSE-004"))
        #expect(!output.contains("XFER-"))
        let defects = try await runHandoff(["mock", "--list-defects"])
        #expect(defects.status == 0)
        #expect(Defect.allCases.allSatisfy { defects.output.contains($0.rawValue) })
        let unknown = try await runHandoff(["mock", "--defect", "no-such-defect", "--in-memory", "--port", "0"])
        #expect(unknown.status != 0)
    }

    @Test("--binding chatwoot: needs an account and an inbox, applies the shipped expected failures, skips what Chatwoot lacks")
    func chatwootBinding() async throws {
        let missing = try await runHandoff(["conform", "--binding", "chatwoot", "--target", "http://127.0.0.1:9"])
        #expect(missing.status != 0)
        let neutralWithChatwootFlag = try await runHandoff(["conform", "--target", "http://127.0.0.1:9", "--inbox-id", "1"])
        #expect(neutralWithChatwootFlag.status != 0)
        let listing = try await runHandoff(["conform", "--list", "--only", "CW-*"])
        #expect(listing.status == 0 && listing.output.contains("CW-001") && !listing.output.contains("XFER-"))
        let (status, output) = try await runHandoff([
            "conform", "--binding", "chatwoot", "--target", "http://127.0.0.1:9", "--account-id", "1", "--inbox-id", "1",
            "--token", "admin", "--only", "EVT-00*",
        ])
        // Nothing that applies ran: the feed cases are not applicable to Chatwoot, so the run certifies nothing.
        #expect(status == 3)
        #expect(output.contains("expected failures: the shipped list of Chatwoot's by-design gaps"))
        #expect(output.hasSuffix("INCOMPLETE: 0 passed, 0 failed, 0 not run, 9 not applicable\n"))
    }

    @Test("conform --skip waives a case: listed as waived, the run still conforms; a MUST case that cannot run is INCOMPLETE, exit 3")
    func waivedAndIncomplete() async throws {
        try await withMock { mock in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conform-\(UUID().uuidString)").path
            let waived = try await runHandoff([
                "conform", "--target", mock.url, "--only", "XFER-001", "--only", "XFER-002", "--skip", "XFER-002", "--junit",
                "\(folder)/j.xml",
                "--report", "\(folder)/r.md", "--json", "\(folder)/r.json",
            ])
            #expect(waived.status == 0, "\(waived.output)")
            #expect(waived.output.contains("WAIVED XFER-002"))
            #expect(waived.output.hasSuffix("CONFORMS: 1 passed, 0 failed, 0 not run, 1 waived\n"))
            #expect(
                try String(contentsOfFile: "\(folder)/r.md", encoding: .utf8).contains(
                    "| XFER-002 | WAIVED | waived with --skip XFER-002 |"))
            #expect(try String(contentsOfFile: "\(folder)/j.xml", encoding: .utf8).contains("waived: waived with --skip XFER-002"))
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/r.json"))) as? [String: Any]
            #expect(json?["verdict"] as? String == "CONFORMS" && json?["waived"] as? Int == 1)

            let incomplete = try await runHandoff([
                "conform", "--target", mock.url, "--only", "XFER-006", "--agent-desk", "none", "--junit", "\(folder)/i.xml",
            ])
            #expect(incomplete.status == 3, "\(incomplete.output)")
            #expect(incomplete.output.contains("INCOMPLETE: no MUST case failed, but these did not run"))
            #expect(incomplete.output.hasSuffix("INCOMPLETE: 0 passed, 0 failed, 1 not run\n"))
            let junit = try String(contentsOfFile: "\(folder)/i.xml", encoding: .utf8)
            #expect(junit.contains(#"<testcase classname="conformance.verdict" name="INCOMPLETE""#) && junit.contains("<failure"))
        }
    }

    @Test("the demo certifies the mock and plays one handoff back to the bot")
    func demo() async throws {
        let lines = Mutex<[String]>([])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)").path
        let (certification, outcome) = try await HandoffDemo { line in lines.withLock { $0.append(line) } }
            .run(logger: quietLogger, reportsFolder: folder)
        #expect(certification.summary.conforms && certification.summary.failed == 0)
        #expect(certification.reports.count == 3)
        #expect(outcome.events == [.conversationAssigned, .messageCreated, .conversationResolved])
        #expect(outcome.historyAtTransfer == 3)
        #expect(outcome.finalState == .closed && outcome.nextState == .bot)
        #expect(lines.withLock { $0 }.contains { $0.contains("bot_silenced") })
    }
}
