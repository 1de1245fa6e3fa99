import Foundation

/// How the contract maps onto Chatwoot (PRODUCT.md, "Chatwoot binding"): conversation status ↔ state,
/// context ↔ conversation `custom_attributes`, choices ↔ `input_select` items, message type ↔ author.
///
/// Pure values, no I/O, in one place, so the client binding and a Chatwoot face read and write the
/// same shapes.
public enum ChatwootMapping {
    // MARK: State

    /// The conversation state a Chatwoot conversation reads as.
    ///
    /// | Chatwoot | contract |
    /// | --- | --- |
    /// | `pending` | `bot` |
    /// | `open` or `snoozed`, no human assignee | `queued` |
    /// | `open` or `snoozed`, a human (User) assignee | `assigned` |
    /// | `resolved` | `resolved` |
    /// | `resolved` with ``ContextKey/closedAt`` set | `closed` |
    ///
    /// Chatwoot has no closed state: the bot's close resolves the conversation and marks it with
    /// ``ContextKey/closedAt``. Returns nil for a status Chatwoot does not have.
    public static func state(status: String, hasHumanAssignee: Bool, closedByBot: Bool) -> ConversationState? {
        switch status {
        case "pending": .bot
        case "open", "snoozed": hasHumanAssignee ? .assigned : .queued
        case "resolved": closedByBot ? .closed : .resolved
        default: nil
        }
    }

    /// The Chatwoot status a state is stored as (`queued` and `assigned` differ by the assignee; `closed`
    /// by ``ContextKey/closedAt``).
    public static func status(for state: ConversationState) -> String {
        switch state {
        case .bot: "pending"
        case .queued, .assigned: "open"
        case .resolved, .closed: "resolved"
        }
    }

    /// True when an assignee type names a human: `User`, or absent (older payloads omit it).
    public static func isHuman(assigneeType: String?) -> Bool {
        assigneeType == nil || assigneeType == "User"
    }

    // MARK: Context

    /// The `custom_attributes` keys the binding owns. Every other key is a context attribute, stored flat
    /// so agents see it as it is in Chatwoot's sidebar.
    public enum ContextKey {
        /// Every key the binding owns starts with this; context attributes may not.
        public static let prefix = "handoff_"
        /// The current intent, a string.
        public static let intent = "handoff_intent"
        /// The unfinished intents, most recent first: a JSON array of strings, as text.
        public static let intents = "handoff_intents"
        /// The slots: a JSON object, as text.
        public static let slots = "handoff_slots"
        /// When the bot closed the session (ISO 8601): a resolved conversation with it reads as `closed`.
        public static let closedAt = "handoff_closed_at"
    }

    /// The `custom_attributes` that hold a context. Empty parts are left out.
    ///
    /// Intents and slots are JSON text (Chatwoot shows custom attributes as text); attributes are
    /// stored flat with their JSON values. An attribute key starting with `handoff_` is refused.
    public static func customAttributes(for context: ConversationContext) throws(ContractError) -> [String: JSONValue] {
        var attributes: [String: JSONValue] = [:]
        for (key, value) in context.attributes {
            guard !key.hasPrefix(ContextKey.prefix) else {
                throw .validation(
                    field: "context.attributes.\(key)",
                    reason: "keys starting with '\(ContextKey.prefix)' are reserved for the Chatwoot binding")
            }
            attributes[key] = value
        }
        if let intent = context.intent { attributes[ContextKey.intent] = .string(intent) }
        if !context.intents.isEmpty {
            attributes[ContextKey.intents] = .string(jsonText(.array(context.intents.map(JSONValue.string))))
        }
        if !context.slots.isEmpty { attributes[ContextKey.slots] = .string(jsonText(.object(context.slots))) }
        return attributes
    }

    /// The context held in a conversation's `custom_attributes`. Intents and slots are read as JSON text
    /// or as native JSON values; keys of the binding other than those are not attributes.
    public static func context(from customAttributes: [String: JSONValue]) -> ConversationContext {
        var context = ConversationContext()
        for (key, value) in customAttributes {
            switch key {
            case ContextKey.intent: context.intent = value.stringValue
            case ContextKey.intents:
                if case .array(let items)? = parsed(value) { context.intents = items.compactMap(\.stringValue) }
            case ContextKey.slots:
                if case .object(let slots)? = parsed(value) { context.slots = slots }
            default:
                if !key.hasPrefix(ContextKey.prefix) { context.attributes[key] = value }
            }
        }
        return context
    }

    /// True when the bot closed the conversation (its `custom_attributes` carry ``ContextKey/closedAt``).
    public static func isClosedByBot(_ customAttributes: [String: JSONValue]?) -> Bool {
        guard let value = customAttributes?[ContextKey.closedAt] else { return false }
        return value != .null
    }

    // MARK: Messages

    /// Who wrote a Chatwoot message.
    ///
    /// `incoming` is the user; `outgoing` is the bot when the sender is an agent bot (or an assistant)
    /// and an agent when it is a User; `activity` and `template` are the system. `messageType` is the
    /// integer of REST payloads (`0`…`3`) or the string of webhooks. `senderType` is the push data's
    /// `type` (`contact`, `user`, `agent_bot`, `captain_assistant`) or the model's `sender_type`
    /// (`Contact`, `User`, `AgentBot`).
    public static func author(messageType: String, senderType: String?) -> MessageAuthor {
        switch messageType {
        case "incoming", "0": return .user
        case "outgoing", "1":
            switch senderType?.lowercased() {
            case "agent_bot", "agentbot", "captain_assistant", "captain::assistant": return .bot
            case "user": return .agent
            case "contact": return .user
            default: return .system
            }
        default: return .system
        }
    }

    /// The `content_attributes.items` of an `input_select` message: `[{title, value}]`.
    public static func items(for choices: [Choice]) -> JSONValue {
        .array(choices.map { .object(["title": .string($0.label), "value": .string($0.value)]) })
    }

    /// The choices of an `input_select` message, from its `content_attributes`; nil for other messages.
    public static func choices(contentType: String?, contentAttributes: JSONValue?) -> [Choice]? {
        guard contentType == "input_select", case .object(let attributes)? = parsed(contentAttributes),
            case .array(let items)? = attributes["items"]
        else { return nil }
        return items.compactMap { item in
            guard case .object(let fields) = item else { return nil }
            let title = fields["title"]?.stringValue
            guard let value = fields["value"]?.stringValue ?? title else { return nil }
            return Choice(value: value, label: title ?? value)
        }
    }

    // MARK: JSON text

    static func jsonText(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// A value as given, or the JSON a string holds (Chatwoot accepts `content_attributes` as text too).
    static func parsed(_ value: JSONValue?) -> JSONValue? {
        guard let value else { return nil }
        if case .string(let text) = value, let data = text.data(using: .utf8),
            let decoded = try? JSONDecoder().decode(JSONValue.self, from: data)
        {
            return decoded
        }
        return value
    }
}
