import Foundation

/// The `handoff` executable run as a child process, as a user would run it.
final class MockProcess: @unchecked Sendable {
    // @unchecked: the Process and pipe are touched only by the test that owns this value.
    let process = Process()
    let output = Pipe()
    private(set) var url = ""
    private(set) var lines: [String] = []

    /// The built `handoff` next to the test bundle.
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("handoff")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/handoff")
    }

    /// A process with these arguments; its standard error goes to `errorLog` when given.
    init(arguments: [String], errorLog: URL? = nil) {
        process.executableURL = Self.executable
        process.arguments = arguments
        process.standardOutput = output
        if let errorLog, FileManager.default.createFile(atPath: errorLog.path, contents: nil),
            let handle = FileHandle(forWritingAtPath: errorLog.path)
        {
            process.standardError = handle
        } else {
            process.standardError = FileHandle.nullDevice
        }
    }

    /// Starts the process and waits for its `listening on` line, off the cooperative pool.
    func start(seconds: Double = 20) async throws {
        try await blocking { try self.startBlocking(seconds: seconds) }
    }

    /// Waits for the process to exit, off the cooperative pool.
    func exitStatus() async throws -> Int32 {
        try await blocking { self.wait() }
    }

    private func startBlocking(seconds: Double) throws {
        try process.run()
        let handle = output.fileHandleForReading
        var buffer = ""
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let data = handle.availableData
            if data.isEmpty { break }
            buffer += String(decoding: data, as: UTF8.self)
            lines = buffer.split(separator: "\n").map(String.init)
            if let line = lines.first(where: { $0.hasPrefix("listening on ") }), buffer.contains("database:") {
                url = String(line.dropFirst("listening on ".count))
                return
            }
        }
        throw MockProcessError.notReady(buffer)
    }

    func kill(_ signal: Int32) { Foundation.kill(process.processIdentifier, signal) }

    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }
}

enum MockProcessError: Error {
    case notReady(String)
}
