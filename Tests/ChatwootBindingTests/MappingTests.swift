import Foundation
import HandoffContract
import Testing

@Suite("Chatwoot mapping: status ↔ state, context ↔ custom_attributes, authors, choices")
struct MappingTests {
    struct StateRow: Sendable, CustomStringConvertible {
        var status: String
        var human: Bool
        var closed: Bool
        var state: ConversationState?
        var description: String { "\(status) human=\(human) closed=\(closed)" }
    }

    @Test(
        "each Chatwoot status reads as one contract state",
        arguments: [
            StateRow(status: "pending", human: false, closed: false, state: .bot),
            StateRow(status: "open", human: false, closed: false, state: .queued),
            StateRow(status: "open", human: true, closed: false, state: .assigned),
            StateRow(status: "snoozed", human: false, closed: false, state: .queued),
            StateRow(status: "snoozed", human: true, closed: false, state: .assigned),
            StateRow(status: "resolved", human: true, closed: false, state: .resolved),
            StateRow(status: "resolved", human: false, closed: true, state: .closed),
            StateRow(status: "open", human: false, closed: true, state: .queued),
            StateRow(status: "bot", human: false, closed: false, state: nil),
        ])
    func state(row: StateRow) {
        #expect(ChatwootMapping.state(status: row.status, hasHumanAssignee: row.human, closedByBot: row.closed) == row.state)
    }

    @Test("every state is stored as a status that reads back as it (given its assignee and close marker)")
    func stateRoundTrip() {
        for state in ConversationState.allCases {
            let status = ChatwootMapping.status(for: state)
            let read = ChatwootMapping.state(
                status: status, hasHumanAssignee: state == .assigned, closedByBot: state == .closed)
            #expect(read == state, "\(state) → \(status) → \(String(describing: read))")
        }
    }

    @Test("an assignee is human when its type is User or absent, not when it is an agent bot")
    func humanAssignee() {
        #expect(ChatwootMapping.isHuman(assigneeType: "User"))
        #expect(ChatwootMapping.isHuman(assigneeType: nil))
        #expect(!ChatwootMapping.isHuman(assigneeType: "AgentBot"))
    }

    @Test("the context is stored under handoff_ keys, attributes flat, and reads back equal")
    func contextRoundTrip() throws {
        let context = ConversationContext(
            intent: "billing.refund", intents: ["billing.refund", "account.login"],
            slots: ["invoice": "INV-7", "amount": 12, "nested": .object(["a": .array([true, .null])])],
            attributes: ["channel": "web", "vip": true])
        let stored = try ChatwootMapping.customAttributes(for: context)
        #expect(stored["handoff_intent"] == "billing.refund")
        #expect(stored["handoff_intents"] == .string(#"["billing.refund","account.login"]"#))
        #expect(stored["handoff_slots"] == .string(#"{"amount":12,"invoice":"INV-7","nested":{"a":[true,null]}}"#))
        #expect(stored["channel"] == "web")
        #expect(stored["vip"] == true)
        #expect(stored.count == 5)
        #expect(ChatwootMapping.context(from: stored) == context)
    }

    @Test("an empty context stores nothing and reads back empty")
    func emptyContext() throws {
        #expect(try ChatwootMapping.customAttributes(for: .init()).isEmpty)
        #expect(ChatwootMapping.context(from: [:]) == ConversationContext())
    }

    @Test("intents and slots stored as native JSON (by another writer) read back too; the close marker is not an attribute")
    func nativeContext() {
        let read = ChatwootMapping.context(from: [
            "handoff_intents": .array(["a", "b"]), "handoff_slots": .object(["x": 1]),
            "handoff_closed_at": "2026-06-17T10:00:00Z", "handoff_future": "ignored", "plan": "pro",
        ])
        #expect(read == ConversationContext(intent: nil, intents: ["a", "b"], slots: ["x": 1], attributes: ["plan": "pro"]))
    }

    @Test("an attribute key starting with handoff_ is refused as a validation error")
    func reservedKey() {
        #expect(
            throws: ContractError.validation(
                field: "context.attributes.handoff_intent",
                reason: "keys starting with 'handoff_' are reserved for the Chatwoot binding")
        ) {
            try ChatwootMapping.customAttributes(for: .init(attributes: ["handoff_intent": "x"]))
        }
    }

    @Test("the close marker is present only with a non-null handoff_closed_at")
    func closeMarker() {
        #expect(ChatwootMapping.isClosedByBot(["handoff_closed_at": "2026-06-17T10:00:00Z"]))
        #expect(!ChatwootMapping.isClosedByBot(["handoff_closed_at": .null]))
        #expect(!ChatwootMapping.isClosedByBot([:]))
        #expect(!ChatwootMapping.isClosedByBot(nil))
    }

    @Test(
        "message type and sender give the author",
        arguments: [
            ("incoming", nil, MessageAuthor.user), ("0", "contact", .user), ("outgoing", "agent_bot", .bot),
            ("1", "AgentBot", .bot), ("outgoing", "captain_assistant", .bot), ("outgoing", "user", .agent),
            ("1", "User", .agent), ("outgoing", nil, .system), ("activity", nil, .system), ("2", nil, .system),
            ("template", "user", .system),
        ] as [(String, String?, MessageAuthor)])
    func author(messageType: String, senderType: String?, author: MessageAuthor) {
        #expect(ChatwootMapping.author(messageType: messageType, senderType: senderType) == author)
    }

    @Test("choices are input_select items [{title, value}] and read back, also from JSON text")
    func choices() {
        let choices = [Choice(value: "billing", label: "Billing"), Choice(value: "tech", label: "Technical")]
        let items = ChatwootMapping.items(for: choices)
        #expect(
            items == .array([.object(["title": "Billing", "value": "billing"]), .object(["title": "Technical", "value": "tech"])]))
        #expect(ChatwootMapping.choices(contentType: "input_select", contentAttributes: .object(["items": items])) == choices)
        let text = JSONValue.string(#"{"items":[{"title":"Billing","value":"billing"},{"title":"Technical","value":"tech"}]}"#)
        #expect(ChatwootMapping.choices(contentType: "input_select", contentAttributes: text) == choices)
        #expect(ChatwootMapping.choices(contentType: "text", contentAttributes: .object(["items": items])) == nil)
        #expect(ChatwootMapping.choices(contentType: "input_select", contentAttributes: nil) == nil)
    }
}
