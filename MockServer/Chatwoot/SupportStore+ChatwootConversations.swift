import Foundation
import GRDB
import HandoffContract

/// A conversation as Chatwoot's `POST conversations` takes it.
struct ConversationInput: Decodable, Sendable {
    struct InitialMessage: Decodable, Sendable {
        var content: String?
        var content_type: String?
        var content_attributes: JSONValue?
        var `private`: Bool?
    }
    var source_id: String?
    var inbox_id: RailsID?
    var contact_id: RailsID?
    var status: String?
    var assignee_id: RailsID?
    var team_id: RailsID?
    var additional_attributes: [String: JSONValue]?
    var custom_attributes: [String: JSONValue]?
    var message: InitialMessage?
}

/// An id as Rails reads it: a number, or a string whose leading digits are the number (`"12"` → 12,
/// `"usr_9"` → 0, which finds nothing). Wrong types never fail the request; they find nothing.
struct RailsID: Decodable, Sendable {
    var value: Int64?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let text = try? container.decode(String.self) {
            value = Int64(text.prefix { $0.isASCII && $0.isNumber }) ?? 0
        } else {
            value = 0
        }
    }
}

extension SupportStore {
    func requireConversationRow(_ db: Database, _ workspace: Workspace, number: Int64) throws -> Row {
        guard
            let row = try Row.fetchOne(
                db.cached("SELECT * FROM conversations WHERE workspace_id = ? AND number = ?"), arguments: [workspace.id, number])
        else { throw ChatwootError.notFound }
        return row
    }

    /// `POST conversations`: by `source_id`, or `inbox_id` + `contact_id`.
    func referenceCreateConversation(
        _ workspace: Workspace, _ input: ConversationInput, principal: ChatwootPrincipal
    ) async throws
        -> [String: JSONValue]
    {
        let id = try await write { [self] db -> Int64 in
            let contactInboxRow: Row
            if let contactId = input.contact_id?.value, let inboxId = input.inbox_id?.value {
                _ = try requireContact(db, workspace, contactId)
                _ = try requireInbox(db, workspace, inboxId)
                let id = try contactInbox(db, userId: contactId, inboxId: inboxId, sourceId: input.source_id)
                contactInboxRow = try Row.fetchOne(db.cached("SELECT * FROM contact_inboxes WHERE id = ?"), arguments: [id])!
            } else {
                guard
                    let sourceId = input.source_id,
                    let row = try Row.fetchOne(
                        db.cached(
                            """
                            SELECT ci.* FROM contact_inboxes ci JOIN inboxes i ON i.id = ci.inbox_id
                            WHERE ci.source_id = ? AND i.workspace_id = ?
                            """), arguments: [sourceId, workspace.id])
                else { throw ChatwootError.notFound }
                contactInboxRow = row
            }
            let inboxId: Int64 = contactInboxRow["inbox_id"]
            // The status is checked in every inbox (Chatwoot assigns it before the bot's handoff rule applies).
            guard let custody = input.status.map({ ChatwootStatus(rawValue: $0)?.custody }) ?? .humans else {
                throw ChatwootError.unprocessable("'\(input.status ?? "")' is not a valid status")
            }
            let assignee = try input.assignee_id?.value.flatMap { id in
                try Int64.fetchOne(db.cached("SELECT id FROM agents WHERE id = ? AND workspace_id = ?"), arguments: [id, workspace.id])
            }
            let team = try input.team_id?.value.flatMap { id in
                try Int64.fetchOne(db.cached("SELECT id FROM teams WHERE id = ? AND workspace_id = ?"), arguments: [id, workspace.id])
            }
            let state = try initialState(db, asked: custody, inboxId: inboxId, assigned: assignee != nil)

            let created = try createConversation(
                db, workspace,
                .init(
                    workspaceId: workspace.id, userId: contactInboxRow["user_id"], state: state, teamId: team, assigneeId: assignee,
                    customAttributes: input.custom_attributes ?? [:],
                    additionalAttributes: input.additional_attributes ?? [:], inboxId: inboxId, contactInboxId: contactInboxRow["id"]))
            if let message = input.message, let content = message.content, !content.isEmpty {
                _ = try insertChatwootMessage(
                    db, workspace, conversation: created,
                    MessageInput(
                        content: content, message_type: "outgoing", private: message.private,
                        content_type: message.content_type, content_attributes: message.content_attributes),
                    principal: principal)
            }
            return created["id"]
        }
        // Rendered after the commit, outside the write transaction.
        return try read { db in
            try ChatwootViews(store: self, db: db, workspace: workspace).conversation(try conversationRow(db, id: id)!)
        }
    }

    /// `GET conversation/{id}`.
    func showConversation(_ workspace: Workspace, number: Int64) throws -> [String: JSONValue] {
        try read { db in
            try ChatwootViews(store: self, db: db, workspace: workspace).conversation(
                try requireConversationRow(db, workspace, number: number))
        }
    }

    /// `GET conversations`: 25 a page, newest activity first, with the four counts.
    func referenceListConversations(
        _ workspace: Workspace, status: String, assigneeType: String, inboxId: Int64?, teamId: Int64?, page: Int, caller: Int64?
    ) throws -> [String: JSONValue] {
        try read { db in
            let condition = Self.chatwootListCondition(workspace, status: status, inboxId: inboxId, teamId: teamId)
            let counts = try chatwootConversationCounts(db, condition, caller: caller ?? -1)
            var filter = ""
            var filterArguments: StatementArguments = []
            switch assigneeType {
            case "me":
                filter = " AND assignee_id = ?"
                filterArguments = [caller ?? -1]
            case "unassigned": filter = " AND assignee_id IS NULL"
            case "assigned": filter = " AND assignee_id IS NOT NULL"
            default: break
            }
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM conversations WHERE \(condition.sql)\(filter) ORDER BY updated_at DESC, id DESC LIMIT 25 OFFSET ?",
                arguments: condition.arguments + filterArguments + [(page - 1) * 25])
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            return [
                "data": .object([
                    "meta": counts.meta,
                    "payload": .array(try rows.map { .object(try views.conversation($0)) }),
                ])
            ]
        }
    }

    /// `POST toggle_status`: Chatwoot's rules, including the bot handoff (pending → open by a bot) and
    /// an agent's self-assignment when a conversation becomes open.
    func referenceToggleStatus(
        _ workspace: Workspace, number: Int64, status: String?, principal: ChatwootPrincipal
    ) async throws
        -> [String: JSONValue]
    {
        defer { signal.fire(workspace.id) }
        return try await write { [self] db -> [String: JSONValue] in
            let before = try requireConversationRow(db, workspace, number: number)
            let current = ChatwootStatus(rawValue: ChatwootViews.status(before)) ?? .open
            let next: ChatwootStatus
            var success: JSONValue = true
            if let status {
                guard let parsed = ChatwootStatus(rawValue: status) else {
                    throw ChatwootError.unprocessable("'\(status)' is not a valid status")
                }
                next = parsed
                if principal.isBot && current == .pending && next == .open { success = .null }
            } else {
                next = current == .open ? .resolved : .open
            }
            // Chatwoot assigns the agent who opens a conversation.
            var agent: Int64?
            if next == .open, case .user(let id, let role) = principal, role == "agent" { agent = id }
            do {
                try moveConversation(db, workspace, before: before, to: next.custody, takenBy: agent)
            } catch ContractError.conversationClosed {
                // Closed reads as resolved here, so resolving it again changes nothing; anything else is refused.
                throw ChatwootError.unprocessable(
                    "This conversation was closed by the bot and cannot be \(next.rawValue) again: "
                        + "the user's next contact opens a new conversation (\(ContractError.conversationClosed.code))")
            }
            return [
                "meta": .object([:]),
                "payload": .object([
                    "success": success, "conversation_id": .int(number), "current_status": .string(next.rawValue),
                    "snoozed_until": .null,
                ]),
            ]
        }
    }

    /// `POST assignments`: `assignee_id` first, else `team_id`; unknown ids clear the field.
    func referenceAssign(_ workspace: Workspace, number: Int64, assigneeId: Int64??, teamId: Int64??) async throws -> JSONValue {
        defer { signal.fire(workspace.id) }
        return try await write { [self] db -> JSONValue in
            let before = try requireConversationRow(db, workspace, number: number)
            let views = ChatwootViews(store: self, db: db, workspace: workspace)
            if let assigneeId {
                let agent = try views.agentRow(assigneeId ?? nil)
                try assignAgent(db, workspace, before: before, agentId: agent?["id"])
                return agent.map { .object(views.agent($0)) } ?? .null
            }
            if let teamId {
                let team = try views.teamRow(teamId ?? nil)
                try assignTeam(db, workspace, before: before, teamId: team?["id"])
                return try team.map { try chatwootTeamAssignment($0, workspace) } ?? .null
            }
            return .null
        }
    }

    /// A team as `POST assignments` answers it.
    func chatwootTeamAssignment(_ team: Row, _ workspace: Workspace) throws -> JSONValue {
        let now = ISO8601Time.string(Date())
        return .object([
            "id": .int(team["id"] as Int64), "name": .string(Rows.text(team, "name").lowercased()),
            "description": .string(Rows.optionalText(team, "description")), "allow_auto_assign": true,
            "account_id": .int(workspace.id), "created_at": .string(now), "updated_at": .string(now),
        ])
    }

    /// `POST custom_attributes`: replaces the whole hash.
    func setCustomAttributes(_ workspace: Workspace, number: Int64, _ attributes: [String: JSONValue]) async throws -> [String: JSONValue] {
        try await write { [self] db in
            let before = try requireConversationRow(db, workspace, number: number)
            try changeConversation(db, workspace, before: before, .init(customAttributes: attributes))
            return ["custom_attributes": .object(attributes)]
        }
    }

    /// `GET labels`: the conversation's labels, read (no write transaction).
    func labels(_ workspace: Workspace, number: Int64) throws -> [String: JSONValue] {
        try read { db in
            let row = try requireConversationRow(db, workspace, number: number)
            return ["payload": Rows.value(row["labels"], default: .array([]))]
        }
    }

    /// `POST labels`: replaces the set.
    func replaceLabels(_ workspace: Workspace, number: Int64, with labels: [String]) async throws -> [String: JSONValue] {
        try await write { [self] db in
            let before = try requireConversationRow(db, workspace, number: number)
            let unique = labels.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            try changeConversation(db, workspace, before: before, .init(labels: unique))
            return ["payload": .array(unique.map { .string($0) })]
        }
    }
}

extension SupportStore {
    /// `toggle_priority` / `PATCH {priority}`: low, medium, high, urgent or none.
    func setPriority(_ workspace: Workspace, number: Int64, _ priority: String?) async throws {
        if let priority, !["low", "medium", "high", "urgent"].contains(priority) {
            throw ChatwootError.unprocessable("'\(priority)' is not a valid priority")
        }
        try await write { [self] db in
            let before = try requireConversationRow(db, workspace, number: number)
            try changeConversation(db, workspace, before: before, .init(priority: .some(priority)))
        }
    }
}
