import Foundation
import HandoffContract

/// A Chatwoot webhook delivery read in the contract's terms (as Chatwoot's webhook listeners send it).
///
/// Which deliveries are contract events:
/// - `message_created` of a public message by a human agent (`outgoing`, sender `type: "user"`,
///   `private: false`) → `message.created` (the contract's ``MessageRules/isDeliveredToBot(author:visibility:)``);
/// - `conversation_updated` whose `changed_attributes` name `assignee_id` while a human is the assignee
///   → `conversation.assigned`;
/// - `conversation_status_changed` (or the agent-bot event `conversation_resolved`) to `resolved` →
///   `conversation.resolved`, unless the conversation carries the bot's close marker (the bot's own close).
///
/// Everything else (the user's and the bot's messages, notes, other changes) is not a contract event,
/// though Chatwoot delivers it: ``eventType`` is nil and the message fields say what it carried.
public struct ChatwootWebhookEvent: Sendable, Hashable {
    /// Chatwoot's `event`, e.g. `message_created`.
    public var event: String
    /// The conversation's `display_id`: `conversation.id` in message events, `id` in conversation events.
    public var conversationId: String?
    /// The conversation's status in the payload, when it has one.
    public var status: String?
    /// The contract event it is, when it is one.
    public var eventType: EventType?
    /// The message text, for message events.
    public var messageText: String?
    /// Who wrote the message, for message events.
    public var messageAuthor: MessageAuthor?
    /// Who may see the message, for message events.
    public var messageVisibility: Visibility?

    /// Creates an event value.
    public init(
        event: String, conversationId: String?, status: String?, eventType: EventType?, messageText: String?,
        messageAuthor: MessageAuthor?, messageVisibility: Visibility?
    ) {
        self.event = event
        self.conversationId = conversationId
        self.status = status
        self.eventType = eventType
        self.messageText = messageText
        self.messageAuthor = messageAuthor
        self.messageVisibility = messageVisibility
    }

    /// The delivery's headers (names as Chatwoot sends them).
    public enum Header {
        /// A UUID per delivery, made when the event is enqueued.
        public static let delivery = "X-Chatwoot-Delivery"
        /// The Unix time the signature covers.
        public static let timestamp = "X-Chatwoot-Timestamp"
        /// `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`.
        public static let signature = "X-Chatwoot-Signature"
    }

    /// The conversation nested in a message event: only what the reading needs, so a sparse payload still reads.
    struct ConversationRef: Decodable {
        var id: WireID?
        var status: String?
    }

    struct Envelope: Decodable {
        var event: String
        var id: WireID?
        var status: String?
        var customAttributes: [String: JSONValue]?
        var meta: WireConversation.Meta?
        var changedAttributes: [[String: JSONValue]]?
        var conversation: ConversationRef?
        var messageType: WireMessageType?
        var content: String?
        var isPrivate: Bool?
        var sender: WirePerson?

        enum CodingKeys: String, CodingKey {
            case event, id, status, meta, conversation, content, sender
            case customAttributes = "custom_attributes"
            case changedAttributes = "changed_attributes"
            case messageType = "message_type"
            case isPrivate = "private"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            event = try c.decode(String.self, forKey: .event)
            id = try? c.decodeIfPresent(WireID.self, forKey: .id)
            status = try? c.decodeIfPresent(String.self, forKey: .status)
            customAttributes = try? c.decodeIfPresent([String: JSONValue].self, forKey: .customAttributes)
            meta = try? c.decodeIfPresent(WireConversation.Meta.self, forKey: .meta)
            changedAttributes = try? c.decodeIfPresent([[String: JSONValue]].self, forKey: .changedAttributes)
            conversation = try? c.decodeIfPresent(ConversationRef.self, forKey: .conversation)
            messageType = try? c.decodeIfPresent(WireMessageType.self, forKey: .messageType)
            content = try? c.decodeIfPresent(String.self, forKey: .content)
            isPrivate = try? c.decodeIfPresent(Bool.self, forKey: .isPrivate)
            sender = try? c.decodeIfPresent(WirePerson.self, forKey: .sender)
        }

        var changedKeys: Set<String> { Set((changedAttributes ?? []).flatMap(\.keys)) }
    }

    /// Reads a delivery body; nil when it is not a Chatwoot event (no `event` key).
    public static func read(_ body: [UInt8]) -> ChatwootWebhookEvent? {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)) else { return nil }
        switch envelope.event {
        case "message_created", "message_updated":
            let author = ChatwootMapping.author(
                messageType: envelope.messageType?.name ?? "", senderType: envelope.sender?.type)
            let visibility: Visibility = envelope.isPrivate == true ? .internal : .public
            let created = envelope.event == "message_created"
            return ChatwootWebhookEvent(
                event: envelope.event, conversationId: envelope.conversation?.id?.text,
                status: envelope.conversation?.status,
                eventType: created && MessageRules.isDeliveredToBot(author: author, visibility: visibility)
                    ? .messageCreated : nil,
                messageText: envelope.content, messageAuthor: author, messageVisibility: visibility)
        default:
            var type: EventType?
            let humanAssignee =
                envelope.meta?.assignee != nil && ChatwootMapping.isHuman(assigneeType: envelope.meta?.assigneeType)
            switch envelope.event {
            case "conversation_updated" where envelope.changedKeys.contains("assignee_id") && humanAssignee:
                type = .conversationAssigned
            case "conversation_status_changed", "conversation_resolved":
                if envelope.status == "resolved" && !ChatwootMapping.isClosedByBot(envelope.customAttributes) {
                    type = .conversationResolved
                }
            default: break
            }
            return ChatwootWebhookEvent(
                event: envelope.event, conversationId: envelope.id?.text ?? envelope.conversation?.id?.text,
                status: envelope.status, eventType: type, messageText: nil, messageAuthor: nil,
                messageVisibility: nil)
        }
    }
}
