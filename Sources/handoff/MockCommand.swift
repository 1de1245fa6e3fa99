import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MockServer
import NIOCore

/// `--defect NAME`: the parser refuses a name that is no defect, and shell completion lists them all.
extension Defect: ExpressibleByArgument {}

/// `handoff mock`: serve the mock support system.
struct MockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock",
        abstract: "Serve the mock support system (neutral Support API and control API) over SQLite.",
        discussion: """
            When ready it prints `listening on http://HOST:PORT` and the tokens of the seeded workspaces.
            The default seed has workspace `default`, token `dev-token` and three teams with agents:

              curl -H 'Authorization: Bearer dev-token' http://127.0.0.1:3000/v1/teams

            The contract is served at /openapi.json; the control API (play the agent) is under /mock/v1, and
            the agent desk at /desk. Every request is kept in the request journal (GET /mock/v1/journal, in memory).
            --seed examples/ci-seed.yaml gives every team a scripted agent; --persona-speed runs them faster.
            Data lives in the SQLite file given by --db and survives restarts; --in-memory forgets it.
            """)

    @Option(help: "Address to bind. Keep it on loopback unless you mean it.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 3000

    @Option(help: "SQLite database file (created if missing).")
    var db = "handoff-mock.sqlite"

    @Flag(help: "Keep everything in memory; nothing survives the process.")
    var inMemory = false

    @Option(help: "YAML seed file with workspaces, tokens, teams and agents (default: the built-in seed).")
    var seed: String?

    @Flag(help: "Allow webhook URLs on hosts other than loopback.")
    var allowRemoteWebhooks = false

    @Flag(
        help: """
            Send each webhook subscription two forged deliveries (a wrong signature, a stale timestamp) that a \
            receiver must refuse; handoff verify judges the answers.
            """)
    var probeWebhooks = false

    @Option(
        name: .customLong("allowed-host"),
        help: "A host name to accept in the Host header besides localhost and IP addresses (repeatable); others get 421.")
    var allowedHosts: [String] = []

    @Option(help: "Seconds a connection may stay without a request, or half-way through one, before it is closed.")
    var idleTimeout: Int64 = 90

    @Option(help: "Connections served at once; more wait until one closes.")
    var maxConnections = 512

    @Option(help: "Requests per second allowed per bearer token; past it, 429 rate_limited with Retry-After. Default: no limit.")
    var rateLimit: Int?

    @Option(
        name: .customLong("defect"),
        help: ArgumentHelp("Break one contract rule on purpose (repeatable); see --list-defects.", valueName: "defect"))
    var defects: [Defect] = []

    @Flag(help: "List the defects --defect can switch on, and exit.")
    var listDefects = false

    @Option(help: "Added latency per request, in milliseconds (fault injection).")
    var faultLatencyMs = 0

    @Option(help: "Share of requests answered 503 injected_fault, from 0 to 1 (fault injection).")
    var faultErrorRate = 0.0

    @Option(help: "Share of requests answered 429 with Retry-After, from 0 to 1 (fault injection).")
    var faultThrottleRate = 0.0

    @Option(help: "Retry-After of injected 429s, in seconds.")
    var faultRetryAfter = 1

    @Option(help: "Share of webhook delivery attempts that fail, from 0 to 1 (fault injection).")
    var faultWebhookFailureRate = 0.0

    @Option(help: "Seed of the fault draws, so a run replays exactly.")
    var faultSeed: UInt64 = 1

    @Option(help: "Request journal entries kept per workspace, in memory; the oldest are dropped (GET /mock/v1/journal).")
    var journalCapacity = RequestJournal.defaultCapacity

    @Option(help: "Run the scripted agents' clock this many times faster than real time (1 is real time).")
    var personaSpeed = 1

    @OptionGroup var logging: LoggingOptions

    var faults: FaultPlan {
        FaultPlan(
            latencyMs: faultLatencyMs, errorRate: faultErrorRate, throttleRate: faultThrottleRate,
            retryAfterSeconds: faultRetryAfter, webhookFailureRate: faultWebhookFailureRate, seed: faultSeed)
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        if let (field, reason) = faults.problem { throw ValidationError("fault \(field) \(reason).") }
        if let rateLimit, rateLimit < 1 { throw ValidationError("--rate-limit must be at least 1 request per second.") }
        guard journalCapacity >= 1 else { throw ValidationError("--journal-capacity must be at least 1.") }
        guard idleTimeout >= 1 else { throw ValidationError("--idle-timeout must be at least 1 second.") }
        guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1.") }
        guard (1...10_000).contains(personaSpeed) else { throw ValidationError("--persona-speed must be from 1 to 10000.") }
    }

    func run() async throws {
        // This process is the mock: tune the allocator for it (an embedding process keeps its own settings).
        AllocatorTuning.capArenas()
        if listDefects {
            let width = Defect.allCases.map(\.rawValue.count).max() ?? 0
            for defect in Defect.allCases {
                say(defect.rawValue + String(repeating: " ", count: width - defect.rawValue.count + 2) + defect.summary)
            }
            return
        }
        let defects = Set(self.defects)
        let logger = logging.logger("handoff.mock")
        let seed: Seed
        let store: SupportStore
        do {
            seed = try loadSeed()
            do {
                store = try SupportStore(path: inMemory ? nil : db, defects: defects, journalCapacity: journalCapacity)
            } catch let error as ForeignDatabaseError {
                throw RuntimeFailure(message: error.description, code: 65)
            } catch {
                throw RuntimeFailure(message: "cannot open the database '\(db)': \(error)", code: 65)
            }
        } catch let failure as RuntimeFailure {
            throw failure.exit()
        }
        do {
            try await store.apply(seed)
        } catch {
            throw RuntimeFailure(message: "cannot apply the seed \(self.seed ?? "(built-in)"): \(error)", code: 65).exit()
        }
        let host = self.host
        let tokens = seed.workspaces.flatMap { workspace in workspace.tokens.map { (workspace.name, $0) } }
        let chatwoot = try store.chatwootSummary(seed)
        let storage = inMemory ? "in memory" : db
        let app = buildApplication(
            config: .init(
                host: host, port: port, allowRemoteWebhooks: allowRemoteWebhooks, faults: faults, rateLimit: rateLimit,
                personaClock: personaSpeed == 1 ? ContinuousClock() : AcceleratedClock(factor: personaSpeed),
                probeWebhooks: probeWebhooks, allowedHosts: allowedHosts, idleTimeoutSeconds: idleTimeout,
                maxConnections: maxConnections),
            store: store,
            logger: logger
        ) { port in
            say("listening on http://\(host):\(port)")
            for (workspace, token) in tokens { say("token \(token) (workspace \(workspace))") }
            for line in chatwoot { say(line) }
            if !defects.isEmpty { say("DEFECTS ON PURPOSE: " + defects.map(\.rawValue).sorted().joined(separator: ", ")) }
            say("agent desk: http://\(host):\(port)/desk (play the agent in a browser); journal: /mock/v1/journal")
            say("database: \(storage); contract: http://\(host):\(port)/openapi.json; stop with Ctrl-C")
        }
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw RuntimeFailure(message: "port \(port) on \(host) is already in use; pick another with --port (0: a free one)", code: 69)
                .exit()
        } catch let error as IOError where error.errnoCode == EACCES {
            throw RuntimeFailure(
                message: "cannot listen on \(host) port \(port): permission denied (ports below 1024 need privileges)", code: 77
            )
            .exit()
        } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
            throw RuntimeFailure(message: "cannot listen on \(host): no such address on this machine", code: 68).exit()
        } catch let error as SocketAddressError {
            throw RuntimeFailure(message: "cannot listen on \(host): unknown host (\(error))", code: 68).exit()
        }
    }

    private func loadSeed() throws -> Seed {
        guard let seed else { return .defaultSeed }
        let text: String
        do {
            text = try String(contentsOfFile: seed, encoding: .utf8)
        } catch {
            throw RuntimeFailure(message: "cannot read the seed file '\(seed)': \(error.localizedDescription)", code: 66)
        }
        do {
            return try Seed.parse(yaml: text)
        } catch {
            throw RuntimeFailure(message: "\(seed): \(error)", code: 65)
        }
    }
}
