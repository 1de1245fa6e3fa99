import Foundation
import HandoffClient
import HandoffContract
import Logging
import MockServer

/// How ``withHandoffMock(_:isolation:_:)`` starts the mock.
///
/// The defaults give what most connector tests want: an in-memory database, the default seed
/// (workspace `default`, token `dev-token`, teams General Support, Billing and Technical Support, one
/// Chatwoot API inbox with the agent bot `bot-token` and the agent token `agent-token`), a free loopback
/// port, and a logger that stays quiet.
public struct HandoffMockOptions: Sendable {
    /// Where the mock keeps its state.
    public enum Database: Sendable, Hashable {
        /// In memory: gone when the mock stops (the default).
        case inMemory
        /// A fresh SQLite file in the temporary directory, deleted when the mock stops.
        case temporaryFile
        /// A SQLite file at this path, created if missing and kept after the mock stops.
        case file(String)
    }

    /// Where the state lives. Default ``Database/inMemory``.
    public var database: Database
    /// What the mock starts with. Default `Seed.defaultSeed`; the first workspace of the seed is the one
    /// ``HandoffMock/tokens`` and ``HandoffMock/chatwoot`` describe.
    public var seed: Seed
    /// How the mock serves. Default: `127.0.0.1` on a free port (port 0), everything else as `handoff mock`.
    public var configuration: MockConfiguration
    /// The mock's logger. Default: label `HandoffTesting`, level `critical` (quiet in test output).
    public var logger: Logger

    /// Creates options; every argument has the default described on its property.
    public init(
        database: Database = .inMemory, seed: Seed = .defaultSeed, configuration: MockConfiguration = .init(port: 0),
        logger: Logger? = nil
    ) {
        self.database = database
        self.seed = seed
        self.configuration = configuration
        self.logger =
            logger
            ?? {
                var quiet = Logger(label: "HandoffTesting")
                quiet.logLevel = .critical
                return quiet
            }()
    }
}

/// Why ``withHandoffMock(_:isolation:_:)`` could not start the mock.
public struct HandoffMockError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// Creates an error with its description.
    public init(_ description: String) {
        self.description = description
    }
}

/// Starts a mock support system in this process on a free loopback port, runs `body` with it, and
/// stops it, whether `body` returns or throws.
///
/// ```swift
/// try await withHandoffMock { mock in
///     let support = mock.support            // the neutral API as the bot, token `dev-token`
///     // … drive your connector against mock.url, play the agent with mock.accept / mock.reply …
/// }
/// ```
///
/// - Parameters:
///   - options: database, seed, configuration and logger; see ``HandoffMockOptions``.
///   - isolation: the caller's actor, so `body` runs where the caller does (leave the default).
///   - body: the test; its result is returned.
/// - Returns: what `body` returns.
/// - Throws: a failure to start the mock, or what `body` throws (after the mock has stopped).
public func withHandoffMock<Result>(
    _ options: HandoffMockOptions = .init(),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (HandoffMock) async throws -> Result
) async throws -> Result {
    let path: String?
    let removeAfter: Bool
    switch options.database {
    case .inMemory:
        (path, removeAfter) = (nil, false)
    case .temporaryFile:
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("handoff-mock-\(UUID().uuidString).sqlite")
        (path, removeAfter) = (file.path, true)
    case .file(let file):
        (path, removeAfter) = (file, false)
    }
    defer {
        if removeAfter, let path {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }
    let mock = try await HandoffMock.start(options, path: path)
    let result: Result
    do {
        result = try await body(mock)
    } catch {
        await mock.server.stop()
        throw error
    }
    await mock.server.stop()
    return result
}
