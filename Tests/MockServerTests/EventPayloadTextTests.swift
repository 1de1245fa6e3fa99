import Foundation
import HandoffContract
import Testing

@testable import MockServer

/// An event's stored payload, written by hand, is the JSON the `Codable` encoder would write.
@Suite("Event payload text")
struct EventPayloadTextTests {
    @Test("1,000 random payloads: the same JSON value as Rows.json writes, and read back to the same payload")
    func matchesTheEncoder() throws {
        var random = SplitMix64(seed: 4_12_2026)
        func maybe(_ text: String) -> String? { random.next() % 2 == 0 ? nil : text }
        for index in 0..<1_000 {
            let agent =
                random.next() % 3 == 0
                ? nil : Agent(id: "agt_\(index)", name: "Ann \"A\" \(index)", email: maybe("a\(index)@x.test"), teamId: maybe("team_2"))
            let choices = random.next() % 3 == 0 ? [Choice(value: "v\(index)", label: "Label é \(index)")] : nil
            let message =
                random.next() % 4 == 0
                ? nil
                : Message(
                    id: "msg_\(index)", conversationId: "cnv_\(index % 7)", seq: index, author: index % 2 == 0 ? .agent : .user,
                    visibility: index % 5 == 0 ? .internal : .public, text: "line\n\\ \u{1F600} \(index)", choices: choices,
                    agentId: maybe("agt_1"), clientMessageId: maybe("c-\(index)"),
                    createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(random.next() % 100_000_000) / 1000))
            let payload = EventPayload(userId: "usr_\(index)", externalUserId: "ext-\(index)", agent: agent, message: message)
            let byHand = payload.text
            let encoded = Rows.json(payload)
            #expect(JSONValueParser.parse(Array(byHand.utf8)) == JSONValueParser.parse(Array(encoded.utf8)), "\(byHand)\n\(encoded)")
            let decoded = try Rows.decoder.decode(EventPayload.self, from: Data(byHand.utf8))
            let reference = try Rows.decoder.decode(EventPayload.self, from: Data(encoded.utf8))
            #expect(decoded.userId == reference.userId && decoded.agent == reference.agent && decoded.message == reference.message)
        }
    }
}
