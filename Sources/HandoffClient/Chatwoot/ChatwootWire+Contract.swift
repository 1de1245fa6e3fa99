import Foundation
import HandoffContract

// Chatwoot's JSON read as the contract's entities, and the contract's requests written as Chatwoot's.
// The rules of the mapping (status ↔ state, context ↔ custom_attributes, choices, authors) live in
// HandoffContract's `ChatwootMapping`; this file only moves fields.

extension WireContact {
    /// The contact as a user: id = contact id, externalId = `identifier`, attributes = `custom_attributes`.
    var user: User {
        User(
            id: id.text, externalId: identifier ?? "", name: name.nonEmpty, email: email.nonEmpty,
            phone: phoneNumber.nonEmpty, attributes: customAttributes ?? [:],
            createdAt: createdAt?.date ?? Date(timeIntervalSince1970: 0))
    }
}

extension WireConversation {
    /// The conversation in the contract's terms; nil when its status is not one Chatwoot has.
    /// Id and number are the `display_id`; the user is the contact.
    var conversation: Conversation? {
        let attributes = customAttributes ?? [:]
        guard
            let state = ChatwootMapping.state(
                status: status, hasHumanAssignee: humanAssigneeId != nil,
                closedByBot: ChatwootMapping.isClosedByBot(attributes))
        else { return nil }
        let created = createdAt?.date ?? timestamp?.date ?? Date(timeIntervalSince1970: 0)
        return Conversation(
            id: id.text, number: Int(id.text) ?? 0, userId: contactId ?? "", state: state,
            teamId: meta?.team?.id.text, assigneeId: humanAssigneeId,
            context: ChatwootMapping.context(from: attributes), createdAt: created,
            updatedAt: updatedAt?.date ?? timestamp?.date ?? created)
    }
}

extension WireTeam {
    /// The team. Chatwoot has no availability: every team reads as available, with its member count.
    func team(agentCount: Int) -> Team {
        Team(
            id: id.text, name: name, description: description.nonEmpty,
            availability: TeamAvailability(available: true, reason: nil, agentCount: agentCount))
    }
}

extension WireMessage {
    /// The message at position `seq` of its conversation's history.
    func message(conversationId: String, seq: Int) -> Message {
        let author = author
        return Message(
            id: id.text, conversationId: self.conversationId?.text ?? conversationId, seq: seq, author: author,
            visibility: isPrivate == true ? .internal : .public, text: content ?? "",
            choices: ChatwootMapping.choices(contentType: contentType, contentAttributes: contentAttributes),
            agentId: author == .agent ? sender?.id?.text : nil, clientMessageId: echoId,
            createdAt: createdAt?.date ?? Date(timeIntervalSince1970: 0))
    }
}

extension WireNewMessage {
    /// A mirrored message: user → `incoming`; bot → `outgoing` (`private` for internal notes); choices →
    /// `input_select` with `items`; the client message id → `echo_id` (Chatwoot echoes it, nothing more).
    init(_ message: NewMessage) {
        let choices = message.choices ?? []
        self.init(
            content: message.text, messageType: message.author == .user ? "incoming" : "outgoing",
            isPrivate: message.visibility == .internal, contentType: choices.isEmpty ? nil : "input_select",
            contentAttributes: choices.isEmpty ? nil : ["items": ChatwootMapping.items(for: choices)],
            echoId: message.clientMessageId)
    }
}

extension Optional where Wrapped == String {
    /// Nil for nil and for the empty string (Chatwoot sends `""` for unset names).
    var nonEmpty: String? {
        switch self {
        case .some(let text) where !text.isEmpty: text
        default: nil
        }
    }
}
