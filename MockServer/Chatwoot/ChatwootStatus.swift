import HandoffContract

/// How the contract's states read on the Chatwoot face, in one place.
///
/// `bot` is Chatwoot's `pending` (the bot handles it); `queued` and `assigned` are `open` (told apart by
/// the assignee); `resolved` is `resolved`; the contract's `closed` has no Chatwoot status and reads as `resolved`.
enum ChatwootStatus: String, CaseIterable {
    case open, resolved, pending, snoozed

    init(_ state: ConversationState) {
        switch state {
        case .bot: self = .pending
        case .queued, .assigned: self = .open
        case .resolved, .closed: self = .resolved
        }
    }

    /// Who this status asks to have the conversation (the domain decides the state it becomes).
    var custody: Custody {
        switch self {
        case .pending: .bot
        case .open, .snoozed: .humans
        case .resolved: .resolved
        }
    }
}

/// Chatwoot's `message_type` enum: an integer in REST, a string in webhooks.
enum ChatwootMessageType: Int {
    case incoming = 0, outgoing = 1, activity = 2, template = 3

    var name: String {
        switch self {
        case .incoming: "incoming"
        case .outgoing: "outgoing"
        case .activity: "activity"
        case .template: "template"
        }
    }

    init(_ author: MessageAuthor) {
        switch author {
        case .user: self = .incoming
        case .bot, .agent: self = .outgoing
        case .system: self = .activity
        }
    }
}

extension JSONValue {
    /// A whole number.
    static func int(_ value: Int) -> JSONValue { .number(Double(value)) }
    /// A whole number.
    static func int(_ value: Int64) -> JSONValue { .number(Double(value)) }
    /// A string, or null.
    static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
}
