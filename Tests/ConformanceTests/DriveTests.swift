import Foundation
import HandoffClient
import HandoffContract
import MockServer
import Synchronization
import Testing

@testable import Conformance

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback port nobody listens on now: bind port 0, read the port, close.
func freePort() throws -> Int {
    let socket = try BoundSocket()
    return socket.port
}

/// A TCP socket bound to 127.0.0.1 and a free port (listening when asked); closed at once unless listening,
/// then on `release()`.
struct BoundSocket {
    let descriptor: Int32
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(listening: Bool = false) throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound, !listening || listen(descriptor, 1) == 0 else {
            close(descriptor)
            throw Failure(description: "bind() failed: \(errno)")
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
        if !listening { close(descriptor) }
    }

    func release() { _ = close(descriptor) }
}

/// A child process's output, readable while it runs; keeps the newest 64 KiB.
final class ProcessOutput: Sendable {
    private let text = Mutex("")

    func append(_ data: Data) {
        text.withLock { text in
            text += String(decoding: data, as: UTF8.self)
            if text.utf8.count > 65_536 { text = String(text.suffix(32_768)) }
        }
    }

    var current: String { text.withLock { $0 } }
}

/// Runs `examples/connectors/handoff_connector.py --serve` against a mock and gives `body` its driver URL; the
/// child process is always stopped at the end.
func withServedConnector(
    mock: String, arguments: [String] = [], _ body: (_ driver: String, _ output: ProcessOutput) async throws -> Void
) async throws {
    let port = try freePort()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
        [
            "python3", packageRoot.appendingPathComponent("examples/connectors/handoff_connector.py").path, "--serve", "127.0.0.1:\(port)",
            "--mock", mock,
        ]
        + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    let output = ProcessOutput()
    pipe.fileHandleForReading.readabilityHandler = { handle in
        let data = handle.availableData
        if data.isEmpty { handle.readabilityHandler = nil } else { output.append(data) }
    }
    try process.run()
    func stop() async {
        if process.isRunning { process.terminate() }
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        pipe.fileHandleForReading.readabilityHandler = nil
    }
    do {
        var driver: String?
        let deadline = ContinuousClock.now + .seconds(20)
        while driver == nil && process.isRunning && ContinuousClock.now < deadline {
            if let line = output.current.split(separator: "\n").first(where: { $0.contains("connector: serving on ") }) {
                driver = line.components(separatedBy: "serving on ").last?.trimmingCharacters(in: .whitespaces)
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let ready = try #require(driver, "the connector did not say it was serving: \(output.current)")
        try await body(ready, output)
    } catch {
        await stop()
        throw error
    }
    await stop()
}

@Suite("handoff verify --drive: the suite plays the end users and judges both sides", .serialized)
struct DriveTests {
    static let ids = (1...7).map { String(format: "DRV-%03d", $0) }

    /// One line per result, for failure messages.
    static func report(_ results: [CaseResult]) -> String {
        results.map { result in
            switch result.outcome {
            case .failed(let message, _): "\(result.testCase.id) FAIL: \(message)"
            case .skipped(let reason), .notApplicable(let reason): "\(result.testCase.id) \(result.outcome.label): \(reason)"
            default: "\(result.testCase.id) \(result.outcome.label)"
            }
        }.joined(separator: "\n")
    }

    /// Runs the driver and collects what `progress` heard too.
    static func drive(_ mock: RunningMock, _ options: DriveOptions) async throws -> (results: [CaseResult], heard: [String]) {
        let heard = Mutex<[String]>([])
        let results = try await ConnectorDriver(target: mock.url, options: options).run { result in
            heard.withLock { $0.append(result.testCase.id) }
        }
        return (results, heard.withLock { $0 })
    }

    /// The support side after a run: the driver's users, and whether Billing takes conversations again.
    static func aftermath(_ mock: RunningMock) async throws -> (driverUsers: [User], billingAvailable: Bool) {
        let support = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
        struct Users: Decodable { var data: [User] }
        let users: Users = try await support.transport.call(.GET, "/v1/users?limit=500")
        let billing = try #require(try await support.teams().first { $0.name == "Billing" })
        return (users.data.filter { $0.externalId.hasPrefix("drv-") }, billing.availability.available)
    }

    @Test("the example connector passes every scenario over the driver protocol, routing included")
    func handoffChannelPasses() async throws {
        try await withMock { mock in
            try await withServedConnector(mock: mock.url) { driver, output in
                let options = DriveOptions(driver: driver, rules: try exampleRules())
                let (results, heard) = try await Self.drive(mock, options)
                #expect(results.map(\.testCase.id) == Self.ids)
                #expect(heard == Self.ids)
                #expect(results.allSatisfy { $0.outcome.label == "PASS" }, "\(Self.report(results))\n\(output.current.suffix(3000))")
                let (users, billingAvailable) = try await Self.aftermath(mock)
                // ada (DRV-001…003, 005), bea and cal (DRV-004), dee (DRV-006), eve (DRV-007): one user each.
                #expect(Set(users.map { $0.externalId.split(separator: "-").last ?? "" }) == ["ada", "bea", "cal", "dee", "eve"])
                #expect(users.count == 5, "\(users.map(\.externalId))")
                #expect(billingAvailable, "DRV-006 must bring Billing back online")
            }
        }
    }

    @Test("over Rasa's REST and callback channels every scenario passes but DRV-007, which is not applicable")
    func rasaChannelPasses() async throws {
        try await withMock { mock in
            let callback = "http://127.0.0.1:\(try freePort())/bot"
            try await withServedConnector(mock: mock.url, arguments: ["--rasa-callback", callback]) { driver, output in
                let options = DriveOptions(driver: driver, channel: .rasa, callback: callback, rules: try exampleRules())
                let (results, _) = try await Self.drive(mock, options)
                #expect(results.map(\.testCase.id) == Self.ids)
                let labels = Dictionary(uniqueKeysWithValues: results.map { ($0.testCase.id, $0.outcome.label) })
                #expect(Self.ids.dropLast().allSatisfy { labels[$0] == "PASS" }, "\(Self.report(results))\n\(output.current.suffix(3000))")
                guard case .notApplicable(let reason) = results.last?.outcome else {
                    Issue.record("DRV-007 should be not applicable over Rasa: \(Self.report(results))")
                    return
                }
                #expect(reason == "Rasa's channel has no 'user leaves' message")
                #expect(try await Self.aftermath(mock).billingAvailable)
            }
        }
    }

    /// A driver-mode defect of the example connector, the scenario that must catch it, and words its message must hold.
    struct DriveDefect: Sendable, CustomStringConvertible {
        var name: String
        var caseId: String
        var words: [String]
        var description: String { "\(name) → \(caseId)" }
    }

    static let defects = [
        DriveDefect(name: "out-of-order", caseId: "DRV-001", words: ["the team reads the conversation out of order"]),
        DriveDefect(name: "no-relay", caseId: "DRV-002", words: ["the agent replied", "never reached the user"]),
        DriveDefect(name: "bot-not-back", caseId: "DRV-003", words: ["the bot did not answer", "never took the user back"]),
        DriveDefect(name: "crossed-users", caseId: "DRV-004", words: ["one user received another user's message"]),
        DriveDefect(name: "new-user-per-contact", caseId: "DRV-005", words: ["second support-side user", "-2'"]),
        DriveDefect(
            name: "lie-when-unavailable", caseId: "DRV-006", words: ["was offline and no transfer succeeded", "a human was promised"]),
        DriveDefect(name: "no-close-on-leave", caseId: "DRV-007", words: ["left while", "when the user leaves"]),
    ]

    @Test("each driver-mode defect of the example connector fails the scenario that names it", arguments: defects)
    func defectCaught(_ defect: DriveDefect) async throws {
        try await withMock { mock in
            try await withServedConnector(mock: mock.url, arguments: ["--defect", defect.name]) { driver, output in
                let options = DriveOptions(driver: driver, rules: try exampleRules(), timeout: .seconds(4))
                let (results, _) = try await Self.drive(mock, options)
                let result = try #require(results.first { $0.testCase.id == defect.caseId })
                guard case .failed(let message, let exchanges) = result.outcome else {
                    Issue.record("\(defect) should fail \(defect.caseId):\n\(Self.report(results))\n\(output.current.suffix(2000))")
                    return
                }
                for word in defect.words { #expect(message.contains(word), "\(message)") }
                #expect(!exchanges.isEmpty, "a failure carries the exchanges that show it")
                #expect(results.allSatisfy { $0.outcome.label != "SKIP" }, "\(Self.report(results))")
            }
        }
    }

    @Test("an unreachable driver fails every scenario with a message naming the call, and Billing comes back online")
    func unreachableDriverFails() async throws {
        try await withMock { mock in
            let driver = "http://127.0.0.1:\(try freePort())"
            let handoff = try await Self.drive(mock, DriveOptions(driver: driver, timeout: .seconds(2))).results
            #expect(handoff.map(\.testCase.id) == Self.ids)
            for result in handoff {
                guard case .failed(let message, let exchanges) = result.outcome else {
                    Issue.record("\(result.testCase.id) should fail: \(result.outcome.label)")
                    continue
                }
                #expect(message.contains("the driver's POST /users/drv-") && message.contains("got no answer from \(driver)"), "\(message)")
                #expect(exchanges.contains { $0.path.hasPrefix("/users/drv-") && $0.status == nil })
            }

            let callback = "http://127.0.0.1:\(try freePort())/bot"
            let rasa = try await Self.drive(mock, DriveOptions(driver: driver, channel: .rasa, callback: callback, timeout: .seconds(2)))
                .results
            #expect(rasa.map(\.outcome.label) == ["FAIL", "FAIL", "FAIL", "FAIL", "FAIL", "FAIL", "N/A"])
            for case .failed(let message, _) in rasa.map(\.outcome) {
                #expect(message.contains("the driver's POST /webhooks/rest/webhook got no answer"), "\(message)")
            }
            #expect(try await Self.aftermath(mock).billingAvailable, "DRV-006 must restore Billing even when it fails")
        }
    }

    @Test("a driver that answers 500 fails every scenario naming the call and the status")
    func serverErrorFails() async throws {
        // A listening socket that never answers would time out; a real 500 comes from a tiny Python server.
        try await withMock { mock in
            let port = try freePort()
            let script = """
                import http.server, signal, sys
                signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the test process may ignore SIGTERM; children inherit that
                class H(http.server.BaseHTTPRequestHandler):
                    def answer(self):
                        self.send_response(500); self.send_header("Content-Length", "4"); self.end_headers(); self.wfile.write(b"boom")
                    do_GET = do_POST = answer
                    def log_message(self, *a): pass
                print("connector: serving on http://127.0.0.1:%d" % int(sys.argv[1]), flush=True)
                http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script, String(port)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // SIGKILL: an ignored SIGTERM is inherited, and a server left behind keeps `swift test` waiting on its output.
            defer { kill(process.processIdentifier, SIGKILL) }
            let driver = "http://127.0.0.1:\(port)"
            let transport = HTTPTransport(baseURL: driver, token: nil, timeout: 2)
            for _ in 0..<100 {
                if (try? await transport.send(.GET, "/users/x/received"))?.status == 500 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let results = try await Self.drive(mock, DriveOptions(driver: driver, timeout: .seconds(2))).results
            #expect(results.count == 7)
            for result in results {
                guard case .failed(let message, let exchanges) = result.outcome else {
                    Issue.record("\(result.testCase.id) should fail: \(result.outcome.label)")
                    continue
                }
                #expect(message.contains("the driver's ") && message.contains(" answered 500, a server error: boom"), "\(message)")
                #expect(exchanges.contains { $0.status == 500 })
            }
        }
    }

    @Test("no request leaves loopback: a remote driver or callback is refused with one clear line, before anything is sent")
    func remoteRefused() async throws {
        let cases: [(DriveOptions, String)] = [
            (DriveOptions(driver: "http://example.com:5005"), "'example.com' is not this machine"),
            (DriveOptions(driver: "http://10.0.0.7:5005"), "'10.0.0.7' is not this machine"),
            (DriveOptions(driver: "https://127.0.0.1:5005"), "only http://"),
            (DriveOptions(driver: "127.0.0.1:5005"), "not a URL"),
            (DriveOptions(driver: "http://127.0.0.1:5005", channel: .rasa, callback: "http://192.168.1.2:5034/bot"), "'192.168.1.2'"),
        ]
        for (options, expected) in cases {
            do {
                _ = try await ConnectorDriver(target: "http://127.0.0.1:1", options: options).run()
                Issue.record("\(options.driver) / \(options.callback) should be refused")
            } catch let error as DriveError {
                #expect(error.description.contains(expected), "\(error)")
                #expect(!error.description.contains("\n"))
            }
        }
        // A loopback callback is fine on its own; the Rasa channel needs it.
        #expect(throws: Never.self) { try DriveOptions(driver: "http://localhost:5005", callback: "http://10.1.1.1/bot").validate() }
        #expect(throws: Never.self) { try DriveOptions(driver: "http://[::1]:5005", channel: .rasa).validate() }
    }

    @Test("a callback port already taken is a clear error, not a hang")
    func callbackPortTaken() async throws {
        let taken = try BoundSocket(listening: true)
        defer { taken.release() }
        let options = DriveOptions(driver: "http://127.0.0.1:1", channel: .rasa, callback: "http://127.0.0.1:\(taken.port)/bot")
        do {
            _ = try await ConnectorDriver(target: "http://127.0.0.1:1", options: options).run()
            Issue.record("the run should not start")
        } catch let error as DriveError {
            #expect(error.description.hasPrefix("cannot listen on the callback http://127.0.0.1:\(taken.port)/bot"), "\(error)")
        }
    }

    @Test("the catalogue: DRV-001…007, all MUST, in the consumer profile, with the driver protocol's requirements")
    func catalogue() {
        #expect(DriveCatalogue.all.map(\.id) == Self.ids)
        #expect(DriveCatalogue.all.allSatisfy { $0.level == .must && $0.profile == .consumer })
        #expect(DriveCatalogue.all[6].requirement.contains("not applicable with --channel rasa"))
    }
}

/// The transcript comparison of DRV-001 on staged support-side transcripts.
@Suite("DRV-001's transcript check")
struct DriveTranscriptTests {
    static let lived = [
        LivedTurn(said: "Hi", answers: ["Hello! How can I help?"]),
        LivedTurn(said: "I was charged twice for my plan", answers: ["Sorry about that."]),
        LivedTurn(said: "I want to talk to a human", answers: ["Let me get you someone from Billing."]),
    ]

    static func transcript(_ lines: [(MessageAuthor, String)], visibility: Visibility = .public) -> [Message] {
        lines.enumerated().map { index, line in
            Message(
                id: "msg_\(index + 1)", conversationId: "cnv_1", seq: index + 1, author: line.0, visibility: visibility, text: line.1,
                choices: nil, agentId: nil, clientMessageId: nil, createdAt: Date())
        }
    }

    static let inOrder: [(MessageAuthor, String)] = [
        (.user, "Hi"), (.bot, "Hello! How can I help?"), (.user, "I was charged twice for my plan"), (.bot, "Sorry about that."),
        (.user, "I want to talk to a human"), (.bot, "Let me get you someone from Billing."),
    ]

    @Test("the transcript as lived passes, with extra bot messages and internal notes around it")
    func asLived() {
        #expect(TranscriptCheck.problem(lived: Self.lived, support: Self.transcript(Self.inOrder)) == nil)
        var extra = Self.inOrder
        extra.insert((.bot, "Handing you over now."), at: 5)
        extra.append((.system, "Transferred to Billing"))
        #expect(TranscriptCheck.problem(lived: Self.lived, support: Self.transcript(extra)) == nil)
    }

    @Test("user messages out of order are named, with both messages")
    func userReordered() throws {
        var swapped = Self.inOrder
        swapped.swapAt(0, 2)
        let problem = try #require(TranscriptCheck.problem(lived: Self.lived, support: Self.transcript(swapped)))
        #expect(problem.contains("the user said 'Hi' and then 'I was charged twice for my plan'"), "\(problem)")
        #expect(problem.contains("out of order"))
    }

    @Test("a bot answer mirrored after the next user message is named, with where it sits")
    func botReordered() throws {
        var moved = Self.inOrder
        moved.swapAt(1, 2)
        let problem = try #require(TranscriptCheck.problem(lived: Self.lived, support: Self.transcript(moved)))
        #expect(problem.contains("the user got the bot's answer 'Hello! How can I help?' after saying 'Hi'"), "\(problem)")
        #expect(problem.contains("sits after 'I was charged twice for my plan'"), "\(problem)")
    }

    @Test("a missing user message and a missing bot answer are named")
    func missing() throws {
        let noUser = Self.transcript(Self.inOrder.filter { $0.1 != "I was charged twice for my plan" })
        let problem = try #require(TranscriptCheck.problem(lived: Self.lived, support: noUser))
        #expect(problem.contains("the user's 'I was charged twice for my plan' never reached the support side"), "\(problem)")
        let noBot = Self.transcript(Self.inOrder.filter { $0.1 != "Sorry about that." })
        let botProblem = try #require(TranscriptCheck.problem(lived: Self.lived, support: noBot))
        #expect(botProblem.contains("'Sorry about that.'") && botProblem.contains("missing from the support side"), "\(botProblem)")
    }

    @Test("a transcript pasted into one message is named as pasted")
    func pasted() throws {
        let paste = Self.inOrder.map { "\($0.0.rawValue): \($0.1)" }.joined(separator: "\n")
        let problem = try #require(TranscriptCheck.problem(lived: Self.lived, support: Self.transcript([(.bot, paste)])))
        #expect(problem.contains("pasted together with other lines"), "\(problem)")
        let note = try #require(
            TranscriptCheck.problem(lived: Self.lived, support: Self.transcript([(.bot, paste)], visibility: .internal)))
        #expect(note.contains("pasted"), "an internal note holding the paste is still not the transcript: \(note)")
    }

    @Test("what DRV-006 and CON-011 hear as a promise and as the truth")
    func promises() {
        #expect(HumanPromise.promisesHuman("An agent will be with you shortly."))
        #expect(HumanPromise.promisesHuman("Transferring you to Billing"))
        #expect(!HumanPromise.promisesHuman("Sorry, nobody will be with you today: Billing is offline."))
        #expect(HumanPromise.saysNobody("Sorry, no one is available right now."))
        #expect(!HumanPromise.saysNobody("Let me get you someone from Billing."))
    }
}
