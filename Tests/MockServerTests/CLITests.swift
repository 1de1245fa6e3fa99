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
        #expect(status == 65)
        #expect(message.contains("tokens"), "\(message)")
        #expect(!message.contains("Usage"), "a runtime failure is one line, not the usage text: \(message)")
    }

    /// Runs `handoff` to its end: exit status, standard output and standard error.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        try await blocking { () throws -> (Int32, String, String) in
            let process = Process()
            process.executableURL = MockProcess.executable
            process.arguments = arguments
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let out = output.fileHandleForReading.readDataToEndOfFile()
            let err = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
        }
    }

    @Test("--version names the build and the contract; runtime failures are one line with their own exit code")
    func versionAndFailures() async throws {
        let version = try await Self.run(["--version"])
        #expect(version.status == 0 && version.output.hasPrefix("handoff ") && version.output.contains("contract 1.0.0"))

        let missing = try await Self.run(["mock", "--port", "0", "--in-memory", "--seed", "/no/such/seed.yaml"])
        #expect(missing.status == 66 && missing.errors.hasPrefix("handoff: cannot read the seed file"), "\(missing)")
        #expect(!missing.errors.contains("Usage"))

        let mock = MockProcess(arguments: ["mock", "--port", "0", "--in-memory"])
        try await mock.start()
        let port = try #require(URL(string: mock.url)?.port)
        let taken = try await Self.run(["mock", "--port", String(port), "--in-memory"])
        #expect(taken.status == 69 && taken.errors.contains("already in use"), "\(taken)")
        #expect(!taken.errors.contains("Usage"))
        mock.kill(SIGTERM)
        _ = try await mock.exitStatus()
    }
}
