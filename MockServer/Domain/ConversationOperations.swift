import Foundation
import GRDB
import HandoffContract

/// The contract's conversation operations, each rule enforced once, here. Faces call the public methods, which pass
/// through the defect boundary (``DefectBoundary``, empty in normal use) to the reference rules below.
extension SupportStore {
    /// Opens a conversation in state `bot`. With an idempotency key, a retry returns the first one.
    public func openConversation(
        _ workspace: Workspace, userId: String, context: ConversationContext, idempotencyKey: String?
    ) async throws -> (conversation: Conversation, created: Bool) {
        try await boundary.openConversation(self, workspace, userId: userId, context: context, idempotencyKey: idempotencyKey)
    }

    /// Hands the conversation to a team. An unknown team is an error; a team that cannot take it
    /// is the distinct outcome `teamUnavailable` and leaves the conversation unchanged. A repeated
    /// transfer to the team that already has it changes nothing.
    public func transfer(_ workspace: Workspace, conversationId: String, to reference: TeamReference) async throws -> TransferOutcome {
        try await boundary.transfer(self, workspace, conversationId: conversationId, to: reference)
    }

    /// An agent takes the conversation; the first agent of its team when `agentId` is nil.
    /// Emits `conversation.assigned` when the assignee changes.
    public func accept(_ workspace: Workspace, conversationId: String, agentId: String?) async throws -> Conversation {
        let result = try await write { [self] db in
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
                        db.cached("SELECT * FROM agents WHERE team_id = ? ORDER BY id LIMIT 1"), arguments: [teamNumber])
                else { throw ContractError.validation(field: "agentId", reason: "the team has no agent to accept") }
                agent = Rows.agent(row)
            }
            if conversation.state == .assigned && conversation.assigneeId == agent.id { return conversation }
            let before = try conversationRow(db, id: EntityKind.conversation.number(from: conversationId)!)!
            return Rows.conversation(
                try changeConversation(
                    db, workspace, before: before, .init(state: .assigned, assigneeId: .some(EntityKind.agent.number(from: agent.id)))))
        }
        signal.fire(workspace.id)
        return result
    }

    /// The agent is done: emits `conversation.resolved` once.
    public func resolve(_ workspace: Workspace, conversationId: String) async throws -> Conversation {
        let result = try await write { [self] db in
            let conversation = try self.requireConversation(db, workspace, id: conversationId)
            _ = try conversation.state.apply(.resolve)
            if conversation.state == .resolved { return conversation }
            let before = try conversationRow(db, id: EntityKind.conversation.number(from: conversationId)!)!
            return Rows.conversation(try changeConversation(db, workspace, before: before, .init(state: .resolved)))
        }
        signal.fire(workspace.id)
        return result
    }

    /// The bot ends the session; idempotent, and final.
    public func close(_ workspace: Workspace, conversationId: String) async throws -> Conversation {
        try await boundary.close(self, workspace, conversationId: conversationId)
    }

    // MARK: The reference rules

    func referenceOpenConversation(
        _ workspace: Workspace, userId: String, context: ConversationContext, idempotencyKey: String?,
        initialState: ConversationState = .bot
    ) async throws -> (conversation: Conversation, created: Bool) {
        try await write { [self] db in
            if let idempotencyKey,
                let row = try Row.fetchOne(
                    db.cached("SELECT * FROM conversations WHERE workspace_id = ? AND idempotency_key = ?"),
                    arguments: [workspace.id, idempotencyKey])
            {
                let existing = Rows.conversation(row)
                guard existing.userId == userId else { throw ContractError.idempotencyKeyReused(idempotencyKey) }
                ChangeLog.record("conversation", existing.id, "found")
                return (existing, false)
            }
            guard let user = try self.user(db, workspace, id: userId) else {
                throw ContractError.notFound(resource: "user", id: userId)
            }
            let userNumber = EntityKind.user.number(from: user.id)!
            let inboxId = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM inboxes WHERE workspace_id = ? ORDER BY id LIMIT 1"), arguments: [workspace.id])
            let contactInbox = try inboxId.map { try ContactInboxRecord.ensure(db, userId: userNumber, inboxId: $0, at: now()) }
            let row = try createConversation(
                db, workspace,
                .init(
                    workspaceId: workspace.id, userId: userNumber, state: initialState,
                    customAttributes: try ChatwootMapping.customAttributes(for: context), idempotencyKey: idempotencyKey,
                    inboxId: inboxId,
                    contactInboxId: contactInbox))
            return (Rows.conversation(row), true)
        }
    }

    func referenceTransfer(_ workspace: Workspace, conversationId: String, to reference: TeamReference) async throws -> TransferOutcome {
        try await write { [self] db in
            let conversation = try self.requireConversation(db, workspace, id: conversationId)
            if conversation.state == .resolved { throw ContractError.conversationResolved }
            _ = try conversation.state.apply(.transfer)
            guard let team = try self.team(db, workspace, reference) else {
                switch reference {
                case .id(let id): throw ContractError.unknownTeam(id)
                case .name(let name): throw ContractError.unknownTeam(name)
                }
            }
            if conversation.teamId == team.id && conversation.state.isWithHumans {
                return .transferred(conversation, team)
            }
            guard team.availability.available else {
                return .teamUnavailable(team: team, reason: team.availability.reason ?? "unavailable")
            }
            return .transferred(try handTo(db, workspace, conversation, team), team)
        }
    }

    /// The write of a transfer: queued for the team, nobody assigned yet.
    func handTo(_ db: Database, _ workspace: Workspace, _ conversation: Conversation, _ team: Team) throws -> Conversation {
        let before = try conversationRow(db, id: EntityKind.conversation.number(from: conversation.id)!)!
        return Rows.conversation(
            try changeConversation(
                db, workspace, before: before,
                .init(state: .queued, teamId: .some(EntityKind.team.number(from: team.id)), assigneeId: .some(nil))))
    }

    func referenceClose(_ workspace: Workspace, conversationId: String) async throws -> Conversation {
        try await write { [self] db in
            let conversation = try self.requireConversation(db, workspace, id: conversationId)
            if conversation.state == .closed { return conversation }
            _ = try conversation.state.apply(.close)
            let before = try conversationRow(db, id: EntityKind.conversation.number(from: conversationId)!)!
            // Closed reads the same on every face: Chatwoot's resolved, marked as the bot's close.
            var attributes = Rows.object(before["custom_attributes"])
            attributes[ChatwootMapping.ContextKey.closedAt] = .string(ISO8601Time.string(Date()))
            return Rows.conversation(
                try changeConversation(db, workspace, before: before, .init(state: .closed, customAttributes: attributes)))
        }
    }
}
