import Foundation
import GRDB
import HandoffContract

extension SupportStore {
    /// Opens a conversation in state `bot`. With an idempotency key, a retry returns the first one.
    public func openConversation(
        _ workspace: Workspace, userId: String, context: ConversationContext, idempotencyKey: String?
    ) throws -> (conversation: Conversation, created: Bool) {
        try write { db in
            let idempotencyKey = has(.ignoreIdempotencyKey) ? nil : idempotencyKey
            if has(.reopenClosedConversation), let number = EntityKind.user.number(from: userId),
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM conversations WHERE user_id = ? ORDER BY id DESC LIMIT 1", arguments: [number])
            {
                return (Rows.conversation(row), false)
            }
            if let idempotencyKey,
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM conversations WHERE workspace_id = ? AND idempotency_key = ?",
                    arguments: [workspace.id, idempotencyKey])
            {
                let existing = Rows.conversation(row)
                guard existing.userId == userId else { throw ContractError.idempotencyKeyReused(idempotencyKey) }
                return (existing, false)
            }
            guard let user = try self.user(db, workspace, id: userId) else {
                throw ContractError.notFound(resource: "user", id: userId)
            }
            let userNumber = EntityKind.user.number(from: user.id)!
            let inboxId = try Int64.fetchOne(
                db, sql: "SELECT id FROM inboxes WHERE workspace_id = ? ORDER BY id LIMIT 1", arguments: [workspace.id])
            let contactInbox = try inboxId.map { try self.contactInbox(db, userId: userNumber, inboxId: $0, sourceId: nil) }
            let context = has(.dropContext) ? ConversationContext() : context
            let row = try createConversation(
                db, workspace,
                .init(
                    workspaceId: workspace.id, userId: userNumber, state: has(.newConversationNotBot) ? .queued : .bot,
                    context: context, customAttributes: context.attributes, idempotencyKey: idempotencyKey, inboxId: inboxId,
                    contactInboxId: contactInbox))
            return (Rows.conversation(row), true)
        }
    }

    /// One conversation by id, or `notFound`.
    public func conversation(_ workspace: Workspace, id: String) throws -> Conversation {
        try db.read { db in try self.requireConversation(db, workspace, id: id) }
    }

    /// One conversation by its per-workspace number (Chatwoot's `display_id`), or `notFound`.
    public func conversation(_ workspace: Workspace, number: Int) throws -> Conversation {
        let found = try db.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM conversations WHERE workspace_id = ? AND number = ?",
                arguments: [workspace.id, number]
            ).map(Rows.conversation)
        }
        guard let found else { throw ContractError.notFound(resource: "conversation", id: String(number)) }
        return found
    }

    /// Conversations in id order after a cursor, optionally of one user and in one state.
    public func conversations(
        _ workspace: Workspace, userId: String?, state: ConversationState?, after: Int64, limit: Int
    ) throws -> [Conversation] {
        var sql = "SELECT * FROM conversations WHERE workspace_id = ? AND id > ?"
        var arguments: StatementArguments = [workspace.id, after]
        if let userId {
            guard let number = EntityKind.user.number(from: userId) else { return [] }
            sql += " AND user_id = ?"
            arguments += [number]
        }
        if let state {
            sql += " AND state = ?"
            arguments += [state.rawValue]
        }
        sql += " ORDER BY id LIMIT ?"
        arguments += [limit]
        return try db.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(Rows.conversation) }
    }

    /// Hands the conversation to a team. An unknown team is an error; a team that cannot take it
    /// is the distinct outcome `teamUnavailable` and leaves the conversation unchanged. A repeated
    /// transfer to the team that already has it changes nothing.
    public func transfer(
        _ workspace: Workspace, conversationId: String, to reference: TeamReference
    ) throws
        -> TransferOutcome
    {
        try write { db in
            let conversation = try self.requireConversation(db, workspace, id: conversationId)
            if conversation.state == .resolved { throw ContractError.conversationResolved }
            _ = try conversation.state.apply(.transfer)
            var found = try self.team(db, workspace, reference)
            if found == nil && has(.unknownTeamSucceeds) { found = try self.teams(db, workspace).first }
            if found != nil && has(.ignoreTransferTeam) { found = try self.teams(db, workspace).last }
            guard let team = found else {
                switch reference {
                case .id(let id): throw ContractError.unknownTeam(id)
                case .name(let name): throw ContractError.unknownTeam(name)
                }
            }
            if conversation.teamId == team.id && conversation.state.isWithHumans {
                return .transferred(conversation, team)
            }
            guard team.availability.available || has(.unavailableTeamSucceeds) else {
                return .teamUnavailable(team: team, reason: team.availability.reason ?? "unavailable")
            }
            let before = try conversationRow(db, id: EntityKind.conversation.number(from: conversation.id)!)!
            try changeConversation(
                db, workspace, before: before,
                .init(state: .queued, teamId: .some(EntityKind.team.number(from: team.id)), assigneeId: .some(nil)))
            if has(.dropHistoryOnTransfer) {
                try db.execute(
                    sql: "DELETE FROM messages WHERE conversation_id = ?",
                    arguments: [EntityKind.conversation.number(from: conversation.id)])
            }
            return .transferred(try self.requireConversation(db, workspace, id: conversationId), team)
        }
    }

    /// An agent takes the conversation; the first agent of its team when `agentId` is nil.
    /// Emits `conversation.assigned` when the assignee changes.
    public func accept(_ workspace: Workspace, conversationId: String, agentId: String?) throws -> Conversation {
        let result = try write { db in
            let conversation = try self.requireConversation(db, workspace, id: conversationId)
            _ = try conversation.state.apply(.accept)
            let agent: Agent
            if let agentId {
                guard let found = try self.agent(db, workspace, id: agentId) else {
                    throw ContractError.notFound(resource: "agent", id: agentId)
                }
                agent = found
            } else {
                guard
                    let teamNumber = conversation.teamId.flatMap(EntityKind.team.number(from:)),
                    let row = try Row.fetchOne(
                        db, sql: "SELECT * FROM agents WHERE team_id = ? ORDER BY id LIMIT 1", arguments: [teamNumber])
                else { throw ContractError.validation(field: "agentId", reason: "the team has no agent to accept") }
                agent = Rows.agent(row)
            }
            if conversation.state == .assigned && conversation.assigneeId == agent.id { return conversation }
            let before = try conversationRow(db, id: EntityKind.conversation.number(from: conversationId)!)!
            let after = try changeConversation(
                db, workspace, before: before, .init(state: .assigned, assigneeId: .some(EntityKind.agent.number(from: agent.id))))
            let updated = Rows.conversation(after)
            return updated
        }
        signal.fire(workspace.id)
        return result
    }

    /// The agent is done: emits `conversation.resolved` once.
    public func resolve(_ workspace: Workspace, conversationId: String) throws -> Conversation {
        let result = try write { db in
            let conversation = try self.requireConversation(db, workspace, id: conversationId)
            _ = try conversation.state.apply(.resolve)
            if conversation.state == .resolved { return conversation }
            let before = try conversationRow(db, id: EntityKind.conversation.number(from: conversationId)!)!
            let updated = Rows.conversation(try changeConversation(db, workspace, before: before, .init(state: .resolved)))
            return updated
        }
        signal.fire(workspace.id)
        return result
    }

    /// The bot ends the session; idempotent, and final.
    public func close(_ workspace: Workspace, conversationId: String) throws -> Conversation {
        try write { db in
            var conversation = try self.requireConversation(db, workspace, id: conversationId)
            if conversation.state == .closed {
                if has(.closeNotIdempotent) { throw ContractError.invalidTransition(from: .closed, transition: .close) }
                return conversation
            }
            if conversation.state == .bot && has(.closeOnlyAfterHandoff) {
                throw ContractError.invalidTransition(from: .bot, transition: .close)
            }
            if conversation.state == .resolved && has(.closeResolvedRefused) {
                throw ContractError.invalidTransition(from: .resolved, transition: .close)
            }
            _ = try conversation.state.apply(.close)
            if has(.closedStaysOpen) {
                conversation.state = .closed
                return conversation
            }
            let before = try conversationRow(db, id: EntityKind.conversation.number(from: conversationId)!)!
            return Rows.conversation(try changeConversation(db, workspace, before: before, .init(state: .closed)))
        }
    }

    func conversation(_ db: Database, _ workspace: Workspace, id: String) throws -> Conversation? {
        guard let number = EntityKind.conversation.number(from: id) else { return nil }
        if has(.leakAcrossWorkspaces) {
            return try Row.fetchOne(db, sql: "SELECT * FROM conversations WHERE id = ?", arguments: [number])
                .map(Rows.conversation)
        }
        // On every conversation route: a cached statement skips SQLite's (and GRDB's) prepare.
        return try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM conversations WHERE id = ? AND workspace_id = ?"),
            arguments: [number, workspace.id]
        ).map(Rows.conversation)
    }

    /// Only the state of a conversation of the workspace (a message needs no more), or `notFound`.
    func requireConversationState(_ db: Database, _ workspace: Workspace, id: String) throws -> ConversationState {
        let number = EntityKind.conversation.number(from: id)
        let text: String? =
            if let number, has(.leakAcrossWorkspaces) {
                try String.fetchOne(db.cachedStatement(sql: "SELECT state FROM conversations WHERE id = ?"), arguments: [number])
            } else if let number {
                try String.fetchOne(
                    db.cachedStatement(sql: "SELECT state FROM conversations WHERE id = ? AND workspace_id = ?"),
                    arguments: [number, workspace.id])
            } else {
                nil
            }
        guard let text else { throw ContractError.notFound(resource: "conversation", id: id) }
        return ConversationState(rawValue: text) ?? .bot
    }

    func requireConversation(_ db: Database, _ workspace: Workspace, id: String) throws -> Conversation {
        guard let found = try conversation(db, workspace, id: id) else {
            throw ContractError.notFound(resource: "conversation", id: id)
        }
        return found
    }
}
