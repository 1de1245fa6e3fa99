import Foundation
import HandoffContract

// Chatwoot's JSON as the Application API and its webhooks send it (read from Chatwoot v4.15.0's Rails views), decoded leniently:
// ids may come as numbers or strings, timestamps as Unix seconds or ISO 8601, `message_type` as the
// REST integer or the webhook string. Keys are spelled out (no snake-case strategy: it would rewrite the
// keys inside `custom_attributes`).

/// An id that Chatwoot sends as a number (or, leniently, as a string).
struct WireID: Decodable, Hashable, Sendable {
    var text: String

    init(_ text: String) { self.text = text }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            text = String(number)
        } else if let number = try? container.decode(Double.self), number.rounded() == number {
            text = String(Int(number))
        } else {
            text = try container.decode(String.self)
        }
    }
}

/// A timestamp: Unix seconds (int or float) in REST views, ISO 8601 in some webhook fields.
struct WireTime: Decodable, Hashable, Sendable {
    var date: Date

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) {
            date = Date(timeIntervalSince1970: seconds)
        } else {
            let text = try container.decode(String.self)
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let parsed = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) {
                date = parsed
            } else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a timestamp: \(text)")
            }
        }
    }
}

/// `message_type`: `incoming 0, outgoing 1, activity 2, template 3`, as an integer (REST) or a string (webhooks).
struct WireMessageType: Decodable, Hashable, Sendable {
    /// `incoming`, `outgoing`, `activity`, `template`, or what the server sent.
    var name: String

    static let names = ["incoming", "outgoing", "activity", "template"]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            name = Self.names.indices.contains(number) ? Self.names[number] : String(number)
        } else {
            name = try container.decode(String.self)
        }
    }
}

/// A contact (`_contact.json.jbuilder`), or the contact push data in a conversation's `meta.sender`.
struct WireContact: Decodable, Sendable {
    var id: WireID
    var name: String?
    var email: String?
    var phoneNumber: String?
    var identifier: String?
    var customAttributes: [String: JSONValue]?
    var createdAt: WireTime?

    enum CodingKeys: String, CodingKey {
        case id, name, email, identifier
        case phoneNumber = "phone_number"
        case customAttributes = "custom_attributes"
        case createdAt = "created_at"
    }
}

/// `POST contacts` → `{"payload":{"contact":{…},"contact_inbox":{"source_id":…}}}`.
struct WireContactCreated: Decodable, Sendable {
    struct Payload: Decodable, Sendable {
        struct ContactInbox: Decodable, Sendable {
            var sourceId: String?
            enum CodingKeys: String, CodingKey { case sourceId = "source_id" }
        }
        var contact: WireContact
        var contactInbox: ContactInbox?
        enum CodingKeys: String, CodingKey {
            case contact
            case contactInbox = "contact_inbox"
        }
    }
    var payload: Payload
}

/// A list answer `{"meta":{…},"payload":[…]}` (contacts filter/search, contact's conversations, messages).
struct WirePayloadList<Item: Decodable & Sendable>: Decodable, Sendable {
    var payload: [Item]
}

/// A team (`{id, name, description, allow_auto_assign, account_id, is_member}`).
struct WireTeam: Decodable, Sendable {
    var id: WireID
    var name: String
    var description: String?
}

/// A user or agent bot as an assignee, a sender, or the profile.
struct WirePerson: Decodable, Sendable {
    var id: WireID?
    var name: String?
    var email: String?
    /// `contact`, `user`, `agent_bot`, `captain_assistant` in push data; absent for contacts in webhooks.
    var type: String?
}

/// A conversation (`_conversation.json.jbuilder` in REST, the conversation webhook data in webhooks).
struct WireConversation: Decodable, Sendable {
    struct Meta: Decodable, Sendable {
        var sender: WirePerson?
        var assignee: WirePerson?
        var assigneeType: String?
        var team: WireTeam?
        enum CodingKeys: String, CodingKey {
            case sender, assignee, team
            case assigneeType = "assignee_type"
        }
    }
    struct ContactInbox: Decodable, Sendable {
        var contactId: WireID?
        var sourceId: String?
        enum CodingKeys: String, CodingKey {
            case contactId = "contact_id"
            case sourceId = "source_id"
        }
    }

    /// The `display_id`.
    var id: WireID
    var status: String
    var inboxId: WireID?
    var meta: Meta?
    var customAttributes: [String: JSONValue]?
    var contactInbox: ContactInbox?
    var createdAt: WireTime?
    var updatedAt: WireTime?
    var timestamp: WireTime?

    enum CodingKeys: String, CodingKey {
        case id, status, meta, timestamp
        case inboxId = "inbox_id"
        case customAttributes = "custom_attributes"
        case contactInbox = "contact_inbox"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// The contact's id: `meta.sender.id`, else `contact_inbox.contact_id`.
    var contactId: String? { meta?.sender?.id?.text ?? contactInbox?.contactId?.text }

    /// The human assignee's id; nil when unassigned or owned by an agent bot.
    var humanAssigneeId: String? {
        guard let assignee = meta?.assignee, ChatwootMapping.isHuman(assigneeType: meta?.assigneeType) else { return nil }
        return assignee.id?.text
    }
}

/// A message (`_message.json.jbuilder` in REST; `Message#webhook_data` in webhooks).
struct WireMessage: Decodable, Sendable {
    var id: WireID
    var content: String?
    var messageType: WireMessageType
    var contentType: String?
    var contentAttributes: JSONValue?
    var isPrivate: Bool?
    var createdAt: WireTime?
    var conversationId: WireID?
    var echoId: String?
    var sender: WirePerson?
    var senderType: String?

    enum CodingKeys: String, CodingKey {
        case id, content, sender
        case messageType = "message_type"
        case contentType = "content_type"
        case contentAttributes = "content_attributes"
        case isPrivate = "private"
        case createdAt = "created_at"
        case conversationId = "conversation_id"
        case echoId = "echo_id"
        case senderType = "sender_type"
    }

    /// `activity` and `template` messages are Chatwoot's own notices, not the mirrored history.
    var isHistory: Bool { messageType.name == "incoming" || messageType.name == "outgoing" }

    /// Who wrote it, in the contract's terms.
    var author: MessageAuthor {
        ChatwootMapping.author(messageType: messageType.name, senderType: sender?.type ?? senderType)
    }
}

/// `toggle_status` → `{"meta":{},"payload":{"success":true,"conversation_id":…,"current_status":"open"}}`.
struct WireToggled: Decodable, Sendable {
    struct Payload: Decodable, Sendable {
        var currentStatus: String?
        enum CodingKeys: String, CodingKey { case currentStatus = "current_status" }
    }
    var payload: Payload?
}

/// `POST webhooks` → `{"payload":{"webhook":{"id":…,"secret":…}}}`.
struct WireWebhookCreated: Decodable, Sendable {
    struct Payload: Decodable, Sendable {
        struct Webhook: Decodable, Sendable {
            var id: WireID
            var secret: String?
        }
        var webhook: Webhook
    }
    var payload: Payload
}

// MARK: Request bodies

/// `POST contacts`.
struct WireNewContact: Encodable, Sendable {
    var inboxId: Int
    var identifier: String
    var name: String?
    var email: String?
    var phoneNumber: String?
    var customAttributes: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case identifier, name, email
        case inboxId = "inbox_id"
        case phoneNumber = "phone_number"
        case customAttributes = "custom_attributes"
    }
}

/// `POST contacts/filter`: one condition, `{"payload":[{attribute_key, filter_operator, values, query_operator:null}]}`.
struct WireFilter: Encodable, Sendable {
    struct Condition: Encodable, Sendable {
        var attributeKey: String
        var filterOperator: String
        var values: [String]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(attributeKey, forKey: .attributeKey)
            try container.encode(filterOperator, forKey: .filterOperator)
            try container.encode(values, forKey: .values)
            try container.encodeNil(forKey: .queryOperator)
        }

        enum CodingKeys: String, CodingKey {
            case values
            case attributeKey = "attribute_key"
            case filterOperator = "filter_operator"
            case queryOperator = "query_operator"
        }
    }
    var payload: [Condition]

    static func equal(_ key: String, _ value: String) -> WireFilter {
        WireFilter(payload: [Condition(attributeKey: key, filterOperator: "equal_to", values: [value])])
    }
}

/// `POST conversations` with `inbox_id` + `contact_id`.
struct WireNewConversation: Encodable, Sendable {
    var inboxId: Int
    /// The contact id: a number when the user id is one, else the text as given (Chatwoot answers 404).
    var contactId: JSONValue
    var status: String
    var customAttributes: [String: JSONValue]

    enum CodingKeys: String, CodingKey {
        case status
        case inboxId = "inbox_id"
        case contactId = "contact_id"
        case customAttributes = "custom_attributes"
    }
}

/// `POST conversations/{id}/messages`.
struct WireNewMessage: Encodable, Sendable {
    var content: String
    var messageType: String
    var isPrivate: Bool
    var contentType: String?
    var contentAttributes: [String: JSONValue]?
    var echoId: String?

    enum CodingKeys: String, CodingKey {
        case content
        case messageType = "message_type"
        case isPrivate = "private"
        case contentType = "content_type"
        case contentAttributes = "content_attributes"
        case echoId = "echo_id"
    }
}

/// `POST conversations/{id}/assignments` with a team.
struct WireTeamAssignment: Encodable, Sendable {
    var teamId: Int
    enum CodingKeys: String, CodingKey { case teamId = "team_id" }
}

/// `POST conversations/{id}/assignments` with an agent.
struct WireAgentAssignment: Encodable, Sendable {
    var assigneeId: Int
    enum CodingKeys: String, CodingKey { case assigneeId = "assignee_id" }
}

/// `POST conversations/{id}/toggle_status`.
struct WireStatus: Encodable, Sendable {
    var status: String
}

/// `POST conversations/{id}/custom_attributes` (replaces the whole hash).
struct WireCustomAttributes: Encodable, Sendable {
    var customAttributes: [String: JSONValue]
    enum CodingKeys: String, CodingKey { case customAttributes = "custom_attributes" }
}

/// `POST webhooks`: `{"webhook":{"url":…,"subscriptions":[…]}}`.
struct WireNewWebhook: Encodable, Sendable {
    struct Webhook: Encodable, Sendable {
        var url: String
        var subscriptions: [String]
    }
    var webhook: Webhook
}
