import Conformance
import Foundation
import HandoffClient
import HandoffContract
import Testing

/// Webhook deliveries as Chatwoot sends them (as Chatwoot v4.15.0's webhook listeners send them), read the Chatwoot binding's way.
@Suite("Chatwoot webhooks: payloads and signatures")
struct WebhookReadingTests {
    let binding = ChatwootBinding(
        account: ChatwootAccount(baseURL: "http://127.0.0.1:1", accountId: 1, inboxId: 5, userToken: "admin", botToken: "bot"))

    func delivery(_ body: String, secret: String = "whsec-test", timestamp: String = "1718000000") -> ReceivedWebhook {
        let bytes = Array(body.utf8)
        return ReceivedWebhook(
            headers: [
                "x-chatwoot-delivery": "3f2a-uuid", "x-chatwoot-timestamp": timestamp,
                "x-chatwoot-signature": WebhookSigning.sign(timestamp: timestamp, body: bytes, secret: secret),
                "content-type": "application/json",
            ], body: bytes, answeredStatus: 200, receivedAt: .now)
    }

    static func message(type: String, sender: String, isPrivate: Bool = false, text: String = "hi") -> String {
        #"{"event":"message_created","id":123,"content":"\#(text)","content_type":"text","content_attributes":{},"message_type":"\#(type)","private":\#(isPrivate),"source_id":null,"created_at":"2026-06-17T10:00:00.000Z","account":{"id":1,"name":"Acme"},"inbox":{"id":5,"name":"Bot inbox"},"sender":\#(sender),"conversation":{"id":17,"inbox_id":5,"status":"open","meta":{"sender":{"id":3,"type":"contact"},"assignee":null,"team":null}},"attachments":[]}"#
    }

    @Test("the signature is sha256=hex(HMAC-SHA256(secret, \"<timestamp>.<body>\")) and checks out")
    func signature() {
        let body = Array(#"{"event":"message_created","id":7,"content":"hi"}"#.utf8)
        let signature = WebhookSigning.sign(timestamp: "1718000000", body: body, secret: "whsec-test")
        #expect(signature == "sha256=faf06e89cab218b66bc75106842633e66bc120e2eb56e93f40c4e8c5712a49f8")
        #expect(WebhookSigning.isValid(timestamp: "1718000000", signature: signature, body: body, secret: "whsec-test"))
        #expect(!WebhookSigning.isValid(timestamp: "1718000001", signature: signature, body: body, secret: "whsec-test"))
        #expect(!WebhookSigning.isValid(timestamp: "1718000000", signature: signature, body: body, secret: "other"))
        #expect(!WebhookSigning.isValid(timestamp: "1718000000", signature: signature, body: body + [32], secret: "whsec-test"))
        #expect(!WebhookSigning.isValid(timestamp: nil, signature: signature, body: body, secret: "whsec-test"))
        #expect(!WebhookSigning.isValid(timestamp: "1718000000", signature: signature, body: body, secret: ""))
    }

    @Test("an agent's public reply is message.created by an agent, with the delivery id and a valid signature")
    func agentReply() {
        let reading = binding.read(
            delivery(Self.message(type: "outgoing", sender: #"{"id":9,"name":"Grace","email":"g@x","type":"user"}"#)),
            secret: "whsec-test")
        #expect(reading.eventType == .messageCreated)
        #expect(reading.conversationId == "17")
        #expect(reading.deliveryId == "3f2a-uuid")
        #expect(reading.signatureValid)
        #expect(reading.messageText == "hi")
        #expect(reading.messageAuthor == .agent)
        #expect(reading.messageVisibility == .public)
        #expect(!binding.read(delivery(Self.message(type: "outgoing", sender: #"{"id":9,"type":"user"}"#)), secret: "nope").signatureValid)
    }

    @Test(
        "the user's, the bot's and private messages are carried but are not contract events",
        arguments: [
            (Self.message(type: "incoming", sender: #"{"id":3,"name":"Ada","identifier":"u-1"}"#), MessageAuthor.user, Visibility.public),
            (Self.message(type: "outgoing", sender: #"{"id":6,"name":"Bot","type":"agent_bot"}"#), .bot, .public),
            (Self.message(type: "outgoing", sender: #"{"id":9,"type":"user"}"#, isPrivate: true), .agent, .internal),
            (Self.message(type: "activity", sender: "null"), .system, .public),
        ])
    func echoes(body: String, author: MessageAuthor, visibility: Visibility) {
        let reading = binding.read(delivery(body), secret: "whsec-test")
        #expect(reading.eventType == nil)
        #expect(reading.conversationId == "17")
        #expect(reading.messageText == "hi")
        #expect(reading.messageAuthor == author)
        #expect(reading.messageVisibility == visibility)
    }

    static func conversationEvent(
        _ event: String, status: String, assignee: String = "null", changed: String = "null", custom: String = "{}"
    ) -> String {
        #"{"event":"\#(event)","id":17,"inbox_id":5,"status":"\#(status)","channel":"Channel::Api","custom_attributes":\#(custom),"meta":{"sender":{"id":3,"type":"contact"},"assignee":\#(assignee),"assignee_type":"User","team":{"id":2,"name":"billing"}},"messages":[],"changed_attributes":\#(changed),"created_at":1718000000,"updated_at":1718000000.1}"#
    }

    @Test("conversation_updated naming assignee_id with a human assignee is conversation.assigned")
    func assigned() {
        let assigned = binding.read(
            delivery(
                Self.conversationEvent(
                    "conversation_updated", status: "open", assignee: #"{"id":9,"name":"Grace"}"#,
                    changed: #"[{"assignee_id":{"previous_value":null,"current_value":9}},{"updated_at":{}}]"#)),
            secret: "whsec-test")
        #expect(assigned.eventType == .conversationAssigned)
        #expect(assigned.conversationId == "17")
        #expect(assigned.messageText == nil)
        let otherChange = binding.read(
            delivery(
                Self.conversationEvent(
                    "conversation_updated", status: "open", assignee: #"{"id":9,"name":"Grace"}"#,
                    changed: #"[{"team_id":{"previous_value":null,"current_value":2}}]"#)),
            secret: "whsec-test")
        #expect(otherChange.eventType == nil)
        let unassigned = binding.read(
            delivery(
                Self.conversationEvent(
                    "conversation_updated", status: "open", changed: #"[{"assignee_id":{"previous_value":9,"current_value":null}}]"#)),
            secret: "whsec-test")
        #expect(unassigned.eventType == nil)
    }

    @Test("conversation_status_changed to resolved is conversation.resolved, unless the bot closed it")
    func resolved() {
        let resolved = binding.read(
            delivery(Self.conversationEvent("conversation_status_changed", status: "resolved")), secret: "whsec-test")
        #expect(resolved.eventType == .conversationResolved)
        #expect(resolved.conversationId == "17")
        let opened = binding.read(delivery(Self.conversationEvent("conversation_status_changed", status: "open")), secret: "whsec-test")
        #expect(opened.eventType == nil)
        let closedByBot = binding.read(
            delivery(
                Self.conversationEvent(
                    "conversation_status_changed", status: "resolved", custom: #"{"handoff_closed_at":"2026-06-17T10:00:00Z"}"#)),
            secret: "whsec-test")
        #expect(closedByBot.eventType == nil)
        let botEvent = binding.read(delivery(Self.conversationEvent("conversation_resolved", status: "resolved")), secret: "whsec-test")
        #expect(botEvent.eventType == .conversationResolved)
    }

    @Test("a body that is not a Chatwoot event reads as nothing, without failing")
    func garbage() {
        let reading = binding.read(delivery("not json"), secret: "whsec-test")
        #expect(reading.eventType == nil && reading.conversationId == nil)
        #expect(reading.signatureValid)
        #expect(ChatwootWebhookEvent.read(Array(#"{"id":1}"#.utf8)) == nil)
    }
}
