import GRDB
import HandoffContract

/// Who a face asks to have a conversation, for the faces that speak in statuses rather than in the contract's
/// operations (Chatwoot's `status` on create and `toggle_status`). The face translates its words; the rules of what
/// the conversation then becomes are here.
enum Custody: Sendable, Hashable {
    /// The bot handles it (Chatwoot's `pending`).
    case bot
    /// A team's humans have it, assigned or waiting (Chatwoot's `open` and `snoozed`).
    case humans
    /// The agent is done (Chatwoot's `resolved`).
    case resolved

    /// The contract state this custody means, given whether an agent is assigned.
    func state(assigned: Bool) -> ConversationState {
        switch self {
        case .bot: .bot
        case .humans: assigned ? .assigned : .queued
        case .resolved: .resolved
        }
    }
}

/// The rules of custody and assignment, each once: where a conversation starts, who has it after a status change,
/// and what an agent or team assignment does to its state. Every function runs inside the caller's write
/// transaction and writes through ``SupportStore/changeConversation(_:_:before:_:)``.
extension SupportStore {
    /// Whether the inbox has an active agent bot: its conversations start with the bot, and a contact's message
    /// reopens a resolved one to the bot.
    func inboxHasBot(_ db: Database, _ inboxId: Int64?) throws -> Bool {
        guard let inboxId else { return false }
        return try Int64.fetchOne(db.cached("SELECT bot_id FROM inboxes WHERE id = ?"), arguments: [inboxId]) != nil
    }

    /// The state a new conversation starts in: the custody asked for, except that an inbox with an agent bot always
    /// starts with the bot; with humans and an assignee it starts assigned.
    func initialState(_ db: Database, asked custody: Custody, inboxId: Int64?, assigned: Bool) throws -> ConversationState {
        if try inboxHasBot(db, inboxId) { return .bot }
        return custody.state(assigned: assigned)
    }

    /// Moves the conversation read as `before` to `custody`. An agent who moves it to humans takes it (`takenBy`,
    /// as Chatwoot assigns the agent who opens a conversation). A closed conversation is final: the user's next
    /// contact opens a new one, so resolving it again changes nothing and anything else is `conversationClosed`.
    /// Returns the row after (`before` when nothing changed).
    @discardableResult
    func moveConversation(
        _ db: Database, _ workspace: Workspace, before: Row, to custody: Custody, takenBy agent: Int64?
    ) throws -> Row {
        if ConversationState(rawValue: before["state"]) == .closed {
            guard custody == .resolved else { throw ContractError.conversationClosed }
            return before
        }
        var assignee: Int64? = before["assignee_id"]
        if custody == .humans, let agent { assignee = agent }
        return try changeConversation(
            db, workspace, before: before, .init(state: custody.state(assigned: assignee != nil), assigneeId: .some(assignee)))
    }

    /// Assigns an agent, or nobody. A conversation with humans becomes assigned (queued without an agent); one with
    /// the bot, resolved or closed keeps its state.
    @discardableResult
    func assignAgent(_ db: Database, _ workspace: Workspace, before: Row, agentId: Int64?) throws -> Row {
        let state = ConversationState(rawValue: before["state"]) ?? .bot
        let newState: ConversationState = state.isWithHumans ? (agentId == nil ? .queued : .assigned) : state
        return try changeConversation(db, workspace, before: before, .init(state: newState, assigneeId: .some(agentId)))
    }

    /// Assigns a team, or none. An assignee outside the new team is unassigned, and an assigned conversation left
    /// without its agent waits for the team (queued); clearing the team keeps the assignee.
    @discardableResult
    func assignTeam(_ db: Database, _ workspace: Workspace, before: Row, teamId: Int64?) throws -> Row {
        let state = ConversationState(rawValue: before["state"]) ?? .bot
        var assignee: Int64? = before["assignee_id"]
        if let current = assignee, let teamId,
            try Int64.fetchOne(db.cached("SELECT team_id FROM agents WHERE id = ?"), arguments: [current]) != teamId
        {
            assignee = nil
        }
        let newState: ConversationState = state == .assigned && assignee == nil ? .queued : state
        return try changeConversation(
            db, workspace, before: before, .init(state: newState, teamId: .some(teamId), assigneeId: .some(assignee)))
    }
}
