import Foundation
import GRDB
import HandoffContract

/// Defects of the conversation operations: each alters the input, the outcome or the call of a reference rule.
extension DefectBoundary {
    func openConversation(
        _ store: SupportStore, _ workspace: Workspace, userId: String, context: ConversationContext, idempotencyKey: String?
    ) async throws -> (conversation: Conversation, created: Bool) {
        guard !defects.isEmpty else {
            return try await store.referenceOpenConversation(workspace, userId: userId, context: context, idempotencyKey: idempotencyKey)
        }
        if has(.reopenClosedConversation), let latest = try store.latestConversation(workspace, userId: userId) {
            return (latest, false)
        }
        return try await store.referenceOpenConversation(
            workspace, userId: userId, context: has(.dropContext) ? ConversationContext() : context,
            idempotencyKey: has(.ignoreIdempotencyKey) ? nil : idempotencyKey,
            initialState: has(.newConversationNotBot) ? .queued : .bot)
    }

    func transfer(
        _ store: SupportStore, _ workspace: Workspace, conversationId: String, to reference: TeamReference
    ) async throws -> TransferOutcome {
        guard !defects.isEmpty else { return try await store.referenceTransfer(workspace, conversationId: conversationId, to: reference) }
        var reference = reference
        let teams = try store.referenceTeams(workspace)
        let named = try? store.team(workspace, reference)
        if named == nil && has(.unknownTeamSucceeds), let first = teams.first { reference = .id(first.id) }
        if named != nil && has(.ignoreTransferTeam), let last = teams.last { reference = .id(last.id) }
        if has(.allTeamsUnavailable) {
            // Every team reads as offline: the reference's checks, then the refusal, and nothing stored.
            let conversation = try store.conversation(workspace, id: conversationId)
            if conversation.state == .resolved { throw ContractError.conversationResolved }
            _ = try conversation.state.apply(.transfer)
            let team =
                try (try? store.team(workspace, reference)).map(reported)
                ?? {
                    switch reference {
                    case .id(let id): throw ContractError.unknownTeam(id)
                    case .name(let name): throw ContractError.unknownTeam(name)
                    }
                }()
            if conversation.teamId == team.id && conversation.state.isWithHumans { return .transferred(conversation, team) }
            return .teamUnavailable(team: team, reason: "offline")
        }
        var outcome = try await store.referenceTransfer(workspace, conversationId: conversationId, to: reference)
        if case .teamUnavailable(let team, _) = outcome, has(.unavailableTeamSucceeds) {
            outcome = await .transferred(try store.forceTransfer(workspace, conversationId: conversationId, to: team), team)
        }
        if case .transferred(let conversation, _) = outcome, has(.dropHistoryOnTransfer) {
            try await store.dropMessages(workspace, conversationId: conversation.id)
        }
        return outcome
    }

    func close(_ store: SupportStore, _ workspace: Workspace, conversationId: String) async throws -> Conversation {
        guard !defects.isEmpty else { return try await store.referenceClose(workspace, conversationId: conversationId) }
        let current = try store.conversation(workspace, id: conversationId)
        switch current.state {
        case .closed where has(.closeNotIdempotent),
            .bot where has(.closeOnlyAfterHandoff),
            .resolved where has(.closeResolvedRefused):
            throw ContractError.invalidTransition(from: current.state, transition: .close)
        default: break
        }
        if has(.closedStaysOpen) {
            // Answers as if closed, and stores nothing.
            var answered = current
            if current.state != .closed { _ = try current.state.apply(.close) }
            answered.state = .closed
            return answered
        }
        return try await store.referenceClose(workspace, conversationId: conversationId)
    }
}

/// What the conversation defects do to the store beside the reference rules.
extension SupportStore {
    /// The user's latest conversation, whatever its state (`reopen-closed-conversation` hands it back).
    func latestConversation(_ workspace: Workspace, userId: String) throws -> Conversation? {
        guard let number = EntityKind.user.number(from: userId) else { return nil }
        return try read { db in
            try Row.fetchOne(
                db.cached("SELECT * FROM conversations WHERE user_id = ? AND workspace_id = ? ORDER BY id DESC LIMIT 1"),
                arguments: [number, workspace.id]
            ).map(Rows.conversation)
        }
    }

    /// A transfer's write without its checks (`unavailable-team-succeeds`).
    func forceTransfer(_ workspace: Workspace, conversationId: String, to team: Team) async throws -> Conversation {
        try await write { [self] db in try handTo(db, workspace, try requireConversation(db, workspace, id: conversationId), team) }
    }

    /// Deletes a conversation's messages (`drop-history-on-transfer`).
    func dropMessages(_ workspace: Workspace, conversationId: String) async throws {
        try await write { db in
            try db.cached("DELETE FROM messages WHERE conversation_id = ?").execute(arguments: [
                EntityKind.conversation.number(from: conversationId)
            ])
        }
    }
}
