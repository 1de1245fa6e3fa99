import Foundation
import HandoffClient
import Testing

@Suite("handoff mock as a process")
struct CLITests {
    @Test("--port 0 prints the URL and the dev token, serves, and stops cleanly on SIGTERM and SIGINT", arguments: [SIGTERM, SIGINT])
    func startAndStop(signal: Int32) async throws {
        let mock = MockProcess(arguments: ["mock", "--port", "0", "--in-memory"])
        try await mock.start()
        #expect(mock.url.hasPrefix("http://127.0.0.1:"))
        #expect(!mock.url.hasSuffix(":0") && !mock.url.hasSuffix(":3000"))
        #expect(mock.lines.contains { $0.contains("dev-token") })
        let teams = try await NeutralSupportClient(baseURL: mock.url, token: "dev-token").teams()
        #expect(teams.count == 3)
        mock.kill(signal)
        #expect(try await mock.exitStatus() == 0)
    }

    @Test("--seed takes YAML, and a bad seed is a clear error naming the field")
    func seed() async throws {
        let directory = FileManager.default.temporaryDirectory
        let good = directory.appendingPathComponent("seed-\(UUID().uuidString).yaml")
        try """
        workspaces:
          - name: acme
            tokens: [acme-token]
            teams:
              - name: Sales
                agents:
                  - { name: Sam }
        """.write(to: good, atomically: true, encoding: .utf8)
        let mock = MockProcess(arguments: ["mock", "--port", "0", "--in-memory", "--seed", good.path])
        try await mock.start()
        #expect(mock.lines.contains { $0.contains("acme-token") })
        let teams = try await NeutralSupportClient(baseURL: mock.url, token: "acme-token").teams()
        #expect(teams.map(\.name) == ["Sales"])
        mock.kill(SIGTERM)
        _ = try await mock.exitStatus()

        let bad = directory.appendingPathComponent("seed-\(UUID().uuidString).yaml")
        try "workspaces:\n  - name: x\n".write(to: bad, atomically: true, encoding: .utf8)
        let badPath = bad.path
        let (status, message) = try await blocking { () throws -> (Int32, String) in
            let failing = Process()
            failing.executableURL = MockProcess.executable
            failing.arguments = ["mock", "--port", "0", "--in-memory", "--seed", badPath]
            let errors = Pipe()
            failing.standardError = errors
            failing.standardOutput = FileHandle.nullDevice
            try failing.run()
            let data = errors.fileHandleForReading.readDataToEndOfFile()
            failing.waitUntilExit()
            return (failing.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        #expect(status != 0)
        #expect(message.contains("tokens"), "\(message)")
    }
}
