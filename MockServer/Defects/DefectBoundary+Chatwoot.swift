import Foundation
import GRDB
import HandoffContract

/// The Chatwoot face's writes as its routes call them: each passes through the defect boundary to the reference.
extension SupportStore {
    /// `POST contacts`: the contact and, with `inbox_id`, its contact inbox.
    func createContact(_ workspace: Workspace, _ input: ContactInput) async throws -> [String: JSONValue] {
        try await boundary.createContact(self, workspace, input)
    }

    /// `POST conversations`: by `source_id`, or `inbox_id` + `contact_id`.
    func createConversationCW(
        _ workspace: Workspace, _ input: ConversationInput, principal: ChatwootPrincipal
    ) async throws
        -> [String: JSONValue]
    {
        try await boundary.createConversation(self, workspace, input, principal: principal)
    }

    /// `GET conversations`: 25 a page, newest activity first, with the four counts.
    func listConversations(
        _ workspace: Workspace, status: String, assigneeType: String, inboxId: Int64?, teamId: Int64?, page: Int, caller: Int64?
    ) throws -> [String: JSONValue] {
        let list = try referenceListConversations(
            workspace, status: status, assigneeType: assigneeType, inboxId: inboxId, teamId: teamId, page: page, caller: caller)
        return boundary.conversationList(list)
    }

    /// `POST toggle_status`.
    func toggleStatus(
        _ workspace: Workspace, number: Int64, status: String?, principal: ChatwootPrincipal
    ) async throws
        -> [String: JSONValue]
    {
        try await boundary.toggleStatus(self, workspace, number: number, status: status, principal: principal)
    }

    /// `POST assignments`: `assignee_id` first, else `team_id`; unknown ids clear the field.
    func assign(_ workspace: Workspace, number: Int64, assigneeId: Int64??, teamId: Int64??) async throws -> JSONValue {
        try await boundary.assign(self, workspace, number: number, assigneeId: assigneeId, teamId: teamId)
    }

    /// `POST messages`.
    func postChatwootMessage(
        _ workspace: Workspace, number: Int64, _ input: MessageInput, principal: ChatwootPrincipal
    )
        async throws -> [String: JSONValue]
    {
        var input = input
        if boundary.has(.cwPrivateNotesPublic) { input.private = nil }
        return try await referencePostChatwootMessage(workspace, number: number, input, principal: principal)
    }
}

/// Defects of the Chatwoot face: each alters the input, the answer or the call of the face's reference behaviour.
extension DefectBoundary {
    func createContact(_ store: SupportStore, _ workspace: Workspace, _ input: ContactInput) async throws -> [String: JSONValue] {
        guard !defects.isEmpty else { return try await store.referenceCreateContact(workspace, input) }
        var input = input
        if has(.cwDuplicateIdentifiers), let taken = input.identifier, !taken.isEmpty,
            try store.referenceUser(workspace, externalId: taken) != nil
        {
            input.identifier = "\(taken)#\(UUID().uuidString)"
        }
        if has(.cwNoContactInbox) { input.inbox_id = nil }
        return try await store.referenceCreateContact(workspace, input)
    }

    func createConversation(
        _ store: SupportStore, _ workspace: Workspace, _ input: ConversationInput, principal: ChatwootPrincipal
    )
        async throws -> [String: JSONValue]
    {
        let created = try await store.referenceCreateConversation(workspace, input, principal: principal)
        guard has(.cwBotInboxStartsOpen), created["status"] == .string("pending"), case .number(let id)? = created["id"],
            let number = Int64(exactly: id)
        else { return created }
        // A bot inbox's conversation goes to the humans at once, without the bot's handoff.
        try await store.write { db in
            let row = try store.requireConversationRow(db, workspace, number: number)
            try store.moveConversation(db, workspace, before: row, to: .humans, takenBy: nil)
        }
        store.signal.fire(workspace.id)
        return try store.showConversation(workspace, number: number)
    }

    func conversationList(_ list: [String: JSONValue]) -> [String: JSONValue] {
        guard has(.cwFlatConversationList), case .object(let data)? = list["data"] else { return list }
        return ["payload": data["payload"] ?? .array([])]
    }

    func toggleStatus(
        _ store: SupportStore, _ workspace: Workspace, number: Int64, status: String?, principal: ChatwootPrincipal
    ) async throws -> [String: JSONValue] {
        if has(.cwToggleOpenIgnored) && principal.isBot && status == "open",
            try store.showConversation(workspace, number: number)["status"] == .string("pending")
        {
            // Answers as the handoff does, and changes nothing.
            return [
                "meta": .object([:]),
                "payload": .object([
                    "success": .null, "conversation_id": .int(number), "current_status": "open", "snoozed_until": .null,
                ]),
            ]
        }
        return try await store.referenceToggleStatus(workspace, number: number, status: status, principal: principal)
    }

    func assign(
        _ store: SupportStore, _ workspace: Workspace, number: Int64, assigneeId: Int64??, teamId: Int64??
    ) async throws
        -> JSONValue
    {
        if has(.cwTeamAssignmentIgnored), assigneeId == nil, let teamId {
            // Answers with the team, and assigns nothing.
            return try store.chatwootTeamAnswer(workspace, number: number, teamId: teamId ?? nil)
        }
        return try await store.referenceAssign(workspace, number: number, assigneeId: assigneeId, teamId: teamId)
    }
}

extension SupportStore {
    /// The team `POST assignments` would answer with, without assigning it (`cw-team-assignment-ignored`).
    func chatwootTeamAnswer(_ workspace: Workspace, number: Int64, teamId: Int64?) throws -> JSONValue {
        try read { db in
            _ = try requireConversationRow(db, workspace, number: number)
            let team = try ChatwootViews(store: self, db: db, workspace: workspace).teamRow(teamId)
            return try team.map { try chatwootTeamAssignment($0, workspace) } ?? .null
        }
    }
}
