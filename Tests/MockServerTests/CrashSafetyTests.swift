import Foundation
import HandoffClient
import HandoffContract
import MockServer
import NIOHTTP1
import Synchronization
import Testing

/// kill -9 of the real `handoff` process in the middle of a write load, again and again, on one
/// SQLite file: what was acknowledged is kept, exactly once, and the file stays sound.
@Suite("Crash safety")
struct CrashSafetyTests {
    /// One write the load attempted: a message with a unique clientMessageId.
    struct Write: Sendable, Hashable {
        var conversation: String
        var key: String
        var text: String
    }

    /// What the load learned: writes answered 2xx, and writes whose answer was cut off by the kill.
    struct Outcome: Sendable {
        var acknowledged: [Write] = []
        var unknown: [Write] = []
    }

    static let kills = 20
    static let writers = 6

    @Test(
        "20 kill -9 under a write load: every 2xx write is there once, retries do not duplicate, integrity_check ok",
        .timeLimit(.minutes(2)))
    func killNineUnderLoad() async throws {
        let path = temporaryDatabase()
        let clock = ContinuousClock()
        let started = clock.now
        var acknowledged: [Write] = []
        var pending: [Write] = []
        var conversations: [String] = []
        var killedWithWritesInFlight = 0

        for round in 0..<Self.kills {
            let mock = MockProcess(arguments: ["mock", "--port", "0", "--db", path])
            try await mock.start()
            let http = HTTPTransport(baseURL: mock.url, token: "dev-token", timeout: 5)
            if conversations.isEmpty {
                let support = NeutralSupportClient(baseURL: mock.url, token: "dev-token")
                let user = try await support.ensureUser(.init(externalId: "crash"))
                for index in 0..<3 {
                    let conversation = try await support.openConversation(
                        userId: user.id, context: .init(), idempotencyKey: "crash-\(index)")
                    conversations.append(conversation.id)
                }
            }
            // Retry what the last kill cut off, with the same key: stored once, whichever side of
            // the commit the kill fell on.
            for write in pending {
                let response = try await http.send(
                    .POST, "/v1/conversations/\(write.conversation)/messages", text: Self.body(write))
                #expect(response.status == 200 || response.status == 201, "retry of \(write.key) → \(response.status ?? 0)")
                acknowledged.append(write)
            }
            pending = []

            let progress = Progress()
            let load = Task { [conversations] in
                await withTaskGroup(of: Outcome.self) { group in
                    for writer in 0..<Self.writers {
                        group.addTask {
                            await Self.write(http, round: round, writer: writer, conversations: conversations, progress: progress)
                        }
                    }
                    var total = Outcome()
                    for await outcome in group {
                        total.acknowledged += outcome.acknowledged
                        total.unknown += outcome.unknown
                    }
                    return total
                }
            }
            // Kill once the load is flowing (a loaded machine may be slow to start it), at a random moment.
            let deadline = clock.now + .seconds(10)
            while progress.acknowledged.load(ordering: .relaxed) < Self.writers && clock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...80)))
            mock.kill(SIGKILL)
            // Requests that were waiting for a connection would otherwise retry until their timeout.
            load.cancel()
            #expect(try await mock.exitStatus() == SIGKILL)
            let outcome = await load.value
            #expect(!outcome.acknowledged.isEmpty, "round \(round) acknowledged writes before the kill")
            acknowledged += outcome.acknowledged
            pending = outcome.unknown
            if !outcome.unknown.isEmpty { killedWithWritesInFlight += 1 }
            #expect(try SupportStore(path: path).integrityCheck() == "ok", "after kill \(round + 1)")
        }

        let last = MockProcess(arguments: ["mock", "--port", "0", "--db", path])
        try await last.start()
        let support = NeutralSupportClient(baseURL: last.url, token: "dev-token")
        var stored: [Message] = []
        for conversation in conversations {
            var messages: [Message] = []
            while true {
                let page = try await support.messages(in: conversation, after: messages.last?.seq ?? 0, limit: 500)
                messages += page
                if page.count < 500 { break }
            }
            #expect(
                messages.map(\.seq) == (0..<messages.count).map { $0 + 1 },
                "\(conversation): sequence numbers are gapless and increasing")
            stored += messages
        }
        let keys = stored.compactMap(\.clientMessageId)
        #expect(keys.count == stored.count)
        #expect(Set(keys).count == keys.count, "no message is stored twice")
        let storedKeys = Set(keys)
        let missing = acknowledged.filter { !storedKeys.contains($0.key) }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(5).map(\.key))")
        let allowed = Set(acknowledged.map(\.key)).union(pending.map(\.key))
        #expect(storedKeys.isSubset(of: allowed), "stored writes were all attempted")
        let byKey = Dictionary(uniqueKeysWithValues: stored.compactMap { m in m.clientMessageId.map { ($0, m) } })
        for write in acknowledged {
            #expect(byKey[write.key]?.text == write.text && byKey[write.key]?.conversationId == write.conversation)
        }
        #expect(acknowledged.count >= Self.kills * Self.writers, "the load was real: \(acknowledged.count) writes")
        #expect(killedWithWritesInFlight >= Self.kills / 2, "kills fell in the middle of writes")
        last.kill(SIGTERM)
        #expect(try await last.exitStatus() == 0)
        #expect(try SupportStore(path: path).integrityCheck() == "ok")
        #expect(started.duration(to: clock.now) < .seconds(60))
    }

    static func body(_ write: Write) -> String {
        #"{"author":"user","text":"\#(write.text)","clientMessageId":"\#(write.key)"}"#
    }

    /// Acknowledged writes of the running round, shared by the writers and the killer.
    final class Progress: Sendable {
        let acknowledged = Atomic<Int>(0)
    }

    /// Posts messages one after another until the server stops answering.
    static func write(
        _ http: HTTPTransport, round: Int, writer: Int, conversations: [String], progress: Progress
    ) async -> Outcome {
        var outcome = Outcome()
        for index in 0..<10_000 {
            let write = Write(
                conversation: conversations[(writer + index) % conversations.count], key: "r\(round)-w\(writer)-\(index)",
                text: "round \(round) writer \(writer) #\(index)")
            do {
                let response = try await http.send(
                    .POST, "/v1/conversations/\(write.conversation)/messages", text: body(write))
                guard let status = response.status, (200..<300).contains(status) else {
                    Issue.record("\(write.key) → \(response.status ?? 0) \(response.responseBody)")
                    outcome.unknown.append(write)
                    return outcome
                }
                outcome.acknowledged.append(write)
                progress.acknowledged.add(1, ordering: .relaxed)
            } catch {
                outcome.unknown.append(write)
                return outcome
            }
        }
        return outcome
    }
}
